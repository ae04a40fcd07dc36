"""Request and response shapes of the campaigns API (`webapp.campaigns.api.office`), written once: they validate
the requests, check the answers in the tests and make the OpenAPI document. Models are named ``Campaign…``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from webapp.core.api.spec import Body, Out
from workflow.campaigns import CAMPAIGN_STATES, EVENTS

State = Literal[CAMPAIGN_STATES]  # type: ignore[valid-type]
Event = Literal[EVENTS]  # type: ignore[valid-type]


class CampaignListQuery(Out):
    page: Annotated[int, Field(ge=1, le=100_000)] | Literal[""] | None = Field(
        None, description="the page (20 a page)"
    )
    cursor: Annotated[str, Field(max_length=512)] | None = Field(
        None,
        description="keyset pagination (preferred): absent or empty with `limit` = the first page, then the "
        "`next_cursor` of the page before; opaque, a forged one is refused with 400 (field `cursor`). With "
        "`cursor` or `limit` the answer is `{items, next_cursor, per_page}`",
    )
    limit: Annotated[int, Field(ge=1, le=100)] | Literal[""] | None = Field(
        None, description="rows per page of the cursor form (default 20)"
    )


class CampaignSummary(Out):
    id: int
    title: str
    office_id: int
    office: str
    scheme_id: str
    scheme_version: str
    period_kind: Literal["month", "quarter", "half", "year"]
    period_start: str
    period_end: str
    period: str = Field(description="the period as people read it, e.g. 2026年第四季度")
    state: str
    state_label: str
    version: int


class CampaignList(Out):
    """Either form: the cursor form (``?cursor=&limit=``) answers ``items``, ``next_cursor`` and ``per_page``; the
    page form (``?page=``) answers ``page``, ``pages`` and ``count`` (counted up to a cap)."""

    items: list[CampaignSummary]
    next_cursor: str | None = Field(None, description="cursor form: the next page's cursor, null on the last")
    per_page: int | None = None
    page: int | None = None
    pages: int | None = None
    count: int | None = Field(
        None, description="page form: campaigns the caller may see, counted up to 10,000"
    )


class CampaignUnitProgress(Out):
    id: int
    organisation_id: int
    name: str
    group: str
    self_assessment: Literal["submitted", "late", "missing", "waiting", "not_open"]
    self_total: str | None
    agreed_total: str | None
    claims_pending: int
    vetoed: bool
    judged_fail: bool


class CampaignRefusal(Out):
    event: str
    code: str
    message: str = Field(description="Chinese, quoting the rule")
    rule: str | None


class CampaignDetail(CampaignSummary):
    deadlines: dict[str, str | None]
    rules: dict[str, object]
    choices: dict[str, dict[str, int]]
    units: list[CampaignUnitProgress] | None = Field(description="the office's view only (null for others)")
    allowed_events: list[str]
    blocked_events: list[CampaignRefusal]


class CampaignEventRequest(Body):
    event: Event = Field(description="the event to fire")
    reason: Annotated[str, Field(max_length=2000)] | None = Field(
        None, description="return_results: why (ORG-PR.8)"
    )
    version: Annotated[int, Field(ge=1, le=999_999_999)] | None = Field(
        None, description="the campaign's version when read; 409 if someone changed it since"
    )


class CampaignChoicesRequest(Body):
    choices: dict[
        Annotated[str, Field(max_length=40)],
        dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=0, le=10_000)]],
    ] = Field(description='group → grade → count, within the quotas (STA-4.1); group "" when not grouped')
    version: Annotated[int, Field(ge=1, le=999_999_999)] | None = None


class CampaignRankedUnit(Out):
    unit: str = Field(description="the campaign unit's id")
    name: str
    group: str
    total: str
    rank: int
    grade: str | None
    vetoed: bool
    judged_fail: bool
    note: str


class CampaignQuotaCheck(Out):
    group: str
    grade: str
    min: int
    max: int
    chosen: int | None
    ok: bool
    message: str


class CampaignRankingGroup(Out):
    group: str
    units: list[CampaignRankedUnit]
    quota_checks: list[CampaignQuotaCheck]


class CampaignRanking(Out):
    campaign_id: int
    frozen: bool = Field(description="true once the head approved (the ranking then never changes)")
    groups: list[CampaignRankingGroup]


# -- claims (ORG-PR.1) and evidence (STA-4.2) — webapp.campaigns.api.claims ------------------------------------

ClaimKind = Literal["performance", "fault"]
ClaimCategory = Literal["major_innovation", "innovation", "other", "general", "veto"]
#: points as typed on the page: a decimal text (the service checks the range and two decimals; ignored where the
#: rules fix them, ORG-6.4)
Points = Annotated[str, Field(max_length=12)]


class CampaignClaimRequest(Body):
    kind: ClaimKind = Field(description="performance (业绩) or fault (过错)")
    category: ClaimCategory = Field(
        description="performance: major_innovation (+20), innovation (+10), other; fault: general, veto"
    )
    content: Annotated[str, Field(max_length=300)] = Field(description="what was achieved or went wrong")
    points: Points | None = Field(
        None, description='"other" and "general": the points, 0.01–50 / 0.01–100, at most two decimals'
    )
    content_key: Annotated[str, Field(max_length=60)] | None = Field(
        None, description="claims sharing this key are one content, counted once at the highest (ORG-6.3)"
    )
    evidence: Annotated[str, Field(max_length=300)] | None = Field(
        None, description="the document it rests on"
    )


class CampaignFoundFaultRequest(Body):
    category: Literal["general", "veto"]
    content: Annotated[str, Field(max_length=300)]
    points: Points | None = Field(None, description='"general": the points before doubling (ORG-PR.2)')
    note: Annotated[str, Field(max_length=500)] = Field(description="how the office found it")
    content_key: Annotated[str, Field(max_length=60)] | None = None


class CampaignClaimDecisionRequest(Body):
    decision: Literal["verified", "rejected"] = Field(description="认定 or 不予认定")
    note: Annotated[str, Field(max_length=500)] = Field(
        description="the office's note, at least two characters"
    )


class CampaignClaimItem(Out):
    id: int
    campaign_unit_id: int
    kind: ClaimKind
    kind_label: str
    category: str
    category_label: str
    content: str
    content_key: str
    points: str
    declared: bool = Field(
        description="false: a fault the office found that the unit did not declare (ORG-PR.2)"
    )
    evidence: str
    status: Literal["pending", "verified", "rejected"]
    status_label: str
    note: str
    created_at: str
    verified_at: str | None


class CampaignClaimCounted(Out):
    bonus_raw: str = Field(description="verified performance, highest per content (ORG-6.3), before the cap")
    bonus: str = Field(description="the bonus after the cap (ORG-6.2)")
    bonus_capped: bool
    deduction: str = Field(description="verified faults; undeclared ones doubled (ORG-PR.2)")
    vetoed: bool
    rules: list[str]


class CampaignUnitClaims(Out):
    campaign_id: int
    campaign_unit_id: int
    unit: str
    may_declare: bool
    items: list[CampaignClaimItem] = Field(
        description="oldest first (a unit declares a handful; at most 200)"
    )
    counted: CampaignClaimCounted


class CampaignEvidenceUploadForm(Out):
    """multipart/form-data (read by the view)."""

    file: Annotated[bytes, WithJsonSchema({"type": "string", "format": "binary"})]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    dated: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] = Field(
        description="发文日期或上报时间, YYYY-MM-DD"
    )
    item_id: Annotated[str, Field(max_length=40)] | None = Field(None, description="the score table's item")


class CampaignEvidenceItem(Out):
    id: int
    position: int = Field(description="the binding order (STA-4.2)")
    title: str
    dated: str
    item_id: str
    item_label: str
    original_filename: str
    size: int
    content_type: str
    sha256: str
    at: str
    in_period: bool = Field(description="dated within the campaign's period: it counts (STA GAP-8)")
    note: str = Field(
        description="「不在考评期内，不计入」 with the period and the rule, when it does not count"
    )
    late: bool = Field(description="uploaded after the materials were due")


class CampaignUnitEvidence(Out):
    campaign_id: int
    campaign_unit_id: int
    period_start: str
    period_end: str
    items: list[CampaignEvidenceItem] = Field(description="in binding order (at most 200)")
