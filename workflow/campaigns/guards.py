"""The checks the campaign rows name, and the checks of what a person types with an event.

Guards: ``(facts, actor, today, rules) -> Refusal | None``; each refusal quotes its rule (`rules.refusal`: the
rule's words, then what is wrong in （）). The rows of
`workflow.campaigns.table` cite the general rule of each step; a campaign's preset may cite its own scheme's
rule for the same step (``facts.cites``), which the refusal then quotes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.campaigns.facts import CampaignFacts
from workflow.campaigns.rules import refusal
from workflow.errors import Refusal
from workflow.procedure import Actor

TEXT_MIN, TEXT_MAX = 4, 1000


def _cite(facts: CampaignFacts, step: str, default: str) -> str:
    return facts.cites.get(step, default)


def ready_to_open(facts: CampaignFacts, actor: Actor, today: date, rules: Any) -> Refusal | None:
    """A campaign opens with its units, its assessment team and deadlines in order (STA-4.2, SAF-3.2)."""
    if facts.scheme_frame:
        return refusal(
            "scheme_frame",
            "SAF-2.1",
            "所选评分表只有框架、没有分值，请先导入本单位的考评评分表（.xlsx）",
        )
    if facts.units <= 0:
        return refusal("no_units", _cite(facts, "units", "STA-1.1"), "请先添加被考评单位")
    if facts.units_without_group:
        return refusal(
            "unit_without_group",
            "ORG-PR.9",
            f"有{facts.units_without_group}个单位未指定排序组别",
        )
    if facts.assessors <= 0 or facts.leads != 1:
        return refusal(
            "no_team", _cite(facts, "team", "SAF-3.2"), "请组成考评组并指定一名组长（组长填写合议评分表）"
        )
    names = {
        "self_due": "自评截止日",
        "materials_due": "材料报送截止日",
        "inspection_from": "实地考评开始日",
        "inspection_to": "实地考评结束日",
        "results_due": "结果报送截止日",
    }
    given = [(names[key], getattr(facts, key)) for key in names if getattr(facts, key) is not None]
    if not given:
        return refusal("no_deadlines", _cite(facts, "self", "STA-4.2"), "请填写自评截止日等时间安排")
    # self-assessment before its materials, the inspection window in order, the results after everything
    # (ORG's team scores in the first week while units may still declare: the two windows may overlap)
    for first, then in (
        ("self_due", "materials_due"),
        ("inspection_from", "inspection_to"),
        *((key, "results_due") for key in names if key != "results_due"),
    ):
        a, b = getattr(facts, first), getattr(facts, then)
        if a is not None and b is not None and a > b:
            return refusal(
                "deadline_order", _cite(facts, "self", "STA-4.2"), f"{names[first]}不能晚于{names[then]}"
            )
    early = [name for name, day in given if facts.period_start is not None and day < facts.period_start]
    if early:
        return refusal(
            "deadline_before_period", _cite(facts, "self", "STA-4.2"), f"{early[0]}不能早于考评期开始"
        )
    return None


def self_assessment_over(facts: CampaignFacts, actor: Actor, today: date, rules: Any) -> Refusal | None:
    """Assessment starts once every unit has submitted its self-assessment or the day it was due has passed
    (LRN-4.1: 自评总结 comes before 领导小组检查考评); late and missing ones stay visible."""
    if facts.self_submitted >= facts.units:
        return None
    if facts.self_due is not None and today > facts.self_due:
        return None
    due = f"{facts.self_due.month}月{facts.self_due.day}日" if facts.self_due else "自评截止日"
    return refusal(
        "self_assessment_running",
        _cite(facts, "self", "LRN-4.1"),
        f"尚有{facts.units - facts.self_submitted}个单位未提交自评，{due}前不能开始考评",
    )


def all_agreed(facts: CampaignFacts, actor: Actor, today: date, rules: Any) -> Refusal | None:
    """Moderation starts when the team has an agreed sheet for every unit (STA-4.3, SAF-3.5) and every claim is
    verified or rejected (ORG-PR.1)."""
    missing = facts.units - facts.agreed_submitted
    if missing > 0:
        return refusal(
            "agreed_missing",
            _cite(facts, "score", "STA-4.3"),
            f"尚有{missing}个单位的合议评分表未提交",
        )
    if facts.claims_pending:
        return refusal("claims_pending", "ORG-PR.1", f"尚有{facts.claims_pending}项业绩或过错申报未认定")
    return None


def quotas_hold(facts: CampaignFacts, actor: Actor, today: date, rules: Any) -> Refusal | None:
    """The grade counts the office chose stay within the quotas (STA-4.1) — the ranking's own refusal."""
    if facts.quota_problem:
        return Refusal("quota", facts.quota_problem, facts.quota_rule)
    return None


def reason(value: Any, today: date, rules: Any) -> Refusal | None:
    """ORG-PR.8: the head returns the results with what must change written down."""
    text = value.strip() if isinstance(value, str) else ""
    if len(text) < TEXT_MIN:
        return refusal("reason_missing", "ORG-PR.8", f"请写明退回理由（至少{TEXT_MIN}个字）")
    if len(text) > TEXT_MAX:
        return refusal("reason_too_long", "ORG-PR.8", f"退回理由不超过{TEXT_MAX}字")
    return None
