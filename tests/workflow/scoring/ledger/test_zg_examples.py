"""Every worked example of shared/rules/zugong-info-scoring.md §4, scored with the shipped ledger-zg scheme."""

from __future__ import annotations

from datetime import date

import pytest

from tests.workflow.scoring.ledger.helpers import (
    adoptions,
    incident,
    instruction,
    line_sum,
    pick,
    scheme,
    score,
    submitted,
    unit,
)
from workflow.scoring.ledger import parse_period
from workflow.scoring.ledger.period import month_index

ZG = scheme("ledger-zg")
COUNTY = "县（市、区）委组织部"


def _example1_records():
    a = "县A"
    return [
        *adoptions(ZG, a, "《**组工信息》", "经验类", "单条", 4),
        *adoptions(ZG, a, "《**组工信息》", "经验类", "综合", 2),
        *adoptions(ZG, a, "《**组工信息》", "参阅类", "单条", 1),
        *adoptions(ZG, a, "《**组工信息》", "参阅类", "事例", 1),
        *adoptions(ZG, a, "《河南组工信息》", "经验类", "单条", 1),
        *adoptions(ZG, a, "微信", n=3),
    ]


def test_example1_county_quarter_with_one_missing_article_scores_61():
    """ZG Example 1 (ZG-2.2, ZG-4.3, ZG-4.4, ZG-4.8, GAP-2/3): 71 points, 9 counted items of which 2 参阅 → −10."""
    result = score(ZG, [unit(ZG, "县A", COUNTY)], "2020-Q2", _example1_records()).unit("县A")
    assert result.points == 71
    assert result.deductions == -10
    assert result.missing == 1
    assert result.total == 61 == line_sum(result)
    quota = result.quotas[0]
    assert [c["done"] for c in quota["categories"]] == [9, 2]
    assert any(ln.rule == "ZG-4.8" and "缺1篇" in ln.text for ln in result.lines)


def test_example1_under_the_submitted_basis_ten_submissions_avoid_the_deduction():
    """ZG Example 1 / GAP-2 switch quota_basis = submitted: ≥ 10 submitted incl. ≥ 2 参阅 → 71."""
    import dataclasses

    quotas = tuple(dataclasses.replace(q, basis="submitted") for q in ZG.quotas)
    switched = dataclasses.replace(ZG, quotas=quotas)
    subs = [submitted("县A", date(2020, 4, 3), 8), submitted("县A", date(2020, 4, 3), 2)]
    subs[1] = type(subs[1])("县A", date(2020, 4, 3), 2, "information", pick(ZG, "classes", "参阅类"))
    result = score(
        switched, [unit(ZG, "县A", COUNTY)], "2020-Q2", _example1_records(), submissions=subs
    ).unit("县A")
    assert result.total == 71
    assert result.missing == 0


def test_example2_highest_value_not_the_lowest_gives_40_and_counts_once():
    """ZG Example 2 (ZG-4.7, GAP-6): max(20, 6, 2) + max(20, 10) = 40; the article is 1 quota item."""
    rec = [
        *adoptions(ZG, "县A", "《河南组工信息》", "经验类", "单条", article="X"),
        *adoptions(ZG, "县A", "《**组工信息》", "经验类", "单条", article="X"),
        *adoptions(ZG, "县A", "微博", article="X"),
    ]
    ins = [instruction(ZG, "县A", "X", "省领导"), instruction(ZG, "县A", "X", "市领导")]
    result = score(ZG, [unit(ZG, "县A", COUNTY)], "2020-Q2", rec, ins).unit("县A")
    assert result.points == 40
    assert result.quotas[0]["categories"][0]["done"] == 1
    texts = " ".join(ln.text for ln in result.lines)
    assert "《河南组工信息》经验类单条" in texts and "就高不就低" in texts and "省领导批示" in texts


@pytest.mark.parametrize(("combine", "points"), [("overall_max", 20), ("stack", 58), ("cumulative", 58)])
def test_example2_other_readings_of_highest_only(combine, points):
    """ZG Example 2, GAP-6 alternatives: one overall maximum 20; full stacking 58 (cumulative: levels once)."""
    import dataclasses

    rec = [
        *adoptions(ZG, "县A", "《河南组工信息》", "经验类", "单条", article="X"),
        *adoptions(ZG, "县A", "《**组工信息》", "经验类", "单条", article="X"),
        *adoptions(ZG, "县A", "微博", article="X"),
    ]
    ins = [instruction(ZG, "县A", "X", "省领导"), instruction(ZG, "县A", "X", "市领导")]
    switched = dataclasses.replace(ZG, combine=combine)
    result = score(switched, [unit(ZG, "县A", COUNTY)], "2020-Q2", rec, ins).unit("县A")
    assert result.points == points == line_sum(result) - result.deductions


def _example3(with_credit: bool):
    s = "组织科"
    rec = [
        *adoptions(ZG, s, "《**组工信息》", "经验类", "单条", 2, day=date(2020, 8, 3)),
        *adoptions(ZG, s, "《**组工信息》", "参阅类", "单条", 1, day=date(2020, 8, 3)),
    ]
    if with_credit:
        rec += adoptions(ZG, s, "《河南组工信息》", "经验类", "单条", day=date(2020, 9, 1), credit="material")
    return score(ZG, [unit(ZG, s, "科室第三组")], "2020-Q3", rec).unit(s)


def test_example3_material_credit_fills_the_section_quota_and_scores_42():
    """ZG Example 3 (ZG-2.7, ZG-2.8, GAP-5): 经验 2 + 1 credited ≥ 3, 参阅 1 ≥ 1; 12 + 10 + 20 = 42."""
    result = _example3(True)
    assert result.total == 42
    assert result.missing == 0
    assert any("ZG-2.8" in ln.text for ln in result.lines)


def test_example3_without_the_credit_the_section_misses_one_article_and_scores_12():
    """ZG Example 3 (ZG-2.7, ZG-4.8): without the credit 经验 shortfall 1 → 12 + 10 − 10 = 12."""
    result = _example3(False)
    assert result.total == 12
    assert result.missing == 1


def _example4(recommended: int):
    s = "县区科"
    rec = adoptions(ZG, s, "《**组工信息》", "参阅类", "单条", 1, day=date(2020, 2, 1))
    rec += adoptions(
        ZG, s, "《**组工信息》", "经验类", "单条", recommended, day=date(2020, 2, 1), credit="recommended"
    )
    return score(ZG, [unit(ZG, s, "科室第二组")], "2020-Q1", rec).unit(s)


def test_example4_seven_recommended_adoptions_give_two_quota_credits_and_no_points():
    """ZG Example 4 (ZG-2.6, ZG-2.9, GAP-5): ⌊7/3⌋ = 2 经验 credits; points = 10, no deduction."""
    result = _example4(7)
    assert result.total == 10
    assert result.missing == 0
    assert result.quotas[0]["categories"][0]["credited"] == 2


def test_example4_two_recommended_adoptions_give_no_credit_and_cost_ten():
    """ZG Example 4 (ZG-2.9, ZG-4.8): ⌊2/3⌋ = 0 → 经验 shortfall 1 → 10 − 10 = 0."""
    result = _example4(2)
    assert result.total == 0
    assert result.missing == 1


def test_example5_an_article_published_on_the_29th_counts_next_month_quarter_and_half_year():
    """ZG Example 5 (ZG-6.6, GAP-9): 2020-06-29 → July (Q3, H2); 2020-06-28 stays in June (Q2, H1)."""
    late = month_index(date(2020, 6, 29), ZG.cutoff_day)
    on_time = month_index(date(2020, 6, 28), ZG.cutoff_day)
    assert (
        late in parse_period("2020-07")
        and late in parse_period("2020-Q3")
        and late in parse_period("2020-H2")
    )
    assert late not in parse_period("2020-Q2")
    assert on_time in parse_period("2020-06") and on_time in parse_period("2020-H1")
    rec = adoptions(ZG, "县A", "《**组工信息》", "经验类", "单条", day=date(2020, 6, 29))
    roster = [unit(ZG, "县A", COUNTY)]
    assert score(ZG, roster, "2020-Q2", rec).unit("县A").points == 0
    assert score(ZG, roster, "2020-Q3", rec).unit("县A").points == 6


def _example6_records(consumes=None):
    b = "县B"
    rec = [
        *adoptions(ZG, b, "中组部《组工信息》", "经验类", "单条", 2, day=date(2020, 3, 2)),
        *adoptions(ZG, b, "《河南组工信息》", "经验类", "单条", 2, day=date(2020, 9, 2)),
    ]
    return rec


def _year(s, rec, incidents=()):
    # the quarterly quotas are not part of Example 6: it isolates the articles, the excess bonus and incidents
    import dataclasses

    only_year = dataclasses.replace(s, quotas=tuple(q for q in s.quotas if q.period == "year"))
    return score(only_year, [unit(ZG, "县B", COUNTY)], "2020", rec, incidents=incidents).unit("县B")


def test_example6_excess_bonus_takes_the_task_from_p2_first_and_totals_225():
    """ZG Example 6 (ZG-2.3, ZG-4.6, GAP-7): 140 + P1 × 2 × 30 + P2 × 1 × 25 = 225."""
    result = _year(ZG, _example6_records())
    assert result.points == 140
    assert result.bonus == 85
    assert result.total == 225 == line_sum(result)


def test_example6_with_p1_first_the_excess_bonus_is_80():
    """ZG Example 6, GAP-7 switch task_consumes = P1_first: 1 × 30 + 2 × 25 = 80 → 220."""
    import dataclasses

    assert ZG.excess is not None
    switched = dataclasses.replace(ZG, excess=dataclasses.replace(ZG.excess, consumes=("P1", "P2")))
    result = _year(switched, _example6_records())
    assert result.bonus == 80
    assert result.total == 220


def test_example6_incidents_bring_225_down_to_175_and_a_serious_one_removes_eligibility():
    """ZG Example 6 (ZG-4.9, ZG-4.10, ZG-4.11): 2 × −15 and −20 → 175; a serious incident disqualifies."""
    incidents = [
        incident(ZG, "县B", "迟报紧急信息", date(2020, 4, 1)),
        incident(ZG, "县B", "迟报紧急信息", date(2020, 5, 1)),
        incident(ZG, "县B", "信息失实", date(2020, 6, 1)),
    ]
    result = _year(ZG, _example6_records(), incidents)
    assert result.total == 175 == line_sum(result)
    assert not result.disqualified
    serious = [*incidents[:2], incident(ZG, "县B", "信息失实", date(2020, 6, 1), serious=True)]
    flagged = _year(ZG, _example6_records(), serious)
    assert flagged.total == 175
    assert flagged.disqualified
    assert any(f.rule == "ZG-4.11" for f in flagged.flags)
