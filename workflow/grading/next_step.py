"""What happens next in a case and who acts: one mapping from the state to the acting function and the step.

The web layer puts the bureau resolved for that function into the sentence (「等待夷陵区档案局下达考评计划」).
Pure data derived from the same states as `workflow.grading`; a test checks every non-terminal state has a row and
that the function named is one that can fire a transition out of that state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NextStep:
    #: the case function that acts next (``applicant``, ``planner``, ``panel`` …); None when the case is over
    function: str | None
    #: what it does, as a verb phrase that follows the actor's name (「下达考评计划」)
    step: str
    #: the rule of that step
    rule: str | None = None


#: state → the step that moves the case on. ``applied`` has two rows: with a forwarding bureau (省特级, ARC-10.1.2)
#: the application first goes to the province; see `next_step`.
NEXT_STEPS: Mapping[str, NextStep] = {
    "draft": NextStep("applicant", "上传申报材料并提交申报", "ARC-10.1.1"),
    "applied": NextStep("planner", "下达考评计划", "ARC-10.1.3"),
    "forwarded": NextStep("planner", "下达考评计划", "ARC-10.1.2"),
    "planned": NextStep("applicant", "上传自查评分表、验收申请报告等材料并提出验收申请", "ARC-10.1.4"),
    "acceptance_requested": NextStep("prechecker", "进行预检", "ARC-10.2.1"),
    "prechecking": NextStep("prechecker", "完成预检，通过后公示", "ARC-10.2.1"),
    "returned": NextStep("applicant", "按预检意见补充完善后重新提交验收申请", "ARC-10.2.1"),
    "in_notice": NextStep("organizer", "在公示期满后结束公示，并组织评审组现场评审", "ARC-10.3.2"),
    "objection_review": NextStep("organizer", "核实公示期间收到的异议", "ARC-10.3.1"),
    "in_review": NextStep("panel", "现场评审并形成评审结论", "ARC-10.4.5"),
    "awaiting_approval": NextStep("approver", "审批", "ARC-10.5.2"),
    "approved": NextStep(None, "考评已批准，确认函和证书可在本页下载", "ARC-10.5.4"),
    "rejected": NextStep(None, "考评未通过，案件已办结", None),
    "withdrawn": NextStep(None, "申请已撤回，案件已办结", None),
}
#: ``applied`` when a bureau must first forward the application to the province (ARC-10.1.2)
FORWARD_STEP = NextStep("forwarder", "汇总报送省档案局", "ARC-10.1.2")


def next_step(state: str, *, awaits_forwarding: bool = False) -> NextStep:
    """The step that moves a case in ``state`` on; ``awaits_forwarding`` for an application not yet forwarded."""
    if state == "applied" and awaits_forwarding:
        return FORWARD_STEP
    return NEXT_STEPS[state]
