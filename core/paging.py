"""Pages of a long list that cost the same at its end as at its start.

core.http.page_of slices the list itself: page 10,000 of the board made the database read and
throw away 500,000 rows (1.5 s), and every row skipped on the decision log had its evidence
counted first. Here a page is found by its keys alone, from whichever end is nearer (a page past
the middle reads the list backwards), and only its own rows are then loaded with what they
show. The same address rules as page_of (core.http.page_number).
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .http import page_number


class KeyPaginator(Paginator):
    """A Paginator over an ordered queryset whose order ends with a unique key (pk). With
    `rows_max`, it counts no further than that many rows (`capped` says it stopped): counting
    all 500,000 reports took 130 ms on every view of the board, and nobody pages that far."""

    def __init__(self, *args, rows_max: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_max = rows_max
        self.capped = False

    @cached_property
    def count(self) -> int:
        if self.rows_max is None:
            return super().count
        counted = self.object_list.order_by()[: self.rows_max + 1].count()
        self.capped = counted > self.rows_max
        return min(counted, self.rows_max)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        items: QuerySet = self.object_list
        count = self.count
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, count)
        if bottom > count // 2 and items.ordered and not self.capped:
            # Backwards from the end: the last page skips nothing.
            keys = list(items.reverse().values_list("pk", flat=True)[count - top : count - bottom])
            keys.reverse()
        else:
            keys = list(items.values_list("pk", flat=True)[bottom:top])
        rows = items.order_by().in_bulk(keys) if keys else {}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def page_by_keys(
    request, items: QuerySet, *, per_page: int | None = None, rows_max: int | None = None
) -> Page:
    """The page of `items` the address asks for (`?page=`), found by KeyPaginator (which counts
    at most `rows_max` rows); shown with core/_pagination.html like any other."""
    paginator = KeyPaginator(items, per_page or settings.PAGE_SIZE, rows_max=rows_max)
    return paginator.get_page(page_number(request.GET.get("page")))
