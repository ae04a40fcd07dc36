"""Keyword search, filters and pagination shared by every case list (/cases/, the worklist tabs, the API list
and the .xlsx export): one parser, one place that turns filters into SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from webapp.core.extensions import db
from webapp.core.models import Organisation, OrganTier, OrgKind, Role
from webapp.core.pagination import KeysetPage, SortKey, encode_cursor, keyset_page, order_by
from webapp.core.rulesets import selected_ruleset
from webapp.grading.models import CASE_STATE_LABELS, Case, CaseKind, Level
from webapp.grading.services import case_revision, case_rows, paging, permissions
from webapp.grading.services.case_revision import kept
from webapp.grading.services.case_rows import CaseRecord
from webapp.grading.services.errors import FilterError
from webapp.grading.services.overdue import flag_for, overdue_basis, overdue_condition
from webapp.grading.services.paging import Anchors, CappedPagination, capped_count, count_text

PER_PAGE = 20
MAX_PER_PAGE = 100
#: no one pages past this; a larger ?page= is a mistake, not a request for an empty page
MAX_PAGE = 100_000
MAX_QUERY_LENGTH = 60
YEAR_RANGE = (2000, 2100)
#: a case or organisation id beyond this is not one of ours (and must not reach the database as an overflow)
MAX_ID = 2**31 - 1


#: what a list row shows besides the case (its organ, organizing and approving bureaus), one statement each
ROW_LOADS = (selectinload(Case.organ), selectinload(Case.organizer), selectinload(Case.approver))
#: the same joined to a page's rows found by their keys (`_page_rows`): a statement each cost PostgreSQL 0.35 to
#: 0.6 ms (issue 12); joined to the whole list's query instead, PostgreSQL's plan of a worklist went 2 → 8 ms
PAGE_ROW_LOADS = (joinedload(Case.organ), joinedload(Case.organizer), joinedload(Case.approver))


@dataclass(frozen=True)
class CaseFilters:
    #: keyword: organ name, case number (编号; 「#12」 for the number alone), letter or certificate number
    q: str | None = None
    state: str | None = None
    level: str | None = None
    kind: str | None = None
    tier: str | None = None
    year: int | None = None
    #: a bureau holding any function in the case
    bureau: int | None = None
    overdue: bool = False

    def query_args(self) -> dict[str, Any]:
        """The filters as URL arguments (for links that keep them)."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in (None, False, ""):
                out[item.name] = 1 if value is True else value
        return out

    def __bool__(self) -> bool:
        return bool(self.query_args())


#: the values each choice filter accepts (stored ids, the same in every ruleset; the API document lists them)
FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "state": tuple(CASE_STATE_LABELS),
    "level": tuple(Level),
    "kind": tuple(CaseKind),
    "tier": tuple(OrganTier),
}


def _choices() -> dict[str, Mapping[str, str]]:
    """The values each filter accepts and their names: states from the procedure, the rest from the selected
    ruleset (rulesets share the stored ids, so one list serves cases of every ruleset)."""
    rules = selected_ruleset()
    return {
        "state": CASE_STATE_LABELS,
        "level": rules.level_names,
        "kind": rules.kind_names,
        "tier": rules.tier_names,
    }


_FIELD_NAMES = {"state": "状态", "level": "等级", "kind": "类别", "tier": "机关层级"}


def _int(value: str, low: int, high: int) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    number = int(value)
    return number if low <= number <= high else None


BUREAU_INVALID = "档案局的取值无效，请从列表中选择。"


def parse_filters(args: Mapping[str, str]) -> tuple[CaseFilters, dict[str, str]]:
    """Filters from a query string, and a message per bad value (bad values are left out of the filters)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = f"关键词不能超过{MAX_QUERY_LENGTH}个字。"
    elif q:
        values["q"] = q
    for name, labels in _choices().items():
        value = args.get(name) or ""
        if value and value not in labels:
            errors[name] = f"{_FIELD_NAMES[name]}的取值无效，请从列表中选择。"
        elif value:
            values[name] = value
    year = args.get("year") or ""
    if year:
        parsed = _int(year, *YEAR_RANGE)
        if parsed is None:
            errors["year"] = f"计划年度须为 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份。"
        else:
            values["year"] = parsed
    bureau = args.get("bureau") or ""
    if bureau:
        parsed = _int(bureau, 1, MAX_ID)
        if parsed is None:
            errors["bureau"] = BUREAU_INVALID
        else:
            values["bureau"] = parsed
    overdue = args.get("overdue") or ""
    if overdue not in ("", "0", "1"):
        errors["overdue"] = "“仅看超期”的取值无效。"
    values["overdue"] = overdue == "1"
    return CaseFilters(**values), errors


def parse_page(args: Mapping[str, str]) -> tuple[int, int]:
    """(page, per_page) from ``?page=`` and ``?per_page=``; raises `FilterError` when out of range."""
    errors: dict[str, str] = {}
    page = 1
    per_page = PER_PAGE
    if args.get("page"):
        parsed = _int(args["page"], 1, MAX_PAGE)
        if parsed is None:
            errors["page"] = f"页码须为 1–{MAX_PAGE} 之间的整数。"
        else:
            page = parsed
    if args.get("per_page"):
        parsed = _int(args["per_page"], 1, MAX_PER_PAGE)
        if parsed is None:
            errors["per_page"] = f"每页条数须为 1–{MAX_PER_PAGE} 之间的整数。"
        else:
            per_page = parsed
    if errors:
        raise FilterError(errors)
    return page, per_page


def parse_list_args(args: Mapping[str, str]) -> tuple[CaseFilters, dict[str, str], int, int]:
    """Filters, their errors, page and per_page of a list of cases (/cases/, /bureau/): a page number out of
    range is one more error, and the first page is shown."""
    filters, errors = parse_filters(args)
    try:
        page, per_page = parse_page(args)
    except FilterError as exc:
        errors = {**errors, **exc.errors}
        page, per_page = 1, PER_PAGE
    return filters, errors, page, per_page


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def apply_filters(stmt: sa.Select[Any], filters: CaseFilters, today: date) -> sa.Select[Any]:
    """``stmt`` (a SELECT over Case) narrowed by ``filters``."""
    if filters.q and filters.q.startswith("#") and _int(filters.q[1:], 1, MAX_ID) is not None:
        stmt = stmt.where(Case.id == int(filters.q[1:]))  # 「#12」: the case number and nothing else
    elif filters.q:
        like = f"%{_escape_like(filters.q)}%"
        organs = sa.select(Organisation.id).where(Organisation.name.ilike(like, escape="\\"))
        matches: list[sa.ColumnElement[bool]] = [
            Case.organ_id.in_(organs),
            Case.letter_no.ilike(like, escape="\\"),
            Case.certificate_no.ilike(like, escape="\\"),
        ]
        if _int(filters.q, 1, MAX_ID) is not None:
            matches.append(Case.id == int(filters.q))
        stmt = stmt.where(sa.or_(*matches))
    for name in ("state", "level", "kind", "tier"):
        value = getattr(filters, name)
        if value:
            stmt = stmt.where(getattr(Case, name) == value)
    if filters.year:
        stmt = stmt.where(Case.plan_year == filters.year)
    if filters.bureau:
        stmt = stmt.where(
            sa.or_(
                *(
                    getattr(Case, column) == filters.bureau
                    for column in permissions.BUREAU_FUNCTION_COLUMNS.values()
                )
            )
        )
    if filters.overdue:
        stmt = stmt.where(overdue_condition(today))
    return stmt


def with_bureau_choices(
    user: Any, filters: CaseFilters, errors: dict[str, str]
) -> tuple[CaseFilters, dict[str, str], tuple[tuple[int, str], ...]]:
    """The 档案局 filter's choices for ``user``, with ``filters`` and ``errors`` checked against them: a 档案局 that
    names no bureau (an edited address, a bureau since removed) is dropped with an error, as a malformed value is,
    so the page lists without that filter and marks the field instead of an empty list that does not say why."""
    choices = bureau_choices(user)
    if filters.bureau is None or any(bureau_id == filters.bureau for bureau_id, _ in choices):
        return filters, errors, choices
    return replace(filters, bureau=None), {**errors, "bureau": BUREAU_INVALID}, choices


def bureau_choices(user: Any) -> tuple[tuple[int, str], ...]:
    """Every bureau, for the 档案局 filter (a province has about 120). Kept under a bureau user's cases revision,
    which any bureau's change (added, renamed, moved) raises for every bureau, in a store of its own
    (`case_revision.CHOICES`), so these lists never push a bureau's counts out."""

    def read() -> tuple[tuple[int, str], ...]:
        return tuple(
            (row.id, row.name)
            for row in db.session.execute(
                sa.select(Organisation.id, Organisation.name)
                .where(Organisation.kind == OrgKind.BUREAU)
                .order_by(Organisation.parent_id.is_not(None), Organisation.id)
            )
        )

    bureau = permissions.bureau_of(user)
    return read() if bureau is None else kept(bureau.id, "bureau_choices", read, store=case_revision.CHOICES)


#: every case list's order: newest change first, the id breaking ties (total, so a keyset page never skips or
#: repeats a row); read off the index ``ix_cases_listing``
LIST_KEYS = (SortKey(Case.updated_at, "updated_at", datetime), SortKey(Case.id, "id", int))


def _listed(user: Any, filters: CaseFilters, today: date) -> sa.Select[Any]:
    return apply_filters(permissions.visible_cases(user), filters, today)


#: what `_kept_under` answers: the bureau, and what else the list is made of (None: not kept)
KeptUnder = tuple[int, tuple[Any, ...]] | None


def _kept_under(user: Any, filters: CaseFilters, today: date) -> KeptUnder:
    """The bureau whose cases revision ``user``'s list follows, and what else the list is made of; None when it is
    not kept. A bureau's list (what its staff may read is its bureaus' cases) is, unless a keyword is searched (it
    reads organisations' names, which the revision does not follow) or the user also sits on panels (their cases
    are the user's own)."""
    bureau = permissions.bureau_of(user)
    if bureau is None or filters.q or user.has_role(Role.REVIEWER):
        return None
    basis = overdue_basis(today) if filters.overdue else ()
    return bureau.id, (tuple(sorted(filters.query_args().items())), *basis)


def _total(user: Any, filters: CaseFilters, today: date, under: KeptUnder) -> int:
    """The list's total, counted up to the cap; a bureau's kept under its cases revision (``under``)."""

    def count() -> int:
        return int(db.session.scalar(sa.select(capped_count(_listed(user, filters, today), Case.id))) or 0)

    if under is None:
        return count()
    bureau_id, what = under
    return kept(bureau_id, ("listed", *what), count)


def _anchors(under: KeptUnder) -> Anchors | None:
    """Where the list's numbered pages start, kept with its total (`paging.Anchors`)."""
    if under is None:
        return None
    bureau_id, what = under
    return Anchors(
        LIST_KEYS,
        find=lambda offset: case_revision.anchor(bureau_id, ("page_start", *what, offset)),
        keep=lambda offset, start: case_revision.keep_anchor(bureau_id, ("page_start", *what, offset), start),
    )


def search(
    user: Any, filters: CaseFilters, today: date, *, page: int = 1, per_page: int = PER_PAGE
) -> CappedPagination:
    """The cases ``user`` may read, filtered, newest change first, one OFFSET page; the total is counted up to
    `paging.COUNT_CAP` (a province's 60,000 cases are not counted on every page view)."""
    under = _kept_under(user, filters, today)
    return CappedPagination(
        _keys_of(_listed(user, filters, today)),
        page,
        min(per_page, MAX_PER_PAGE),
        _total(user, filters, today, under),
        rows=_page_rows,
        anchors=_anchors(under),
    )


def _keys_of(listed: sa.Select[Any]) -> sa.Select[Any]:
    """The ids of a case list in its order: read off ``ix_cases_listing`` alone, however deep the page."""
    return listed.with_only_columns(Case.id).order_by(*order_by(LIST_KEYS))


def _page_rows(page: sa.Select[Any], keys: tuple[SortKey, ...] = LIST_KEYS) -> sa.Select[Any]:
    """The cases of one page of `_keys_of`, in the order of ``keys`` (the list's, or its reverse for 上一页),
    with what a row shows."""
    return sa.select(Case).where(Case.id.in_(page)).order_by(*order_by(keys)).options(*PAGE_ROW_LOADS)


def _page_records(page: sa.Select[Any], keys: tuple[SortKey, ...] = LIST_KEYS) -> sa.Select[Any]:
    """`_page_rows` as plain records (`case_rows`) with what /cases/ shows of each: its organ and organiser."""
    return case_rows.records(page, order_by(keys), shown=("organ", "organizer"))


def search_after(
    user: Any,
    filters: CaseFilters,
    today: date,
    *,
    cursor: str | None,
    limit: int = PER_PAGE,
    records: bool = False,
) -> KeysetPage[Any]:
    """One keyset page of the same list: the rows after ``cursor`` (None: the first page), with the cursor of
    the next page. The same cost at any depth: the database seeks to the cursor along the list's index.
    ``records``: the rows as /cases/ shows them (`case_rows.CaseRecord`), not mapped cases."""
    keys = _keys_of(_listed(user, filters, today))
    if records:
        return keyset_page(
            keys, LIST_KEYS, cursor=cursor, limit=limit, rows=_page_records, read=case_rows.read
        )
    return keyset_page(keys, LIST_KEYS, cursor=cursor, limit=limit, rows=_page_rows)


def search_before(
    user: Any,
    filters: CaseFilters,
    today: date,
    *,
    cursor: str,
    limit: int = PER_PAGE,
    records: bool = False,
) -> KeysetPage[Any]:
    """The page *before* the row ``cursor`` names (上一页 after a keyset step), in the list's order; its
    ``next_cursor`` is the cursor of its first row — pass it as ``before`` to go back once more (None: this is
    the first page). ``records`` as `search_after`."""
    backwards = tuple(replace(key, descending=not key.descending) for key in LIST_KEYS)
    keys = _keys_of(_listed(user, filters, today))
    page = keyset_page(
        keys,
        backwards,
        cursor=cursor,
        limit=limit,
        rows=partial(_page_records if records else _page_rows, keys=backwards),
        read=case_rows.read if records else None,
    )
    rows = list(reversed(page.items))
    more = page.next_cursor is not None
    return KeysetPage(rows, encode_cursor(LIST_KEYS, rows[0]) if more and rows else None, limit)


def cursor_of(case: Case) -> str:
    """The cursor naming ``case``'s place in the list (pages start after or end before it)."""
    return encode_cursor(LIST_KEYS, case)


#: the export stops here and says so: a list that long belongs in a database query, not a spreadsheet
EXPORT_LIMIT = 5000


def describe(filters: CaseFilters) -> str:
    """The filters in words, for the export's header line."""
    parts = []
    if filters.q:
        parts.append(f"关键词“{filters.q}”")
    for name, labels in _choices().items():
        value = getattr(filters, name)
        if value:
            parts.append(f"{_FIELD_NAMES[name]}：{labels.get(value, value)}")
    if filters.year:
        parts.append(f"计划年度：{filters.year}")
    if filters.bureau:
        name = db.session.scalar(sa.select(Organisation.name).where(Organisation.id == filters.bureau))
        parts.append(f"档案局：{name or '（不存在）'}")
    if filters.overdue:
        parts.append("仅超期")
    return "；".join(parts)


def export_xlsx(user: Any, filters: CaseFilters, today: date) -> bytes:
    """The filtered list as .xlsx (same filters and visibility as `search`), at most `EXPORT_LIMIT` rows."""

    stmt = _listed(user, filters, today)
    stmt = stmt.order_by(*order_by(LIST_KEYS)).limit(EXPORT_LIMIT + 1).options(*ROW_LOADS)
    found = list(db.session.scalars(stmt))
    note = ""
    if len(found) > EXPORT_LIMIT:
        found = found[:EXPORT_LIMIT]
        note = f"仅导出前{EXPORT_LIMIT}条，请缩小筛选范围。"
    rows = []
    for case in found:
        flag = flag_for(case, today)
        rows.append(
            (
                case.id,
                case.organ.name,
                case.ruleset.tier_name(case.tier),
                case.level_label,
                case.kind_label,
                case.plan_year or "",
                case.applied_on.isoformat() if case.applied_on else "",
                case.organizer.name if case.organizer else "",
                case.state_label,
                flag.text if flag else "",
                case.letter_no or "",
                case.certificate_no or "",
            )
        )
    from webapp.grading.documents.case_list import case_list_xlsx  # openpyxl loads on first use

    return case_list_xlsx(f"考评案件列表（{today.isoformat()}导出）", describe(filters), rows, note)


@dataclass(frozen=True)
class CaseListPage:
    """One page of the case list page (/cases/): its rows, where it is, and the cursors of its two ends.

    上一页 / 下一页 carry a cursor (``before`` the first row / ``after`` the last), so stepping costs the same
    on page 1 and page 1,000; a page number jumps by OFFSET (the numbered links). ``page`` is the number shown;
    after keyset steps it is carried along in the links, a label rather than a position."""

    items: list[CaseRecord]
    page: int
    per_page: int
    #: rows under the filters, counted up to `paging.COUNT_CAP` (+1)
    total: int
    has_prev: bool
    has_next: bool

    @property
    def first_cursor(self) -> str | None:
        return cursor_of(self.items[0]) if self.items else None

    @property
    def last_cursor(self) -> str | None:
        return cursor_of(self.items[-1]) if self.items else None

    @property
    def total_text(self) -> str:
        return count_text(self.total)

    @property
    def pages(self) -> int:
        counted = -(-min(self.total, paging.COUNT_CAP) // self.per_page)
        return max(counted, self.page + (1 if self.has_next else 0))

    def iter_pages(self) -> Any:
        """Page numbers for the numbered links (None: a gap), as Flask-SQLAlchemy draws them."""
        return Pagination.iter_pages(self, left_edge=1, left_current=2, right_current=3, right_edge=1)  # type: ignore[arg-type]


def browse(
    user: Any,
    filters: CaseFilters,
    today: date,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    after: str | None = None,
    before: str | None = None,
) -> CaseListPage:
    """The page of /cases/: after the ``after`` cursor, before the ``before`` cursor, or page ``page`` by
    OFFSET; plus the capped total. One statement for the rows (joined to what they show), one for the count
    unless kept."""
    under = _kept_under(user, filters, today)
    total = _total(user, filters, today, under)
    if after:
        found = search_after(user, filters, today, cursor=after, limit=per_page, records=True)
        return CaseListPage(list(found.items), max(page, 2), per_page, total, True, found.has_next)
    if before:
        found = search_before(user, filters, today, cursor=before, limit=per_page, records=True)
        first = found.next_cursor is None
        return CaseListPage(list(found.items), 1 if first else max(page, 2), per_page, total, not first, True)
    numbered = CappedPagination(
        _keys_of(_listed(user, filters, today)),
        page,
        per_page,
        total,
        last_if_past_end=True,
        rows=_page_records,
        anchors=_anchors(under),
        read=case_rows.read,
    )
    return CaseListPage(
        list(numbered.items), numbered.page, per_page, total, numbered.page > 1, numbered.more
    )
