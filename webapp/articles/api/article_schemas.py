"""The article API's request and response shapes (``/api/v1/articles…``), written once: `webapp.core.api.spec`
validates requests with them, checks the views' answers against them in the tests and builds the OpenAPI document
from them.

The procedure's vocabularies (states, events, 密级, kinds) are enums; an office's words (publications, classes,
forms) are strings, since each office configures its own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from webapp.articles.models import ARTICLE_KINDS, FORWARD_KINDS, INCIDENT_KINDS, INSTRUCTION_LEVELS
from webapp.articles.services import unit_lists
from webapp.articles.unit.forms import COMMENT_MAX, NOTE_MAX
from webapp.core.api.spec import Body, Out, Stripped
from workflow.articles import ARTICLE_STATES, EVENTS, SECRECY_LEVELS
from workflow.articles.guards import BODY_MAX, TEXT_MAX, TITLE_MAX

State = Literal[ARTICLE_STATES]  # type: ignore[valid-type]
Event = Literal[EVENTS]  # type: ignore[valid-type]
Secrecy = Literal[SECRECY_LEVELS]  # type: ignore[valid-type]
Kind = Literal[ARTICLE_KINDS]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=unit_lists.MAX_ID)]
Version = Annotated[
    int,
    Field(
        ge=0,
        le=unit_lists.MAX_ID,
        description="the article's version when read; 409 stale if it moved on since",
    ),
]
#: the longest code of a class or form an office may configure (the column's width)
CODE_MAX = 40


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


class NewArticle(Body):
    office_id: Id | None = Field(
        None, description="the office written to; may be left out when the unit writes to one"
    )
    title: Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX)]
    body: Annotated[str, StringConstraints(max_length=BODY_MAX)] = Field(
        "", description="plain text, a paragraph a line"
    )
    secrecy: Annotated[Secrecy, Stripped] = Field(
        "none", description="密级: none 非密, internal 内部, secret 秘密"
    )
    kind: Annotated[Literal["normal", "urgent"], Stripped] = "normal"
    commission_target_id: Id | None = Field(
        None, description="the commission target (约稿) of the unit it answers"
    )
    urgent_event_id: Id | None = Field(None, description="the unit's urgent event (紧急信息) it reports")


class TextUpdate(Body):
    title: Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX)]
    body: Annotated[str, StringConstraints(max_length=BODY_MAX)]
    note: Annotated[str, StringConstraints(max_length=NOTE_MAX)] = Field("", description="修改说明, optional")
    secrecy: Annotated[Secrecy, Stripped] | None = Field(
        None, description="only while the unit holds the article"
    )
    expected_version: Version | None = None


class ArticleAdoptionRequest(Body):
    publication_id: Id
    class_code: Annotated[str, StringConstraints(max_length=CODE_MAX)]
    form_code: Annotated[str, StringConstraints(max_length=CODE_MAX)]
    adopted_on: IsoDate | None = Field(
        None, description="today when left out; not after today, not before submission"
    )
    note: Annotated[str, StringConstraints(max_length=NOTE_MAX)] = ""


class ArticleEventRequest(Body):
    event: Annotated[Event, Stripped]
    reason: Annotated[str, StringConstraints(max_length=TEXT_MAX * 2)] | None = Field(
        None, description="leader_return, office_return, decline: required (ZG-6.1, PUB-2.4, INF-2.0)"
    )
    answer: Annotated[str, StringConstraints(max_length=TEXT_MAX * 2)] | None = Field(
        None, description="resubmit: required, the answer to the open return (ZG-6.1)"
    )
    comment: Annotated[str, StringConstraints(max_length=COMMENT_MAX)] | None = None
    adoption: ArticleAdoptionRequest | None = Field(
        None, description="adopt: publication, class, form, date (INF-2.0)"
    )
    expected_version: Version | None = None


def _choice(values: tuple[str, ...]) -> Any:
    return Literal[(*values, "")] | None


def _number(low: int, high: int) -> Any:
    return Annotated[int, Field(ge=low, le=high)] | Literal[""] | None


class ArticleQuery(Out):
    """GET /articles query, read by the list's parser (shared with the unit's page); empty is no filter."""

    q: str | None = Field(None, max_length=unit_lists.MAX_QUERY_LENGTH, description="keyword on the title")
    state: _choice(ARTICLE_STATES) = None
    office: _number(1, unit_lists.MAX_ID) = Field(None, description="the office written to")
    unit: _number(1, unit_lists.MAX_ID) = Field(None, description="the writing unit")
    page: _number(1, unit_lists.MAX_PAGE) = None
    per_page: _number(1, unit_lists.MAX_PER_PAGE) = None
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = Field(
        None,
        description="keyset pagination (preferred; any depth costs the same): absent or empty with `limit` = the "
        "first page, then the `next_cursor` of the page before; opaque, a forged one is refused with 400 "
        "(field `cursor`). With `cursor` or `limit` the answer is `{articles, next_cursor, per_page}`",
    )
    limit: _number(1, unit_lists.MAX_PER_PAGE) = Field(None, description="rows per page of the cursor form")


class CompareQuery(Out):
    a: _number(1, 100_000) = Field(None, description="left revision number (default: the one before b)")
    b: _number(1, 100_000) = Field(None, description="right revision number (default: the latest)")


class VersionQuery(Out):
    expected_version: Annotated[int, Field(ge=0, le=999_999_999)] | Literal[""] | None = Field(
        None,
        description="the article's version when read; refused as stale (409) if it changed; empty: not checked",
    )


class ArticleUploadForm(Out):
    """multipart/form-data (read by the view)."""

    file: Annotated[bytes, WithJsonSchema({"type": "string", "format": "binary"})]
    expected_version: Annotated[int, Field(ge=0, le=999_999_999)] | Literal[""] | None = None


# -- responses ------------------------------------------------------------------------------------------------


class Named(Out):
    id: int
    name: str


class ArticleSummary(Out):
    id: int
    number: str | None = Field(description="稿件编号, given when the leader signs it off")
    state: State
    state_label: str
    kind: Kind
    kind_label: str
    secrecy: Secrecy
    secrecy_label: str
    title: str
    office: Named
    unit: Named
    author: str
    revision_no: int
    submitted_on: date | None
    updated_at: datetime | None
    version: int = Field(description="send as expected_version")


class ArticleList(Out):
    """Either form: the cursor form (``?cursor=&limit=``) answers ``articles``, ``next_cursor`` and ``per_page``;
    the page form (``?page=&per_page=``) answers ``count`` (capped), ``page``, ``per_page`` and ``pages``."""

    articles: list[ArticleSummary]
    next_cursor: str | None = Field(None, description="cursor form: the next page's cursor, null on the last")
    count: int | None = Field(
        None,
        description=f"page form: total under the filters, counted up to {unit_lists.COUNT_CAP:,} (page further with the cursor)",
    )
    count_capped: bool | None = Field(None, description="page form: the total is at least `count`")
    page: int | None = None
    per_page: int
    pages: int | None = None


class RevisionSummary(Out):
    no: int
    title: str
    note: str
    author: str
    state: State = Field(description="the article's state when the revision was saved")
    at: datetime | None


class Revision(RevisionSummary):
    body: str


class Return(Out):
    id: int
    side: Literal["leader", "office"]
    side_label: str
    reason: str
    returned_by: str
    returned_at: datetime | None
    revision_no: int
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None


class ArticleAttachment(Out):
    id: int
    filename: str
    size: int
    sha256: str
    content_type: str | None
    uploaded_by: str | None
    at: datetime | None


class ArticleBlockedEvent(Out):
    event: Event
    message: str
    rule: str | None


class Adoption(Out):
    id: int
    office: Named
    publication: Named
    class_code: str
    form_code: str
    text: str = Field(description="「《市组工信息》经验类·单条，2027-03-02采用」")
    adopted_on: date
    cancelled: bool


class Forwarding(Out):
    id: int
    kind: Literal[FORWARD_KINDS]  # type: ignore[valid-type]
    status: Literal["pending", "adopted", "declined", "sent"]
    from_office: Named
    to_office: Named | None
    forwarded_on: date
    decided_on: date | None
    decline_reason: str | None


class ArticleFollowUp(Out):
    id: int
    unit: Named
    due_on: date
    request: str
    report: str | None
    reported_at: datetime | None


class ArticleInstruction(Out):
    id: int
    leader: str
    level: Literal[INSTRUCTION_LEVELS]  # type: ignore[valid-type]
    level_label: str
    text: str
    instructed_on: date
    follow_ups: list[ArticleFollowUp]


class ArticleIncident(Out):
    id: int
    kind: Literal[INCIDENT_KINDS]  # type: ignore[valid-type]
    kind_label: str
    rule: str | None
    occurred_on: date
    note: str
    serious: bool
    withdrawn: bool


class ArticleCommission(Out):
    target_id: int
    topic: str
    due_on: date
    important: bool
    status: Literal["pending", "answered", "late", "missed"]


class ArticleUrgentEvent(Out):
    id: int
    title: str
    occurred_at: datetime | None
    first_due_at: datetime | None
    closed: bool


class Records(Out):
    adoptions: list[Adoption]
    forwardings: list[Forwarding]
    instructions: list[ArticleInstruction]
    incidents: list[ArticleIncident]
    commission: ArticleCommission | None
    urgent_event: ArticleUrgentEvent | None


class ArticleHistoryEntry(Out):
    seq: int
    event: str
    label: str
    from_: str | None = Field(alias="from")
    to: str | None
    actor: str
    organisation: str | None
    at: datetime
    comment: str | None
    rule: str | None
    quote: str | None = Field(description="the rule as people read it: 「依据《…》…：… · ZG-6.1」")


class ArticleDetail(ArticleSummary):
    body: str
    functions: list[str] = Field(description="the article functions the caller holds")
    allowed_events: list[Event]
    blocked_events: list[ArticleBlockedEvent]
    abilities: dict[str, bool] = Field(description="edit_text, delete_draft, attach")
    revisions: list[RevisionSummary]
    returns: list[Return]
    attachments: list[ArticleAttachment]
    records: Records
    history: list[ArticleHistoryEntry]
    chain_ok: bool = Field(
        description="the history's hash chain verifies (no row changed, removed or inserted)"
    )


class Segment(Out):
    text: str
    changed: bool


class DiffRow(Out):
    kind: Literal["equal", "changed", "removed", "added"]
    left: list[Segment]
    right: list[Segment]


class Comparison(Out):
    a: RevisionSummary
    b: RevisionSummary
    changed: bool
    title: DiffRow
    rows: list[DiffRow]
