"""Request and response shapes of the issue and instruction API (`webapp.articles.api.publishing`), written once:
they validate requests, check the answers in the tests and make the OpenAPI document. Length limits are the
services' own, so the document refuses what the service would."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from webapp.articles.models import INSTRUCTION_LEVELS
from webapp.articles.models.issue import CORRECTION_KINDS
from webapp.articles.services import instructions, issues
from webapp.core.api.spec import Body, Out, Stripped
from webapp.core.request_args import PAGE_MAX, SQL_INT_MAX
from workflow.articles import SECRECY_LEVELS
from workflow.articles.guards import BODY_MAX, TITLE_MAX

Id = Annotated[int, Field(ge=1, le=SQL_INT_MAX)]
Version = Annotated[
    int,
    Field(ge=0, le=999_999_999, description="the issue's version when read; 409 stale if it moved on since"),
]
Level = Literal[INSTRUCTION_LEVELS]  # type: ignore[valid-type]
CorrectionKind = Literal[CORRECTION_KINDS]  # type: ignore[valid-type]
Secrecy = Literal[SECRECY_LEVELS]  # type: ignore[valid-type]


def _iso_date(value: Any) -> date:
    """A date only as ``YYYY-MM-DD`` text (lax pydantic would also take 0 as 1970-01-01)."""
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise PydanticCustomError("kaoping", "{name} 须为日期 YYYY-MM-DD")


IsoDate = Annotated[date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]


def _text(limit: int) -> Any:
    return Annotated[str, Field(max_length=limit)]


# -- queries ------------------------------------------------------------------------------------------------


def _number(low: int, high: int) -> Any:
    return Annotated[int, Field(ge=low, le=high)] | Literal[""] | None


class PageQuery(Out):
    page: _number(1, PAGE_MAX) = None
    per_page: _number(1, 100) = None


class IssueQuery(PageQuery):
    publication_id: _number(1, SQL_INT_MAX) = Field(None, description="one own publication (default: all)")


class VersionQuery(Out):
    expected_version: Annotated[int, Field(ge=0, le=999_999_999)] | Literal[""] | None = Field(
        None, description="the issue's version when read; 409 stale if it changed; empty: not checked"
    )


# -- requests -----------------------------------------------------------------------------------------------


class IssueFields(Body):
    issued_on: IsoDate
    editor_note: _text(issues.NOTE_MAX) = ""
    distribution: _text(issues.DISTRIBUTION_MAX) | None = Field(
        None, description="报：…\\n送：…\\n发：… (new issue: null takes the previous issue's)"
    )
    copies: Annotated[int, Field(ge=1, le=issues.COPIES_MAX)] | None = None


class NewIssue(IssueFields):
    publication_id: Id


class IssueDetails(IssueFields):
    expected_version: Version | None = None


class AddItems(Body):
    adoption_ids: Annotated[list[Id], Field(min_length=1, max_length=issues.ADD_MAX)]
    expected_version: Version | None = None


class Order(Body):
    item_ids: Annotated[
        list[Id], Field(max_length=500, description="every item of the issue, in the new order")
    ]
    expected_version: Version | None = None


class VersionBody(Body):
    expected_version: Version | None = None


class Correction(Body):
    kind: Annotated[CorrectionKind, Stripped]
    reason: _text(issues.REASON_MAX)
    item_id: Id | None = Field(None, description="edit, withdraw: the item")
    title: _text(TITLE_MAX) | None = Field(None, description="edit: the corrected title")
    body: _text(BODY_MAX) | None = Field(None, description="edit: the corrected text")
    editor_note: _text(issues.NOTE_MAX) | None = Field(None, description="note: the corrected editor's note")
    expected_version: Version | None = None


class FollowUpRequest(Body):
    unit_id: Id
    due_on: IsoDate
    request: _text(instructions.REQUEST_MAX) = ""


class NewInstruction(Body):
    article_id: Id
    leader: _text(instructions.LEADER_MAX)
    level: Annotated[Level, Stripped]
    text: _text(instructions.TEXT_MAX)
    instructed_on: IsoDate
    follow_up: FollowUpRequest | None = None


class ReportRequest(Body):
    report: _text(instructions.REPORT_MAX)


# -- responses ----------------------------------------------------------------------------------------------


class Listing(Out):
    count: int = Field(description="total")
    page: int
    per_page: int
    pages: int


class IssueSummary(Out):
    id: int
    publication_id: int
    publication: str
    year: int
    number: int
    total: int
    number_label: str = Field(description="2027年第12期，总第345期")
    issued_on: date
    state: Literal["assembling", "locked"]
    state_label: str
    secrecy: Secrecy
    items: int = Field(description="items not withdrawn")
    version: int = Field(description="send as expected_version")


class IssueList(Listing):
    issues: list[IssueSummary]


class Item(Out):
    id: int
    position: int
    title: str
    body: str
    source: str
    adoption_id: int
    article_id: int
    secrecy: Secrecy
    withdrawn: bool


class CorrectionOut(Out):
    id: int
    kind: CorrectionKind
    item_id: int | None
    reason: str
    change: str
    by: str
    at: datetime


class Abilities(Out):
    assemble: bool
    lock: bool
    correct: bool
    download: bool


class Issue(IssueSummary):
    editor_note: str
    distribution: str
    copies: int | None
    locked_at: datetime | None
    item_list: list[Item]
    corrections: list[CorrectionOut]
    may: Abilities


class Candidate(Out):
    adoption_id: int
    article_id: int
    title: str
    unit: str
    adopted_on: date
    secrecy: Secrecy


class CandidateList(Listing):
    candidates: list[Candidate]
    count_capped: bool = Field(description="there are more than `count` (counted up to 1,000)")


class Unit(Out):
    id: int
    name: str


class FollowUp(Out):
    id: int
    instruction_id: int
    unit: Unit
    due_on: date
    request: str
    report: str | None
    reported_at: datetime | None
    late: bool = Field(description="reported after the deadline")
    overdue: bool = Field(description="not reported and past the deadline today")
    leader: str
    level: Level
    instruction: str
    article_id: int
    article_title: str | None = Field(description="null when the caller may not see the article (秘密)")


class Instruction(Out):
    id: int
    article_id: int
    article_title: str
    leader: str
    level: Level
    level_label: str
    text: str
    instructed_on: date
    follow_ups: list[FollowUp]


class InstructionList(Listing):
    instructions: list[Instruction]


class FollowUpList(Listing):
    follow_ups: list[FollowUp]
