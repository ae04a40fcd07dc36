"""The learning-organisation table (LRN): four areas, discretionary deductions with reasons (GAP-1)."""

from decimal import Decimal

from tests.workflow.scoring.refusals import refused
from workflow.scoring.errors import SheetError
from workflow.scoring.table import ItemEntry, score_sheet

D = Decimal


def test_lrn_example_1_a_station_scores_90_of_100(lrn):
    """LRN-3.5, Example 1: 22 + 27 + 13 + 28 = 90."""
    entries = {
        "LRN-3.1": ItemEntry(deduction=D(3), reason="动员会无记录"),
        "LRN-3.2": ItemEntry(deduction=D(3), reason="集中学习次数不足"),
        "LRN-3.3": ItemEntry(deduction=D(2), reason="经费未落实"),
        "LRN-3.4": ItemEntry(deduction=D(2), reason="无调研报告"),
    }
    result = score_sheet(lrn, entries)
    assert [i.score for i in result.items] == [22, 27, 13, 28]
    assert (result.total, result.max) == (90, 100)
    assert result.item("LRN-3.1").reasons == ("酌情扣3分：动员会无记录（LRN-3.1）",)


def test_lrn_3_1_discretionary_deduction_needs_a_reason(lrn):
    """LRN GAP-1: manual entry with a required reason."""
    with refused(SheetError, "sheet.discretionary_needs_reason", item="LRN-3.1"):
        score_sheet(lrn, {"LRN-3.1": ItemEntry(deduction=D(3))})


def test_lrn_3_1_discretionary_deduction_cannot_exceed_the_area_weight(lrn):
    """LRN-3.1: the deduction stays within [0, 25]."""
    with refused(SheetError, "sheet.discretionary_range", item="LRN-3.1", deduction=26, bound=25):
        score_sheet(lrn, {"LRN-3.1": ItemEntry(deduction=D(26), reason="x")})


def test_lrn_example_2_five_study_sessions_in_six_months_is_flagged(lrn):
    """LRN-3.2, Example 2: 1 session a month × 6 months = 6 needed; 5 held is non-compliant."""
    entry = ItemEntry(
        measures={"study_sessions": D(5), "months": D(6)}, deduction=D(2), reason="集中学习少1次"
    )
    result = score_sheet(lrn, {"LRN-3.2": entry}).item("LRN-3.2")
    assert result.score == 28
    assert "未达要求：集中学习次数（每月1次）5，少于6（LRN-3.2）" in result.reasons


def test_lrn_example_3_four_recommended_books_is_flagged_but_the_deduction_is_discretionary(lrn):
    """LRN-3.2, Example 3: 4 < 5 books; flagged, points untouched unless the assessor deducts."""
    result = score_sheet(lrn, {"LRN-3.2": ItemEntry(measures={"books": D(4)})}).item("LRN-3.2")
    assert result.score == 30
    assert result.reasons == ("未达要求：向干部职工推荐书目4，少于5（LRN-3.2）",)


def test_lrn_3_4_serious_violation_is_not_a_veto_by_default(lrn):
    """LRN-3.4, GAP-5: listed as content of a 30-point area, not a veto (switch off)."""
    entry = ItemEntry(flags=frozenset({"serious_violation"}), deduction=D(10), reason="有违纪问题")
    result = score_sheet(lrn, {"LRN-3.4": entry})
    assert not result.vetoed
    assert result.item("LRN-3.4").score == 20


def test_lrn_3_4_serious_violation_vetoes_when_the_switch_is_on(raw_scheme, build):
    """LRN-3.4, GAP-5: the configurable veto switch."""
    data = raw_scheme("lrn")
    data["sections"][0]["items"][3]["veto_when"][0]["enabled"] = True
    result = score_sheet(
        build(data, "lrn.toml"), {"LRN-3.4": ItemEntry(flags=frozenset({"serious_violation"}))}
    )
    assert result.vetoed and result.passed is False
    assert result.veto_reasons == ("一票否决：有严重违纪违法问题（LRN-3.4）",)
