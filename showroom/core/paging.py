"""Pages of long sorted lists: the page's keys first, from the indexes, then its rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Window


class KeyedPages:
    """A sorted list for Django's and django-ninja's paginators (count(), slicing, iteration, all()), read in
    two steps: the page's ids from a query of the ids and sort keys only, then those rows with their related
    records. Sorting only the keys reads them from an index; sorting whole rows joined to their customer and
    consultant made SQLite build and sort every matching row first (a consultant's 20,000 open leads: 153 ms ->
    5 ms). With several disjoint `parts` (`ScopedQuerySet.visible_parts`, each filtered alike) the keys are one
    UNION ALL, which the database answers by merging each part's index-ordered read. The count is `whole`'s: the
    same rows as one query. Three queries a page, whatever the number of rows.

    With `counted` the keys query counts the list as well (a window count over the same query), and a page takes
    two queries: for a search whose order no index serves, where the database reads and sorts every match for
    the keys anyway, this saves building and running the search a second time. Never for a list that an index
    reads in order: the keys would stop after a page, the count would read the whole list."""

    ordered = True

    def __init__(self, whole: models.QuerySet, ordering: Sequence[str], parts: Sequence[models.QuerySet] = (),
                 rows: models.QuerySet | Callable[[list], list] | None = None, counted: bool = False):
        """`rows` reads the page's records by the ids the keys found (default: `whole`); a scoped queryset without
        the list's filters saves repeating a search that the keys have already done, and the model's own manager
        saves the scope too where the database would answer it badly for a list of ids (the ids come from the
        scoped keys, so the page cannot hold a row outside the scope). A function of the ids, returning the rows in
        their order, reads a page's rows in its own way (a table's values rather than model instances)."""
        if counted and parts:
            raise ValueError("a counted list is one query: its keys cannot be a union of parts")
        self.counted = counted
        self.whole = whole.order_by(*ordering)
        self.rows = whole if rows is None else rows
        if isinstance(self.rows, models.QuerySet):
            self.rows = self.rows.order_by()
        names = ["pk", *dict.fromkeys(name.lstrip("-") for name in ordering if name.lstrip("-") not in ("pk", "id"))]
        keyed = [part.order_by().values_list(*names) for part in (parts or [whole])]
        if len(keyed) == 1:
            self.keys = keyed[0].order_by(*ordering)
        else:
            self.keys = keyed[0].union(*keyed[1:], all=True).order_by(*ordering)

    def count(self) -> int:
        return self.whole.count()

    def all(self) -> KeyedPages:
        return self

    def __len__(self) -> int:
        return self.count()

    def _rows(self, ids: list) -> list:
        if not isinstance(self.rows, models.QuerySet):
            return self.rows(ids)
        found = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    def rows_and_count(self, offset: int, limit: int) -> tuple[list, int | None]:
        """The rows [offset, offset + limit) and the number of rows in the list, from the keys query when the
        list is `counted` (None for a page past the end: no row carries the count), else by count()."""
        if not self.counted:
            return self[offset:offset + limit], self.count()
        keys = list(self.keys.annotate(_count=Window(Count("*")))[offset:offset + limit])
        if not keys:
            return [], (0 if offset == 0 else None)
        return self._rows([key[0] for key in keys]), keys[0][-1]

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._rows([row[0] for row in self.keys[key]])
        rows = self[key:key + 1]
        if not rows:
            raise IndexError(key)
        return rows[0]

    def __iter__(self):
        ids = [row[0] for row in self.keys]
        for start in range(0, len(ids), CHUNK):
            yield from self._rows(ids[start:start + CHUNK])


class KeyedPaginator(Paginator):
    """Django's paginator, reading a `counted` KeyedPages page and its count in one query (core.web.paginate)."""

    def get_page(self, number):
        pages = self.object_list
        if not (isinstance(pages, KeyedPages) and pages.counted) or self.orphans:
            return super().get_page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if not 1 <= number <= MAX_PAGE:  # Django's way, the last page: never a number the database cannot offset by
            return super().get_page(number)
        rows, count = pages.rows_and_count((number - 1) * self.per_page, self.per_page)
        if count is None:  # past the last page: the last page too
            return super().get_page(number)
        self.__dict__["count"] = count  # the cached_property, read once
        return self._get_page(rows, number, self)


MAX_PAGE = 1_000_000  # beyond any list (25 million rows); the API refuses more
CHUNK = 500  # ids per query when the whole list is read (well under SQLite's bound parameters)
