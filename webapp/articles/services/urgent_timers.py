"""The urgent event's timers move when one of its reports reaches the office (PUB-2.3, ZG-4.10).

`on_signed_off` runs inside the sign-off's transaction (`services.articles.fire_checked`); it imports nothing of
the article services, so `services.urgent` (which writes first reports through them) may import both.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from webapp.articles.models import Article, UrgentEvent
from webapp.core import clock as app_clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import append_event
from workflow.articles.urgent import REPORT_KIND_LABELS, UrgentClock

SUBJECT = "urgent_event"


def clock_of(event: UrgentEvent) -> UrgentClock:
    """The pure timers (`workflow.articles.urgent`) of a stored event."""
    return UrgentClock(
        first_due=event.first_due_at,
        followup_minutes=event.followup_minutes,
        first_report_at=event.first_report_at,
        last_report_at=event.last_report_at,
        closed_at=event.closed_at,
    )


def shown(moment: datetime) -> str:
    """A stored instant as people read it (Asia/Shanghai, to the minute)."""
    local = app_clock.local(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def _minutes(seconds: float) -> str:
    minutes = int(seconds // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分钟" if hours else f"{rest}分钟"


def reached_office_before(article: Article) -> bool:
    """The office returned it once (退回修改): it reached the office then, so signing it off again sends no new
    report — the report counted at its first arrival."""
    return any(item.returned_by_side == "office" for item in article.returns)


def on_signed_off(user: User, article: Article, now: datetime) -> None:
    """A report of an urgent event reached the office at ``article.submitted_at``: the first report (首报)
    answers the first-report timer, a later one the follow-up timer (续报); the event's trail says how it
    stood (in time / late by how long)."""
    if article.urgent_event_id is None or reached_office_before(article):
        return
    event = db.session.scalar(
        sa.select(UrgentEvent).where(UrgentEvent.id == article.urgent_event_id).with_for_update()
    )
    if event is None:
        return
    arrival = article.submitted_at or now
    clock, answered = clock_of(event).report(arrival)
    event.first_report_at = clock.first_report_at
    event.last_report_at = clock.last_report_at
    event.next_due_at = clock.next_due
    what = REPORT_KIND_LABELS[answered.kind]
    if answered.kind == "followup":
        earlier = db.session.scalar(
            sa.select(sa.func.count(Article.id)).where(
                Article.urgent_event_id == event.id,
                Article.submitted_at.is_not(None),
                Article.id != article.id,
            )
        )
        what = f"第{max(int(earlier or 0), 1)}次续报"
    stood = "事件已结束，不再计时"
    rule = "PUB-2.3"
    if answered.timer is not None:
        due = shown(answered.timer.due)
        late_by = answered.timer.late_by
        if late_by is None:
            stood = f"按时（时限{due}）"
        else:
            stood = f"迟于时限{_minutes(late_by.total_seconds())}（时限{due}）"
            rule = "ZG-4.10"
    append_event(
        SUBJECT,
        event.id,
        "report_arrived",
        actor=user,
        comment=f"{what}《{article.title}》送达办公室：{stood}"[:2000],
        rule_id=rule,
    )
