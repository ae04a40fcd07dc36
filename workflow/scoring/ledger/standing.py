"""A unit's standing after its points: completion of the base score (INF-3.1/3.2), rankings per group with
ties sharing a rank (ZG-5.2, GAP-12), zero-submission and last-place lists (ZG-5.3) and advanced units capped
by a share with eligibility, direct advancement outside the cap and disqualifications (INF-3.3 … 3.10)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from workflow.scoring.ledger.period import Period
from workflow.scoring.ledger.result import fmt, number

if TYPE_CHECKING:
    from workflow.scoring.ledger.result import LedgerResult, UnitResult
    from workflow.scoring.ledger.scheme import LedgerScheme

_ONE = Decimal(1)


def apply_standing(
    scheme: LedgerScheme,
    result: LedgerResult,
    bases: dict[str, Decimal | None],
    groups: dict[str, str],
    eligible_article: set[str],
    direct_article: set[str],
    period: Period,
) -> None:
    units = {u.unit: u for u in result.units}
    _completion(scheme, units, bases)
    pools: dict[str, list[UnitResult]] = defaultdict(list)
    group_by_id = {g.id: g for g in scheme.groups}
    for unit in result.units:
        if unit.bundled_into:
            continue
        group = group_by_id.get(groups[unit.unit])
        pools[(group.pool or group.id) if group else groups[unit.unit]].append(unit)
    for pool_units in pools.values():
        _rank(scheme, pool_units, result)
    if scheme.last_place_rule:  # ZG-5.3: only a scheme that criticises them keeps these lists
        result.zero_submission = [u.unit for u in result.units if not u.submitted and not u.bundled_into]
    if scheme.advanced is not None:
        for pool in scheme.advanced.pools:
            members = pools.get(pool.id, [])
            result.advanced.append(
                _select(
                    scheme,
                    pool.id,
                    pool.name,
                    pool.share,
                    pool.rule,
                    members,
                    eligible_article,
                    direct_article,
                    bases,
                )
            )
    if period.kind == "year":
        _outcomes(scheme, units, groups)


def _completion(scheme: LedgerScheme, units: dict[str, UnitResult], bases: dict[str, Decimal | None]) -> None:
    """GAP-4: completion = everything the unit earned (points, bonuses, deductions) ÷ base score."""
    for unit in units.values():
        base = bases.get(unit.unit)
        if base:
            unit.completion = unit.total / base
    for bundle in scheme.bundles:  # INF-3.1 / GAP-2: the town and the zone are scored together
        lead = units.get(bundle.lead)
        members = [units[m] for m in bundle.members if m in units]
        if lead is None or not members or bases.get(lead.unit) is None:
            continue
        total = lead.total + sum((m.total for m in members), Decimal(0))
        base = (bases[lead.unit] or Decimal(0)) + sum((bases[m.unit] or Decimal(0)) for m in members)
        lead.completion = total / base
        names = "、".join(m.unit for m in members)
        lead.flag(
            "bundle",
            bundle.rule,
            f"与{names}捆绑考核：完成率 = ({fmt(lead.total)} + {'+'.join(fmt(m.total) for m in members)}) ÷ {fmt(base)}",
        )
        if not bundle.separate:
            for member in members:
                member.bundled_into = lead.unit
                member.flag("bundled", bundle.rule, f"与{lead.unit}捆绑考核，不单独排名和评先")


def _rank(scheme: LedgerScheme, members: list[UnitResult], result: LedgerResult) -> None:
    by_completion = scheme.ranking_key == "completion" and all(u.completion is not None for u in members)

    def key(u: UnitResult) -> Decimal:
        return u.completion if by_completion and u.completion is not None else u.total

    ordered = sorted(members, key=key, reverse=True)
    rank, previous = 0, None
    for position, unit in enumerate(ordered, 1):
        value = key(unit)
        if value != previous:
            rank, previous = position, value  # ties share a rank (GAP-12): 1, 1, 3
        unit.rank = rank
    distinct = {u.rank for u in ordered if u.rank is not None}
    if scheme.last_place_rule and len(distinct) > 1:
        lowest = max(distinct)
        last = [u for u in ordered if u.rank == lowest]
        for unit in last:
            unit.flag("last_place", scheme.last_place_rule, "排名末位")
        result.last_place += [u.unit for u in last]
    for unit in members:
        if scheme.last_place_rule and not unit.submitted:
            unit.flag("zero_submission", scheme.last_place_rule, "零报送")


def _completed(unit: UnitResult) -> bool:
    return unit.completion is not None and unit.completion >= _ONE and not unit.deemed_not_completed


def _select(
    scheme: LedgerScheme,
    pool_id: str,
    pool_name: str,
    share: Decimal,
    rule: str,
    members: list[UnitResult],
    eligible_article: set[str],
    direct_article: set[str],
    bases: dict[str, Decimal | None],
) -> dict[str, Any]:
    advanced = scheme.advanced
    assert advanced is not None
    notices = advanced.notices_disqualify
    n = len(members)
    cap = int((share * n).to_integral_value(rounding=ROUND_FLOOR))  # GAP-8: ⌊rate × N⌋, direct ones in N
    direct, candidates, refused = [], [], []
    for unit in members:
        unit.advanced = False
        reasons = []
        if notices and sum(1 for f in unit.flags if f.flag == "notice") >= notices:
            unit.disqualified = True
            unit.flag("disqualified", advanced.notices_rule, f"累计被通报{notices}次及以上，取消当年评先资格")
        if unit.disqualified:
            reasons.append(
                (
                    "disqualified",
                    next(f.rule for f in unit.flags if f.flag == "disqualified"),
                    "取消当年评先资格",
                )
            )
        if bases.get(unit.unit) is None:
            reasons.append(("no_base", rule, "无信息基础分，按实记分，择优表彰"))
        elif advanced.require_completed and not _completed(unit):
            reasons.append(("not_completed", advanced.eligible_rule, "未完成年度信息基础分"))
        if unit.unit not in eligible_article and advanced.eligible_article is not None:
            reasons.append(
                ("no_qualifying_article", advanced.eligible_rule, "没有被专报信息或上级刊物采用的综合性信息")
            )
        if reasons:
            for code, why_rule, text in reasons:
                unit.flag(f"not_eligible_{code}", why_rule, f"不具备评先条件：{text}")
            refused.append({"unit": unit.unit, "rule": reasons[0][1], "reason": reasons[0][2]})
        elif unit.unit in direct_article and advanced.direct is not None:
            direct.append(unit)  # INF-3.6: outside the cap; GAP-7: disqualification prevails (checked above)
        else:
            candidates.append(unit)
    for unit in direct:
        unit.advanced = True
        unit.flag("advanced_direct", advanced.direct_rule, "直接列为先进单位，名额不占控制比例")
    candidates.sort(key=lambda u: u.rank or 0)
    inside = candidates[:cap]
    outside = candidates[cap:]
    for unit in inside:
        unit.advanced = True
        unit.flag("advanced", rule, f"评为先进单位（{pool_name}名额{cap}个）")
    tied = []
    if (
        inside and outside and outside[0].rank == inside[-1].rank
    ):  # GAP-8: a tie at the boundary is for people
        tied = [u.unit for u in candidates if u.rank == inside[-1].rank]
        for unit in candidates:
            if unit.unit in tied:
                unit.flag("tie_at_cap", rule, "名额边界并列，须人工决定")
    for unit in outside:
        unit.flag("outside_cap", rule, f"具备评先条件，但超出{pool_name}名额{cap}个")
    return {
        "pool": pool_id,
        "name": pool_name,
        "rule": rule,
        "share": number(share),
        "participants": n,
        "cap": cap,
        "inside": [u.unit for u in inside],
        "direct": [u.unit for u in direct],
        "outside": [u.unit for u in outside],
        "not_eligible": refused,
        "tie_at_cap": tied,
    }


def _outcomes(scheme: LedgerScheme, units: dict[str, UnitResult], groups: dict[str, str]) -> None:
    """INF-3.1: towns score min(1, completion) of 1 point; INF-3.2: departments +0.5 advanced / −0.5 not completed."""
    for outcome in scheme.outcomes:
        for unit in units.values():
            if groups[unit.unit] not in outcome.groups or unit.bundled_into or unit.completion is None:
                continue
            if outcome.mode == "proportional":
                score = min(_ONE, unit.completion) * outcome.weight
                text = f"完成率{fmt((unit.completion * 100).quantize(Decimal('0.01')))}%，计{fmt(score.quantize(Decimal('0.001')))}分"
                if unit.deemed_not_completed:
                    unit.flag(
                        "manual", outcome.rule, "视同未完成年度信息基础分：得分须人工决定（暂按实际完成率）"
                    )
                unit.assessment = {
                    "score": number(score.quantize(Decimal("0.001"))),
                    "rule": outcome.rule,
                    "text": text,
                }
            else:
                score = Decimal(0)
                parts = []
                if unit.advanced:
                    score += outcome.advanced
                    parts.append(f"评为先进单位加{fmt(outcome.advanced)}分")
                if not _completed(unit):
                    score += outcome.not_completed
                    parts.append(f"未完成年度信息基础分扣{fmt(-outcome.not_completed)}分")
                unit.assessment = {
                    "score": number(score),
                    "rule": outcome.rule,
                    "text": "；".join(parts) or "不加不扣",
                }
