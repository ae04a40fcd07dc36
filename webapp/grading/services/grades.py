"""An organ's grade as the applying unit sees it, and the idempotent `kaoping tick` timer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services import transaction
from webapp.core.services.errors import NotFound
from webapp.grading.models import Case, Grade
from webapp.grading.services import permissions
from webapp.grading.services.case_facts import RUNNING_STATES, current_grade, organ_facts, ruleset_for
from webapp.grading.services.errors import Refused
from webapp.grading.services.permissions import Decision
from workflow import calendar
from workflow.errors import Refusal
from workflow.grading import TERMINAL_STATES
from workflow.grading.eligibility import eligible_options
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


def tick(*, today: date | None = None) -> TickReport:
    """Advance what is due (ARC-11.5 lapse without a recheck application; GAP-4 keeps pending rechecks in force;
    flag recheck-due organs). Idempotent; never closes anything that needs a human.

    ``lapsed``: ids of the grades marked lapsed by this run; ``recheck_due``: ids of the organs whose recheck
    must be applied for this year and has not been (ARC-11.2).
    """
    today = today or clock.today()
    ruleset = ruleset_for()
    report = TickReport()
    running_recheck = (
        sa.select(Case.id)
        .where(Case.organ_id == Grade.organ_id, Case.kind == "recheck", Case.state.in_(RUNNING_STATES))
        .exists()
    )
    with transaction():
        # ARC-11.5 (GT-08): past validity, not replaced, no recheck running (GAP-4 keeps those in force;
        # after a failed or withdrawn recheck, GAP-5, the grade lapses here once its validity ends)
        due = db.session.scalars(
            sa.select(Grade)
            .where(
                Grade.valid_to < today,
                Grade.lapsed_on.is_(None),
                Grade.superseded_by_id.is_(None),
                sa.not_(running_recheck),
            )
            .order_by(Grade.id)
        ).all()
        for grade in due:
            grade.lapsed_on = calendar.ONE_DAY + grade.valid_to
            report.lapsed.append(grade.id)
        db.session.flush()
        organ_ids = db.session.scalars(
            sa.select(Grade.organ_id)
            .where(Grade.lapsed_on.is_(None), Grade.superseded_by_id.is_(None))
            .distinct()
            .order_by(Grade.organ_id)
        ).all()
        for organ_id in organ_ids:
            organ = db.session.get(Organisation, organ_id)
            if organ is None:
                continue
            facts = organ_facts(organ)
            status = grade_status(facts.grade, today, facts.recheck_open, ruleset)
            if status.recheck_due and status.state is GradeState.GRADED:
                report.recheck_due.append(organ_id)
    return report


def current_grade_row(organ_id: int) -> Grade | None:
    """The organ's current certificate row (not replaced by a later one)."""
    return current_grade(organ_id)
