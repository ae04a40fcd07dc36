"""Read models of the unit's lists and of the API's article list: my unit's articles by state (tabs with their
counts), the leader's sign-off queue, the returns awaiting an answer, this period's adoptions.

Every list is one page of a query (never loaded whole and cut in Python); each issues the same few statements
whatever the data size: the page, its count, the tab counts and one query per relation shown. Every query starts
from `permissions.visible_clause`, so a list never shows what the article page would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from webapp.articles.models import (
    ARTICLE_STATE_LABELS,
    Adoption,
    Article,
    ArticleOffice,
    ArticleReturn,
    CommissionTarget,
    UrgentEvent,
    VocabularyTerm,
)
from webapp.articles.services import permissions
from webapp.articles.services.paging import ListPage
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.pagination import KeysetPage, SortKey, capped_count, keyset_page, order_by
from webapp.core.request_args import SQL_INT_MAX
from webapp.core.services.errors import BadQueryArg, NotFound
from workflow.articles import ARTICLE_STATES

PER_PAGE = 20
MAX_PER_PAGE = 100
#: no one pages past this; a larger ?page= is a typing error, not a request for an empty page
MAX_PAGE = 100_000
#: a keyword longer than a title (120) is not a keyword
MAX_QUERY_LENGTH = 60
#: ids a database integer column can hold
MAX_ID = SQL_INT_MAX

#: what a list row shows besides the article, loaded in one extra query per relation rather than one per row
ROW_LOADS = (
    selectinload(Article.office).selectinload(ArticleOffice.organisation),
    selectinload(Article.unit),
    selectinload(Article.author),
)


# -- filters -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilters:
    state: str | None = None
    #: keyword on the title
    q: str | None = None
    #: the office written to (API)
    office: int | None = None
    #: the writing unit (API)
    unit: int | None = None

    def query_args(self) -> dict[str, Any]:
        """The filters as URL arguments (for links that keep them)."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")
        }


def _int(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_filters(args: Mapping[str, str]) -> tuple[ArticleFilters, dict[str, str]]:
    """Filters from a query string and a Chinese message per bad value (a bad value is left out)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = f"关键词不能超过{MAX_QUERY_LENGTH}个字。"
    elif q:
        values["q"] = q
    state = (args.get("state") or "").strip()
    if state and state not in ARTICLE_STATES:
        errors["state"] = "稿件状态的取值无效，请从列表中选择。"
    elif state:
        values["state"] = state
    for name, words in (("office", "办公室"), ("unit", "报送单位")):
        raw = args.get(name) or ""
        if raw.strip():
            number = _int(raw, 1, MAX_ID)
            if number is None:
                errors[name] = f"{words}的取值无效，请从列表中选择。"
            else:
                values[name] = number
    return ArticleFilters(**values), errors


def parse_page(args: Mapping[str, str]) -> tuple[int, int]:
    """(page, per_page) from ``?page=`` and ``?per_page=``; `BadQueryArg` (400) when out of range."""
    page, per_page = 1, PER_PAGE
    if (args.get("page") or "").strip():
        parsed = _int(args["page"], 1, MAX_PAGE)
        if parsed is None:
            raise BadQueryArg(f"页码须为 1–{MAX_PAGE} 之间的整数。", "page")
        page = parsed
    if (args.get("per_page") or "").strip():
        parsed = _int(args["per_page"], 1, MAX_PER_PAGE)
        if parsed is None:
            raise BadQueryArg(f"每页条数须为 1–{MAX_PER_PAGE} 之间的整数。", "per_page")
        per_page = parsed
    return page, per_page


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _narrowed(stmt: sa.Select[Any], filters: ArticleFilters, *, with_state: bool = True) -> sa.Select[Any]:
    if filters.q:
        stmt = stmt.where(Article.title.ilike(f"%{_escape_like(filters.q)}%", escape="\\"))
    if filters.office:
        stmt = stmt.where(Article.office_id == filters.office)
    if filters.unit:
        stmt = stmt.where(Article.unit_id == filters.unit)
    if with_state and filters.state:
        stmt = stmt.where(Article.state == filters.state)
    return stmt


def _paginate(stmt: sa.Select[Any], page: int, per_page: int) -> Any:
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)


# -- the API's list ------------------------------------------------------------------------------------------


#: the API's list order, latest change first (keyset: the cursor carries the last row's pair)
LIST_KEYS = (SortKey(Article.updated_at, "updated_at", datetime), SortKey(Article.id, "id", int))
#: the page form's count stops here (a province's office holds hundreds of thousands of articles; counting them
#: all on every page is what made the old list slow); beyond it the answer says the total is at least this
COUNT_CAP = 1_000


def _listed(user: User, filters: ArticleFilters) -> sa.Select[Any]:
    return _narrowed(sa.select(Article).where(permissions.visible_clause(user)), filters)


def search(
    user: User, filters: ArticleFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> ListPage[Article]:
    """The articles ``user`` may see, filtered, latest change first, one page (the page form: OFFSET, with the
    total counted up to `COUNT_CAP`)."""
    stmt = _listed(user, filters)
    total = db.session.scalar(sa.select(capped_count(stmt, Article.id, COUNT_CAP)))
    rows = db.session.scalars(
        stmt.order_by(*order_by(LIST_KEYS)).options(*ROW_LOADS).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return ListPage(rows, min(int(total or 0), COUNT_CAP), page, per_page, capped=int(total or 0) > COUNT_CAP)


def search_after(
    user: User, filters: ArticleFilters, *, cursor: str | None, limit: int
) -> KeysetPage[Article]:
    """The same list in the cursor form: the rows after ``cursor`` (one indexed seek whatever the depth)."""
    return keyset_page(_listed(user, filters).options(*ROW_LOADS), LIST_KEYS, cursor=cursor, limit=limit)


# -- my unit's articles --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateTab:
    state: str | None
    label: str
    count: int


@dataclass
class UnitArticles:
    page: Any
    tabs: list[StateTab]
    filters: ArticleFilters


def _unit_articles(user: User) -> sa.Select[Any]:
    return sa.select(Article).where(permissions.visible_clause(user), Article.unit_id == user.organisation_id)


def unit_articles(
    user: User, filters: ArticleFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> UnitArticles:
    """My unit's articles as ``user`` may see them: a tab per state with its count (one query, the keyword
    applied) and one page of the chosen tab, latest change first."""
    base = _narrowed(_unit_articles(user), filters, with_state=False)
    counted = dict(
        db.session.execute(
            base.with_only_columns(Article.state, sa.func.count(Article.id)).group_by(Article.state)
        ).all()
    )
    tabs = [StateTab(None, "全部", sum(counted.values()))]
    tabs += [StateTab(s, ARTICLE_STATE_LABELS[s], int(counted.get(s, 0))) for s in ARTICLE_STATES]
    stmt = _narrowed(base, ArticleFilters(state=filters.state))
    stmt = stmt.order_by(Article.updated_at.desc(), Article.id.desc()).options(*ROW_LOADS)
    return UnitArticles(page=_paginate(stmt, page, per_page), tabs=tabs, filters=filters)


# -- the leader's sign-off queue (ZG-6.1) ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    article: Article
    #: days since it reached the leader (or since it came back after a return)
    days_waiting: int


def signoff_queue(
    user: User, today: date, *, page: int = 1, per_page: int = PER_PAGE
) -> tuple[Any, list[QueueRow]]:
    """Articles of the leader's unit awaiting sign-off: urgent reports on top, then the oldest first."""
    stmt = (
        _unit_articles(user)
        .where(Article.state == "awaiting_signoff")
        .order_by(
            sa.case((Article.kind == "urgent", 0), else_=1),
            Article.state_since.asc(),
            Article.id.asc(),
        )
        .options(*ROW_LOADS)
    )
    result = _paginate(stmt, page, per_page)
    rows = [QueueRow(a, max(0, (today - (a.state_since or today)).days)) for a in result.items]
    return result, rows


# -- returns awaiting the unit's answer --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnRow:
    article: Article
    open_return: ArticleReturn | None
    days_waiting: int


def returns_awaiting(
    user: User, today: date, *, page: int = 1, per_page: int = PER_PAGE
) -> tuple[Any, list[ReturnRow]]:
    """Returned articles (退改) of the unit with the open return's reason, the longest waiting first."""
    stmt = (
        _unit_articles(user)
        .where(Article.state == "returned")
        .order_by(Article.state_since.asc(), Article.id.asc())
        .options(*ROW_LOADS)
    )
    result = _paginate(stmt, page, per_page)
    ids = [a.id for a in result.items]
    open_returns: dict[int, ArticleReturn] = {}
    if ids:
        for row in db.session.scalars(
            sa.select(ArticleReturn)
            .where(ArticleReturn.article_id.in_(ids), ArticleReturn.answered_at.is_(None))
            .options(selectinload(ArticleReturn.returned_by))
            .order_by(ArticleReturn.id)
        ):
            open_returns[row.article_id] = row  # the latest open one wins
    rows = [
        ReturnRow(a, open_returns.get(a.id), max(0, (today - (a.state_since or today)).days))
        for a in result.items
    ]
    return result, rows


# -- this period's adoptions ------------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class Period:
    #: ``2027-03`` or ``2027-Q1``
    key: str
    label: str
    start: date
    end: date

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.key


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return Period(f"{year}-{month:02d}", f"{year}年{month}月", start, end)


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = month_period(year, 3 * quarter).end
    return Period(f"{year}-Q{quarter}", f"{year}年第{quarter}季度", start, end)


def parse_period(raw: str | None, today: date) -> Period:
    """``?period=2027-03`` (a month) or ``2027-Q1`` (a quarter); this month when empty; `BadQueryArg`
    otherwise."""
    text = (raw or "").strip()
    if not text:
        return month_period(today.year, today.month)
    month, quarter = _MONTH.match(text), _QUARTER.match(text)
    if month and YEAR_RANGE[0] <= int(month[1]) <= YEAR_RANGE[1] and 1 <= int(month[2]) <= 12:
        return month_period(int(month[1]), int(month[2]))
    if quarter and YEAR_RANGE[0] <= int(quarter[1]) <= YEAR_RANGE[1]:
        return quarter_period(int(quarter[1]), int(quarter[2]))
    raise BadQueryArg(
        f"统计期须为月份（如 {today.year}-03）或季度（如 {today.year}-Q1），收到的是“{text[:20]}”。", "period"
    )


def period_choices(today: date, selected: Period) -> list[Period]:
    """The selector: the last twelve months and the last four quarters (and the selected one if older)."""
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarter = (today.month - 1) // 3 + 1
    quarters = []
    year = today.year
    for _ in range(4):
        quarters.append(quarter_period(year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    choices = months + quarters
    if selected.key not in {p.key for p in choices}:
        choices.append(selected)
    return choices


@dataclass(frozen=True)
class AdoptionRow:
    adoption: Adoption
    class_name: str
    form_name: str


def unit_adoptions(
    user: User, period: Period, *, page: int = 1, per_page: int = PER_PAGE
) -> tuple[Any, list[AdoptionRow]]:
    """Adoptions of the unit's articles in ``period`` (withdrawn ones left out), newest first; the class and form
    names of the whole page in one query."""
    stmt = (
        sa.select(Adoption)
        .join(Article, Article.id == Adoption.article_id)
        .where(
            permissions.visible_clause(user),
            Article.unit_id == user.organisation_id,
            Adoption.cancelled_at.is_(None),
            Adoption.adopted_on.between(period.start, period.end),
        )
        .order_by(Adoption.adopted_on.desc(), Adoption.id.desc())
        .options(
            selectinload(Adoption.article),
            selectinload(Adoption.publication),
            selectinload(Adoption.office).selectinload(ArticleOffice.organisation),
        )
    )
    result = _paginate(stmt, page, per_page)
    offices = {a.office_id for a in result.items}
    names: dict[tuple[int, str, str], str] = {}
    if offices:
        for term in db.session.scalars(
            sa.select(VocabularyTerm).where(VocabularyTerm.office_id.in_(offices))
        ):
            names[(term.office_id, term.kind, term.code)] = term.name
    rows = [
        AdoptionRow(
            a,
            names.get((a.office_id, "class", a.class_code), a.class_code),
            names.get((a.office_id, "form", a.form_code), a.form_code),
        )
        for a in result.items
    ]
    return result, rows


# -- what a new article answers ----------------------------------------------------------------------------------


def commission_target_for(user: User, target_id: int) -> CommissionTarget:
    """A commission (约稿) addressed to ``user``'s unit, still open to answers; NotFound otherwise."""
    target = db.session.get(CommissionTarget, target_id)
    if (
        target is None
        or target.unit_id != user.organisation_id
        or target.commission.cancelled_at is not None
        or not permissions.can_write(user, target.commission.office_id)
    ):
        raise NotFound("约稿任务不存在或不是给本单位的。")
    return target


def urgent_event_for(user: User, event_id: int) -> UrgentEvent:
    """An urgent event (紧急信息) of ``user``'s unit it may report on; NotFound otherwise."""
    event = db.session.get(UrgentEvent, event_id)
    if (
        event is None
        or event.unit_id != user.organisation_id
        or not permissions.can_write(user, event.office_id)
    ):
        raise NotFound("紧急事件不存在或不是本单位的。")
    return event
