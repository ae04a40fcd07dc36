"""Request and response shapes of the ledger API (`webapp.articles.api.ledger`), written once: they validate the
requests, check the answers in the tests and make the OpenAPI document. A period's result is the engine's JSON
(`LedgerResult.to_dict()`, documented in docs/schemes.md 「台账计分办法」) with the service's extras and the
period's state; a unit's reading is its own part of it. Every model is named ``Ledger…`` (the document names
components by class name, and other APIs have their own ``Line`` or ``Quota``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from webapp.articles.services import ledger
from webapp.core.api.spec import Body, Out
from webapp.core.request_args import PAGE_MAX, SQL_INT_MAX

Points = Annotated[float, Field(description="a number of points (or yuan, see currency); may be negative")]
State = Literal["open", "closed", "published"]
PERIOD_PATTERN = r"^\s*\d{4}(-(\d{1,2}|[Qq][1-4]|[Hh][12]))?\s*$"


# -- queries and requests ----------------------------------------------------------------------------------------


class LedgerMineQuery(Out):
    period: Annotated[str, Field(max_length=20, pattern=PERIOD_PATTERN)] | Literal[""] | None = Field(
        None, description="2027-01, 2027-Q1, 2027-H1 or 2027; empty: the office's current period"
    )
    office: Annotated[int, Field(ge=1, le=SQL_INT_MAX)] | Literal[""] | None = Field(
        None, description="one of the offices the caller's unit writes to; empty: the first"
    )
    page: Annotated[int, Field(ge=1, le=PAGE_MAX)] | Literal[""] | None = Field(
        None, description="the page of the unit's articles (20 a page)"
    )


class LedgerUnitQuery(Out):
    office: Annotated[int, Field(ge=1, le=SQL_INT_MAX)] | Literal[""] | None = Field(
        None,
        description="a unit member: one of the offices the unit writes to (default: the first); office "
        "people: their own office",
    )
    page: Annotated[int, Field(ge=1, le=PAGE_MAX)] | Literal[""] | None = Field(
        None, description="the page of the unit's articles (20 a page)"
    )


class LedgerRecomputeRequest(Body):
    reason: Annotated[str, Field(max_length=ledger.REASON_MAX)] = Field(
        description=f"why the closed result is replaced ({ledger.REASON_MIN}–{ledger.REASON_MAX} characters)"
    )
    version: Annotated[int, Field(ge=1, le=999_999_999)] = Field(
        description="the period's version when read; 409 if someone changed it since"
    )


class LedgerPublishRequest(Body):
    bulletin_number: Annotated[str, Field(max_length=ledger.BULLETIN_LIMITS["bulletin_number"])] = Field(
        "", description="文号, e.g. 市组信通〔2027〕1号"
    )
    bulletin_title: Annotated[str, Field(max_length=ledger.BULLETIN_LIMITS["bulletin_title"])]
    bulletin_text: Annotated[str, Field(max_length=ledger.BULLETIN_LIMITS["bulletin_text"])] = Field(
        "", description="the office's own paragraph (导语)"
    )


# -- a period's result -------------------------------------------------------------------------------------------


class LedgerLine(Out):
    rule: str
    text: str
    points: Points


class LedgerFlag(Out):
    flag: str
    rule: str
    text: str


class LedgerQuotaCategory(Out):
    name: str
    required: int
    done: int
    credited: int = 0


class LedgerQuota(Out):
    quota: str
    rule: str
    period: str
    categories: list[LedgerQuotaCategory]
    missing: int


class LedgerAssessment(Out):
    score: float
    rule: str
    text: str


class LedgerUnitResult(Out):
    unit: str
    group: str
    group_id: str
    points: Points
    bonus: Points
    deductions: Points
    total: Points
    missing: int
    rank: int | None
    advanced: bool | None
    flags: list[LedgerFlag]
    lines: list[LedgerLine]
    completion: float | None = Field(
        None, description="the completion rate: total ÷ annual base score (absent without a base)"
    )
    assessment: LedgerAssessment | None = None
    quotas: list[LedgerQuota] = Field(default_factory=list)


class LedgerNotEligible(Out):
    unit: str
    rule: str
    reason: str


class LedgerAdvancedPool(Out):
    pool: str
    name: str
    rule: str
    share: float
    participants: int
    cap: int
    inside: list[str]
    direct: list[str]
    outside: list[str]
    not_eligible: list[LedgerNotEligible]
    tie_at_cap: list[str]


class LedgerSchemeRef(Out):
    id: str
    version: str
    name: str


class LedgerPeriodState(Out):
    state: State = Field(description="open (scored live), closed (frozen) or published (bulletin issued)")
    closed_at: datetime | None
    published_at: datetime | None
    version: int | None = Field(description="the closed period's version (send it back to recompute)")
    bulletin_number: str | None
    bulletin_title: str | None


class LedgerPeriodResult(LedgerPeriodState):
    period: str
    period_text: str
    currency: str
    partial: bool
    units: list[LedgerUnitResult]
    zero_submission: list[str]
    last_place: list[str]
    advanced: list[LedgerAdvancedPool]
    scheme: LedgerSchemeRef | None = None
    office: str | None = None
    computed_on: date | None = None
    skipped: list[str] = Field(
        default_factory=list, description="what the flow holds that the scheme does not score"
    )
    unplaced: list[str] = Field(default_factory=list, description="units without a group of the scheme")
    unit_ids: dict[str, int] = Field(default_factory=dict, description="unit name → organisation id")


class LedgerChange(Out):
    unit: str
    field: str
    label: str
    before: Any
    after: Any


class LedgerRecomputeOut(Out):
    id: int
    reason: str
    at: datetime
    changes: list[LedgerChange]
    result: LedgerPeriodResult


# -- a unit's reading --------------------------------------------------------------------------------------------


class LedgerOfficeRef(Out):
    id: int
    name: str


class LedgerCategoryProgress(Out):
    name: str
    required: int
    done: int
    credited: int
    missing: int


class LedgerQuotaProgress(Out):
    quota: str
    rule: str
    quote: str = Field(description="the rule's words, for people")
    period: str
    period_text: str
    categories: list[LedgerCategoryProgress]
    missing: int
    deduct_rule: str
    deduct: float | None = Field(description="points taken per missing article (ZG-4.8: 10)")


class LedgerDeadline(Out):
    day: date = Field(description="the last day an adoption still counts in the period (ZG-6.6 cut-off)")
    days_left: int
    passed: bool
    rule: str
    text: str
    quote: str


class LedgerStanding(Out):
    rank: int | None
    of: int = Field(description="the units ranked together")
    pool: str
    rule: str
    zero_submission: bool
    last_place: bool


class LedgerAdoptionNote(Out):
    publication: str
    klass: str
    form: str
    day: date


class LedgerArticlePoints(Out):
    article_id: int
    title: str | None = Field(description="null when the caller may not see the article (秘密)")
    month: str = Field(description="the month the article is scored in (first adoption, after the cut-off)")
    moved: bool = Field(description="published after the cut-off day: scored in the next month (ZG-6.6)")
    points: Points
    explanation: str
    adoptions: list[LedgerAdoptionNote]


class LedgerMonthPoints(Out):
    month: str
    label: str
    points: Points


class LedgerRankingRow(Out):
    unit: str
    group: str
    total: Points
    rank: int | None


class LedgerUnitReading(LedgerPeriodState):
    office: LedgerOfficeRef
    period: str
    period_text: str
    currency: str
    unit_id: int
    unit_name: str
    unit: LedgerUnitResult | None = Field(description="null when the unit has no group of the scheme")
    standing: LedgerStanding | None
    quotas: list[LedgerQuotaProgress]
    deadline: LedgerDeadline
    articles: list[LedgerArticlePoints]
    articles_count: int
    page: int
    pages: int
    per_page: int
    months: list[LedgerMonthPoints]
    ranking: list[LedgerRankingRow] | None = Field(
        description="the units ranked with this one: for a unit only once the bulletin is published"
    )
    notes: list[str]
