"""Request and response shapes of the commission, urgent-event and incident API (`webapp.core.api.spec` validates
requests with them, checks the answers against them in the tests and builds the OpenAPI document from them).

Limits written here are never tighter than the services' (what the document calls invalid, the server refuses)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from webapp.articles.models import COMMISSION_STATUS_LABELS, INCIDENT_KINDS
from webapp.articles.services import commissions
from webapp.core.api.spec import Body, Out
from webapp.core.request_args import PAGE_MAX, SQL_INT_MAX
from workflow.articles import SECRECY_LEVELS
from workflow.articles.urgent import TIMER_LABELS

PER_PAGE_MAX = 100
Id = Annotated[int, Field(ge=1, le=SQL_INT_MAX)]
IncidentKind = Literal[INCIDENT_KINDS]  # type: ignore[valid-type]
TargetStatus = Literal[tuple(COMMISSION_STATUS_LABELS)]  # type: ignore[valid-type]
TimerStatus = Literal[tuple(TIMER_LABELS)]  # type: ignore[valid-type]
Secrecy = Literal[SECRECY_LEVELS]  # type: ignore[valid-type]


def _iso_date(value: Any) -> date:
    """A date only as ``YYYY-MM-DD`` text."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("kaoping", "{name} 须为日期 YYYY-MM-DD")


def _iso_moment(value: Any) -> datetime:
    """A moment as ISO 8601 text; without an offset it is Beijing time (the service converts)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("kaoping", "{name} 须为时间 YYYY-MM-DDTHH:MM（北京时间，或带时区）")


IsoDate = Annotated[date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
IsoMoment = Annotated[
    datetime, PlainValidator(_iso_moment), WithJsonSchema({"type": "string", "format": "date-time"})
]

# -- queries (documented; the views read them with the same limits) -----------------------------------------------


def _number(low: int, high: int) -> Any:
    return Annotated[int, Field(ge=low, le=high)] | Literal[""] | None


class Paging(Out):
    page: _number(1, PAGE_MAX) = None
    per_page: _number(1, PER_PAGE_MAX) = None


class EventQuery(Paging):
    state: Literal["open", "closed", ""] | None = Field(None, description="open (default) or closed events")


class IncidentQuery(Paging):
    kind: Literal[(*INCIDENT_KINDS, "")] | None = None  # type: ignore[misc]
    status: Literal["live", "withdrawn", ""] | None = Field(None, description="live, withdrawn or both")


# -- requests --------------------------------------------------------------------------------------------------


class NewCommission(Body):
    topic: str = Field(description=f"{commissions.TOPIC_MIN}–{commissions.TOPIC_MAX} characters")
    detail: str = ""
    due_on: IsoDate = Field(description="from today to one year ahead")
    important: bool = Field(False, description="INF-3.10: missing it costs the year's 评先")
    unit_ids: list[Id] = Field(max_length=commissions.MAX_TARGETS, description="units of the caller's office")


class ReasonBody(Body):
    reason: str


class NewUrgentEvent(Body):
    title: str
    occurred_at: IsoMoment = Field(description="not in the future, at most 30 days ago")
    unit_id: Id | None = Field(None, description="the office registers: the unit that must report")
    office_id: Id | None = Field(None, description="a unit registers: the office it reports to")
    report_title: str | None = Field(
        None, description="a unit registers: its first report (首报), as a draft"
    )
    report_body: str | None = None
    secrecy: Secrecy = "none"


class CloseBody(Body):
    note: str = ""


class NewIncident(Body):
    kind: IncidentKind
    article_id: Id | None = Field(None, description="the article (every kind but omitted)")
    urgent_event_id: Id | None = Field(None, description="the urgent event (omitted; others: the article's)")
    occurred_on: IsoDate
    note: str
    serious: bool = Field(False, description="ZG-4.11")


# -- responses -------------------------------------------------------------------------------------------------


class Ref(Out):
    id: int
    name: str


class Target(Out):
    id: int
    unit: Ref
    status: TargetStatus = Field(description="as of today: a pending target past its deadline reads missed")
    status_label: str
    answered_on: date | None


class Tally(Out):
    pending: int
    answered: int
    late: int
    missed: int


class CommissionSummary(Out):
    id: int
    office: Ref
    topic: str
    due_on: date
    days_left: int = Field(description="calendar days to the deadline (0 today, negative past)")
    important: bool
    cancelled: bool
    rule: str


class CommissionRow(CommissionSummary):
    tally: Tally | None = Field(description="the office's view: targets per status")
    own_target: Target | None = Field(description="a unit's view: its own target")


class CommissionList(Out):
    commissions: list[CommissionRow]
    count: int
    page: int
    per_page: int
    pages: int


class Commission(CommissionSummary):
    detail: str
    cancelled_at: datetime | None
    targets: list[Target] = Field(description="every target for the office, the caller's own for a unit")


class Timer(Out):
    due: datetime
    reported_at: datetime | None
    status: TimerStatus
    label: str


class UrgentEvent(Out):
    id: int
    office: Ref
    unit: Ref
    title: str
    occurred_at: datetime
    first_due_at: datetime
    followup_minutes: int
    first_report_at: datetime | None
    last_report_at: datetime | None
    closed_at: datetime | None
    first_timer: Timer
    current_timer: Timer | None = Field(description="the report awaited now; null once closed")
    remaining_seconds: int | None = Field(description="left on the current timer, negative when overdue")
    overdue: bool
    late_first_report: bool = Field(description="ZG-4.10: offered to the office as 迟报, never automatic")


class UrgentEventList(Out):
    events: list[UrgentEvent]
    count: int
    page: int
    per_page: int
    pages: int


class Registered(Out):
    event: UrgentEvent
    report_id: int | None = Field(description="the first report's draft when a unit registered")


class Incident(Out):
    id: int
    office: Ref
    unit: Ref
    kind: IncidentKind
    kind_label: str
    article_id: int | None
    article_title: str | None = Field(description="null when the caller may not read the article")
    urgent_event_id: int | None
    occurred_on: date
    note: str
    serious: bool
    rule: str
    withdrawn_at: datetime | None
    withdraw_reason: str | None


class IncidentList(Out):
    incidents: list[Incident]
    count: int
    page: int
    per_page: int
    pages: int


class OpenTarget(Out):
    target_id: int
    commission_id: int
    office: Ref
    topic: str
    due_on: date
    days_left: int
    important: bool
    status: TargetStatus


class OpenRequests(Out):
    """A unit's open requests: commissions still to answer (missed ones may still be answered late) and urgent
    events still awaiting a report."""

    commissions: list[OpenTarget]
    commissions_count: int
    urgent_events: list[UrgentEvent]
    urgent_events_count: int
    page: int
    per_page: int
