"""The 2017 statistics table (STA) with the digest's worked examples."""

from decimal import Decimal

import pytest

from tests.workflow.scoring.refusals import refused
from workflow.scoring.errors import RankingError, SheetError
from workflow.scoring.table import ItemEntry, rank_grades, score_sheet

D = Decimal


def full_sta_entries() -> dict[str, ItemEntry]:
    """A sheet where every STA item reaches its maximum."""
    entries = {
        "STA-3.1.2": ItemEntry(measures={"pass_rate": D(95), "sampling_ratio": D(35)}),
        "STA-3.1.3": ItemEntry(measures={"pass_rate": D(100)}),
        "STA-3.1.4": ItemEntry(measures={"coverage": D(96)}),
        "STA-3.1.5": ItemEntry(measures={"coverage": D(60)}),
        "STA-3.1.6": ItemEntry(measures={"appointed": D(20), "town_units": D(20)}),
        "STA-3.3": ItemEntry(awarded=D(10)),
    }
    for item_id, top in {
        "STA-3.2.1": 3, "STA-3.2.2": 3, "STA-3.2.3": 15, "STA-3.2.4": 4, "STA-3.2.5": 5,
        "STA-3.2.6": 5, "STA-3.2.7": 5, "STA-3.2.8": 3, "STA-3.2.9": 3, "STA-3.2.10": 4,
    }.items():  # fmt: skip
        entries[item_id] = ItemEntry(awarded=D(top))
    return entries


def test_a_complete_sta_sheet_reaches_110(sta):
    """STA-3.0: 50 + 50 + 10 = 110."""
    result = score_sheet(sta, full_sta_entries())
    assert (result.total, result.max) == (110, 110)
    assert [s.max for s in result.sections] == [50, 50, 10]
    assert result.missing == ()


@pytest.mark.parametrize(
    ("pass_rate", "sampling", "expected"),
    [(87, 32, 7), (78, 32, 0), (92, 28, 8), (90, 30, 10), (D("87.5"), 32, D("7.5"))],
)
def test_sta_3_1_2_loses_a_point_per_percentage_point_below_and_stops_at_zero(
    sta, pass_rate, sampling, expected
):
    """STA-3.1.2, Example 1, GAP-2 (each shortfall separately; fractions proportional)."""
    entry = ItemEntry(measures={"pass_rate": D(pass_rate), "sampling_ratio": D(sampling)})
    result = score_sheet(sta, {"STA-3.1.2": entry}).item("STA-3.1.2")
    assert result.score == expected


def test_sta_3_1_2_reasons_say_how_far_below_and_that_the_item_is_exhausted(sta):
    """STA-3.1.2: 扣完为止."""
    entry = ItemEntry(measures={"pass_rate": D(78), "sampling_ratio": D(32)})
    reasons = score_sheet(sta, {"STA-3.1.2": entry}).item("STA-3.1.2").reasons
    assert reasons == (
        "抽检合格率78%，低于标准90%共12个百分点，每个百分点扣1分，扣12分（STA-3.1.2）",
        "扣完为止，本项得0分（STA-3.1.2）",
    )


@pytest.mark.parametrize(
    ("appointed", "expected"),
    [(15, D("3.75")), (7, 0), (20, 5), (8, 2), (19, D("4.75"))],
)
def test_sta_3_1_6_completion_ratio_inside_band_scales_points(sta, appointed, expected):
    """STA-3.1.6, Example 2, GAP-3: 5 × ratio for 40% ≤ ratio < 100%, 0 below 40%, 5 when complete."""
    entry = ItemEntry(measures={"appointed": D(appointed), "town_units": D(20)})
    assert score_sheet(sta, {"STA-3.1.6": entry}).item("STA-3.1.6").score == expected


def test_sta_3_1_6_ratio_is_rounded_once_to_the_hundredth(sta):
    """STA-3.1.6 with 2 of 3 towns: 5 × 2/3 = 3.333… → 3.33 (ROUND_HALF_UP, precision 0.01)."""
    entry = ItemEntry(measures={"appointed": D(2), "town_units": D(3)})
    result = score_sheet(sta, {"STA-3.1.6": entry}).item("STA-3.1.6")
    assert result.score == D("3.33")
    assert result.reasons == ("首席统计员设置完成率66.67%，按系数0.6667计5×0.6667=3.33分（STA-3.1.6）",)


@pytest.mark.parametrize(("coverage", "expected"), [(95, 7), (D("94.9"), 0), (100, 7)])
def test_sta_3_1_4_threshold_item_is_all_or_nothing(sta, coverage, expected):
    """STA-3.1.4, GAP-1: full points at or above 95%, else 0."""
    entry = ItemEntry(measures={"coverage": D(coverage)})
    assert score_sheet(sta, {"STA-3.1.4": entry}).item("STA-3.1.4").score == expected


def test_sta_3_1_1_has_two_sub_criteria_scored_separately(sta):
    """STA-3.1.1: 3 for keeping the qualified level + 7 for the provincial demonstration unit."""
    result = score_sheet(sta, {"STA-3.1.1b": ItemEntry(flags=frozenset({"not_met"}))}).item("STA-3.1.1")
    assert result.score == 3
    assert [(p.id, p.score) for p in result.parts] == [("STA-3.1.1a", 3), ("STA-3.1.1b", 0)]
    assert result.parts[1].reasons == ("未创建省级示范单位，本项不得分（STA-3.1.1b）",)


@pytest.mark.parametrize(("awarded", "ok"), [(0, True), (1, True), (3, True), (D("0.5"), False), (4, False)])
def test_sta_3_2_ranged_items_take_zero_or_one_to_n(sta, awarded, ok):
    """STA-3.2.1, GAP-4: 0 if not done at all, otherwise 1…3."""
    entry = ItemEntry(awarded=D(awarded), reason="材料不全")
    if ok:
        assert score_sheet(sta, {"STA-3.2.1": entry}).item("STA-3.2.1").score == awarded
    else:
        with refused(SheetError, "sheet.awarded_range", item="STA-3.2.1", low=1, max=3):
            score_sheet(sta, {"STA-3.2.1": entry})


def test_sta_3_2_6_reports_fewer_than_ten_information_items(sta):
    """STA-3.2.6: 全年不少于10篇 is reported; the range score stays with the assessor."""
    entry = ItemEntry(awarded=D(3), reason="信息偏少", measures={"info_items": D(8)})
    result = score_sheet(sta, {"STA-3.2.6": entry}).item("STA-3.2.6")
    assert result.score == 3
    assert "未达要求：全年报送工作信息篇数8，少于10（STA-3.2.6）" in result.reasons


def test_sta_example_3_key_targets_42_work_stages_38_innovation_6_total_86(sta):
    """STA Example 3: 42 + 38 + 6 = 86 of 110."""
    entries = full_sta_entries()
    entries["STA-3.1.2"] = ItemEntry(measures={"pass_rate": D(87), "sampling_ratio": D(32)})  # −3
    entries["STA-3.1.6"] = ItemEntry(measures={"appointed": D(7), "town_units": D(20)})  # −5
    entries["STA-3.2.3"] = ItemEntry(awarded=D(5), reason="仅推荐2种成果")  # −10
    entries["STA-3.2.1"] = ItemEntry(awarded=D(1), reason="总结迟报")  # −2
    entries["STA-3.3"] = ItemEntry(awarded=D(6), reason="创新举措1项")
    result = score_sheet(sta, entries)
    assert [s.score for s in result.sections] == [42, 38, 6]
    assert result.total == 86
    assert result.passed is None and result.grade is None  # STA grades come from ranking (STA-4.1)


ELEVEN = [(f"县区{n}", D(100 - n)) for n in range(1, 12)]


def test_sta_example_4_three_excellent_and_four_good_by_rank(sta):
    """STA-4.1, Example 4: ranks 1–3 优秀, 4–7 良好, 8–11 合格."""
    grades = rank_grades(ELEVEN, sta, counts={"优秀": 3, "良好": 4})
    assert [grades[u] for u, _ in ELEVEN] == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 4


def test_sta_4_1_four_excellent_breaches_the_two_to_three_quota(sta):
    """STA-4.1, Example 4: choosing 4 优秀 breaches 2–3."""
    with pytest.raises(RankingError, match="优秀4名，超出规定的2—3名"):
        rank_grades(ELEVEN, sta, counts={"优秀": 4})


def test_sta_4_1_default_takes_the_maximum_but_does_not_split_a_tie(sta):
    """STA-4.1, GAP-6: the default cut steps down within the quota rather than split equal totals."""
    totals = [
        ("A", 99),
        ("B", 98),
        ("C", 97),
        ("D", 97),
        ("E", 90),
        ("F", 89),
        ("G", 88),
        ("H", 87),
        ("I", 80),
    ]
    grades = rank_grades(totals, sta)
    assert [grades[u] for u, _ in totals] == [
        "优秀",
        "优秀",
        "良好",
        "良好",
        "良好",
        "良好",
        "合格",
        "合格",
        "合格",
    ]
