"""The Hubei 省一级/省二级 SAMPLE table: pass lines, levels, star items, the ARC-5.5 veto, section minimums."""

from decimal import Decimal

import pytest

from workflow.scoring.errors import SheetError
from workflow.scoring.table import ItemEntry, score_sheet

D = Decimal


def perfect(level: str = "first") -> dict[str, ItemEntry]:
    entries = {"HBS-5.1": ItemEntry(awarded=D(10))}
    if level == "first":
        entries["HBS-5.2"] = ItemEntry(measures={"entry_rate": D(100)})
    else:
        entries["HBS-5.3"] = ItemEntry(measures={"entry_rate": D(85)})
    return entries


def test_hubei_sample_is_marked_as_a_sample_with_levels_second_and_first(hubei):
    """ARC-7.1: Annex 2 is not in the source, so the shipped table is a SAMPLE."""
    assert hubei.sample
    assert hubei.levels == ("second", "first")
    assert hubei.pass_lines == {"second": 80, "first": 90}
    assert [s.max for s in hubei.sections] == [15, 20, 35, 10, 20]


@pytest.mark.parametrize("level", ["first", "second"])
def test_hubei_sample_has_100_points_for_each_level(hubei, level):
    """ARC-7.1: five parts, 100 points, level-only items balance per level."""
    result = score_sheet(hubei, perfect(level), level=level)
    assert (result.total, result.max, result.passed) == (100, 100, True)
    assert result.grade == {"first": "省一级", "second": "省二级"}[level]


def test_arc_7_2_exactly_90_reaches_the_first_level_line(hubei):
    """ARC-7.2, GAP-12, Example A: 90.0 ≥ 90 passes 省一级."""
    entries = perfect() | {"HBS-3.1": ItemEntry(defects={"missing_file": 10})}
    result = score_sheet(hubei, entries, level="first")
    assert (result.total, result.pass_line, result.passed) == (90, 90, True)


def test_arc_7_2_89_5_misses_the_first_level_line_but_would_reach_the_second(hubei):
    """ARC-7.2, Example A: 89.5 < 90 fails 省一级 (no rounding before comparison)."""
    entries = perfect() | {
        "HBS-3.1": ItemEntry(defects={"missing_file": 10}),
        "HBS-3.2": ItemEntry(defects={"bad_item": 1}),
    }
    result = score_sheet(hubei, entries, level="first")
    assert result.total == D("89.5")
    assert result.passed is False and result.grade is None
    second = perfect("second") | {k: v for k, v in entries.items() if k.startswith("HBS-3")}
    assert score_sheet(hubei, second, level="second").passed is True


def test_star_item_dispersed_management_scores_zero(hubei):
    """HBS-2.1 (sample): *分散管理不得分 zeroes the item whatever else was deducted."""
    entries = perfect() | {"HBS-2.1": ItemEntry(flags=frozenset({"dispersed"}), defects={"not_separated": 1})}
    result = score_sheet(hubei, entries, level="first")
    assert result.item("HBS-2.1").score == 0
    assert result.item("HBS-2.1").reasons[-1] == "档案分散管理，本项不得分（HBS-2.1）"
    assert result.total == 90


def test_different_amounts_per_defect_kind_with_floor(hubei):
    """HBS-1.2 (sample): 缺正高扣4分，缺副高扣3分, 扣完为止."""
    entries = perfect() | {"HBS-1.2": ItemEntry(defects={"no_senior": 1, "no_associate": 1})}
    result = score_sheet(hubei, entries, level="first").item("HBS-1.2")
    assert result.score == 0
    assert result.reasons == (
        "缺正高职称档案人员，扣4分（HBS-1.2）",
        "缺副高职称档案人员，扣3分（HBS-1.2）",
        "扣完为止，本项得0分（HBS-1.2）",
    )


def test_arc_5_5_security_incident_vetoes_a_perfect_sheet(hubei):
    """ARC-5.5 (HBS-4.2): 一票否决 fails the sheet whatever the total."""
    entries = perfect() | {"HBS-4.2": ItemEntry(flags=frozenset({"security_incident"}))}
    result = score_sheet(hubei, entries, level="first")
    assert (result.total, result.vetoed, result.passed, result.grade) == (100, True, False, "不达标")


def test_level_only_item_counts_only_for_its_level(hubei):
    """HBS-5.2 counts for 省一级 only; its entry is ignored when scoring 省二级."""
    entries = perfect("second") | {"HBS-5.2": ItemEntry(measures={"entry_rate": D(10)})}
    result = score_sheet(hubei, entries, level="second")
    assert "HBS-5.2" not in [i.id for i in result.items[-3:]]
    assert result.total == 100


def test_a_scheme_with_level_only_items_needs_a_level(hubei):
    with pytest.raises(SheetError) as excinfo:
        score_sheet(hubei, perfect())
    assert excinfo.value.code == "sheet.level_required"
    assert str(excinfo.value) == "本表有只适用于某一级别的项目，请先确定申报级别（省二级、省一级）"


def test_unknown_level_is_rejected(hubei):
    with pytest.raises(SheetError) as excinfo:
        score_sheet(hubei, perfect(), level="special")
    assert excinfo.value.code == "sheet.level_unknown"
    assert str(excinfo.value) == "级别「special」不是本表的级别（本表级别：省二级、省一级）"


def test_section_minimum_switch_fails_a_sheet_above_the_line(hubei, raw_scheme, build):
    """Section minimums (switch, off in the sample): each part must reach 80% as well as the total."""
    data = raw_scheme("hubei-archive-sample")
    data["section_min_ratio"] = {"first": D("0.8")}
    scheme = build(data, "hubei-archive-sample.toml")
    entries = perfect() | {"HBS-2.1": ItemEntry(flags=frozenset({"dispersed"}))}  # part 二: 10 of 20
    result = score_sheet(scheme, entries, level="first")
    assert result.total == 90
    assert result.passed is False
    assert result.section_failures == ("基础设施得10分，低于本部分最低要求16分（HBS-2）",)
    assert score_sheet(hubei, entries, level="first").passed is True  # the shipped default: switch off


def test_section_min_points_per_level(hubei, raw_scheme, build):
    """A section minimum given in points for one level only."""
    data = raw_scheme("hubei-archive-sample")
    data["sections"][3]["min_points"] = {"first": 9}
    scheme = build(data)
    entries = perfect() | {"HBS-4.1": ItemEntry(defects={"no_records": 1})}
    assert score_sheet(scheme, entries, level="first").section_failures == (
        "安全保管得8分，低于本部分最低要求9分（HBS-4）",
    )
    assert score_sheet(scheme, perfect("second") | entries, level="second").section_failures == ()
