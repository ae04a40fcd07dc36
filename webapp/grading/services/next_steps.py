"""「等待夷陵区档案局下达考评计划」: what happens next in a case and who acts, from `workflow.grading.next_step` (one
mapping) and the bureaus resolved on the case. Reads only what the case row already holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.grading.models import Case
from webapp.grading.services.overdue import OverdueFlag, awaits_forwarding, flag_for
from workflow.grading.next_step import next_step

#: case function → the column naming the bureau that holds it
_BUREAU_OF = {
    "forwarder": "forwarder",
    "planner": "planner",
    "prechecker": "prechecker",
    "organizer": "organizer",
    "approver": "approver",
}


@dataclass(frozen=True)
class NextStepText:
    #: the sentence shown, e.g. 等待夷陵区档案局下达考评计划 or 请本单位……
    text: str
    #: the viewer is the one who acts
    yours: bool
    rule: str | None
    #: the step is late (days, rule), or None
    overdue: OverdueFlag | None
    finished: bool = False


def _actor_name(case: Case, function: str) -> str:
    if function == "applicant":
        return case.organ.name
    if function == "panel":
        lead = next((m.user.display_name for m in case.panel if m.is_lead), None)
        return f"评审组（组长：{lead}）" if lead else "评审组"
    bureau = getattr(case, _BUREAU_OF[function])
    return bureau.name if bureau is not None else "主管档案局"


def describe(case: Case, viewer_functions: frozenset[str], today: date) -> NextStepText:
    """The next step of ``case`` as the viewer reads it: 「请本单位…」 when they act, else 「等待X…」."""
    step = next_step(case.state, awaits_forwarding=awaits_forwarding(case))
    if step.function is None:
        return NextStepText(step.step, False, step.rule, None, finished=True)
    yours = step.function in viewer_functions
    if yours:
        who = {"applicant": "本单位", "panel": "评审组"}.get(step.function, "本局")
        text = f"请{who}{step.step}"
    else:
        text = f"等待{_actor_name(case, step.function)}{step.step}"
    return NextStepText(text, yours, step.rule, flag_for(case, today))
