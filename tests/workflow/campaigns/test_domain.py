"""Periods, composites, claims, bottom-two consequences and the cadre bonus (SAF-4.1, ORG-PR.6/7, ORG-6.x,
ORG-PR.2, ORG-12.6/12.7, CAD-7.1), with the digests' worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from workflow.campaigns.cadre import ranking_bonus
from workflow.campaigns.claims import Claim, Fault, faults, performance_bonus
from workflow.campaigns.composite import composite, org_annual
from workflow.campaigns.consequences import bottom_two, bottom_two_units
from workflow.campaigns.periods import DeadlineOffsets, Period, default_deadlines
from workflow.campaigns.rules import RULES, quote

CITED = (
    "STA-4.1 STA-4.2 STA-4.3 LRN-4.1 LRN-4.2 LRN-4.3 LRN-4.4 LRN-4.5 "
    + " ".join(f"ORG-PR.{n}" for n in range(1, 10))
    + " ORG-6.2 ORG-6.3 ORG-6.4 ORG-12.3 ORG-12.6 ORG-12.7 SAF-3.2 SAF-3.4 SAF-3.5 SAF-4.1 CAD-7.1"
).split()


def test_every_rule_the_campaign_procedure_cites_is_quoted_in_simplified_chinese():
    for rule in CITED:
        text = quote(rule)
        assert text.startswith("依据《") and text.endswith(f" · {rule}")
    assert (
        quote("STA-4.1")
        == "依据《2017年统计基层基础工作考评办法》四、奖项设置：优秀2-3名、良好3-4名 · STA-4.1"
    )
    # the traditional forms of the sources stay only in `original`
    for rule in RULES.values():
        assert not set("優區議評績過") & set(rule.quote + rule.article + rule.source)


@pytest.mark.parametrize(
    ("period", "label", "following"),
    [
        (Period.month(2026, 11), "2026年11月", "2026年12月"),
        (Period.month(2026, 12), "2026年12月", "2027年1月"),
        (Period.quarter(2026, 4), "2026年第四季度", "2027年第一季度"),
        (Period.half(2026, 1), "2026年上半年", "2026年下半年"),
        (Period.year(2026), "2026年度", "2027年度"),
    ],
)
def test_periods_are_labelled_as_people_write_them_and_follow_each_other(period, label, following):
    assert period.label() == label
    assert period.next().label() == following
    assert (period.next().start - period.end).days == 1


def test_sta_4_2_gap_8_only_days_in_the_period_count():
    year = Period.year(2017)
    assert year.contains(date(2017, 1, 1)) and year.contains(date(2017, 12, 31))
    assert not year.contains(date(2018, 1, 1)) and not year.contains(date(2016, 12, 31))


def test_a_period_must_be_a_calendar_period():
    with pytest.raises(ValueError):
        Period("quarter", date(2026, 2, 1), date(2026, 4, 30))


def test_org_pr_6_gap_8_results_on_or_before_the_tenth_of_the_next_month():
    """ORG-PR.6, Example 6 timing: March's results reach the office by 10 April (switch: strictly before → 9)."""
    march = Period.month(2014, 3)
    assert default_deadlines(march, DeadlineOffsets(results_day_of_month=10)).results_due == date(2014, 4, 10)
    strict = DeadlineOffsets(results_day_of_month=10, results_strictly_before=True)
    assert default_deadlines(march, strict).results_due == date(2014, 4, 9)
    december = default_deadlines(Period.month(2014, 12), DeadlineOffsets(results_day_of_month=10))
    assert december.results_due == date(2015, 1, 10)


def test_default_deadlines_count_from_the_period_end():
    dl = default_deadlines(Period.quarter(2026, 4), DeadlineOffsets(self_assessment=5, inspection_end=20))
    assert dl.self_assessment_due == date(2027, 1, 5) and dl.inspection_end == date(2027, 1, 20)


def test_saf_4_1_example_1_annual_composite_mean_weighted_twenty_percent():
    """SAF-4.1, GAP-3, Example 1: 92, 88, 95, 85 → 90 → 18 points."""
    result = composite([D(92), D(88), D(95), D(85)], "mean", D("0.20"))
    assert (result.value, result.contribution, result.counted) == (D(90), D(18), 4)


def test_saf_4_1_gap_3_example_2_a_quarter_not_assessed_is_left_out():
    """SAF-4.1, GAP-3, Example 2: Q1–Q3 80, 90, 85, Q4 not assessed → 85 → 17."""
    result = composite([D(80), D(90), D(85), None], "mean", D("0.20"))
    assert (result.value, result.contribution, result.counted) == (D(85), D(17), 3)


def test_composite_switches_sum_and_last_and_nothing_assessed():
    assert composite([D(1), None, D(2)], "sum").value == D(3)
    assert composite([D(1), D(2), None], "last").value == D(2)
    assert composite([None, None]).value is None


def test_org_6_2_6_3_example_5_performance_bonus_highest_per_content_capped_at_50():
    """ORG-6.2/6.3/6.4, Example 5: A, B major (20 + 20), C innovation (10) → 50; D (+10) → 60, capped at 50."""
    claims = [
        Claim("A", "major_innovation", verified=True),
        Claim("B", "major_innovation", verified=True),
        Claim("C", "innovation", verified=True),
    ]
    assert performance_bonus(claims).total == D(50) and not performance_bonus(claims).capped
    more = performance_bonus(claims + [Claim("D", "innovation", verified=True)])
    assert (more.raw, more.total, more.capped) == (D(60), D(50), True)


def test_org_6_3_the_same_content_counts_once_at_its_highest_and_only_verified_claims_count():
    """ORG-6.3: A as major project (20) and as a recognition worth 30 counts once, 30; unverified E counts 0."""
    bonus = performance_bonus(
        [
            Claim("A", "major_innovation", verified=True),
            Claim("A", "other", D(30), verified=True),
            Claim("E", "innovation", verified=False),
        ]
    )
    assert bonus.total == D(30)
    assert bonus.contents[0].counted.kind == "other" and len(bonus.contents[0].dropped) == 1


def test_org_pr_2_gap_9_an_undeclared_general_fault_counts_double_and_an_undeclared_veto_fault_vetoes():
    result = faults(
        [
            Fault("迟报材料", "general", D(2), declared=True, verified=True),
            Fault("未上报的过错", "general", D(3), declared=False, verified=True),
            Fault("未核实", "general", D(9), declared=True, verified=False),
        ]
    )
    assert (result.deduction, result.vetoed) == (D(8), False)
    assert "ORG-PR.2" in result.rules
    vetoed = faults([Fault("否决性过错", "veto", declared=False, verified=True)])
    assert vetoed.vetoed and vetoed.deduction == 0


def test_org_pr_7_gap_2_annual_is_mean_target_plus_capped_bonus_minus_faults_plus_recognition():
    bonus = performance_bonus([Claim(x, "major_innovation", verified=True) for x in "ABC"])  # 60 → 50
    fault = faults([Fault("过错", "general", D(3), declared=False, verified=True)])  # −6
    annual = org_annual([D(90), D(80), None], bonus, fault, recognition=D(8))
    assert [line.value for line in annual.lines] == [D(85), D(50), D(-6), D(8)]
    assert annual.total == D(137) and not annual.vetoed and annual.counted == 2
    assert org_annual([D(90), D(80)], bonus, fault, method="last").lines[0].value == D(80)


def test_org_12_6_12_7_example_6_talk_at_two_in_a_row_report_at_the_third():
    """ORG-12.6/12.7, GAP-3/4, Example 6: Jan 9, Feb 8 → talk; Mar 5; Apr 8 → written report (ranks of 9)."""
    others = [f"U{i}" for i in range(8)]

    def month(rank):
        ranks = {u: i + 1 for i, u in enumerate(others)}
        ranks = {u: (r if r < rank else r + 1) for u, r in ranks.items()}
        return ranks | {"S": rank}

    history = bottom_two([(1, month(9)), (2, month(8)), (3, month(5)), (4, month(8))])["S"]
    assert [m.bottom_two for m in history] == [True, True, False, True]
    assert [m.talk for m in history] == [False, True, False, False]
    assert [m.written_report for m in history] == [False, False, False, True]
    assert [m.cumulative for m in history] == [1, 2, 2, 3]


def test_org_12_6_gap_4_the_talk_comes_once_and_a_gap_month_breaks_the_run():
    ranks = {"A": 1, "B": 2, "S": 3}
    history = bottom_two([(1, ranks), (3, ranks), (4, ranks), (5, ranks)])["S"]
    assert [m.talk for m in history] == [False, False, True, False]  # Jan–Mar not consecutive; Mar–Apr is
    assert [m.written_report for m in history] == [False, False, True, False]


def test_org_gap_3_bottom_two_includes_ties():
    assert bottom_two_units({"A": 1, "B": 2, "C": 3, "D": 3, "E": 5}) == {"C", "D", "E"}
    assert bottom_two_units({"A": 1, "B": 2, "C": 2}) == {"B", "C"}


def test_cad_7_1_half_year_ranking_bonus_and_truncated_ranks_get_no_invented_value():
    """CAD-7.1, GAP-10: 1–5 +3, 6–10 +2 to L, D and M; 11–20 truncated: no value, a note says so."""
    bonuses = ranking_bonus([("甲", 1), ("乙", 5), ("丙", 6), ("丁", 10), ("戊", 11), ("己", 21)])
    assert [b.points for b in bonuses] == [D(3), D(3), D(2), D(2), None, None]
    assert bonuses[0].recipients == ("L", "D", "M") and bonuses[4].recipients == ()
    assert "原文缺失" in bonuses[4].note and "原文缺失" in bonuses[5].note
