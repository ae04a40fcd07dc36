"""What the campaign procedure's guards read about one campaign (`CampaignFacts`) and who acts (`Actor`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workflow import procedure

#: Functions a person can hold on one campaign; the web layer derives them from role × organisation.
#: ``staff``: the office's staff who run it (考评办); ``head``: the office's head, who approves the results
#: (ORG-PR.8: 部务会审核); ``assessor`` / ``lead``: members of its assessment team (SAF-3.1) and their lead;
#: ``unit``: a unit assessed in it (self-assessment, STA-4.2).
FUNCTIONS = frozenset({"staff", "head", "assessor", "lead", "unit"})


@dataclass(frozen=True)
class Actor(procedure.Actor):
    def __post_init__(self) -> None:
        unknown = self.functions - FUNCTIONS
        if unknown:
            raise ValueError(f"unknown campaign functions: {', '.join(sorted(unknown))}")


@dataclass
class CampaignFacts:
    """What the guards need about one campaign, gathered once per request by the service."""

    state: str = "draft"
    units: int = 0
    #: units without a ranking group although the campaign ranks by group (ORG-PR.9)
    units_without_group: int = 0
    assessors: int = 0
    leads: int = 0
    #: the scheme is a frame without points (SAF GAP-1: sections without items): the office imports its table first
    scheme_frame: bool = False
    period_start: date | None = None
    period_end: date | None = None
    self_due: date | None = None
    materials_due: date | None = None
    inspection_from: date | None = None
    inspection_to: date | None = None
    results_due: date | None = None
    #: units whose self-assessment sheet is submitted
    self_submitted: int = 0
    #: units whose agreed sheet (合议评分表) is submitted
    agreed_submitted: int = 0
    #: declared or found claims not yet verified or rejected (ORG-PR.1)
    claims_pending: int = 0
    #: why the office's grade counts cannot stand (the ranking's refusal, quoted), or None
    quota_problem: str | None = None
    quota_rule: str = "STA-4.1"
    opened_on: date | None = None
    submitted_on: date | None = None
    approved_on: date | None = None
    published_on: date | None = None
    #: the rules this campaign's steps cite, from its preset (e.g. {"self": "STA-4.2", "approve": "ORG-PR.8"})
    cites: dict[str, str] = field(default_factory=dict)
