"""The score-sheet API's request and response shapes, written once: `webapp.core.api.spec` validates requests
with them, checks the views' answers against them in the tests, and builds the OpenAPI document from them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema

from webapp.core.api.spec import Body, Out, Stripped

Points = int | float
SheetKindName = Literal["self", "reviewer", "agreed"]


class SheetEntry(Out):
    """One item's entry in the sheet JSON of docs/schemes.md (the scoring engine checks it against the scheme)."""

    awarded: Points | None = None
    deduction: Points | None = None
    defects: dict[str, Annotated[int, Field(ge=0)]] | None = None
    measures: dict[str, Points | None] | None = None
    flags: list[str] | None = None
    claims: list[str] | None = None
    reason: str | None = Field(None, description="扣分原因; required below the maximum")
    note: str | None = Field(None, description="evidence note, not scored")


#: entries as sent: checked item by item by the scoring engine (one path for pages and API), which names the
#: item and input at fault (field ``entries.<item id>[.<input>]``); documented as `SheetEntry` objects
Entries = Annotated[
    dict[str, Any],
    WithJsonSchema({"type": "object", "additionalProperties": SheetEntry.model_json_schema()}),
]


class NewSheet(Body):
    kind: Annotated[SheetKindName, Stripped]


class SheetEntries(Body):
    entries: Entries
    version: int | None = Field(None, description="the sheet's version when read; 409 stale if it moved on")
    opinion: str | None = Field(None, description="agreed sheet: the panel's written opinion (评审意见)")


class SheetVersion(Body):
    version: int | None = Field(None, description="the sheet's version when read; 409 stale if it moved on")


class SectionResult(Out):
    id: str
    name: str
    score: Points
    max: Points
    bonus: Points
    min_required: Points | None
    failed: bool


class ItemResult(Out):
    id: str
    score: Points
    max: Points
    reasons: list[str]
    bonus: bool | None = None
    missing: bool | None = None
    parts: list[ItemResult] | None = None


class SheetResult(Out):
    """The engine's result: the object ``kaoping score`` prints (docs/schemes.md)."""

    scheme: str
    version: str
    level: str | None
    total: Points
    max: Points
    sections: list[SectionResult]
    items: list[ItemResult]
    bonus_raw: Points
    bonus_total: Points
    bonus_reasons: list[str]
    vetoed: bool
    veto_reasons: list[str]
    section_failures: list[str]
    missing: list[str]
    pass_line: Points | None
    passed: bool | None
    grade: str | None


class Problem(Out):
    error: str = Field(description="stable engine code")
    params: dict[str, Any]
    message: str = Field(description="Chinese, as shown")
    item: str | None
    section: str | None
    field: str | None


class SheetSummary(Out):
    id: int
    case_id: int | None = Field(None, description="a grading case's sheet: the case")
    subject_type: str | None = Field(
        None, description="another procedure's sheet: its subject type (campaign_unit)"
    )
    subject_id: int | None = Field(None, description="another procedure's sheet: its subject's id")
    kind: SheetKindName
    kind_label: str
    reviewer: str | None = Field(description="username, reviewer sheets only")
    status: Literal["draft", "submitted"]
    scheme: str = Field(description="id@version the sheet is scored against")
    total: Points | None = Field(description="null while an entry cannot be scored")
    max: Points | None
    passed: bool | None
    vetoed: bool | None
    version: int = Field(description="send as version to PUT and submit")
    updated_at: datetime | None
    submitted_at: datetime | None


class Sheet(SheetSummary):
    level: str | None
    editable: bool = Field(
        description="the caller fills this sheet and it is open now (a submitted one is reopened first)"
    )
    entries: dict[str, SheetEntry]
    result: SheetResult | None
    complete: bool = Field(description="every entry scored")
    problems: dict[str, str] = Field(description="item id → why the engine left its entry out")
    problem_details: dict[str, Problem] = Field(
        description="item id → the same refusal with its code and parameters"
    )
    opinion: str | None = Field(description="agreed sheet: the panel's written opinion (评审意见)")


class ReviewerScore(Out):
    reviewer: str | None
    score: Points | None


class SpreadRow(Out):
    id: str
    item_max: Points
    scores: list[ReviewerScore]
    min: Points | None
    max: Points | None
    spread: Points | None
    self: Points | None
    agreed: Points | None
    self_difference: Points | None = Field(
        description="agreed (else the reviewers' median) minus the self-check"
    )


class Spread(Out):
    """Each reviewer's score per item, their range, and review minus self-check."""

    reviewers: list[str | None]
    items: list[SpreadRow]


class CaseSheets(Out):
    case_id: int
    scored: bool = Field(description="false: a level not scored (GAP-11)")
    scheme: str | None
    sheets: list[SheetSummary]
    spread: Spread | None


class SubjectSheets(Out):
    """The sheets of one subject of any procedure with sheets (a campaign unit…)."""

    subject_type: str
    subject_id: int
    scored: bool = Field(description="false: the subject's level is not scored")
    scheme: str | None
    sheets: list[SheetSummary]
    spread: Spread | None
