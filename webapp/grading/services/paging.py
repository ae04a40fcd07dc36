"""Pages of case lists that stay cheap at province scale: a count that stops at a cap, and an OFFSET page that
knows whether a next page exists without counting (issue 12).

``SELECT count(*)`` over a province's 60,000 visible cases reads them all on every page view, only to print
"共 60000 件". Counting up to `COUNT_CAP` (+1, to tell "more than") stops there, and a list longer than the cap
says "1000+". Pages beyond the cap are still reachable: the page fetches one row more
than it shows, so "下一页" is offered while rows remain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from webapp.core import pagination
from webapp.core.extensions import db
from webapp.core.pagination import KeptPages, SortKey, after, last_page_if_past_end
from webapp.core.read_transactions import page_bound

#: a list longer than this reports "1000+" instead of its exact length (50 pages of 20; counting 1,001 of a
#: city's rows reads a few thousand index entries, counting 10,001 read the whole table)
COUNT_CAP = 1_000


def capped_count(stmt: sa.Select[Any], key: Any, cap: int | None = None) -> sa.ScalarSelect[int]:
    """`webapp.core.pagination.capped_count` with the case lists' cap, `COUNT_CAP`, unless another is given."""
    return pagination.capped_count(stmt, key, COUNT_CAP if cap is None else cap)


def count_text(total: int, cap: int | None = None) -> str:
    """``total`` as a list prints it: "1000+" once counting stopped at the cap."""
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if total > cap else str(total)


@dataclass(frozen=True)
class Anchors:
    """Where the pages of one list start, kept while the list stays as it is: ``find(offset)`` is the key (the
    values of ``keys``) of the row at that offset, if known; ``keep(offset, key)`` records one. A page with a
    known start seeks to it along the list's index instead of skipping ``offset`` rows (OFFSET 19,980 read as
    many index entries: 6 ms of PostgreSQL's time on page 1,000 of a province's cases). The caller keys them
    by everything the list is made of, so an anchor never outlives its list (`case_revision`)."""

    keys: Sequence[SortKey]
    find: Callable[[int], tuple[Any, ...] | None]
    keep: Callable[[int, tuple[Any, ...]], None]

    def key_of(self, row: Any) -> tuple[Any, ...]:
        return tuple(key.value_of(row) for key in self.keys)


class CappedPagination(Pagination):
    """One OFFSET page of ``select`` (rows + 1 fetched, so the next page is known without a count) and a capped
    total given by the caller (counted together with other lists' totals in one statement). Drop-in for the
    ``pagination`` macro: ``page``, ``pages``, ``has_next``, ``iter_pages`` …, plus ``total_text``."""

    def __init__(
        self,
        select: sa.Select[Any],
        page: int,
        per_page: int,
        total: int,
        cap: int | None = None,
        *,
        last_if_past_end: bool = False,
        rows: Callable[[sa.Select[Any]], sa.Select[Any]] | None = None,
        anchors: Anchors | None = None,
        kept_pages: KeptPages | None = None,
        read: Callable[[sa.Select[Any]], list[Any]] | None = None,
    ):
        """``last_if_past_end`` (pages people read): a page past the end of an exactly counted list — a stale
        link, a hand-typed number — shows the last page, not an empty one. An API keeps the page it was asked
        for (an empty one tells a client that walks pages until none is left to stop).

        ``rows`` (deep lists): ``select`` is then the list's primary keys in its order, and ``rows`` makes the
        SELECT of the rows of a page of them (given as a subquery), in the same order: the page's keys are found
        in an index and only its rows are read. PostgreSQL otherwise reads every row an OFFSET skips (page
        1,000 of the province's cases: 20,000 rows fetched to show 20).

        ``anchors`` (deep lists whose rows are mapped objects ordered by ``anchors.keys``): a page whose first
        row is known starts there (`Anchors`); each page served records where it and the next page start.

        ``kept_pages``: a page whose rows' keys are known is read by them (`KeptPages`); each page served records
        its keys.

        ``read``: how the page's SELECT becomes its rows (by default its mapped objects; `case_rows.read` for
        plain records)."""
        self.cap = COUNT_CAP if cap is None else cap
        self.more = False
        if last_if_past_end and total <= self.cap:
            page = last_page_if_past_end(page, per_page, total)
        super().__init__(
            page,
            per_page,
            per_page,
            False,
            False,
            select=select,
            rows=rows,
            anchors=anchors,
            kept_pages=kept_pages,
            read=read,
        )
        self.total = total

    def _query_items(self) -> list[Any]:
        kept_pages: KeptPages | None = self._query_args["kept_pages"]
        anchors: Anchors | None = self._query_args["anchors"]
        offset = self._query_offset
        known = kept_pages.find(offset, self.per_page) if kept_pages is not None else None
        start = None
        if known is not None:  # the page read by its rows' keys (and the row after it), in the list's order
            if not known:
                return []
            select = kept_pages.only(self._query_args["select"], known)  # type: ignore[union-attr]
        else:
            select = self._query_args["select"].limit(page_bound(self.per_page + 1))
            start = anchors.find(offset) if anchors is not None and offset else None
            if start is not None:
                select = select.where(after(anchors.keys, start, inclusive=True))  # type: ignore[union-attr]
            else:
                select = select.offset(page_bound(offset))
        if self._query_args["rows"] is not None:
            select = self._query_args["rows"](select)
        read = self._query_args["read"]
        rows = read(select) if read is not None else list(db.session.scalars(select))
        self.more = len(rows) > self.per_page
        if known is None:
            if anchors is not None and rows:
                if offset and start is None:
                    anchors.keep(offset, anchors.key_of(rows[0]))
                if self.more:
                    anchors.keep(offset + self.per_page, anchors.key_of(rows[self.per_page]))
            if kept_pages is not None:
                kept_pages.record(offset, self.per_page, rows)
        return rows[: self.per_page]

    def _query_count(self) -> int:  # the total is given; never counted here
        return 0

    @property
    def capped(self) -> bool:
        return (self.total or 0) > self.cap

    @property
    def pages(self) -> int:
        counted = math.ceil(min(self.total or 0, self.cap) / self.per_page) if self.per_page else 0
        if self.capped or self.more:
            return max(counted, self.page + (1 if self.more else 0))
        return counted

    @property
    def has_next(self) -> bool:
        return self.more

    @property
    def total_text(self) -> str:
        return count_text(self.total or 0, self.cap)
