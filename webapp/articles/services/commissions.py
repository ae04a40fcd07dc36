"""Commissions (约稿): the office asks chosen units for an article on a topic by a deadline (ZG-6.2, INF-3.10).
A unit answers with an article; the answer (in time, late) or the miss is recorded on the target.

Each public function that changes something is one transaction and writes the commission's audit row (subject
``commission``); `mark_missed` is the daily tick. `outcomes` is the plain read the scoring (issue 10) uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from config.articles import load_rules
from webapp.articles.models import (
    COMMISSION_STATUS_LABELS,
    Article,
    ArticleOffice,
    Commission,
    CommissionTarget,
    OfficeUnit,
)
from webapp.articles.services import ledger_revision, permissions
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.request_args import is_db_id
from webapp.core.services import transaction
from webapp.core.services.audit import SystemEvent, append_event, append_system_events
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.errors import Refusal

SUBJECT = "commission"
TOPIC_MIN, TOPIC_MAX = 2, 120
DETAIL_MAX = 5000
REASON_MIN, REASON_MAX = 4, 500
#: A deadline is at most this far ahead ("within a year"); a later one is a typing error.
MAX_DAYS_AHEAD = 366
#: More units than any office has; a longer list is not a choice a person made.
MAX_TARGETS = 500
#: Who the daily tick writes in the trail.
TICK_ACTOR = "系统（每日定时任务）"


def _rule_of(commission: Commission) -> str:
    return _rule_for(commission.important)


def _rule_for(important: bool) -> str:
    """An important commission is scored under INF-3.10 (missing it costs the year's 评先); any other one under
    ZG-6.2 (its quality weighs on the next commission)."""
    return "INF-3.10" if important else "ZG-6.2"


def _forbidden(detail: str, rule: str = "ZG-6.2") -> Refused:
    return Refused(Refusal("forbidden", load_rules().cite(rule, detail), rule))


def effective_status(target: CommissionTarget, today: date) -> str:
    """The target's status as of ``today``: a pending one past its deadline reads as missed even before the
    daily tick has marked it."""
    if target.status == "pending" and target.commission.due_on < today:
        return "missed"
    return target.status


def status_label(target: CommissionTarget, today: date) -> str:
    return COMMISSION_STATUS_LABELS[effective_status(target, today)]


# -- changes ---------------------------------------------------------------------------------------------------


def _clean_topic(topic: Any) -> str:
    text = " ".join(topic.split()) if isinstance(topic, str) else ""
    if len(text) < TOPIC_MIN:
        raise InvalidInput(f"请填写约稿主题（至少{TOPIC_MIN}个字）。", field="topic")
    if len(text) > TOPIC_MAX:
        raise InvalidInput(f"约稿主题不超过{TOPIC_MAX}字（现{len(text)}字）。", field="topic")
    return text


def _clean_detail(detail: Any) -> str:
    text = detail.replace("\r\n", "\n").strip() if isinstance(detail, str) else ""
    if len(text) > DETAIL_MAX:
        raise InvalidInput(f"约稿要求不超过{DETAIL_MAX}字（现{len(text)}字）。", field="detail")
    return text


def _check_due(due_on: Any, today: date) -> date:
    if not isinstance(due_on, date):
        raise InvalidInput("请填写截止日期。", field="due_on")
    if due_on < today:
        raise InvalidInput(f"截止日期不能早于今天（{today.isoformat()}）。", field="due_on")
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    if due_on > latest:
        raise InvalidInput(f"截止日期应在一年以内（不晚于{latest.isoformat()}）。", field="due_on")
    return due_on


def _units_of(office: ArticleOffice, unit_ids: Iterable[Any]) -> list[Organisation]:
    """The chosen units, each an active unit of the office, in the order given, without repeats."""
    ids: list[int] = []
    for value in unit_ids:
        if not is_db_id(value):
            raise InvalidInput("所选单位不正确。", field="unit_ids")
        if value not in ids:
            ids.append(value)
    if not ids:
        raise InvalidInput("请至少选择一个约稿单位。", field="unit_ids")
    if len(ids) > MAX_TARGETS:
        raise InvalidInput(f"一次约稿最多发往{MAX_TARGETS}个单位。", field="unit_ids")
    units = {
        unit.id: unit
        for unit in db.session.scalars(
            sa.select(Organisation)
            .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
            .where(OfficeUnit.office_id == office.id, OfficeUnit.active.is_(True), Organisation.id.in_(ids))
        )
    }
    if len(units) != len(ids):
        raise InvalidInput("所选单位中有不向本办公室报送信息的单位。", field="unit_ids")
    return [units[unit_id] for unit_id in ids]


def create(
    user: User,
    *,
    topic: str,
    detail: str,
    due_on: date,
    important: bool,
    unit_ids: Iterable[int],
    today: date | None = None,
) -> Commission:
    """The office sends a commission to chosen units of its own (ZG-6.2; INF-3.10 when important)."""
    today = today or clock.today()
    with transaction():
        office = permissions.office_of(user)
        if office is None or not permissions.can_commission(user, office):
            raise _forbidden("只有办公室的信息编辑或信息科负责人可以发起约稿")
        topic = _clean_topic(topic)
        detail = _clean_detail(detail)
        due_on = _check_due(due_on, today)
        units = _units_of(office, unit_ids)
        commission = Commission(
            office_id=office.id,
            topic=topic,
            detail=detail,
            due_on=due_on,
            important=bool(important),
            created_by_id=user.id,
        )
        commission.targets = [CommissionTarget(unit_id=unit.id, status="pending") for unit in units]
        db.session.add(commission)
        db.session.flush()
        names = "、".join(unit.name for unit in units)
        what = f"{'重要' if commission.important else ''}约稿《{topic}》，截止{due_on.isoformat()}"
        append_event(
            SUBJECT,
            commission.id,
            "commission_created",
            actor=user,
            to_state="open",
            comment=f"{what}，发往{len(units)}个单位：{names}"[:2000],
            rule_id=_rule_of(commission),
        )
    return commission


def cancel(user: User, commission_id: int, *, reason: str) -> Commission:
    """The office withdraws a commission (the trail keeps why); its pending targets are no longer due, answers
    already recorded stay."""
    with transaction():
        commission = load(user, commission_id, lock=True)
        if not permissions.can_commission(user, commission.office):
            raise _forbidden("只有发起约稿的办公室可以取消约稿")
        if commission.cancelled_at is not None:
            raise Conflict("该约稿已取消。")
        text = (reason or "").strip() if isinstance(reason, str) else ""
        if not REASON_MIN <= len(text) <= REASON_MAX:
            raise InvalidInput(f"请写明取消约稿的理由（{REASON_MIN}–{REASON_MAX}字）。", field="reason")
        commission.cancelled_at = clock.now()
        append_event(
            SUBJECT,
            commission.id,
            "commission_cancelled",
            actor=user,
            from_state="open",
            to_state="cancelled",
            comment=f"取消约稿：{text}",
            rule_id=_rule_of(commission),
        )
    return commission


def on_signed_off(article: Article, today: date) -> None:
    """Inside the sign-off's transaction: an article answering a commission marks its target answered — in time
    or late against the commission's deadline (the first answer counts; a target the tick marked missed becomes
    late). The commission's trail records it."""
    if article.commission_target_id is None:
        return
    target = db.session.get(CommissionTarget, article.commission_target_id)
    if target is None or target.status in ("answered", "late"):
        return
    before = target.status
    target.status = "answered" if today <= target.commission.due_on else "late"
    target.answered_on = today
    append_event(
        SUBJECT,
        target.commission_id,
        "target_answered",
        actor=db.session.get(User, article.signed_off_by_id) if article.signed_off_by_id else None,
        from_state=before,
        to_state=target.status,
        comment=f"{target.unit.name}报送约稿信息《{article.title}》：{COMMISSION_STATUS_LABELS[target.status]}",
        rule_id=_rule_of(target.commission),
    )


def mark_missed(today: date) -> list[int]:
    """The daily tick: targets of open commissions whose deadline passed before ``today`` with no answer are
    missed (INF-3.10 / ZG-6.2), one trail row per commission. Idempotent: a second run finds nothing.

    Set-based: one locking read of the targets (with their commission's deadline and the unit's name), one
    ``UPDATE … WHERE``, one bulk write of the trail rows — the same few statements for one target or thousands."""
    overdue = sa.and_(
        CommissionTarget.status == "pending",
        CommissionTarget.commission_id.in_(
            sa.select(Commission.id).where(Commission.due_on < today, Commission.cancelled_at.is_(None))
        ),
    )
    with transaction():
        rows = db.session.execute(
            sa.select(
                CommissionTarget.id,
                CommissionTarget.commission_id,
                Commission.due_on,
                Commission.important,
                Organisation.name.label("unit_name"),
            )
            .join(Commission, Commission.id == CommissionTarget.commission_id)
            .join(Organisation, Organisation.id == CommissionTarget.unit_id)
            .where(overdue)
            .order_by(CommissionTarget.commission_id, CommissionTarget.id)
            .with_for_update(of=CommissionTarget)  # an answer signed off meanwhile waits for this run
        ).all()
        if not rows:
            return []
        db.session.execute(
            sa.update(CommissionTarget)
            .where(overdue)
            .values(status="missed")
            .execution_options(synchronize_session=False)
        )
        # a missed important commission is scored (ZG-6.2): the ledger's revision moves
        ledger_revision.note(db.session, commissions={row.commission_id for row in rows})
        by_commission: dict[int, list[Any]] = {}
        for row in rows:
            by_commission.setdefault(row.commission_id, []).append(row)
        append_system_events(
            [
                SystemEvent(
                    SUBJECT,
                    commission_id,
                    "targets_missed",
                    from_state="pending",
                    to_state="missed",
                    comment=(
                        f"截止{missed[0].due_on.isoformat()}未报送："
                        + "、".join(row.unit_name for row in missed)
                    )[:2000],
                    rule_id=_rule_for(missed[0].important),
                )
                for commission_id, missed in by_commission.items()
            ],
            actor_name=TICK_ACTOR,
        )
    return [row.id for row in rows]


# -- reading ---------------------------------------------------------------------------------------------------


def load(user: User | None, commission_id: int, *, lock: bool = False) -> Commission:
    """The commission if ``user`` may see it (its office's staff, a targeted unit's members); NotFound else."""
    query = sa.select(Commission).where(Commission.id == commission_id)
    if lock:
        query = query.with_for_update()
    commission = db.session.scalar(query)
    if commission is None or not permissions.can_see_commission(
        user, commission.office, (target.unit_id for target in commission.targets)
    ):
        raise NotFound("约稿不存在或您无权查看。")
    return commission


def targets_shown(user: User, commission: Commission) -> list[CommissionTarget]:
    """Every target for the office; a unit sees only its own."""
    if permissions.can_work_at_office(user, commission.office):
        return list(commission.targets)
    return [target for target in commission.targets if target.unit_id == user.organisation_id]


def answers(user: User, targets: list[CommissionTarget]) -> dict[int, list[Article]]:
    """The articles answering each target that ``user`` may see (one query)."""
    ids = [target.id for target in targets]
    if not ids:
        return {}
    found: dict[int, list[Article]] = {}
    for article in db.session.scalars(
        sa.select(Article)
        .where(Article.commission_target_id.in_(ids), permissions.visible_clause(user))
        .order_by(Article.id)
    ):
        assert article.commission_target_id is not None
        found.setdefault(article.commission_target_id, []).append(article)
    return found


@dataclass(frozen=True)
class Tally:
    """How a commission's targets stand: counts per effective status."""

    pending: int = 0
    answered: int = 0
    late: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.answered + self.late + self.missed


def _tally_columns(today: date) -> list[Any]:
    past = Commission.due_on < today

    def count(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    pending = CommissionTarget.status == "pending"
    return [
        count(sa.and_(pending, sa.not_(past))),
        count(CommissionTarget.status == "answered"),
        count(CommissionTarget.status == "late"),
        count(sa.or_(CommissionTarget.status == "missed", sa.and_(pending, past))),
    ]


def office_commissions(office: ArticleOffice, today: date, *, page: int, per_page: int = 20) -> Any:
    """The office's commissions, newest deadline first, one page (a Flask-SQLAlchemy pagination)."""
    stmt = (
        sa.select(Commission)
        .where(Commission.office_id == office.id)
        .order_by(Commission.cancelled_at.is_not(None), Commission.due_on.desc(), Commission.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def tallies(commission_ids: list[int], today: date) -> dict[int, Tally]:
    """Counts per effective status for each commission on a page (one grouped query)."""
    if not commission_ids:
        return {}
    rows = db.session.execute(
        sa.select(CommissionTarget.commission_id, *_tally_columns(today))
        .join(Commission, Commission.id == CommissionTarget.commission_id)
        .where(CommissionTarget.commission_id.in_(commission_ids))
        .group_by(CommissionTarget.commission_id)
    )
    return {row[0]: Tally(*(int(n) for n in row[1:])) for row in rows}


def unit_targets(user: User, today: date, *, page: int, per_page: int = 20) -> Any:
    """The commissions sent to the user's unit (not cancelled), open ones first by deadline, one page."""
    mine = permissions.is_unit_member_of(user, user.organisation_id)
    stmt = (
        sa.select(CommissionTarget)
        .join(Commission, Commission.id == CommissionTarget.commission_id)
        .where(
            CommissionTarget.unit_id == user.organisation_id,
            Commission.cancelled_at.is_(None),
            sa.true() if mine else sa.false(),
        )
        .order_by(
            (CommissionTarget.status != "pending"),
            sa.case((CommissionTarget.status == "pending", Commission.due_on), else_=None),
            Commission.due_on.desc(),
            CommissionTarget.id.desc(),
        )
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def open_targets(user: User, today: date, *, page: int, per_page: int = 20) -> Any:
    """The user's unit's targets still to answer: pending ones, soonest deadline first, then this year's missed
    ones (they may still be answered, late); commissions not cancelled; one page."""
    mine = permissions.is_unit_member_of(user, user.organisation_id)
    stmt = (
        sa.select(CommissionTarget)
        .join(Commission, Commission.id == CommissionTarget.commission_id)
        .where(
            CommissionTarget.unit_id == user.organisation_id,
            sa.or_(
                CommissionTarget.status == "pending",
                sa.and_(CommissionTarget.status == "missed", Commission.due_on >= date(today.year, 1, 1)),
            ),
            Commission.cancelled_at.is_(None),
            sa.true() if mine else sa.false(),
        )
        .order_by(CommissionTarget.status != "pending", Commission.due_on, CommissionTarget.id)
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


# -- what the scoring reads (issue 10) -------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionOutcome:
    """One unit's answer to one commission: ``status`` answered / late / missed (pending: not yet due)."""

    commission_id: int
    office_id: int
    unit_id: int
    topic: str
    important: bool
    due_on: date
    status: str
    answered_on: date | None
    rule: str


def outcomes(office_id: int, start: date, end: date, *, as_of: date) -> list[CommissionOutcome]:
    """Every target of the office's commissions (cancelled ones left out) due from ``start`` to ``end``,
    read as of ``as_of`` (a pending target past its deadline is missed even if the tick has not run yet).
    Late and missed answers are what offices deduct for (INF-3.10 for important commissions)."""
    rows = db.session.execute(
        sa.select(CommissionTarget, Commission)
        .join(Commission, Commission.id == CommissionTarget.commission_id)
        .where(
            Commission.office_id == office_id,
            Commission.cancelled_at.is_(None),
            Commission.due_on >= start,
            Commission.due_on <= end,
        )
        .order_by(Commission.due_on, Commission.id, CommissionTarget.id)
    )
    return [
        CommissionOutcome(
            commission_id=commission.id,
            office_id=commission.office_id,
            unit_id=target.unit_id,
            topic=commission.topic,
            important=commission.important,
            due_on=commission.due_on,
            status=effective_status(target, as_of),
            answered_on=target.answered_on,
            rule=_rule_of(commission),
        )
        for target, commission in rows
    ]
