"""A page of a list that is read whole and worked out before it is cut into pages — an article's possible
duplicates (at most `duplicates.CHECKED`), a unit's articles of one period as the ledger scores them — with the
numbers a page's navigation needs; and a page of a list paginated in the query whose total is counted up to a
cap (a unit's article list, the office's article search: ``capped``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class ListPage(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int
    #: the total was counted up to a cap and there are more (`total` is then the cap)
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: Sequence[T], page: int, per_page: int) -> ListPage[T]:
    """Page ``page`` of ``items``: one before the first is the first, one past the last the last."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 1), pages)
    return ListPage(items[(page - 1) * per_page : page * per_page], len(items), page, per_page)
