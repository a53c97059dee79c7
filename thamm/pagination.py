"""One way to page a list view (templates/includes/pagination.html shows the links)."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 50


class IdsFirstPaginator(Paginator):
    """Reads a page past the first in two steps: the page's ids (through the index that serves
    the list's filter and order alone, without visiting the rows it skips), then those rows.

    A deep page read at once fetches every row it skips (page 20 of fifty: a thousand rows read
    to show fifty), and the planner may prefer sorting the whole filtered set to walking the
    index; the ids alone come from an index-only scan. The first page has nothing to skip.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom and isinstance(rows, QuerySet):
            # The ids in the list's own order; the rows come back in it from the outer query.
            rows = rows.filter(pk__in=rows.values("pk")[bottom:top])
        else:
            rows = rows[bottom:top]
        return self._get_page(rows, number, self)


class CappedPaginator(IdsFirstPaginator):
    """Pages through the first `cap` rows only, and counts no further than that.

    An exact COUNT(*) and a deep OFFSET cost as much as the whole set on every load; past the cap
    the page says there are more and asks for a search or a filter (`more`).
    """

    def __init__(self, object_list, per_page, cap: int, counted: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        if counted is not None:  # the caller knows already (up to cap + 1)
            self._counted = counted

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


def paginate(
    request: HttpRequest,
    queryset,
    per_page: int = PAGE_SIZE,
    cap: int | None = None,
    counted: int | None = None,
):
    """`page`: the requested page of `queryset`; `query`: the request's other parameters (the
    filters), which the page links keep. With `cap`, only the first `cap` rows are paged and
    counted (`page.paginator.more` says there are more); `counted`: how many rows there are, up
    to cap + 1, when the caller knows it already."""
    query = request.GET.copy()
    query.pop("page", None)
    if cap is None:
        paginator = IdsFirstPaginator(queryset, per_page)
    else:
        paginator = CappedPaginator(queryset, per_page, cap=cap, counted=counted)
    return {"page": paginator.get_page(request.GET.get("page")), "query": query.urlencode()}
