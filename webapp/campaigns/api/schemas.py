"""Request and response shapes of the campaigns API (`webapp.campaigns.api.office`), written once: they validate
the requests, check the answers in the tests and make the OpenAPI document. Models are named ``Campaign…``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from webapp.core.api.spec import Body, Out
from workflow.campaigns import CAMPAIGN_STATES, EVENTS

State = Literal[CAMPAIGN_STATES]  # type: ignore[valid-type]
Event = Literal[EVENTS]  # type: ignore[valid-type]


class CampaignListQuery(Out):
    page: Annotated[int, Field(ge=1, le=100_000)] | Literal[""] | None = Field(
        None, description="the page (20 a page)"
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
    items: list[CampaignSummary]
    page: int
    pages: int
    count: int = Field(description="campaigns the caller may see")


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
