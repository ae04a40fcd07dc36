"""Urgent information (紧急信息, PUB-2.3, ZG-4.10, INF-3.7): a unit registers an urgent event with its first
report (首报), or the office registers one it learned of another way and assigns it to a unit; the timers run
(`workflow.articles.urgent`, moved by `urgent_timers.on_signed_off` when a report reaches the office); the office
watches its board and closes the event. A first report that came late is offered to the office as 迟报.

Each public function that changes something is one transaction and writes the event's audit row (subject
``urgent_event``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from config.articles import load_rules
from webapp.articles.models import Article, ArticleOffice, Incident, OfficeUnit, UrgentEvent
from webapp.articles.services import articles, permissions
from webapp.articles.services.errors import Refused
from webapp.articles.services.urgent_timers import SUBJECT, clock_of, shown
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.request_args import is_db_id
from webapp.core.services import transaction
from webapp.core.services.audit import append_event
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.articles.urgent import Timer, UrgentClock, first_report_due, first_report_was_late
from workflow.errors import Refusal

TITLE_MIN, TITLE_MAX = 4, 120
NOTE_MAX = 500
REASON_MIN = 4
#: An event is registered within this many days of happening; an older one is a typing error (or no longer
#: urgent information).
MAX_AGE_DAYS = 30
#: The first report's fields as `register_by_unit` names them (the draft service calls them title and body).
REPORT_FIELDS = {"title": "report_title", "body": "report_body"}


def _forbidden(detail: str, rule: str = "PUB-2.3") -> Refused:
    return Refused(Refusal("forbidden", load_rules().cite(rule, detail), rule))


# -- checking what was typed -----------------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """A moment typed without an offset is Beijing time (the office's clock); stored in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.SHANGHAI)
    return moment.astimezone(UTC)


def _title(value: Any) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if len(text) < TITLE_MIN:
        raise InvalidInput(f"请写明事件名称（至少{TITLE_MIN}个字）。", field="title")
    if len(text) > TITLE_MAX:
        raise InvalidInput(f"事件名称不超过{TITLE_MAX}字（现{len(text)}字）。", field="title")
    return text


def _occurred(value: Any, now: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput("请填写事件发生时间。", field="occurred_at")
    moment = as_utc(value)
    if moment > now:
        raise InvalidInput("事件发生时间不能晚于现在。", field="occurred_at")
    if moment < now - timedelta(days=MAX_AGE_DAYS):
        raise InvalidInput(f"事件发生时间不能早于{MAX_AGE_DAYS}天前。", field="occurred_at")
    return moment.replace(second=0, microsecond=0)


def _note(value: Any, *, required: bool, what: str, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and len(text) < REASON_MIN:
        raise InvalidInput(f"请写明{what}（至少{REASON_MIN}个字）。", field=field)
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"{what}不超过{NOTE_MAX}字。", field=field)
    return text


def _new_event(
    user: User, office: ArticleOffice, unit: Organisation, title: str, occurred_at: datetime, by: str
) -> UrgentEvent:
    first_due = first_report_due(occurred_at, office.first_report_minutes)
    event = UrgentEvent(
        office_id=office.id,
        unit_id=unit.id,
        title=title,
        occurred_at=occurred_at,
        first_due_at=first_due,
        followup_minutes=office.followup_minutes,
        registered_by_id=user.id,
        next_due_at=first_due,
    )
    db.session.add(event)
    db.session.flush()
    append_event(
        SUBJECT,
        event.id,
        "registered",
        actor=user,
        to_state="open",
        comment=(
            f"{by}登记紧急事件“{title}”（{unit.name}），发生于{shown(occurred_at)}；"
            f"首报时限{shown(first_due)}，此后每{office.followup_minutes}分钟内续报"
        ),
        rule_id="PUB-2.3",
    )
    return event


# -- changes ---------------------------------------------------------------------------------------------------


def register_by_unit(
    user: User,
    *,
    office_id: int,
    title: str,
    occurred_at: datetime,
    report_title: str,
    report_body: str,
    secrecy: str = "none",
    now: datetime | None = None,
) -> tuple[UrgentEvent, Article]:
    """A unit's information officer registers an urgent event and writes its first report (首报) as a draft —
    both or neither. The first-report timer runs from when the event happened (PUB-2.3); the report counts when
    the leader has signed it off and it reaches the office."""
    now = now or clock.now()
    with transaction():
        office = db.session.get(ArticleOffice, office_id) if isinstance(office_id, int) else None
        if office is None or not permissions.can_report_urgent(user, user.organisation_id, office.id):
            raise _forbidden("只有向该办公室报送信息的单位的信息员可以登记本单位的紧急事件")
        event = _new_event(
            user, office, user.organisation, _title(title), _occurred(occurred_at, now), "本单位"
        )
        local_now = clock.local(now)
        assert local_now is not None
        # create_draft runs in this same session: its commit commits the event with it, its failure rolls both
        try:
            report = articles.create_draft(
                user,
                office_id=office.id,
                title=report_title,
                body=report_body,
                secrecy=secrecy,
                kind="urgent",
                urgent_event_id=event.id,
                today=local_now.date(),
            )
        except InvalidInput as exc:  # the report's fields, named as this form and the API name them
            raise InvalidInput(exc.message, field=REPORT_FIELDS.get(exc.field or "", exc.field)) from exc
    return event, report


def register_by_office(
    user: User, *, unit_id: int, title: str, occurred_at: datetime, now: datetime | None = None
) -> UrgentEvent:
    """The office registers an urgent event it learned of another way and assigns it to one of its units: the
    timers run against that unit from when the event happened."""
    now = now or clock.now()
    with transaction():
        office = permissions.office_of(user)
        if office is None or not permissions.can_run_urgent_board(user, office):
            raise _forbidden("只有办公室的信息编辑或信息科负责人可以登记并指定单位报送紧急信息")
        unit = db.session.scalar(
            sa.select(Organisation)
            .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
            .where(
                OfficeUnit.office_id == office.id,
                OfficeUnit.active.is_(True),
                Organisation.id == unit_id,
            )
        ) if is_db_id(unit_id) else None  # fmt: skip
        if unit is None:
            raise InvalidInput("请选择向本办公室报送信息的单位。", field="unit_id")
        event = _new_event(user, office, unit, _title(title), _occurred(occurred_at, now), "办公室")
    return event


def close(user: User, event_id: int, *, note: str = "", now: datetime | None = None) -> UrgentEvent:
    """The office closes an event: no follow-up is due any more (PUB-2.3: 必要时续报)."""
    now = now or clock.now()
    with transaction():
        event = load(user, event_id, lock=True)
        if not permissions.can_run_urgent_board(user, event.office):
            raise _forbidden("只有办公室可以结束紧急事件的报送")
        if event.closed_at is not None:
            raise Conflict("该紧急事件已结束。")
        text = _note(note, required=False, what="结束说明", field="note")
        event.closed_at = now
        event.closed_by_id = user.id
        event.next_due_at = None
        append_event(
            SUBJECT,
            event.id,
            "closed",
            actor=user,
            from_state="open",
            to_state="closed",
            comment="结束报送" + (f"：{text}" if text else ""),
            rule_id="PUB-2.3",
        )
    return event


def dismiss_late(user: User, event_id: int, *, reason: str, now: datetime | None = None) -> UrgentEvent:
    """The office looked at a late first report and records no 迟报 (with the reason): the suggestion goes."""
    now = now or clock.now()
    with transaction():
        event = load(user, event_id, lock=True)
        if not permissions.can_record_incident(user, event.office):
            raise _forbidden("只有办公室可以认定迟报", "ZG-4.10")
        if not first_report_was_late(clock_of(event)) or event.late_dismissed_at is not None:
            raise Conflict("该事件没有待认定的迟报。")
        text = _note(reason, required=True, what="不认定迟报的理由", field="reason")
        event.late_dismissed_at = now
        append_event(
            SUBJECT, event.id, "late_not_recorded", actor=user, comment=f"首报超时，不认定迟报：{text}",
            rule_id="ZG-4.10",
        )  # fmt: skip
    return event


# -- reading ---------------------------------------------------------------------------------------------------


def load(user: User | None, event_id: int, *, lock: bool = False) -> UrgentEvent:
    """The event if ``user`` may see it (its office's staff, the unit's members); NotFound otherwise."""
    query = sa.select(UrgentEvent).where(UrgentEvent.id == event_id)
    if lock:
        query = query.with_for_update()
    event = db.session.scalar(query)
    if event is None or not permissions.can_see_urgent_event(user, event.office, event.unit_id):
        raise NotFound("紧急事件不存在或您无权查看。")
    return event


@dataclass(frozen=True)
class EventRow:
    """An event with its timers as of ``now``: the first report's, and the one running now (None once closed)."""

    event: UrgentEvent
    clock: UrgentClock
    first: Timer
    current: Timer | None
    now: datetime

    @property
    def remaining_seconds(self) -> int | None:
        """Seconds left on the running timer (negative: overdue by that much), for the countdown."""
        if self.current is None:
            return None
        return int(self.current.remaining(self.now).total_seconds())

    @property
    def overdue(self) -> bool:
        return self.current is not None and self.current.status == "overdue"

    @property
    def awaiting(self) -> str:
        """What is awaited now: 首报 until the first report came, then 续报."""
        return "首报" if self.event.first_report_at is None else "续报"

    @property
    def late_first_report(self) -> bool:
        return first_report_was_late(self.clock)


def row(event: UrgentEvent, now: datetime) -> EventRow:
    timers = clock_of(event)
    return EventRow(event, timers, timers.first_timer(now), timers.current(now), now)


def _open() -> sa.ColumnElement[bool]:
    return UrgentEvent.closed_at.is_(None)


def board(office: ArticleOffice, *, page: int, per_page: int = 20, closed: bool = False) -> Any:
    """The office's events: open ones, the soonest due first (overdue at the top); or closed ones, newest first."""
    stmt = sa.select(UrgentEvent).where(UrgentEvent.office_id == office.id)
    if closed:
        stmt = stmt.where(UrgentEvent.closed_at.is_not(None)).order_by(
            UrgentEvent.closed_at.desc(), UrgentEvent.id.desc()
        )
    else:
        stmt = stmt.where(_open()).order_by(UrgentEvent.next_due_at, UrgentEvent.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def unit_events(user: User, *, page: int, per_page: int = 20, closed: bool = False) -> Any:
    """The events of the user's unit (at every office it writes to), as `board` orders them."""
    mine = permissions.is_unit_member_of(user, user.organisation_id)
    stmt = sa.select(UrgentEvent).where(
        UrgentEvent.unit_id == user.organisation_id, sa.true() if mine else sa.false()
    )
    if closed:
        stmt = stmt.where(UrgentEvent.closed_at.is_not(None)).order_by(
            UrgentEvent.closed_at.desc(), UrgentEvent.id.desc()
        )
    else:
        stmt = stmt.where(_open()).order_by(UrgentEvent.next_due_at, UrgentEvent.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def late_suggestion_condition(office_id: int) -> sa.ColumnElement[bool]:
    """Events of the office whose first report came after its due time, where the office has neither recorded a
    迟报 (live or withdrawn: it has looked at it) nor dismissed the suggestion. ZG-4.10 — never automatic."""
    recorded = sa.exists().where(Incident.urgent_event_id == UrgentEvent.id, Incident.kind == "late")
    return sa.and_(
        UrgentEvent.office_id == office_id,
        UrgentEvent.first_report_at.is_not(None),
        UrgentEvent.first_report_at > UrgentEvent.first_due_at,
        UrgentEvent.late_dismissed_at.is_(None),
        sa.not_(recorded),
    )


def late_suggestions(office: ArticleOffice, *, page: int, per_page: int = 20) -> Any:
    stmt = (
        sa.select(UrgentEvent)
        .where(late_suggestion_condition(office.id))
        .order_by(UrgentEvent.first_report_at.desc(), UrgentEvent.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def is_late_suggested(event: UrgentEvent) -> bool:
    """The office is offered to record 迟报 for this event (`late_suggestion_condition`)."""
    return (
        db.session.scalar(
            sa.select(UrgentEvent.id).where(
                UrgentEvent.id == event.id, late_suggestion_condition(event.office_id)
            )
        )
        is not None
    )


def reports_of(user: User, event: UrgentEvent) -> list[Article]:
    """The event's reports ``user`` may see, in the order they reached the office (drafts last)."""
    return list(
        db.session.scalars(
            sa.select(Article)
            .where(Article.urgent_event_id == event.id, permissions.visible_clause(user))
            .order_by(Article.submitted_at.is_(None), Article.submitted_at, Article.id)
        )
    )


def first_report(event: UrgentEvent) -> Article | None:
    """The report that reached the office first (the one a 迟报 names), by the time it first arrived."""
    if event.first_report_at is None:
        return None
    return db.session.scalar(
        sa.select(Article)
        .where(Article.urgent_event_id == event.id, Article.submitted_at.is_not(None))
        .order_by(Article.submitted_at, Article.id)
        .limit(1)
    )
