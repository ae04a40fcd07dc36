"""Request and response shapes of the office's API (`office.py`): intake, duplicates, search, further and
withdrawn adoptions, forwarding and the upper office's decision, the office's settings. Written once: they
validate requests, check the answers in the tests and make the OpenAPI document."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from webapp.articles.models import ARTICLE_STATE_LABELS, FORWARD_KINDS, FORWARD_STATUS_LABELS, TERM_KINDS
from webapp.articles.services import office_settings, search
from webapp.core.api.spec import Body, Out, Stripped

MAX_ID = 2**31 - 1
State = Literal[tuple(ARTICLE_STATE_LABELS)]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
]
Position = Annotated[int, Field(ge=0, le=office_settings.POSITION_MAX)]


def _iso_date(value: Any) -> date:
    """A date only as ``YYYY-MM-DD`` text (lax pydantic would also take 0 as 1970-01-01)."""
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise PydanticCustomError("kaoping", "{name} 须为日期 YYYY-MM-DD")


IsoDate = Annotated[date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]


def _number(low: int, high: int) -> Any:
    return Annotated[int, Field(ge=low, le=high)] | Literal[""] | None


# -- queries ---------------------------------------------------------------------------------------------------


class PageQuery(Out):
    page: _number(1, search.MAX_PAGE) = None
    per_page: _number(1, search.MAX_PER_PAGE) = None


class IntakeQuery(PageQuery):
    state: Literal["submitted", "received", ""] | None = Field(
        None, description="one state of the queue; empty: both"
    )


class SearchQuery(PageQuery):
    """Read by the search's parser (shared with the search page), whose limits these are; empty: no filter."""

    q: str | None = Field(
        None,
        max_length=search.MAX_QUERY_LENGTH,
        description="keywords (space-separated, all must occur) in title or text",
    )
    unit: _number(1, search.MAX_ID) = Field(None, description="the writing unit (organisation id)")
    state: Literal[(*ARTICLE_STATE_LABELS, "")] | None = None  # type: ignore[valid-type]
    publication: _number(1, search.MAX_ID) = Field(None, description="adopted in this publication")
    date_from: Annotated[date, WithJsonSchema({"type": "string", "format": "date"})] | Literal[""] | None = (
        Field(None, description="reached the office on or after (2000-01-01 … 2100-12-31)")
    )
    date_to: Annotated[date, WithJsonSchema({"type": "string", "format": "date"})] | Literal[""] | None = (
        Field(None, description="reached the office on or before")
    )


# -- requests --------------------------------------------------------------------------------------------------


class AdoptionRequest(Body):
    publication_id: Id = Field(description="a publication of the office (GET /office/settings)")
    class_code: Code
    form_code: Code
    adopted_on: IsoDate | None = Field(None, description="default today; not in the future")
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class ReasonRequest(Body):
    reason: Annotated[str, StringConstraints(max_length=2000)] = Field(description="4 characters at least")


class ForwardRequest(Body):
    kind: Annotated[Literal[FORWARD_KINDS], Stripped] = Field(  # type: ignore[valid-type]
        description="up: 上报 to the parent office (INF-2.5); to_leaders: 转送 to the leaders (INF-2.6)"
    )
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class NewPublication(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    code: Code
    own: bool = False
    position: Position = 0


class PublicationChange(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None
    own: bool | None = None
    active: bool | None = None
    position: Position | None = None


class NewTerm(Body):
    kind: Annotated[Literal[TERM_KINDS], Stripped]  # type: ignore[valid-type]
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    code: Code
    position: Position = 0


class TermChange(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    active: bool | None = None
    position: Position | None = None


class NewUnit(Body):
    organisation: Annotated[str, StringConstraints(min_length=1, max_length=120)] = Field(
        description="the unit's organisation code or exact name"
    )
    group: Annotated[str, StringConstraints(max_length=40)] = ""


class UnitChange(Body):
    group: Annotated[str, StringConstraints(max_length=40)] | None = None
    active: bool | None = None


class Timers(Body):
    first_report_minutes: Annotated[int, Field(ge=5, le=1440)]
    followup_minutes: Annotated[int, Field(ge=30, le=10080)]
    commission_warning_days: Annotated[int, Field(ge=0, le=30)]


# -- responses -------------------------------------------------------------------------------------------------


class Named(Out):
    id: int
    name: str


class ArticleRow(Out):
    id: int
    number: str | None
    title: str
    kind: Literal["normal", "commissioned", "urgent"]
    secrecy: Literal["none", "internal", "secret"]
    state: State
    state_label: str
    unit: Named = Field(description="the writing unit")
    submitted_on: date | None
    submitted_at: str | None
    version: int = Field(description="send as expected_version to POST /articles/{id}/events")


class IntakeCounts(Out):
    submitted: int
    received: int


class IntakeList(Out):
    articles: list[ArticleRow]
    counts: IntakeCounts
    count: int
    page: int
    per_page: int
    pages: int


class ForwardingOut(Out):
    id: int
    article_id: int
    kind: Literal[FORWARD_KINDS]  # type: ignore[valid-type]
    status: Literal[tuple(FORWARD_STATUS_LABELS)]  # type: ignore[valid-type]
    status_label: str
    from_office: Named
    to_office: Named | None
    note: str
    forwarded_on: date
    decided_on: date | None
    decline_reason: str | None
    rule: str = Field(description="INF-2.5 (上报) or INF-2.6 (转送)")


class ForwardedRow(ForwardingOut):
    article: ArticleRow


class ForwardedList(Out):
    forwardings: list[ForwardedRow]
    count: int
    page: int
    per_page: int
    pages: int


class AdoptionOut(Out):
    id: int
    article_id: int
    office: Named = Field(description="the office that recorded it (an upper office after forwarding)")
    publication: Named
    class_code: str
    form_code: str
    adopted_on: date
    forwarding_id: int | None
    credited_unit: Named = Field(description="the authoring unit the adoption counts for (INF-2.5)")
    note: str
    description: str
    cancelled: bool
    cancel_reason: str | None


class ForwardingDecision(ForwardingOut):
    adoption: AdoptionOut | None


class DuplicateOut(Out):
    article_id: int
    number: str | None
    title: str
    unit: Named
    state: State
    secrecy: Literal["none", "internal", "secret"]
    submitted_on: date | None
    jaccard: float = Field(description="shared 3-character pieces over all of both texts")
    containment: float = Field(description="shared pieces over the shorter text")
    percent: int
    kind: Literal["near_identical", "large_overlap"]
    same_unit: bool
    earlier: bool


class DuplicateList(Out):
    duplicates: list[DuplicateOut]
    count: int
    page: int
    per_page: int
    pages: int


class SearchRow(ArticleRow):
    snippet: str


class SearchList(Out):
    articles: list[SearchRow]
    count: int = Field(description="the total, counted up to 1,000")
    count_capped: bool = Field(description="there are more than `count`")
    page: int
    per_page: int
    pages: int


class OfficeOut(Out):
    id: int
    name: str
    label: str
    scheme_id: str | None
    parent: Named | None
    first_report_minutes: int
    followup_minutes: int
    commission_warning_days: int


class PublicationOut(Out):
    id: int
    code: str
    name: str
    own: bool
    active: bool
    position: int


class TermOut(Out):
    id: int
    kind: Literal[TERM_KINDS]  # type: ignore[valid-type]
    code: str
    name: str
    active: bool
    position: int


class UnitOut(Out):
    id: int
    unit: Named
    group: str
    active: bool


class Group(Out):
    code: str
    name: str


class SettingsOut(Out):
    office: OfficeOut
    publications: list[PublicationOut]
    terms: list[TermOut]
    groups: list[Group]
    units: list[UnitOut]
    units_count: int
    units_page: int
    units_pages: int
