"""Periodic assessment campaigns (考评活动, sources STA, LRN, ORG, SAF, CAD): periodic assessments of many units by
one office — the campaign procedure and its pure domain.

`table` holds the procedure's rows (`PROCEDURE`), `guards` the checks they name, `facts` what the guards read,
`rules` the quoted rule texts; `periods` the periods and their deadlines, `ranking` ranks and grades under
quotas, `composite` the composites across periods, `claims` performance and faults, `consequences` the
bottom-two history, `cadre` the cadres' half-year ranking bonus. This module is the procedure's front.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.campaigns.facts import FUNCTIONS, Actor, CampaignFacts
from workflow.campaigns.table import (
    ASSESS_STATES,
    CAMPAIGN_STATES,
    EVENT_LABELS,
    EVENTS,
    PROCEDURE,
    SELF_STATES,
    SETUP_STATES,
    STATE_LABELS,
    TERMINAL_STATES,
    TRANSITIONS,
)
from workflow.errors import Refusal
from workflow.procedure import TransitionRecord, Verdict

__all__ = [
    "ASSESS_STATES",
    "CAMPAIGN_STATES",
    "EVENTS",
    "EVENT_LABELS",
    "FUNCTIONS",
    "PROCEDURE",
    "SELF_STATES",
    "SETUP_STATES",
    "STATE_LABELS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Actor",
    "CampaignFacts",
    "allowed_events",
    "check",
    "fire",
    "reasons",
]


def reasons(campaign: CampaignFacts, event: str, actor: Actor, today: date, **inputs: Any) -> Verdict:
    """Every reason ``actor`` may not fire ``event`` on ``campaign`` today (state → actor → guards → inputs)."""
    return PROCEDURE.check(campaign, event, actor, today, None, inputs)


def check(campaign: CampaignFacts, event: str, actor: Actor, today: date, **inputs: Any) -> Refusal | None:
    return reasons(campaign, event, actor, today, **inputs).first


def fire(campaign: CampaignFacts, event: str, actor: Actor, today: date, **inputs: Any) -> TransitionRecord:
    """Apply ``event``; raises InvalidTransition / NotAllowed / GuardRefused. Effects outside the facts (freeze
    or clear the result) are the service's."""
    return PROCEDURE.fire(campaign, event, actor, today, None, inputs)


def allowed_events(campaign: CampaignFacts, actor: Actor, today: date) -> list[str]:
    return PROCEDURE.allowed_events(campaign, actor, today, None)
