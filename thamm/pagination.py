"""One way to page a list view (templates/includes/pagination.html shows the links)."""

from django.core.paginator import Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> dict:
    """`page`: the requested page of `queryset`; `query`: the request's other parameters (the
    filters), which the page links keep."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(queryset, per_page).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }
