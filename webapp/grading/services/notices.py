"""The public notice list (公示, ARC-10.3): no login needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from config.rulesets import available_rulesets, load_ruleset
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.pagination import KeysetPage, SortKey, keyset_page
from webapp.grading.models import Case
from webapp.grading.services.case_facts import ruleset_for
from webapp.grading.services.case_revision import kept_everywhere
from workflow import calendar
from workflow.errors import RulesetError
from workflow.ruleset import Ruleset

#: States in which a case appears on the public notice list (GAP-9: also while objections are verified).
NOTICE_STATES = ("in_notice", "objection_review")


@dataclass(frozen=True)
class NoticeBasis:
    """The regulation a notice is published under, in its own words (ARC-10.3.1, ARC-10.3.2)."""

    #: the regulation as cited: 《title》（number）, from the ruleset
    regulation: str
    #: 第十条
    article: str
    #: 在本级档案信息网站公示拟考评机关名单及考评等级
    publication: str
    #: 公示时间不少于7天
    period: str


@dataclass(frozen=True)
class NoticeRow:
    case_id: int
    organ_name: str
    level_label: str
    kind_label: str
    bureau_name: str
    start: date
    last_day: date
    #: True while objections are being verified (GAP-9)
    under_objection: bool
    bureau_id: int | None = None
    #: where the public reaches the organising bureau (Organisation.contact_phone / address)
    bureau_phone: str = ""
    bureau_address: str = ""
    basis: NoticeBasis | None = None

    @property
    def days(self) -> int:
        """Length of the notice, both ends counted (GAP-10)."""
        return (self.last_day - self.start).days + 1


def _basis(ruleset: Ruleset) -> NoticeBasis:
    publication = ruleset.rule_texts[ruleset.citations.get("notice_publication", "ARC-10.3.1")]
    period = ruleset.rule_texts[ruleset.citations.get("notice_period", "ARC-10.3.2")]
    return NoticeBasis(
        regulation=ruleset.documents.measures,
        article=publication.article,
        publication=publication.quote,
        period=period.quote,
    )


#: notices per page of the public list
PER_PAGE = 20
#: a bureau id beyond this is not one of ours (and must not reach the database as an overflow)
MAX_ID = 2**31 - 1


def earliest_running_start(rules: Ruleset, today: date) -> date:
    """The earliest publication day whose notice still runs ``today`` (its last day is today): the notice
    length is a fixed number of days from the start (`calendar.notice_last_day`), so the window is a range."""
    return today - (calendar.notice_last_day(rules, today) - today)


def running_condition(today: date) -> sa.ColumnElement[bool]:
    """SQL: the case is on the public list today — published, started, and its notice not yet run out under
    its own ruleset (or under objection, GAP-9). The same answer `_row` gives per case, in the query."""
    per_ruleset = []
    for ruleset_id in available_rulesets():
        try:
            rules = load_ruleset(ruleset_id)
        except RulesetError:  # a registered file edited by hand since: the admin page says so
            continue
        per_ruleset.append(
            sa.and_(Case.ruleset_id == rules.id, Case.notice_start >= earliest_running_start(rules, today))
        )
    return sa.and_(
        Case.state.in_(NOTICE_STATES),
        Case.notice_start.is_not(None),
        Case.notice_start <= today,
        sa.or_(Case.state == "objection_review", *per_ruleset),
    )


#: what a row shows besides the case: loaded with it, not one statement per row
ROW_LOADS = (joinedload(Case.organ), joinedload(Case.organizer))


def _row(case: Case) -> NoticeRow:
    assert case.notice_start is not None
    ruleset = ruleset_for(case)
    return NoticeRow(
        case_id=case.id,
        organ_name=case.organ.name,
        level_label=ruleset.level_name(case.level),
        kind_label=ruleset.kind_name(case.kind),
        bureau_name=case.organizer.name if case.organizer else "",
        start=case.notice_start,
        last_day=calendar.notice_last_day(ruleset, case.notice_start),
        under_objection=case.state == "objection_review",
        bureau_id=case.organizer_id,
        bureau_phone=(case.organizer.contact_phone or "") if case.organizer else "",
        bureau_address=(case.organizer.address or "") if case.organizer else "",
        basis=_basis(ruleset),
    )


def _ordered(query: sa.Select[tuple[Case]]) -> sa.Select[tuple[Case]]:
    return query.options(*ROW_LOADS).order_by(Case.notice_start, Case.id)


def current_notices(*, today: date | None = None, bureau_id: int | None = None) -> list[NoticeRow]:
    """Notices that have started and not yet run out (or are under objection), earliest first; optionally
    those of one organizing bureau. One statement."""
    today = today or clock.today()
    query = sa.select(Case).where(running_condition(today))
    if bureau_id is not None:
        query = query.where(Case.organizer_id == bureau_id)
    return [_row(case) for case in db.session.scalars(_ordered(query))]


#: the public list's order, earliest notice first, as a keyset (the API's cursor)
NOTICE_KEYS = (
    SortKey(Case.notice_start, "notice_start", date, descending=False),
    SortKey(Case.id, "id", int, descending=False),
)


def notice_cursor_page(
    *, today: date, cursor: str | None, limit: int, bureau_id: int | None = None
) -> KeysetPage[NoticeRow]:
    """`current_notices` one page at a time, after ``cursor`` (the API's list): one statement plus the
    eager loads, at any depth. A forged cursor is `BadQueryArg` (400 naming ``cursor``)."""
    query = sa.select(Case).where(running_condition(today)).options(*ROW_LOADS)
    if bureau_id is not None:
        query = query.where(Case.organizer_id == bureau_id)
    page = keyset_page(query, NOTICE_KEYS, cursor=cursor, limit=limit)
    return KeysetPage([_row(case) for case in page.items], page.next_cursor, page.limit)


@dataclass(frozen=True)
class NoticeBureau:
    """A bureau with notices running, for the list's filter."""

    id: int
    name: str
    count: int


def _list_basis(today: date) -> tuple[date, tuple[str, ...]]:
    """What the list is made of besides the cases: the day and the rulesets `running_condition` reads, by id (a
    registered id never changes content), for the list kept under every bureau's revision
    (`case_revision.kept_everywhere`: a case entering or leaving its notice, an organ or a bureau renamed, a
    bureau's contact changed, all move it)."""
    return today, tuple(available_rulesets())


def notice_bureaus(today: date) -> tuple[NoticeBureau, ...]:
    """The organising bureaus with notices running today and how many each: one grouped statement, kept under
    every bureau's revision (issue 12: the public list is the same for every visitor and changes a few times a
    day; it was counted at each view)."""

    def make() -> tuple[NoticeBureau, ...]:
        query = (
            sa.select(Organisation.id, Organisation.name, sa.func.count(Case.id))
            .join(Organisation, Organisation.id == Case.organizer_id)
            .where(running_condition(today))
            .group_by(Organisation.id, Organisation.name)
            .order_by(Organisation.name, Organisation.id)
        )
        return tuple(
            NoticeBureau(bureau_id, name, count) for bureau_id, name, count in db.session.execute(query)
        )

    return kept_everywhere(("notice_bureaus", *_list_basis(today)), make)


class NoticePage(Pagination):
    """One page of the public list, for the `pagination` macro: the rows and the total come from the caller
    (the total from the grouped bureau counts, so no COUNT statement of its own)."""

    def _query_items(self) -> list[Any]:
        return list(self._query_args["rows"])

    def _query_count(self) -> int:
        return int(self._query_args["total"])


def notice_page(*, today: date, bureau_id: int | None, page: int, total: int) -> NoticePage:
    """Page ``page`` (clamped to the pages there are) of the running notices, of one bureau or all: one
    statement (LIMIT/OFFSET; a notice list is short-lived and never deep), kept as `notice_bureaus` is."""
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)

    def make() -> tuple[NoticeRow, ...]:
        query = sa.select(Case).where(running_condition(today))
        if bureau_id is not None:
            query = query.where(Case.organizer_id == bureau_id)
        query = _ordered(query).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        return tuple(_row(case) for case in db.session.scalars(query))

    # kept as `notice_bureaus` is, whose counts gave ``total``
    rows = kept_everywhere(("notice_page", *_list_basis(today), bureau_id, page), make)
    return NoticePage(
        page=page, per_page=PER_PAGE, max_per_page=None, error_out=False, rows=rows, total=total
    )


def notice_of(case_id: int, *, today: date | None = None) -> NoticeRow | None:
    """One row of the public list (for the notice page and the objection form), or None if the case is not on
    it. One statement."""
    today = today or clock.today()
    if not 0 < case_id <= MAX_ID:
        return None
    query = _ordered(sa.select(Case).where(Case.id == case_id, running_condition(today)))
    case = db.session.scalars(query).first()
    return _row(case) if case is not None else None
