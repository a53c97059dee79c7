"""Query counting for benchmarks/pages.py (bench settings only): response headers say how many
queries a request ran in all and how many before its view."""

from django.db import connection


class CountQueriesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        request.bench_query_count = count
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        response["X-Bench-Queries-Before-View"] = str(getattr(request, "bench_before_view", -1))
        return response


class MarkViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        count = getattr(request, "bench_query_count", None)
        if count is not None:
            request.bench_before_view = count[0]
