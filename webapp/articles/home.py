"""The article feature's part of each person's home page: counts of their work, overdue first; and its timers.

Counting queries only (a fixed number per person, whatever the data size): one SELECT of scalar subqueries per
side (the unit's, the office's), and for the navigation bar one SELECT in all. The lists are the unit's and the
office's pages these lines link to.

Overdue (docs/articles-requests.md): a leader's sign-off waiting more than `SIGNOFF_WORKING_DAYS` working days
(ZG-6.1), a return unanswered more than `RETURN_ANSWER_WORKING_DAYS`, a commission past its deadline without an
answer this year (INF-3.10 / ZG-6.2), an urgent report past its timer (PUB-2.3, ZG-4.10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from webapp.articles.models import (
    Article,
    ArticleOffice,
    Commission,
    CommissionTarget,
    Forwarding,
    UrgentEvent,
    overdue_urgent_events,
)
from webapp.articles.services import commissions, instructions, ledger, permissions, urgent
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.feature import WorkArea
from webapp.core.models import Role, User
from workflow.articles.urgent import (
    RETURN_ANSWER_WORKING_DAYS,
    SIGNOFF_WORKING_DAYS,
    waiting_overdue_before,
)

#: Pages of the other parts of the feature these lines link to.
SIGNOFF_PAGE = "articles.signoff"
RETURNS_PAGE = "articles.returns"
INTAKE_PAGE = "articles_office.intake"
FOLLOW_UPS_PAGE = "articles_publishing.follow_ups"
LEDGER_PAGE = "articles_ledger.index"


def _count(condition: sa.ColumnElement[bool], column: Any) -> Any:
    return sa.select(sa.func.count(column)).where(condition).scalar_subquery()


# -- the unit's side -------------------------------------------------------------------------------------------


def _year_start(today: date) -> date:
    return date(today.year, 1, 1)


def _unit_offices(user: User) -> list[ArticleOffice]:
    """The offices the user's unit writes to, when the user is one of its officers or its leader in charge."""
    if not permissions.is_unit_member_of(user, user.organisation_id):
        return []
    return permissions.offices_of_unit(user.organisation_id)


def _unit_commission_conditions(
    user: User, offices: list[ArticleOffice], today: date
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """(open, near their deadline, overdue) targets of the user's unit. Near: within the commissioning office's
    warning days; overdue: past the deadline unanswered (pending before the tick, missed after it) this year."""
    mine = sa.and_(CommissionTarget.unit_id == user.organisation_id, Commission.cancelled_at.is_(None))
    pending = sa.and_(mine, CommissionTarget.status == "pending")
    open_ = sa.and_(pending, Commission.due_on >= today)
    near = sa.and_(
        open_,
        sa.or_(
            sa.false(),
            *(
                sa.and_(
                    Commission.office_id == office.id,
                    Commission.due_on <= today + timedelta(days=office.commission_warning_days),
                )
                for office in offices
            ),
        ),
    )
    overdue = sa.and_(
        mine,
        Commission.due_on >= _year_start(today),
        sa.or_(sa.and_(CommissionTarget.status == "pending", Commission.due_on < today),
               CommissionTarget.status == "missed"),
    )  # fmt: skip
    return open_, near, overdue


def _targets(condition: sa.ColumnElement[bool]) -> Any:
    return (
        sa.select(sa.func.count(CommissionTarget.id))
        .join(Commission, Commission.id == CommissionTarget.commission_id)
        .where(condition)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class UnitCounts:
    signoff: int = 0
    signoff_overdue: int = 0
    returns: int = 0
    returns_overdue: int = 0
    commissions: int = 0
    commissions_near: int = 0
    commissions_overdue: int = 0
    urgent: int = 0
    urgent_overdue: int = 0
    follow_ups: int = 0
    follow_ups_overdue: int = 0


def _unit_columns(user: User, offices: list[ArticleOffice], today: date, now: datetime) -> dict[str, Any]:
    """Named scalar subqueries of the unit's counts (only those the user's roles act on)."""
    visible = sa.and_(permissions.visible_clause(user), Article.unit_id == user.organisation_id)
    columns: dict[str, Any] = {}
    if user.has_role(Role.INFO_SIGNER):
        waiting = sa.and_(visible, Article.state == "awaiting_signoff")
        late = Article.state_since < waiting_overdue_before(today, SIGNOFF_WORKING_DAYS)
        columns["signoff"] = _count(waiting, Article.id)
        columns["signoff_overdue"] = _count(sa.and_(waiting, late), Article.id)
    if user.has_role(Role.INFO_OFFICER):
        returned = sa.and_(visible, Article.state == "returned")
        late = Article.state_since < waiting_overdue_before(today, RETURN_ANSWER_WORKING_DAYS)
        columns["returns"] = _count(returned, Article.id)
        columns["returns_overdue"] = _count(sa.and_(returned, late), Article.id)
    open_, near, overdue = _unit_commission_conditions(user, offices, today)
    columns["commissions"] = _targets(open_)
    columns["commissions_near"] = _targets(near)
    columns["commissions_overdue"] = _targets(overdue)
    events = sa.and_(UrgentEvent.unit_id == user.organisation_id, UrgentEvent.closed_at.is_(None))
    columns["urgent"] = _count(events, UrgentEvent.id)
    columns["urgent_overdue"] = _count(sa.and_(events, UrgentEvent.next_due_at < now), UrgentEvent.id)
    return columns


def unit_counts(user: User, today: date, now: datetime) -> UnitCounts | None:
    """The unit's counts in one query, None for a person with no work at a unit."""
    offices = _unit_offices(user)
    if not offices:
        return None
    columns = _unit_columns(user, offices, today, now)
    values = db.session.execute(sa.select(*(c.label(n) for n, c in columns.items()))).one()
    counts = {name: int(value or 0) for name, value in zip(columns, values, strict=True)}
    # 批示落实: the publishing part's own count (one query), the follow-ups the office assigned to the unit
    counts["follow_ups"], counts["follow_ups_overdue"] = instructions.follow_ups_due(
        user.organisation_id, today
    )
    return UnitCounts(**counts)


def _unit_areas(user: User, counts: UnitCounts) -> list[WorkArea]:
    areas: list[WorkArea] = []
    if user.has_role(Role.INFO_SIGNER):
        areas.append(
            WorkArea(
                "待审阅稿件",
                f"本单位信息员送审的稿件，审阅同意后报送办公室（超过{SIGNOFF_WORKING_DAYS}个工作日未审阅计为超期）",
                SIGNOFF_PAGE,
                counts.signoff,
                counts.signoff_overdue,
            )
        )
    if user.has_role(Role.INFO_OFFICER):
        areas.append(
            WorkArea(
                "退改待修改",
                f"分管领导或办公室退回修改的稿件（超过{RETURN_ANSWER_WORKING_DAYS}个工作日未答复计为超期）",
                RETURNS_PAGE,
                counts.returns,
                counts.returns_overdue,
            )
        )
    near = f"，其中{counts.commissions_near}件临近截止" if counts.commissions_near else ""
    late = f"；今年逾期未报送{counts.commissions_overdue}件，仍可补报" if counts.commissions_overdue else ""
    areas.append(
        WorkArea(
            "约稿任务",
            f"办公室约稿，按截止日期报送{near}{late}",
            "articles_requests.commissions",
            counts.commissions + counts.commissions_overdue,
            counts.commissions_overdue,
        )
    )
    areas.append(
        WorkArea(
            "紧急信息",
            "本单位待报送的紧急事件：首报、续报时限",
            "articles_requests.urgent",
            counts.urgent,
            counts.urgent_overdue,
        )
    )
    areas.append(
        WorkArea(
            "批示落实",
            "领导批示后办公室交办本单位、尚未反馈落实情况的事项",
            FOLLOW_UPS_PAGE,
            counts.follow_ups,
            counts.follow_ups_overdue,
        )
    )
    return areas


# -- the office's side -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeCounts:
    intake: int = 0
    forwarded: int = 0
    commissions: int = 0
    commissions_near: int = 0
    commissions_missed: int = 0
    urgent: int = 0
    urgent_overdue: int = 0
    late_suggestions: int = 0


def _open_events(office: ArticleOffice) -> Any:
    return sa.and_(UrgentEvent.office_id == office.id, UrgentEvent.closed_at.is_(None))


def _office_columns(office: ArticleOffice, today: date, now: datetime) -> dict[str, Any]:
    sent = sa.and_(
        Commission.office_id == office.id,
        Commission.cancelled_at.is_(None),
        CommissionTarget.status == "pending",
    )
    open_ = sa.and_(sent, Commission.due_on >= today)
    near = sa.and_(open_, Commission.due_on <= today + timedelta(days=office.commission_warning_days))
    missed = sa.and_(
        Commission.office_id == office.id,
        Commission.cancelled_at.is_(None),
        Commission.due_on >= _year_start(today),
        sa.or_(sa.and_(CommissionTarget.status == "pending", Commission.due_on < today),
               CommissionTarget.status == "missed"),
    )  # fmt: skip
    return {
        "intake": _count(
            sa.and_(
                Article.office_id == office.id, Article.state == "submitted", Article.deleted_at.is_(None)
            ),
            Article.id,
        ),
        "forwarded": _count(
            sa.and_(Forwarding.to_office_id == office.id, Forwarding.status == "pending"), Forwarding.id
        ),
        "commissions": _targets(open_),
        "commissions_near": _targets(near),
        "commissions_missed": _targets(missed),
        "urgent": _count(_open_events(office), UrgentEvent.id),
        "urgent_overdue": overdue_urgent_events(office.id, now),
        "late_suggestions": _count(urgent.late_suggestion_condition(office.id), UrgentEvent.id),
    }


def office_counts(user: User, today: date, now: datetime) -> tuple[ArticleOffice, OfficeCounts] | None:
    office = permissions.office_of(user)
    if office is None or not permissions.can_work_at_office(user, office):
        return None
    columns = _office_columns(office, today, now)
    values = db.session.execute(sa.select(*(c.label(n) for n, c in columns.items()))).one()
    return office, OfficeCounts(**{n: int(v or 0) for n, v in zip(columns, values, strict=True)})


def _office_areas(counts: OfficeCounts) -> list[WorkArea]:
    near = f"，{counts.commissions_near}个单位临近截止" if counts.commissions_near else ""
    missed = f"；今年{counts.commissions_missed}个单位逾期未报送" if counts.commissions_missed else ""
    return [
        WorkArea("待接收稿件", "各单位已报送、尚未接收编辑的稿件", INTAKE_PAGE, counts.intake),
        WorkArea("下级报送待处理", "下级办公室上报本办公室、待处理的稿件", INTAKE_PAGE,
                 counts.forwarded),
        WorkArea("约稿跟踪", f"已发约稿尚待单位报送{near}{missed}", "articles_requests.commissions",
                 counts.commissions),
        WorkArea("紧急信息看板", "未结束的紧急事件，首报、续报倒计时", "articles_requests.urgent",
                 counts.urgent, counts.urgent_overdue),
        WorkArea("迟报待认定", "首报超过时限的紧急事件：确认记为迟报或说明理由不予认定",
                 "articles_requests.urgent", counts.late_suggestions),
        WorkArea("情况记录", "迟报、漏报、瞒报、信息失实的记录与撤销", "articles_requests.incidents"),
    ]  # fmt: skip


def worklist(user: User, today: date, *, now: datetime | None = None) -> list[WorkArea]:
    now = now or clock.now()
    areas: list[WorkArea] = []
    unit = unit_counts(user, today, now)
    if unit is not None:
        areas.extend(_unit_areas(user, unit))
    office = office_counts(user, today, now)
    if office is not None:
        areas.extend(_office_areas(office[1]))
        waiting = ledger.to_close(office[0], today)
        if waiting is not None:
            who = "由信息科负责人结算并发布通报" if user.has_role(Role.OFFICE_HEAD) else "待信息科负责人结算"
            areas.append(
                WorkArea("计分待结算", f"{waiting.chinese}已结束，各单位得分尚未结算，{who}", LEDGER_PAGE, 1)
            )
    return areas


# -- the navigation bar's count --------------------------------------------------------------------------------


def _overdue_statement(
    user: User, today: date, now: datetime | None
) -> tuple[sa.Select[Any] | None, int, bool]:
    """The one SELECT summing the user's overdue counts (None: nothing left to count), what is counted already,
    and whether they work at a unit (whose follow-ups the publishing part counts). ``now`` None: the request's
    own moment, at which an office's urgent events past due were counted with the office
    (`permissions.urgent_overdue_read_with_office`)."""
    parts: list[Any] = []
    counted = 0
    office = permissions.office_of(user)
    works_at = office if office is not None and permissions.can_work_at_office(user, office) else None
    read = permissions.urgent_overdue_read_with_office(works_at) if works_at and now is None else None
    if read is not None:
        now, counted = read
    now = now or clock.now()
    offices = _unit_offices(user)
    if offices:
        columns = _unit_columns(user, offices, today, now)
        parts += [columns[name] for name in columns if name.endswith("_overdue")]
    if works_at is not None and read is None:  # not the home page's other seven columns
        parts.append(overdue_urgent_events(works_at.id, now))
    if not parts:
        return None, counted, bool(offices)
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return sa.select(total), counted, bool(offices)


def overdue_count(user: User, today: date, *, now: datetime | None = None) -> int:
    """Overdue article work where ``user`` acts: one query of ours, none at an office whose count was read with
    the office (plus, at a unit, the publishing part's count of follow-ups past their deadline), cached for the
    request."""
    if has_request_context() and "kaoping_articles_overdue" in g:
        return int(g.kaoping_articles_overdue)
    count = 0
    if getattr(user, "is_authenticated", False):
        statement, count, at_unit = _overdue_statement(user, today, now)
        count += int(db.session.scalar(statement) or 0) if statement is not None else 0
        if at_unit:
            count += instructions.follow_ups_due(user.organisation_id, today)[1]  # 批示落实 past its deadline
    if has_request_context():
        g.kaoping_articles_overdue = count
    return count


# -- the daily tick --------------------------------------------------------------------------------------------


def tick(today: date) -> dict[str, Any]:
    """Advance what is due on ``today`` (idempotent): commission targets past their deadline with no answer are
    missed (INF-3.10 / ZG-6.2). The report lists what changed."""
    missed = commissions.mark_missed(today)
    return {"articles": {"commission_targets_missed": missed}}
