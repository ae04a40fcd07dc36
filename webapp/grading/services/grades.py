"""An organ's grade as the applying unit sees it, and the idempotent `kaoping tick` timer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.compiler import SQLCompiler

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services import transaction
from webapp.core.services.errors import NotFound
from webapp.grading.models import Case, Grade
from webapp.grading.services import permissions
from webapp.grading.services.case_facts import (
    RUNNING_STATES,
    current_grade,
    domain_grade_from,
    organ_facts,
    ruleset_for,
)
from webapp.grading.services.errors import Refused
from webapp.grading.services.permissions import Decision
from workflow import calendar
from workflow.errors import Refusal
from workflow.grading import TERMINAL_STATES
from workflow.grading.eligibility import eligible_options
from workflow.grading.grade import Grade as DomainGrade
from workflow.grading.grade import GradeState, GradeStatus, grade_status


@dataclass(frozen=True)
class ApplyOption:
    """One (level, kind) the organ might apply for now, with the reasons it may not (ARC-3.2, ARC-5, ARC-11.2)."""

    level: str
    kind: str
    label: str
    refusals: tuple[Refusal, ...]

    @property
    def allowed(self) -> bool:
        return not self.refusals


@dataclass
class OrganOverview:
    organ: Organisation
    status: GradeStatus
    options: list[ApplyOption]
    cases: list[Case] = field(default_factory=list)


def organ_overview(user: User, *, today: date | None = None) -> OrganOverview:
    """For a unit user: grade status (level, valid until, recheck due year, earliest promotion) and options.

    Each option lists every reason against it (eligibility, ARC-10.1.1 application window, a case already
    running), so the unit sees all it must fix at once. Raises `Refused` for users who act for no organ.
    """

    today = today or clock.today()
    org = permissions.organ_of(user)
    if org is None:
        raise Refused(Decision(False, "forbidden", "只有申报单位的用户可以查看本单位的等级与申报条件。"))
    return overview_of(org, today)


def overview_of(organ: Organisation, today: date) -> OrganOverview:
    """`organ_overview` without the user check (bureau pages may show an organ's standing)."""
    ruleset = ruleset_for()
    facts = organ_facts(organ)
    status = grade_status(facts.grade, today, facts.recheck_open, ruleset)
    cases = list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.organ_id == organ.id, Case.deleted_at.is_(None))
            .options(joinedload(Case.lodged_with))  # the list shows it: not a statement per case
            .order_by(Case.id.desc())
        )
    )
    running = [case for case in cases if case.state not in TERMINAL_STATES]
    common: list[Refusal] = []
    if not calendar.in_application_window(ruleset, today):
        start, end = calendar.application_window(ruleset, today.year)
        common.append(
            ruleset.refusal(
                "outside_application_window",
                "application_window",
                f"申报期为每年{start:%m-%d}至{end:%m-%d}，今天是{today}",
            )
        )
    if running:
        common.append(
            Refusal(
                "case_already_open",
                f"本机关已有办理中的案件（编号 {running[0].id}），请办结或撤回后再申请。",
                None,
            )
        )
    options = [
        ApplyOption(
            level=level,
            kind=kind,
            label=f"{ruleset.level(level).name}{ruleset.kind(kind).name}",
            refusals=tuple(refusals) + (tuple(common) if not _not_candidate(refusals) else ()),
        )
        for level, kind, refusals in eligible_options(ruleset, facts, today)
    ]
    return OrganOverview(organ=organ, status=status, options=options, cases=cases)


def _not_candidate(refusals: list[Refusal]) -> bool:
    return any(refusal.code == "not_a_candidate" for refusal in refusals)


def grade_of(organ_id: int, *, today: date | None = None) -> GradeStatus:
    """An organ's grade status today (for the API's ``/organs/<id>/grade``)."""
    today = today or clock.today()
    organ = db.session.get(Organisation, organ_id)
    if organ is None or not organ.is_organ:
        raise NotFound("单位不存在。")
    facts = organ_facts(organ)
    return grade_status(facts.grade, today, facts.recheck_open, ruleset_for())


@dataclass
class TickReport:
    lapsed: list[int] = field(default_factory=list)
    recheck_due: list[int] = field(default_factory=list)


#: Current grades read per query by the recheck scan: large enough that a province takes a few queries, small
#: enough that a batch of rows never weighs on the worker's memory.
TICK_BATCH = 5000


class _DayAfter(sa.sql.functions.GenericFunction[date]):
    """``column + 1 day`` as a date on either database (PostgreSQL: ``date + 1``; SQLite: ``date(x, '+1 day')``,
    which gives the ISO text SQLAlchemy stores dates as)."""

    type = sa.Date()
    inherit_cache = True
    name = "kaoping_day_after"


@compiles(_DayAfter, "postgresql")
def _day_after_postgresql(element: _DayAfter, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + 1)"


@compiles(_DayAfter, "sqlite")
def _day_after_sqlite(element: _DayAfter, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+1 day')"


def _running_recheck(organ_id: sa.ColumnElement[int]) -> sa.Exists:
    """A recheck of the organ is running (C1–C10): its grade stays in force (GT-05, GAP-4)."""
    return (
        sa.select(Case.id)
        .where(Case.organ_id == organ_id, Case.kind == "recheck", Case.state.in_(RUNNING_STATES))
        .exists()
    )


def tick(*, today: date | None = None) -> TickReport:
    """Advance what is due (ARC-11.5 lapse without a recheck application; GAP-4 keeps pending rechecks in force;
    flag recheck-due organs). Idempotent; never closes anything that needs a human.

    ``lapsed``: ids of the grades marked lapsed by this run; ``recheck_due``: ids of the organs whose recheck
    must be applied for this year and has not been (ARC-11.2).

    Set-based, so a province costs what a county does: the lapse is one ``UPDATE … RETURNING``; the recheck scan
    reads every organ's current grade with its running-recheck flag in batches of `TICK_BATCH` (one query each)
    and decides with the domain's `grade_status` — the one place the rule lives — never one query per organ.
    """
    today = today or clock.today()
    ruleset = ruleset_for()
    report = TickReport()
    with transaction():
        # ARC-11.5 (GT-08): past validity, not replaced, no recheck running (GAP-4 keeps those in force;
        # after a failed or withdrawn recheck, GAP-5, the grade lapses here once its validity ends)
        lapsed = db.session.scalars(
            sa.update(Grade)
            .where(
                Grade.valid_to < today,
                Grade.lapsed_on.is_(None),
                Grade.superseded_by_id.is_(None),
                sa.not_(_running_recheck(Grade.organ_id)),
            )
            .values(lapsed_on=_DayAfter(Grade.valid_to))
            .returning(Grade.id)
            .execution_options(synchronize_session=False)
        ).all()
        report.lapsed = sorted(lapsed)  # rows loaded earlier in the session are expired by the commit
        for organ_id, grade, recheck_running in _current_grades():
            status = grade_status(grade, today, recheck_running, ruleset)
            if status.recheck_due and status.state is GradeState.GRADED:
                report.recheck_due.append(organ_id)
    return report


def _current_grades() -> Iterator[tuple[int, DomainGrade, bool]]:
    """(organ id, current grade, a recheck is running) of every organ holding a grade neither lapsed nor replaced,
    in organ order: the grade `organ_facts` would read (the latest one no later grade replaced), one query per
    `TICK_BATCH` organs (keyset on the organ id)."""
    newer = sa.orm.aliased(Grade)
    standing = sa.orm.aliased(Grade)
    # correlated (NOT) EXISTS on the indexed organ_id rather than a window over every grade joined to a derived
    # table: a plan that stays an index look-up per row whatever the statistics say
    latest_of_organ = ~(
        sa.select(newer.id)
        .where(
            newer.organ_id == Grade.organ_id,
            newer.superseded_by_id.is_(None),
            sa.or_(
                newer.valid_from > Grade.valid_from,
                sa.and_(newer.valid_from == Grade.valid_from, newer.id > Grade.id),
            ),
        )
        .exists()
    )
    holds_a_grade = (
        sa.select(standing.id)
        .where(
            standing.organ_id == Grade.organ_id,
            standing.lapsed_on.is_(None),
            standing.superseded_by_id.is_(None),
        )
        .exists()
    )
    after = 0
    while True:
        rows = db.session.execute(
            sa.select(
                Grade.organ_id,
                Grade.level,
                Grade.valid_from,
                Grade.valid_to,
                Grade.certificate_kind,
                Grade.lapsed_on,
                _running_recheck(Grade.organ_id).label("recheck_running"),
            )
            .where(Grade.superseded_by_id.is_(None), Grade.organ_id > after, latest_of_organ, holds_a_grade)
            .order_by(Grade.organ_id)
            .limit(TICK_BATCH)
        ).all()
        for row in rows:
            grade = domain_grade_from(
                level=row.level,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                certificate_kind=row.certificate_kind,
                lapsed_on=row.lapsed_on,
                superseded_on=None,  # only grades no later one replaced are read here
            )
            yield row.organ_id, grade, bool(row.recheck_running)
        if len(rows) < TICK_BATCH:
            return
        after = rows[-1].organ_id


def current_grade_row(organ_id: int) -> Grade | None:
    """The organ's current certificate row (not replaced by a later one)."""
    return current_grade(organ_id)
