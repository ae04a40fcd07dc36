"""Bureau worklists: the cases on which the user's bureau acts next, with filters and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Case, CaseFiling, User
from webapp.services import permissions
from workflow import grading

#: For each state, the case functions that act next (derived from the actor column of the transition table).
ACTING_FUNCTIONS: dict[str, frozenset[str]] = {
    state: frozenset(
        function
        for row in grading.TRANSITIONS
        if state in row["source"]
        for function in row["actor"]
        if function in permissions.BUREAU_FUNCTION_COLUMNS
    )
    for state in grading.CASE_STATES
}


def _events_for(state: str, functions: frozenset[str]) -> tuple[str, ...]:
    """Events the holder of ``functions`` could fire in ``state`` (table order, no guard check)."""
    events = []
    for row in grading.TRANSITIONS:
        relevant = state in row["source"] and functions & set(row["actor"]) and row["event"] != "object"
        if relevant and row["event"] not in events:
            events.append(row["event"])
    return tuple(events)


def _acting_condition(bureau_id: int) -> sa.ColumnElement[bool]:
    """Cases in a state where one of the functions ``bureau_id`` holds acts next."""
    clauses = []
    for function, column in permissions.BUREAU_FUNCTION_COLUMNS.items():
        states = [state for state, functions in ACTING_FUNCTIONS.items() if function in functions]
        if states:
            clauses.append(sa.and_(getattr(Case, column) == bureau_id, Case.state.in_(states)))
    return sa.or_(*clauses)


@dataclass(frozen=True)
class WorklistRow:
    case: Case
    #: functions the user's bureau holds in the case
    functions: frozenset[str]
    #: events the bureau could fire next (labels resolved by the template)
    next_events: tuple[str, ...]


@dataclass
class Worklist:
    rows: list[WorklistRow]
    #: counts per state over the unfiltered worklist, for the filter chips
    counts: dict[str, int] = field(default_factory=dict)
    #: cases of lower bureaus the user may read (ARC-9.6) — separate tab, read-only
    supervised: list[Case] = field(default_factory=list)
    #: cases filed with this bureau (备案, ARC-9.3/9.5)
    filed: list[Case] = field(default_factory=list)


def worklist(
    user: User,
    *,
    today: date | None = None,
    state: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    tier: str | None = None,
    year: int | None = None,
) -> Worklist:
    """The bureau's cases where it acts next (counts per state over the unfiltered list), its lower bureaus'
    cases (ARC-9.6, read-only) and the cases filed with it (ARC-9.3/9.5). Empty for non-bureau users."""
    org = permissions.bureau_of(user)
    if org is None:
        return Worklist(rows=[])
    acting = _acting_condition(org.id)
    counts = dict(
        db.session.execute(
            sa.select(Case.state, sa.func.count(Case.id)).where(acting).group_by(Case.state)
        ).all()
    )
    query = sa.select(Case).where(acting)
    if state:
        query = query.where(Case.state == state)
    if level:
        query = query.where(Case.level == level)
    if kind:
        query = query.where(Case.kind == kind)
    if tier:
        query = query.where(Case.tier == tier)
    if year:
        query = query.where(Case.plan_year == year)
    rows = []
    for case in db.session.scalars(query.order_by(Case.applied_on, Case.id)):
        functions = permissions.bureau_functions(org.id, case)
        rows.append(WorklistRow(case, functions, _events_for(case.state, functions)))
    lower = permissions.lower_bureau_ids(org)
    supervised: list[Case] = []
    if lower:
        # coalesce: a NULL function column must count as "not ours", not make NOT(...) unknown
        own = [
            sa.func.coalesce(getattr(Case, column), 0) == org.id
            for column in permissions.BUREAU_FUNCTION_COLUMNS.values()
        ]
        below = [getattr(Case, column).in_(lower) for column in permissions.BUREAU_FUNCTION_COLUMNS.values()]
        supervised = list(
            db.session.scalars(
                sa.select(Case)
                .where(Case.state != "draft", sa.or_(*below), sa.not_(sa.or_(*own)))
                .order_by(Case.id.desc())
                .limit(500)
            )
        )
    filed = list(
        db.session.scalars(
            sa.select(Case)
            .join(CaseFiling, CaseFiling.case_id == Case.id)
            .where(CaseFiling.bureau_id == org.id)
            .order_by(CaseFiling.filed_on.desc(), Case.id.desc())
        )
    )
    return Worklist(
        rows=rows, counts={str(k): int(v) for k, v in counts.items()}, supervised=supervised, filed=filed
    )
