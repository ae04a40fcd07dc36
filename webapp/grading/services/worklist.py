"""Bureau worklists: the cases on which the user's bureau acts next, its lower bureaus' cases (ARC-9.6) and the
cases filed with it (ARC-9.3/9.5) — each tab filtered and paginated in the query, late work flagged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import joinedload, selectinload

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.read_transactions import in_constants
from webapp.core.services.organisations import subtree_bureau_ids
from webapp.grading.models import Case, CaseFiling, PanelMember, SummarySubmission
from webapp.grading.services import case_rows, permissions
from webapp.grading.services.case_revision import kept, kept_pages
from webapp.grading.services.case_rows import CaseRecord
from webapp.grading.services.case_search import PER_PAGE, CaseFilters, apply_filters
from webapp.grading.services.overdue import (
    APPLICANT_STATES,
    OverdueFlag,
    flag_for,
    overdue_basis,
    overdue_condition,
    summary_years_due,
)
from webapp.grading.services.paging import CappedPagination, capped_count, count_text
from workflow import grading

#: For each state, the case functions that act next (derived from the actor column of the transition table).
ACTING_FUNCTIONS: dict[str, frozenset[str]] = {
    state: frozenset(
        function
        for row in grading.TRANSITIONS
        if state in row.source
        for function in row.actors
        if function in permissions.BUREAU_FUNCTION_COLUMNS
    )
    for state in grading.CASE_STATES
}
TABS = ("act", "supervised", "filed")
#: what each tab's rows show besides the case row, joined to it: the organ everywhere, the organising bureau on
#: the supervised tab (loading the bureaus a tab does not show cost the county's worklist a tenth of its rows'
#: time, issue 12). These two tabs read plain records (`case_rows`); the filed tab reads its cases with the
#: approving bureau and the filings.
TAB_RECORDS = {"act": ("organ",), "supervised": ("organ", "organizer")}
#: each tab's order: the oldest application first where the bureau acts, the newest case or filing on the others
TAB_ORDER = {
    "act": (Case.applied_on, Case.id),
    "supervised": (Case.id.desc(),),
    "filed": (CaseFiling.filed_on.desc(), Case.id.desc()),
}
FILED_ROW_LOADS = (joinedload(Case.organ), joinedload(Case.approver), selectinload(Case.filings))
#: see `worklist`: an optimizer fence, not a limit anyone reaches
GROUPED_ROWS_FENCE = 1_000_000


def _events_for(state: str, functions: frozenset[str]) -> tuple[str, ...]:
    """Events the holder of ``functions`` could fire in ``state`` (table order, no guard check)."""
    events = []
    for row in grading.TRANSITIONS:
        relevant = state in row.source and functions & set(row.actors) and row.event != "object"
        if relevant and row.event not in events:
            events.append(row.event)
    return tuple(events)


@lru_cache(maxsize=1024)
def acting_condition(bureau_id: int) -> sa.ColumnElement[bool]:
    """Cases in a state where one of the functions ``bureau_id`` holds acts next (built once per bureau, as
    `subtree_bureau_ids` says why)."""
    clauses = []
    for function, column in permissions.BUREAU_FUNCTION_COLUMNS.items():
        states = [state for state, functions in ACTING_FUNCTIONS.items() if function in functions]
        if states:
            clauses.append(sa.and_(getattr(Case, column) == bureau_id, in_constants(Case.state, states)))
    return sa.or_(*clauses)


@dataclass(frozen=True)
class WorklistRow:
    case: CaseRecord
    #: functions the user's bureau holds in the case
    functions: frozenset[str]
    #: events the bureau could fire next (labels resolved by the template)
    next_events: tuple[str, ...]
    #: late in its current state (days and rule), or None
    overdue: OverdueFlag | None = None


@dataclass
class Worklist:
    #: the page shown of the "act" tab (empty when another tab is shown)
    rows: list[WorklistRow]
    #: counts per state over the unfiltered worklist, for the filter chips (the "act" tab only)
    counts: dict[str, int] = field(default_factory=dict)
    #: overdue cases per state over the unfiltered worklist (the "act" tab only)
    overdue_counts: dict[str, int] = field(default_factory=dict)
    #: cases of lower bureaus the user may read (ARC-9.6) — the "supervised" tab's page, when it is shown
    supervised: list[CaseRecord] = field(default_factory=list)
    #: cases filed with this bureau (备案, ARC-9.3/9.5) — the "filed" tab's page, when it is shown
    filed: list[Case] = field(default_factory=list)
    #: the active tab's pagination (page, pages, total …), None for non-bureau users
    page: Any = None
    #: rows per tab under the filters, each counted up to `paging.COUNT_CAP` (+1: "1000+")
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue_counts.values())

    def total_text(self, tab: str) -> str:
        return count_text(self.totals.get(tab, 0))


@lru_cache(maxsize=1024)
def _supervised_condition(org_id: int) -> sa.ColumnElement[bool]:
    """Cases a bureau below ``org_id`` holds a function in, and ``org_id`` none (ARC-9.6)."""
    # coalesce: a NULL function column must count as "not ours", not make NOT(...) unknown
    own = [
        sa.func.coalesce(getattr(Case, column), 0) == org_id
        for column in permissions.BUREAU_FUNCTION_COLUMNS.values()
    ]
    lower = subtree_bureau_ids(org_id, strictly_below=True)
    below = [getattr(Case, column).in_(lower) for column in permissions.BUREAU_FUNCTION_COLUMNS.values()]
    return sa.and_(Case.state != "draft", sa.or_(*below), sa.not_(sa.or_(*own)))


def tab_queries(org_id: int, filters: CaseFilters, today: date) -> dict[str, sa.Select[tuple[Case]]]:
    """Each tab's filtered SELECT in its order (nothing run)."""
    acting = sa.select(Case).where(acting_condition(org_id)).order_by(*TAB_ORDER["act"])
    supervised = sa.select(Case).where(_supervised_condition(org_id)).order_by(*TAB_ORDER["supervised"])
    filed = (
        sa.select(Case)
        .join(CaseFiling, CaseFiling.case_id == Case.id)
        .where(CaseFiling.bureau_id == org_id)
        .order_by(*TAB_ORDER["filed"])
    )
    return {
        name: apply_filters(stmt, filters, today)
        for name, stmt in (("act", acting), ("supervised", supervised), ("filed", filed))
    }


def worklist(
    user: User,
    *,
    today: date | None = None,
    state: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    tier: str | None = None,
    year: int | None = None,
    filters: CaseFilters | None = None,
    tab: str = "act",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Worklist:
    """The bureau's worklist: one page of the tab shown (``tab``), the three tabs' totals under the same
    filters (one statement, each counted up to a cap) and, on the "act" tab, its counts per state and overdue
    counts (one grouped statement over the unfiltered tab). The tabs not shown are counted, never loaded.
    Empty for non-bureau users."""
    today = today or clock.today()
    org = permissions.bureau_of(user)
    if org is None:
        return Worklist(rows=[])
    if tab not in TABS:
        tab = "act"
    if filters is None:
        filters = CaseFilters(state=state, level=level, kind=kind, tier=tier, year=year)
    queries = tab_queries(org.id, filters, today)
    counts: dict[str, int] = {}
    overdue_counts: dict[str, int] = {}
    if tab == "act":
        counts, overdue_counts = kept(
            org.id, ("acting", *overdue_basis(today)), lambda: _acting_counts(org.id, today)
        )
        _remember_overdue(org, counts, overdue_counts, today)
    totals = _totals(org.id, queries, filters, today)
    listed = queries[tab]
    shown_with = TAB_RECORDS.get(tab)
    shown = CappedPagination(
        listed.with_only_columns(Case.id),
        page,
        per_page,
        totals[tab],
        last_if_past_end=True,
        # the page's ids in the tab's order, then those rows in the same order joined to what they show: a
        # statement fewer per relation (issue 12); as plain records (`case_rows`) on the tabs that allow it
        rows=(lambda keys: case_rows.records(keys, TAB_ORDER[tab], shown=shown_with))
        if shown_with
        else lambda keys: listed.where(Case.id.in_(keys)).options(*FILED_ROW_LOADS),
        read=case_rows.read if shown_with else None,
        # the page's ids kept with the tab's totals (not when a keyword is searched, as `_totals`)
        kept_pages=None
        if filters.q
        else kept_pages(org.id, ("pages", tab, *_filtered_by(filters, today)), Case.id),
    )
    rows = []
    if tab == "act":
        for case in shown.items:
            functions = permissions.bureau_functions(org.id, case)
            rows.append(
                WorklistRow(case, functions, _events_for(case.state, functions), flag_for(case, today))
            )
    return Worklist(
        rows=rows,
        counts=counts,
        overdue_counts=overdue_counts,
        supervised=list(shown.items) if tab == "supervised" else [],
        filed=list(shown.items) if tab == "filed" else [],
        page=shown,
        totals=totals,
    )


def _acting_counts(org_id: int, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """The "act" tab unfiltered: its cases per state, and the overdue ones per state (one grouped statement)."""
    late = overdue_condition(today)
    # grouped over a LIMITed subquery: without that fence SQLite groups by walking the state index over every
    # case in the province; with it, the per-function (column, state) indexes give just the tab's rows (the limit
    # is far above any bureau's open work and never reached)
    acting = (
        sa.select(Case.state.label("state"), sa.case((late, 1), else_=0).label("late"))
        .where(acting_condition(org_id))
        .limit(GROUPED_ROWS_FENCE)
        .subquery()
    )
    counts: dict[str, int] = {}
    overdue_counts: dict[str, int] = {}
    for row_state, count, overdue in db.session.execute(
        sa.select(acting.c.state, sa.func.count(), sa.func.sum(acting.c.late)).group_by(acting.c.state)
    ):
        counts[str(row_state)] = int(count)
        if overdue:
            overdue_counts[str(row_state)] = int(overdue)
    return counts, overdue_counts


def _totals(
    org_id: int, queries: dict[str, sa.Select[tuple[Case]]], filters: CaseFilters, today: date
) -> dict[str, int]:
    """The three tabs' totals under ``filters``, each counted up to the cap (one statement); kept under the
    bureau's cases revision unless a keyword is searched (it reads organisations' names, which the revision
    does not follow)."""

    def count() -> dict[str, int]:
        counted = {name: capped_count(stmt, Case.id) for name, stmt in queries.items()}
        # a bureau with none below it (a county) supervises nothing: CASE skips the count, which would otherwise
        # scan every case to find none (a WHERE guard is not hoisted out of the scan, a CASE branch is)
        has_lower = sa.exists(subtree_bureau_ids(org_id, strictly_below=True))
        counted["supervised"] = sa.case((has_lower, counted["supervised"]), else_=0)
        row = db.session.execute(sa.select(*(value.label(name) for name, value in counted.items()))).one()
        return {name: int(getattr(row, name) or 0) for name in queries}

    if filters.q:
        return count()
    return kept(org_id, ("totals", *_filtered_by(filters, today)), count)


def _filtered_by(filters: CaseFilters, today: date) -> tuple[Any, ...]:
    """What a kept value of a tab is made of besides the bureau's cases: the filters, and the day when lateness
    is one of them."""
    basis = overdue_basis(today) if filters.overdue else ()
    return (tuple(sorted(filters.query_args().items())), *basis)


# -- the navigation bar's count -------------------------------------------------------------------------------


def _count_statement(user: User, today: date) -> sa.Select[tuple[int]] | None:
    """One SELECT giving the user's overdue count, or None for users with no worklist."""
    late = overdue_condition(today)
    bureau = permissions.bureau_of(user)
    if bureau is not None:
        cases = sa.select(sa.func.count(Case.id)).where(acting_condition(bureau.id), late).scalar_subquery()
        if bureau.bureau_tier != "city":
            return sa.select(cases)
        years = summary_years_due(today)
        submitted = (
            sa.select(sa.func.count(SummarySubmission.id))
            .where(SummarySubmission.bureau_id == bureau.id, SummarySubmission.year.in_(years))
            .scalar_subquery()
        )
        return sa.select(cases + len(years) - submitted)
    if user.has_role(Role.REVIEWER):
        mine = sa.select(PanelMember.case_id).where(PanelMember.user_id == user.id)
        return sa.select(sa.func.count(Case.id)).where(Case.id.in_(mine), Case.state == "in_review", late)
    organ = permissions.organ_of(user)
    if organ is not None:
        return sa.select(sa.func.count(Case.id)).where(
            Case.organ_id == organ.id, in_constants(Case.state, APPLICANT_STATES), late
        )
    return None


def _count(user: User, today: date) -> int:
    stmt = _count_statement(user, today)
    return int(db.session.scalar(stmt) or 0) if stmt is not None else 0


def _remember_overdue(
    bureau: Any, counts: dict[str, int], overdue_counts: dict[str, int], today: date
) -> None:
    """The "act" tab has just counted the bureau's overdue work where it acts: that is the navigation bar's
    count for a county or province bureau (a city's adds its late summaries), so the request reads it once."""
    if (
        has_request_context()
        and bureau.bureau_tier != "city"
        and today == clock.today()
        and sum(counts.values()) < GROUPED_ROWS_FENCE
    ):
        g.kaoping_overdue_count = sum(overdue_counts.values())


def overdue_count(user: User, today: date) -> int:
    """Overdue work where ``user`` acts next (bureau: its worklist and a late summary; reviewer: panels in
    review; unit: its own steps). One query, cached for the request; a bureau's is kept per process under its
    cases revision (`case_revision.kept`)."""
    if has_request_context() and "kaoping_overdue_count" in g:
        return int(g.kaoping_overdue_count)
    signed_in = getattr(user, "is_authenticated", False)
    bureau = permissions.bureau_of(user) if signed_in else None
    if bureau is not None:  # the bureau's count, whichever of its staff asks: kept under its cases revision
        count = kept(bureau.id, ("overdue", *overdue_basis(today)), lambda: _count(user, today))
    else:
        count = _count(user, today) if signed_in else 0
    if has_request_context():
        g.kaoping_overdue_count = count
    return count
