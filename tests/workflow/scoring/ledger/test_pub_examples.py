"""Every worked example of shared/rules/civil-affairs-publicity.md §4 (yuan) with the shipped ledger-pub scheme."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.workflow.scoring.ledger.helpers import adoptions, line_sum, scheme, score, submitted, unit

PUB = scheme("ledger-pub")


def _monthly(name: str, per_month: dict[int, int]):
    return [submitted(name, date(2020, m, 5), c) for m, c in per_month.items() if c]


def _example1(s=PUB):
    u = "社会事务股"
    subs = _monthly(u, {m: (0 if m in (4, 9) else 2) for m in range(1, 13)})
    rec = [
        *adoptions(PUB, u, "市级民政网"),
        *adoptions(PUB, u, "省级党报党刊"),
        *adoptions(PUB, u, "区政务信息", n=3),
        *adoptions(PUB, u, "国家民政网", article="N"),
        *adoptions(PUB, u, "区级政务信息", article="N"),
    ]
    return score(s, [unit(PUB, u, "其他考评单位")], "2020", rec, submissions=subs).unit(u)


def test_example1_social_affairs_section_nets_410_yuan():
    """PUB Example 1 (PUB-3.1, PUB-3.2, PUB-3.5, PUB-4.1…4.8): 810 − 200 (4 missing) − 200 (research) = 410 元."""
    result = _example1()
    assert result.points == 810
    assert result.deductions == -400
    assert result.total == 410 == line_sum(result)
    assert any(ln.rule == "PUB-4.6" and "就高不就低" in ln.text for ln in result.lines)
    civil = next(q for q in result.quotas if q["rule"] == "PUB-3.2")
    assert civil["categories"][0]["done"] == 2 and civil["missing"] == 0
    district = next(q for q in result.quotas if q["rule"] == "PUB-3.3")
    assert district["categories"][0]["done"] == 4  # GAP-5: the national+district item counts here too


def test_example1_same_under_the_annual_reading():
    """PUB Example 1 / GAP-1: the 4 missing submissions cost 200 under both readings."""
    switched = dataclasses.replace(
        PUB,
        quotas=tuple(
            dataclasses.replace(q, aggregate_over="year") if q.period == "month" else q for q in PUB.quotas
        ),
    )
    assert _example1(switched).total == 410


def test_example2_poverty_office_nets_100_yuan():
    """PUB Example 2 (PUB-3.1, PUB-3.2, PUB-4.5, PUB-4.7): +200, one city-or-higher adoption short −100 → 100 元."""
    u = "扶贫和移民办"
    subs = _monthly(u, dict.fromkeys(range(1, 13), 1)) + [submitted(u, date(2020, 6, 1), 1, "research")]
    rec = adoptions(PUB, u, "省级民政报刊")
    result = score(PUB, [unit(PUB, u, "扶贫和移民办")], "2020", rec, submissions=subs).unit(u)
    assert result.total == 100 == line_sum(result)
    assert [ln.points for ln in result.lines if ln.kind == "deduction"] == [-100]


def _example3(s):
    u = "社救局"
    per_month = {m: 3 for m in range(1, 13)} | {3: 6, 4: 0}
    subs = _monthly(u, per_month) + [submitted(u, date(2020, 6, 1), 1, "research")]
    result = score(s, [unit(PUB, u, "社救局")], "2020", submissions=subs).unit(u)
    return sum(ln.points for ln in result.lines if ln.rule == "PUB-4.7" and "报送" in ln.text)


def test_example3_monthly_reading_costs_150_for_an_empty_april():
    """PUB Example 3 (PUB-3.1, GAP-1 default month by month): 6 in March does not offset 0 in April → −150."""
    assert _example3(PUB) == -150


def test_example3_annual_reading_offsets_the_months():
    """PUB Example 3, GAP-1 switch annual aggregate: 36 submitted = 36 required → 0."""
    switched = dataclasses.replace(
        PUB,
        quotas=tuple(
            dataclasses.replace(q, aggregate_over="year") if q.period == "month" else q for q in PUB.quotas
        ),
    )
    assert _example3(switched) == 0
