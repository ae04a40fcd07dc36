"""The campaign procedure (考评活动): 筹备 → 自评 → 考评 → 审定 → 审批 → 通报, as one table.

LRN-4.1 names the steps (自评总结、领导小组检查考评、通报); STA-4.3 and SAF-3.1/3.5 say the office's team scores
and determines the results; ORG-PR.8 puts the head's (部务会) review between the aggregated results and their
publication. Per-unit progress (self-assessment submitted, agreed sheet, claims verified) is records of the web
layer, gathered into `CampaignFacts`; only the campaign as a whole is a state machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.campaigns.facts import FUNCTIONS, CampaignFacts
from workflow.campaigns.guards import all_agreed, quotas_hold, ready_to_open, reason, self_assessment_over
from workflow.procedure import Input, Procedure, Row, service_effect, set_date

CAMPAIGN_STATES: tuple[str, ...] = (
    "draft",  # 筹备中: units, team, deadlines and result rules being set
    "self_assessment",  # 自评中 (STA-4.2, LRN-4.2)
    "assessment",  # 考评中: the team scores (STA-4.3, LRN-4.3, SAF-3.3)
    "moderation",  # 审定中: the office compares, applies the quotas, vetoes (STA-4.1)
    "approval",  # 待审批: the head reviews the aggregated results (ORG-PR.8)
    "approved",  # 已审定
    "published",  # 已通报 (LRN-4.4, SAF-3.5, STA-4.3)
    "cancelled",  # 已撤销
)
TERMINAL_STATES = frozenset({"published", "cancelled"})
#: States in which the office may still change units, team, deadlines and rules.
SETUP_STATES = frozenset({"draft"})
#: States in which units fill their self-assessment and declare claims.
SELF_STATES = frozenset({"self_assessment"})
#: States in which the team fills its sheets and the office verifies claims (late self-assessments still
#: come in while the team is on site; they are marked late).
ASSESS_STATES = frozenset({"self_assessment", "assessment"})

EVENTS: tuple[str, ...] = (
    "open",
    "start_assessment",
    "start_moderation",
    "submit_results",
    "return_results",
    "approve",
    "publish",
    "cancel",
)

STATE_LABELS: Mapping[str, str] = {
    "draft": "筹备中",
    "self_assessment": "自评中",
    "assessment": "考评中",
    "moderation": "审定中",
    "approval": "待审批",
    "approved": "已审定",
    "published": "已通报",
    "cancelled": "已撤销",
}

EVENT_LABELS: Mapping[str, str] = {
    "open": "发布考评通知，开始自评",
    "start_assessment": "开始考评",
    "start_moderation": "汇总审定",
    "submit_results": "报送审批",
    "return_results": "退回重新审定",
    "approve": "审批同意",
    "publish": "发布通报",
    "cancel": "撤销考评",
}

#: Approval freezes the ranking; a return clears it; publishing dates the bulletin.
FREEZE_RESULT = service_effect("freeze_result")
CLEAR_RESULT = service_effect("clear_result")
RETURN_REASON = Input[Any]("reason", reason)

# fmt: off
TRANSITIONS: tuple[Row[CampaignFacts, Any], ...] = (
    Row("CP-01", "open", ("draft",), "self_assessment", ("staff",), "STA-4.2", guards=(ready_to_open,),
        effects=(set_date("opened_on"),)),
    Row("CP-02", "start_assessment", ("self_assessment",), "assessment", ("staff",), "LRN-4.1",
        guards=(self_assessment_over,)),
    Row("CP-03", "start_moderation", ("assessment",), "moderation", ("staff",), "STA-4.3",
        guards=(all_agreed,)),
    Row("CP-04", "submit_results", ("moderation",), "approval", ("staff",), "ORG-PR.8",
        guards=(quotas_hold,), effects=(set_date("submitted_on"),)),
    Row("CP-05", "return_results", ("approval",), "moderation", ("head",), "ORG-PR.8",
        inputs=(RETURN_REASON,), effects=(CLEAR_RESULT,)),
    Row("CP-06", "approve", ("approval",), "approved", ("head",), "ORG-PR.8", guards=(quotas_hold,),
        effects=(set_date("approved_on"), FREEZE_RESULT)),
    Row("CP-07", "publish", ("approved",), "published", ("staff", "head"), "LRN-4.4",
        effects=(set_date("published_on"),)),
    Row("CP-08", "cancel", ("draft",), "cancelled", ("staff",), "LRN-4.1",
        note="[INTERPRETATION] text silent: a campaign not yet announced may be withdrawn"),
)
# fmt: on

PROCEDURE: Procedure[CampaignFacts, Any] = Procedure(
    name="campaigns",
    title="考评活动流程",
    subject="考评活动",
    states=CAMPAIGN_STATES,
    initial="draft",
    terminal=TERMINAL_STATES,
    events=EVENTS,
    functions=FUNCTIONS,
    rows=TRANSITIONS,
    state_labels=STATE_LABELS,
    event_labels=EVENT_LABELS,
)
MACHINE = PROCEDURE.machine
