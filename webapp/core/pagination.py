"""Keyset ("seek") pagination for lists that can be deep: the API lists and any page a person can page far into.

``OFFSET 20000`` makes the database read and throw away twenty thousand rows; a keyset page asks for the rows
*after the last one shown* in the list's order instead (``WHERE (updated_at, id) < (:last_updated, :last_id)``),
which an index answers in the same time on page 1 and on page 1,000. The position travels as an opaque
**cursor**: URL-safe base64 of the last row's key values. Clients never build one; they pass back the
``next_cursor`` of the page they have. A cursor that does not decode to the list's key is refused with 400
(``field: cursor``) and a Chinese message, never a 500 and never a silent first page.

The order must be total: the last key is the primary key, so rows with equal sort values keep one order and a
page boundary can never skip or repeat a row. Key columns must not be NULL (sort by ``coalesce`` otherwise).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination, SelectPagination

from webapp.core.extensions import db
from webapp.core.read_transactions import page_bound
from webapp.core.services.errors import BadQueryArg

T = TypeVar("T")

#: the default and largest number of rows per page of an API list
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
#: a cursor longer than this is not one of ours (keys are a few short values)
MAX_CURSOR_LENGTH = 512
BAD_CURSOR = "分页游标无效或已过期，请从第一页重新开始。"


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order: the SQL column, the attribute of a row that holds its value, the direction
    and the Python type of its values (``int``, ``bool``, ``str``, ``date`` or ``datetime``)."""

    column: Any
    attribute: str
    kind: type = int
    descending: bool = True

    def value_of(self, row: Any) -> Any:
        return getattr(row, self.attribute)


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    items: Sequence[T]
    #: the cursor of the page after this one, or None on the last page
    next_cursor: str | None
    limit: int

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode_cursor(keys: Sequence[SortKey], row: Any) -> str:
    values = [_encode_value(key.value_of(row)) for key in keys]
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_value(kind: type, value: Any) -> Any:
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
        return value
    if kind is str and isinstance(value, str) and len(value) <= 200:
        return value
    if kind is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError(value)


def decode_cursor(keys: Sequence[SortKey], cursor: str, name: str = "cursor") -> tuple[Any, ...]:
    """The key values a cursor carries, checked against the list's keys; `BadQueryArg` if it is not one."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadQueryArg(BAD_CURSOR, name)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(values)
        return tuple(_decode_value(key.kind, value) for key, value in zip(keys, values, strict=True))
    except (
        binascii.Error,
        UnicodeDecodeError,
        ValueError,
        TypeError,
    ) as exc:  # JSONDecodeError is a ValueError
        raise BadQueryArg(BAD_CURSOR, name) from exc


def after(
    keys: Sequence[SortKey], values: Sequence[Any], *, inclusive: bool = False
) -> sa.ColumnElement[bool]:
    """Rows strictly after ``values`` in the order ``keys`` describe (lexicographic, each key its direction);
    ``inclusive``: the row ``values`` name as well (a page that starts at a known row).

    Written as ``k1 > v1 OR (k1 = v1 AND k2 > v2) …`` rather than a row-value comparison so keys may mix
    directions, and bounded by ``k1 >= v1`` as well: PostgreSQL seeks along the leading key's index only with
    that bound (without it, it read the 19,980 entries before page 1,000's start of a province's cases and
    filtered them, 3.6 ms); SQLite seeks either way."""
    # bound as parameters of the column's type: SQLAlchemy refuses ``column < True`` written directly
    bound = [sa.literal(value, type_=key.column.type) for key, value in zip(keys, values, strict=True)]
    clauses: list[sa.ColumnElement[bool]] = []
    for index, key in enumerate(keys):
        equal = [k.column == v for k, v in zip(keys[:index], bound[:index], strict=True)]
        if inclusive and index == len(keys) - 1:
            beyond = key.column <= bound[index] if key.descending else key.column >= bound[index]
        else:
            beyond = key.column < bound[index] if key.descending else key.column > bound[index]
        clauses.append(sa.and_(*equal, beyond))
    lead = keys[0].column
    return sa.and_(lead <= bound[0] if keys[0].descending else lead >= bound[0], sa.or_(*clauses))


def order_by(keys: Sequence[SortKey]) -> list[Any]:
    return [key.column.desc() if key.descending else key.column.asc() for key in keys]


def keyset_page(
    query: sa.Select[Any],
    keys: Sequence[SortKey],
    *,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    scalars: bool = True,
    rows: Callable[[sa.Select[Any]], sa.Select[Any]] | None = None,
    read: Callable[[sa.Select[Any]], list[Any]] | None = None,
) -> KeysetPage[Any]:
    """One page of ``query`` in the order of ``keys``, starting after ``cursor`` (None or "" = the first page).

    One statement: the page's rows plus one, which only tells whether a next page exists. Eager loads the query
    carries (``selectinload``) add their one statement each, whatever the page. ``rows``: ``query`` selects the
    list's primary key, and ``rows`` makes the SELECT of the page's rows from that page of keys (a subquery), in
    the same order: the page is found in an index, then only its rows are read, joined to what they show.
    ``read``: how that SELECT becomes the page's rows, instead of ``scalars``."""
    if cursor:
        query = query.where(after(keys, decode_cursor(keys, cursor)))
    query = query.order_by(None).order_by(*order_by(keys)).limit(page_bound(limit + 1))
    if rows is not None:
        query = rows(query)
    if read is not None:
        found = read(query)
    else:
        result = db.session.execute(query)
        found = list(result.scalars().all() if scalars else result.all())
    more = len(found) > limit
    found = found[:limit]
    return KeysetPage(found, encode_cursor(keys, found[-1]) if more and found else None, limit)


def limit_arg(args: Any, name: str = "limit", default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    """``?limit=`` (or ``?per_page=``) checked: 1 … ``maximum``; 400 naming the parameter otherwise."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= maximum:
        raise BadQueryArg(f"每页条数应为1至{maximum}之间的整数。", name)
    return int(text)


__all__ = [
    "BAD_CURSOR",
    "DEFAULT_LIMIT",
    "KeptPages",
    "MAX_LIMIT",
    "KeysetPage",
    "SortKey",
    "after",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
    "limit_arg",
    "order_by",
]


def capped_count(stmt: sa.Select[Any], key: Any, cap: int) -> sa.ScalarSelect[int]:
    """A scalar subquery: the rows of ``stmt`` counted up to ``cap + 1`` (``key``: a column to select, e.g.
    ``Case.id``; the joins and filters of ``stmt`` are kept, its order and eager loads dropped). More than ``cap``
    means "more than ``cap``": a list's total is never counted past it (issue 12)."""
    inner = stmt.with_only_columns(key).order_by(None).limit(page_bound(cap + 1)).subquery()
    return sa.select(sa.func.count()).select_from(inner).scalar_subquery()


def last_page_if_past_end(page: int, per_page: int, total: int) -> int:
    """``page``, or the last page of ``total`` rows when it is past the end (page 1 of an empty list)."""
    return max(1, min(page, math.ceil(total / per_page))) if per_page else page


class PageKeys(Protocol):
    """Where a list's page keys are kept: a `webapp.core.services.kept.Kept` (``get`` / ``put``)."""

    def get(self, key: Hashable) -> tuple[Any, ...] | None: ...

    def put(self, key: Hashable, value: tuple[Any, ...]) -> object: ...


@dataclass(frozen=True)
class KeptPages:
    """The keys of the rows of a list's pages, kept while the list stays as it is: ``find(offset, per_page)`` is
    the keys of that page's rows (and of the row after it, for a pager that reads one more to know whether a next
    page exists), if known; ``keep(offset, per_page, keys)`` records them. A page whose keys are known is read by
    them (``column IN (…)``, under the list's own conditions, so a row that left the list is never shown) instead
    of finding them again, which for a list no index gives in order means sorting all of it to show 20 (issue 12):
    a county's worklist sorted its ~1,100 acting cases on every view (PostgreSQL's CPU for the page's statement,
    prepared: 1.0 ms, 0.17 read by its keys; a city's supervised tab 0.7 and 0.4), an office's intake its ~2,800
    waiting articles. Not for a list whose pages an index gives in order (the case list, `paging.Anchors`): read
    by their keys under its visibility they cost the same. The caller keys them by everything the list is made
    of, under a revision that moves with it (`case_revision`, the office's records revision)."""

    column: Any
    #: where the keys are kept
    store: PageKeys
    #: the key a page (its offset and size) is kept under now, or None when nothing may be kept (not a GET, or
    #: the transaction holds unwritten changes)
    key: Callable[[int, int], Hashable | None]

    def find(self, offset: int, per_page: int) -> tuple[Any, ...] | None:
        key = self.key(offset, per_page)
        return self.store.get(key) if key is not None else None

    def keep(self, offset: int, per_page: int, keys: tuple[Any, ...]) -> None:
        key = self.key(offset, per_page)
        if key is not None:
            self.store.put(key, keys)

    def only(self, select: sa.Select[Any], keys: tuple[Any, ...]) -> sa.Select[Any]:
        """``select`` (the list, with its conditions) narrowed to the rows of ``keys``."""
        return select.where(self.column.in_(keys))

    def record(self, offset: int, per_page: int, rows: Sequence[Any]) -> None:
        """Keep the keys of the page's ``rows``, read off each mapped row."""
        self.keep(offset, per_page, tuple(getattr(row, self.column.key) for row in rows))


class KeyedOffsetPage(Pagination):
    """One OFFSET page of a list whose total the caller has counted already (with other figures, in one
    statement), its rows read in two steps inside one statement: the page's keys in the list's order (``keys``,
    a SELECT of the primary key that an index answers without reading the rows it skips), then those rows
    (``rows``: given that page of keys as a subquery, the SELECT of the rows, ordered the same way).

    Sorting a few thousand full rows only to show twenty was most of an office's intake queue (2,856 articles
    waiting: 6.9 ms of SQL for the page; 0.5 ms in two steps, issue 12). Drop-in for the ``paged`` macro."""

    def __init__(
        self,
        keys: sa.Select[Any],
        rows: Callable[[sa.Select[Any]], sa.Select[Any]],
        page: int,
        per_page: int,
        total: int,
        *,
        last_if_past_end: bool = False,
        kept_pages: KeptPages | None = None,
        read: Callable[[sa.Select[Any]], list[Any]] | None = None,
    ):
        """``last_if_past_end`` (pages people read): a page past the end — a stale link, a typed number — shows
        the last page, not an empty one under counts that say there is work. An API keeps the page it asked for
        (an empty one tells a client walking the pages to stop). ``kept_pages``: a page whose rows' keys are
        known is read by them (`KeptPages`); each page served records its keys. ``read``: how the rows' SELECT
        becomes the page's rows (by default its mapped objects; `webapp.core.records` for plain records)."""
        if last_if_past_end:
            page = last_page_if_past_end(page, per_page, total)
        super().__init__(
            page, per_page, per_page, False, False, keys=keys, rows=rows, kept_pages=kept_pages, read=read
        )
        self.total = total

    def _query_items(self) -> list[Any]:
        keys: sa.Select[Any] = self._query_args["keys"]
        kept_pages: KeptPages | None = self._query_args["kept_pages"]
        offset = self._query_offset
        known = kept_pages.find(offset, self.per_page) if kept_pages is not None else None
        if known is not None:
            if not known:
                return []
            shown = kept_pages.only(keys, known)  # type: ignore[union-attr]
        else:
            shown = keys.limit(page_bound(self.per_page)).offset(page_bound(offset))
        select = self._query_args["rows"](shown)
        read = self._query_args["read"]
        rows = read(select) if read is not None else list(db.session.scalars(select).unique())
        if kept_pages is not None and known is None:
            kept_pages.record(offset, self.per_page, rows)
        return rows

    def _query_count(self) -> int:  # the total is given; never counted here
        return 0


class ShortListPage(SelectPagination):
    """``db.paginate`` for a list that is usually short (a section beside a page's main list): the page's rows
    plus one, and the rows counted only when the list goes beyond its first page — a first page with room to
    spare is the whole list, so no ``COUNT`` is sent for it (issue 12: a statement on every view of an office's
    intake, whose 上报 section is mostly empty). Drop-in for the ``paged`` macro."""

    def __init__(self, select: sa.Select[Any] | None, page: int, per_page: int) -> None:
        """``select`` None: the caller knows the list is empty (a value kept under a revision); nothing is sent."""
        self._fetched = 0
        super().__init__(page, per_page, per_page, False, True, select=select, session=db.session)

    def _query_items(self) -> list[Any]:
        if self._query_args["select"] is None:
            return []
        select = (
            self._query_args["select"]
            .limit(page_bound(self.per_page + 1))
            .offset(page_bound(self._query_offset))
        )
        rows = list(db.session.execute(select).unique().scalars())
        self._fetched = len(rows)
        return rows[: self.per_page]

    def _query_count(self) -> int:
        if self.page == 1 and self._fetched <= self.per_page:
            return self._fetched
        return super()._query_count()
