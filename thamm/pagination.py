"""One way to page a list view (templates/includes/pagination.html shows the links)."""

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows only, and counts no further than that.

    An exact COUNT(*) and a deep OFFSET cost as much as the whole set on every load; past the cap
    the page says there are more and asks for a search or a filter (`more`).
    """

    def __init__(self, object_list, per_page, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # Any cap + 1 rows tell whether there are more: no order, no joins.
        return self.object_list.order_by().select_related(None)[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def more(self) -> bool:
        return self._counted > self.cap


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE, cap: int | None = None):
    """`page`: the requested page of `queryset`; `query`: the request's other parameters (the
    filters), which the page links keep. With `cap`, only the first `cap` rows are paged and
    counted (`page.paginator.more` says there are more)."""
    query = request.GET.copy()
    query.pop("page", None)
    if cap is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CappedPaginator(queryset, per_page, cap=cap)
    return {"page": paginator.get_page(request.GET.get("page")), "query": query.urlencode()}
