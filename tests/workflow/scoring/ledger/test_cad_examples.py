"""Every worked example of shared/rules/cadre-merit-points.md §4 with the shipped (partial) ledger-cad scheme."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.workflow.scoring.ledger.helpers import scheme
from workflow.scoring.ledger import CadreEvent, LedgerError, parse_period, score_cadre

CAD = scheme("ledger-cad")
TEAM = {"L": ("甲",), "D": ("乙", "丙"), "M": ("丁", "戊", "己")}


def _score(*events: CadreEvent, period: str = "2021"):
    return score_cadre(CAD, list(events), parse_period(period))


def test_the_cadre_scheme_is_marked_partial():
    """CAD GAP-1: the source is truncated; the scheme says so and the result carries it."""
    assert CAD.partial
    assert _score().partial


def test_example1_a_provincial_commendation_gives_3_to_each_of_six_people():
    """CAD Example 1 (CAD-3.1, CAD-2.2): L 1, D 2, M 3 persons each +3; 18 in all."""
    result = _score(CadreEvent("unit_honour", date(2021, 3, 1), "provincial", TEAM))
    assert {u.unit: u.total for u in result.units} == dict.fromkeys("甲乙丙丁戊己", Decimal(3))
    assert sum(u.total for u in result.units) == 18


@pytest.mark.parametrize(("rank", "points"), [(3, 1), (19, 0), (20, -1)])
def test_example2_city_single_item_ranking_of_23_units(rank, points):
    """CAD Example 2 (CAD-3.3, GAP-5): k = ⌊0.2 × 23⌋ = 4; rank 3 → +1, 19 → 0, 20 → −1."""
    result = _score(CadreEvent("single_item_rank", date(2021, 3, 1), "city", TEAM, rank=rank, n=23))
    assert {u.unit: u.total for u in result.units} == dict.fromkeys("甲乙丙丁戊己", Decimal(points))


def test_example3_personal_merit_and_praise_net_6():
    """CAD Example 3 (CAD-4.2, CAD-3.5): second-class merit +3, provincial praise +3 → +6."""
    me = {"self": ("张三",)}
    result = _score(
        CadreEvent("individual_merit", date(2021, 2, 1), "second", me),
        CadreEvent("personal_honour", date(2021, 5, 1), "provincial", me),
    )
    assert result.unit("张三").total == 6


def test_example4_principal_leaders_half_year_nets_8_5():
    """CAD Example 4 (CAD-5.1, CAD-3.4, CAD-5.2, CAD-7.1): 8 − 1 − 0.5 + 2 = 8.5."""
    lead = {"L": ("甲",)}
    result = _score(
        CadreEvent("model_speech", date(2021, 2, 1), "national", lead),
        CadreEvent("unit_criticism", date(2021, 3, 1), "city", lead),
        CadreEvent("lagging_speech", date(2021, 4, 1), "county", lead),
        CadreEvent("halfyear_rank", date(2021, 6, 30), persons=lead, rank=7),
        period="2021-H1",
    )
    leader = result.unit("甲")
    assert leader.total == Decimal("8.5") == sum(ln.points for ln in leader.lines)


def test_example5_experience_promotion_goes_only_to_the_named_contributors():
    """CAD Example 5 (CAD-3.2): only the main contributors (≤ 3) get +3; the principal leader gets nothing."""
    result = _score(CadreEvent("experience_promoted", date(2021, 3, 1), "provincial", {"M": ("丁", "戊")}))
    assert {u.unit: u.total for u in result.units} == {"丁": 3, "戊": 3}
    with pytest.raises(LedgerError) as refused:
        _score(CadreEvent("experience_promoted", date(2021, 3, 1), "provincial", TEAM))
    assert refused.value.code == "ledger.input.unknown_kind"  # L and D are not recipients of CAD-3.2


def test_more_persons_than_a_tier_allows_is_refused_unless_overridden():
    """CAD-2.2 / GAP-2: at most 1/2/3 persons 「原则上」; the assessor's override is recorded as a flag."""
    crowded = {"D": ("乙", "丙", "庚")}
    with pytest.raises(LedgerError) as refused:
        _score(CadreEvent("unit_honour", date(2021, 3, 1), "city", crowded))
    assert refused.value.code == "ledger.input.tier_cap" and "不超过2人" in refused.value.message
    result = _score(CadreEvent("unit_honour", date(2021, 3, 1), "city", crowded, override_cap=True))
    assert all(u.total == 1 and any(f.flag == "cap_override" for f in u.flags) for u in result.units)


def test_a_truncated_rank_band_scores_nothing_and_says_the_value_is_missing():
    """CAD-7.1 / GAP-10: the value for ranks 11–20 is lost in the source; never invented."""
    result = _score(CadreEvent("halfyear_rank", date(2021, 6, 30), persons={"L": ("甲",)}, rank=12))
    leader = result.unit("甲")
    assert leader.total == 0
    assert any(f.flag == "value_missing" and f.rule == "CAD-7.1" for f in leader.flags)
