"""The grading API's request and response shapes, written once: `webapp.core.api.spec` validates requests with
them, checks the views' answers against them in the tests, and builds the OpenAPI document from them.

Vocabularies fixed in code (states, events, attachment kinds, objection statuses) are enums; the ruleset's words
(level and kind labels, organ names) are strings, since another province's ruleset may name them otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PlainValidator, RootModel, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from webapp.core import pagination
from webapp.core.api.spec import Body, Out, Stripped
from webapp.grading.models import ATTACHMENT_KINDS, OBJECTION_STATUS_LABELS
from webapp.grading.services import case_search as search
from webapp.grading.services.objection_filing import SUBMISSION_KEY_RE
from workflow.grading import CASE_STATES, EVENTS

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
State = Literal[CASE_STATES]  # type: ignore[valid-type]
Event = Literal[EVENTS]  # type: ignore[valid-type]
AttachmentKind = Literal[ATTACHMENT_KINDS]  # type: ignore[valid-type]
ObjectionState = Literal[tuple(OBJECTION_STATUS_LABELS)]  # type: ignore[valid-type]
Version = Annotated[int, Field(description="the case's version when read; 409 stale if it moved on since")]


def _iso_date(value: Any) -> date:
    """A date only as ``YYYY-MM-DD`` text (lax pydantic would also take 0 as 1970-01-01)."""
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise PydanticCustomError("kaoping", "{name} 须为日期 YYYY-MM-DD")


IsoDate = Annotated[date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]


# -- requests -------------------------------------------------------------------------------------------------


class NewCase(Body):
    level: NonBlank = Field(description="a level of the ruleset, e.g. second, first, special")
    kind: NonBlank = Field(description="evaluation or recheck")
    preconditions: dict[str, bool] = Field(
        default_factory=dict, description='{"ARC-5.1": true, … "ARC-5.6": true}'
    )


class EventRequest(Body):
    event: Annotated[Event, Stripped]
    comment: str | None = None
    expected_version: Version | None = None
    notice_start: Annotated[
        IsoDate | None,
        Field(
            description="pass_precheck: from today to the ruleset's calendar.notice_start_max_days_ahead "
            "days ahead"
        ),
    ] = None
    opinion: str | None = Field(
        None, description="pass_precheck, return_for_completion: required, the written pre-check opinion"
    )
    total_score: float | None = Field(
        None, description="conclude_review, scored: a plain decimal, checked as written (1e-400 is refused)"
    )
    conclusion: Literal["pass", "fail"] | None = Field(None, description="conclude_review, 省特级")


class PanelRequest(Body):
    reviewers: list[Annotated[str, StringConstraints(min_length=1)]]
    lead: str | None = None
    expected_version: Version | None = None


def _has_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("kaoping", "请填写异议内容（content）")
    return value


class ObjectionRequest(Body):
    content: Annotated[str, AfterValidator(_has_text)]
    name: str | None = None
    contact: str | None = None


class UploadForm(Out):
    """multipart/form-data (read by the view: werkzeug's form and file parsing)."""

    kind: AttachmentKind
    file: Annotated[bytes, WithJsonSchema({"type": "string", "format": "binary"})]
    expected_version: Annotated[int, Field(ge=0, le=999_999_999)] | Literal[""] | None = None


class ReplaceForm(Out):
    file: Annotated[bytes, WithJsonSchema({"type": "string", "format": "binary"})]


def _choice(name: str) -> Any:
    """A choice filter's values as the case search knows them, or empty (no filter, as the page form sends)."""
    return Literal[(*search.FILTER_VALUES[name], "")] | None


def _number(low: int, high: int) -> Any:
    return Annotated[int, Field(ge=low, le=high)] | Literal[""] | None


class CaseFilters(Out):
    """GET /cases query, read by the case search's parser (shared with the case list page), whose limits these
    are; an empty value is no filter."""

    q: str | None = Field(
        None,
        max_length=search.MAX_QUERY_LENGTH,
        description="organ name, case number, letter or certificate number",
    )
    state: _choice("state") = None
    level: _choice("level") = None
    kind: _choice("kind") = None
    tier: _choice("tier") = Field(None, description="the applicant organ's tier")
    year: _number(*search.YEAR_RANGE) = None
    bureau: _number(1, search.MAX_ID) = Field(None, description="a bureau holding any function in the case")
    overdue: Literal["", "0", "1"] | None = Field(None, description="1: only cases past a deadline")
    page: _number(1, search.MAX_PAGE) = None
    per_page: _number(1, search.MAX_PER_PAGE) = None
    cursor: str | None = Field(
        None,
        max_length=pagination.MAX_CURSOR_LENGTH,
        description="keyset paging: empty for the first page, then the answer's next_cursor",
    )
    limit: _number(1, pagination.MAX_LIMIT) = Field(None, description="rows per keyset page (default 20)")


class CursorQuery(Out):
    """A keyset-paged list's query (GET /notices)."""

    cursor: str | None = Field(
        None,
        max_length=pagination.MAX_CURSOR_LENGTH,
        description="keyset paging: empty for the first page, then the answer's next_cursor",
    )
    limit: _number(1, pagination.MAX_LIMIT) = Field(None, description="rows per page (default 20)")


class VersionQuery(Out):
    expected_version: Annotated[int, Field(ge=0, le=999_999_999)] | Literal[""] | None = Field(
        None,
        description="the case's version when read; refused as stale (409) if it changed; empty: not checked",
    )


#: the service's key pattern (`SUBMISSION_KEY_RE`, shared with the objection form's hidden token); the service
#: trims the key and takes a blank one as none, so the document allows that too
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "makes a retry safe: the same key and content answer the objection already filed; the "
    "same key with other content is 409. Blank: no key.",
    "schema": {"type": "string", "pattern": rf"^\s*(?:{SUBMISSION_KEY_RE.pattern.strip('^$')})?\s*$"},
}

# -- responses ------------------------------------------------------------------------------------------------


class Org(Out):
    id: int
    code: str
    name: str


class CaseSummary(Out):
    id: int
    state: State
    state_label: str
    level: str
    level_label: str
    kind: str
    kind_label: str
    tier: str
    organ: Org | None
    organizer: Org | None
    approver: Org | None
    plan_year: int | None
    applied_on: date | None
    version: int = Field(description="send as expected_version")


class CaseRow(CaseSummary):
    overdue_days: int = Field(description="days past the deadline of the current step, 0 when on time")


class CaseList(Out):
    cases: list[CaseRow]
    per_page: int
    next_cursor: str | None = Field(
        None, description="cursor form: pass as ?cursor= for the next page; null on the last page"
    )
    count: int | None = Field(
        None, description="page form: total under the filters, exact up to 1,000 (see count_is_estimate)"
    )
    count_is_estimate: bool | None = Field(
        None, description="page form: true when the list is longer than count (counting stopped at the cap)"
    )
    page: int | None = Field(None, description="page form only")
    pages: int | None = Field(None, description="page form only")


class PanelMember(Out):
    username: str
    name: str
    lead: bool
    declaration: Literal["none", "conflict"] | None = Field(description="回避声明: null until made")


class BlockedEvent(Out):
    event: Event
    message: str
    rule: str | None


class Notice(Out):
    start: date
    last_day: date
    may_close_on: date
    closed_on: date | None


class SpotCheck(Out):
    checked_on: date | None
    bureau: Org | None
    outcome: str
    outcome_label: str
    findings: str | None


class BasisDocument(Out):
    id: str
    name: str
    present: bool


class Attachment(Out):
    id: int
    kind: AttachmentKind
    kind_label: str
    filename: str
    size: int
    sha256: str
    content_type: str | None
    uploaded_by: str | None
    at: datetime | None


class Objector(Out):
    name: str | None
    contact: str | None


class Objection(Out):
    reference: str
    status: ObjectionState
    received_at: datetime
    content: str
    handling_note: str | None
    objector: Objector | None = Field(None, description="only for the organising bureau")


class HistoryEntry(Out):
    seq: int
    event: str
    from_: str | None = Field(alias="from")
    to: str | None
    actor: str
    organisation: str | None
    at: datetime
    comment: str | None
    rule: str | None


class Case(CaseSummary):
    ruleset: str
    lodged_with: Org | None
    forwarder: Org | None
    planner: Org | None
    prechecker: Org | None
    panel_size: Annotated[list[int], Field(min_length=2, max_length=2)]
    panel: list[PanelMember]
    functions: list[str] = Field(description="the case functions the caller holds")
    allowed_events: list[Event]
    blocked_events: list[BlockedEvent]
    abilities: dict[str, Any]
    notice: Notice | None
    preconditions: dict[str, bool]
    forwarded_on: date | None
    decided_on: date | None
    precheck_opinion: str | None
    total_score: float | None
    conclusion: Literal["pass", "fail"] | None
    letter_no: str | None
    certificate_no: str | None
    spot_check: bool = Field(description="the case was drawn for a spot check")
    spot_checks: list[SpotCheck]
    review_date: date | None
    basis_documents: list[BasisDocument]
    attachments: list[Attachment]
    objections: list[Objection]
    history: list[HistoryEntry]


class CaseAfterEvent(Out):
    """The answer to an event sent with ``Prefer: return=minimal``: where the case stands now."""

    id: int
    state: State
    state_label: str
    version: int = Field(description="send as expected_version")


class EventAnswer(RootModel[Case | CaseAfterEvent]):
    """The case after the event (the detail shape of ``GET /cases/<id>``), or with ``Prefer: return=minimal`` its
    id, state and version only."""


#: RFC 7240's ``Prefer: return=minimal`` on an event: the short answer (`CaseAfterEvent`)
PREFER = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": "return=minimal (RFC 7240): answer with the case's id, state and version only, not the "
    "whole case with its history (a client firing many events reads less and the server builds less); the "
    "answer then carries Preference-Applied: return=minimal. Without it (or with return=representation) the "
    "answer is the whole case.",
    "schema": {"type": "string"},
}


class PublicNotice(Out):
    case_id: int
    organ: str
    level: str
    kind: str
    bureau: str
    bureau_phone: str | None = Field(description="the organising bureau's contact phone")
    bureau_address: str | None
    start: date
    last_day: date
    days: int = Field(description="length of the notice, both ends counted")
    under_objection: bool


class NoticeList(Out):
    notices: list[PublicNotice]
    per_page: int
    next_cursor: str | None = Field(
        None, description="pass as ?cursor= for the next page; null on the last page"
    )


class Reference(Out):
    reference: str = Field(description="the reference number, e.g. GS-2027-0001")


class ObjectionStatus(Out):
    reference: str
    received_on: date
    status: ObjectionState
    status_label: str
    handled_on: date | None
    outcome_note: str | None
    organ: str
    bureau: str


class Organ(Out):
    id: int
    code: str
    name: str
    tier: str


class Grade(Out):
    organ: Organ
    level: str | None
    valid_from: date | None
    valid_to: date | None
    state: Literal["ungraded", "graded", "recheck_pending", "lapsed", "superseded"]
    recheck_due_year: int | None
    recheck_due: bool | None
    promotion_eligible_from: date | None
