"""Grading's part of each person's home page: where they have work in the grading procedure, with counts.

Counting queries only (a fixed number per person, whatever the data size); the lists themselves are the
bureau worklist, the unit page and the reviewer page, which these lines link to.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.core.extensions import db
from webapp.core.feature import HomePanel, NavLink, WorkArea
from webapp.core.models import Role, User
from webapp.grading.models import Case, Grade, Objection, PanelMember
from webapp.grading.services import grades, permissions
from webapp.grading.services.overdue import APPLICANT_STATES, overdue_condition
from webapp.grading.services.worklist import acting_condition, overdue_count


def _counted(condition: sa.ColumnElement[bool], today: date) -> tuple[int, int]:
    """(cases, of which overdue) under ``condition``, in one query."""
    late = overdue_condition(today)
    total, overdue = db.session.execute(
        sa.select(
            sa.func.count(Case.id), sa.func.coalesce(sa.func.sum(sa.case((late, 1), else_=0)), 0)
        ).where(condition)
    ).one()
    return int(total), int(overdue)


def worklist(user: User, today: date) -> list[WorkArea]:
    areas: list[WorkArea] = []
    bureau = permissions.bureau_of(user)
    if bureau is not None:
        total, overdue = _counted(acting_condition(bureau.id), today)
        areas.append(
            WorkArea("待办案件", "本局下一步办理的案件、批量下达计划/报送/公示、下级抽查与备案", "bureau.worklist",
                     total, overdue)
        )  # fmt: skip
        open_objections = db.session.scalar(
            sa.select(sa.func.count(Objection.id))
            .join(Case, Case.id == Objection.case_id)
            .where(Case.organizer_id == bureau.id, Objection.status == "open")
        )
        areas.append(
            WorkArea(
                "异议核实",
                "公示期间收到的异议，逐件作出核实结论",
                "bureau.objections",
                int(open_objections or 0),
            )
        )
        if bureau.bureau_tier == "city":
            areas.append(
                WorkArea(
                    "年度审批汇总", "本局及所辖县级档案局当年审批情况，12月20日前报省档案局", "bureau.summary"
                )
            )
    organ = permissions.organ_of(user)
    if organ is not None:
        total, overdue = _counted(sa.and_(Case.organ_id == organ.id, Case.state.in_(APPLICANT_STATES)), today)
        areas.append(
            WorkArea("本单位申报", "本单位等级、现在可以申报什么、申报与验收材料、本单位的案件", "unit.dashboard",
                     total, overdue)
        )  # fmt: skip
    if user.has_role(Role.REVIEWER):
        mine = sa.select(PanelMember.case_id).where(PanelMember.user_id == user.id)
        total, overdue = _counted(sa.and_(Case.id.in_(mine), Case.state == "in_review"), today)
        areas.append(WorkArea("评审任务", "您参加的评审组及待形成的评审结论", "review.index", total, overdue))
    areas.append(WorkArea("案件查询", "您有权查看的全部考评案件", "cases.index"))
    return areas


def home_panels(user: User, today: date) -> list[HomePanel]:
    organ = user.organisation
    if organ is None or not organ.is_organ:
        return []
    held = db.session.scalars(
        sa.select(Grade)
        .where(Grade.organ_id == organ.id)
        .options(joinedload(Grade.case))  # its ruleset names the level: not a statement per grade
        .order_by(Grade.valid_from.desc())
    )
    return [HomePanel("grading/_home_grades.html", {"grades": held.all(), "today": today})]


def tick(today: date) -> dict[str, list[int]]:
    """Lapse grades past validity without a recheck (ARC-11.5, GAP-4); list organs whose recheck is due (ARC-11.2)."""
    report = grades.tick(today=today)
    return {"lapsed": report.lapsed, "recheck_due": report.recheck_due}


__all__ = ["home_panels", "overdue_count", "tick", "worklist"]  # overdue_count: the navigation bar's count


#: Roles of the grading procedure. The three administrators have none of it (三员分立,
#: webapp/core/services/roles.py).
_GRADING_ROLES = (
    Role.UNIT_APPLICANT,
    Role.UNIT_LEADER,
    Role.BUREAU_STAFF,
    Role.BUREAU_HEAD,
    Role.REVIEWER,
)


def nav(user: User) -> list[NavLink]:
    """Grading's links: the unit's page, the reviewer's tasks, the case search, the bureau's worklists. The
    overdue count shows once, on the person's main place of work."""
    links: list[NavLink] = []
    bureau = user.has_role(Role.BUREAU_STAFF, Role.BUREAU_HEAD)
    if user.has_role(Role.UNIT_APPLICANT, Role.UNIT_LEADER):
        links.append(NavLink("本单位申报", "unit.dashboard", ("unit.",),
                             overdue=not user.has_role(Role.BUREAU_STAFF, Role.BUREAU_HEAD, Role.REVIEWER)))  # fmt: skip
    if user.has_role(Role.REVIEWER):
        links.append(NavLink("评审任务", "review.index", overdue=not bureau))
    if user.has_role(*_GRADING_ROLES):
        links.append(NavLink("案件查询", "cases.index", ("cases.",)))
    if bureau:
        links.append(NavLink("待办案件", "bureau.worklist", ("bureau.worklist", "bureau.batch", "bureau.panel"),
                             overdue=True))  # fmt: skip
        links.append(NavLink("异议核实", "bureau.objections"))
        if user.organisation.bureau_tier == "city":
            links.append(NavLink("年度审批汇总", "bureau.summary"))
        if user.organisation.bureau_tier == "province":
            links.append(NavLink("市州汇总报送", "bureau.summaries"))
    return links
