"""Each scheme construct on a minimal scheme of its own (rounding, direct scores, grades, missing entries)."""

from decimal import Decimal

import pytest

from tests.workflow.scoring.refusals import refused
from workflow.scoring.errors import SheetError
from workflow.scoring.table import ItemEntry, parse_sheet, score_sheet

D = Decimal


def one_item(item: dict, **scheme) -> dict:
    """Scheme data with a single section holding `item` (plus `extra_items`)."""
    extra = scheme.pop("extra_items", [])
    items = [item, *extra]
    regular = sum(D(str(i["max"])) for i in items if not i.get("bonus"))
    return {
        "id": "t",
        "version": "1",
        "name": "测试",
        "max": regular,
        "sections": [{"id": "S1", "name": "第一部分", "max": regular, "items": items}],
        **scheme,
    }


PER_COPY = {
    "id": "T-1",
    "name": "归档",
    "max": 3,
    "rule": "deduction",
    "floor": True,
    "deductions": [{"defect": "missing", "text": "缺少", "points": 1, "unit": "份"}],
}


def test_fixed_amount_per_defect_reads_like_the_table(build):
    """每缺一份扣1分: the reason names count, rate and amount with the rule ID."""
    result = score_sheet(build(one_item(PER_COPY)), {"T-1": ItemEntry(defects={"missing": 2})})
    assert result.item("T-1").reasons == ("缺少2份，每份扣1分，扣2分（T-1）",)
    assert result.total == 1


def test_a_score_entered_directly_replaces_the_rule_and_needs_a_reason_below_max(build):
    """xlsx imports give the item score itself (评审评分 + 扣分原因)."""
    scheme = build(one_item(PER_COPY))
    result = score_sheet(scheme, {"T-1": ItemEntry(awarded=D("2.5"), reason="缺半份")})
    assert result.item("T-1").score == D("2.5")
    assert result.item("T-1").reasons == ("评定2.5分（满分3分）：缺半份（T-1）",)
    with refused(SheetError, "sheet.awarded_needs_reason", item="T-1"):
        score_sheet(scheme, {"T-1": ItemEntry(awarded=D(2))})
    with refused(SheetError, "sheet.awarded_range", item="T-1", score=4, low=0, max=3):
        score_sheet(scheme, {"T-1": ItemEntry(awarded=D(4), reason="x")})
    with refused(SheetError, "sheet.score_and_deductions", item="T-1"):
        score_sheet(scheme, {"T-1": ItemEntry(awarded=D(2), reason="x", defects={"missing": 1})})


def test_unknown_defect_flag_or_measure_names_the_item(build):
    scheme = build(one_item(PER_COPY))
    with refused(SheetError, "sheet.unknown_defects", item="T-1", names=["lost"]):
        score_sheet(scheme, {"T-1": ItemEntry(defects={"lost": 1})})
    with refused(SheetError, "sheet.unknown_flags", item="T-1"):
        score_sheet(scheme, {"T-1": ItemEntry(flags=frozenset({"x"}))})
    with refused(SheetError, "sheet.unknown_measures", item="T-1"):
        score_sheet(scheme, {"T-1": ItemEntry(measures={"x": D(1)})})
    with refused(SheetError, "sheet.item_unknown", item="T-9"):
        score_sheet(scheme, {"T-9": ItemEntry()})


def test_missing_measured_values_score_zero_and_leave_pass_undecided(build):
    """An item that needs a measured value and has none is listed in `missing`; passed is None."""
    item = {
        "id": "T-1",
        "name": "合格率",
        "max": 10,
        "rule": "threshold",
        "conditions": [{"measure": "rate", "at_least": 90}],
    }
    data = one_item(item, levels=["only"], pass_lines={"only": 0})
    result = score_sheet(build(data), {}, level="only")
    assert result.missing == ("T-1",) and result.passed is None
    assert score_sheet(build(data), {"T-1": ItemEntry(measures={"rate": D(90)})}, level="only").passed is True


def test_partly_given_measures_are_an_error_naming_the_measure(build):
    item = {
        "id": "T-1",
        "name": "抽检",
        "max": 10,
        "rule": "shortfall",
        "floor": True,
        "shortfalls": [{"measure": "a", "threshold": 90}, {"measure": "b", "threshold": 30}],
    }
    with refused(SheetError, "sheet.missing_measures", item="T-1", names=["b"]):
        score_sheet(build(one_item(item)), {"T-1": ItemEntry(measures={"a": D(80)})})


def test_whole_units_switch_deducts_only_complete_points(build):
    """STA GAP-2 switch: 2.5 points below → −2 with whole_units = true."""
    item = {
        "id": "T-1",
        "name": "抽检",
        "max": 10,
        "rule": "shortfall",
        "floor": True,
        "shortfalls": [{"measure": "a", "threshold": 90, "whole_units": True, "unit": "%"}],
    }
    result = score_sheet(build(one_item(item)), {"T-1": ItemEntry(measures={"a": D("87.5")})})
    assert result.item("T-1").score == 8


def test_grade_bands_give_the_grade_and_a_veto_gives_the_veto_grade(build):
    item = dict(PER_COPY, max=100, deductions=[{"defect": "d", "text": "缺", "points": 1}])
    veto = {
        "id": "V",
        "name": "否决",
        "max": 0,
        "rule": "veto",
        "veto_when": [{"flag": "x", "text": "重大事故"}],
    }
    data = one_item(
        item,
        extra_items=[veto],
        grade_bands=[
            {"grade": "良好", "min": 80},
            {"grade": "优秀", "min": 90},
            {"grade": "合格", "min": 60},
        ],
        veto_grade="不合格",
    )
    scheme = build(data)
    grade = {n: score_sheet(scheme, {"T-1": ItemEntry(defects={"d": n})}).grade for n in (0, 10, 11, 30, 41)}
    assert grade == {0: "优秀", 10: "优秀", 11: "良好", 30: "合格", 41: None}
    vetoed = score_sheet(scheme, {"V": ItemEntry(flags=frozenset({"x"}))})
    assert (vetoed.vetoed, vetoed.passed, vetoed.grade) == (True, False, "不合格")


def test_discretionary_and_fixed_deductions_combine_within_the_item(build):
    """酌情扣分 next to fixed deductions; a non-floored item must keep its deductions within max."""
    item = {
        "id": "T-1",
        "name": "制度",
        "max": 5,
        "rule": "deduction",
        "deductions": [{"defect": "no_rule", "text": "缺少制度", "points": 1, "max_count": 3}],
        "discretionary": 2,
    }
    entry = ItemEntry(defects={"no_rule": 3}, deduction=D(2), reason="执行不到位")
    assert score_sheet(build(one_item(item)), {"T-1": entry}).item("T-1").score == 0


def test_zero_when_switch_off_keeps_the_points_and_says_so(build):
    item = {
        "id": "T-1",
        "name": "库房",
        "max": 5,
        "rule": "condition",
        "zero_when": [{"flag": "dispersed", "text": "分散管理", "enabled": False}],
    }
    result = score_sheet(build(one_item(item)), {"T-1": ItemEntry(flags=frozenset({"dispersed"}))}).item(
        "T-1"
    )
    assert result.score == 5
    assert result.reasons == ("分散管理（该不得分条款未启用）（T-1）",)


def test_award_item_without_zero_allowed_rejects_zero(build):
    item = {"id": "T-1", "name": "编研", "max": 3, "min": 1, "rule": "award", "zero_allowed": False}
    with refused(SheetError, "sheet.awarded_range", item="T-1", score=0, low=1, max=3):
        score_sheet(build(one_item(item)), {"T-1": ItemEntry(awarded=D(0), reason="未开展")})


def test_parse_sheet_reads_the_documented_json_shape(sta):
    data = {
        "scheme": "sta-2017",
        "level": None,
        "items": {
            "STA-3.1.2": {"measures": {"pass_rate": 87, "sampling_ratio": 32.5}},
            "STA-3.1.1a": {"flags": ["not_met"], "note": "复核材料第3页"},
            "STA-3.2.1": {"awarded": "2", "reason": "迟报"},
        },
    }
    entries = parse_sheet(data, sta)
    assert entries["STA-3.1.2"].measures == {"pass_rate": 87, "sampling_ratio": D("32.5")}
    assert entries["STA-3.1.1a"].flags == {"not_met"}
    assert entries["STA-3.2.1"].awarded == 2
    assert score_sheet(sta, data).item("STA-3.1.2").score == 7


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({"STA-9": {}}, "本评分表中没有考核项目「STA-9」"),
        (
            {"STA-3.1.2": {"measures": {"pass_rate": "高"}}},
            "考核项目「一、2 乡镇街道统计机构规范化管理」：抽检合格率（%）应为数字，填写的是「高」",
        ),
        (
            {"STA-3.1.2": {"score": 3}},
            "考核项目「一、2 乡镇街道统计机构规范化管理」：有不认识的填写项：「score」",
        ),
        (
            {"STA-3.1.2": {"defects": {"x": -1}}},
            "考核项目「一、2 乡镇街道统计机构规范化管理」：扣分情形「x」的次数应为不小于0的整数，填写的是「-1」",
        ),
        (
            {"STA-3.1.2": {"flags": "not_met"}},
            "考核项目「一、2 乡镇街道统计机构规范化管理」：情形应为所发生情形的列表",
        ),
        ({"STA-3.1.2": {"reason": 3}}, "考核项目「一、2 乡镇街道统计机构规范化管理」：扣分原因应为文字"),
    ],
)
def test_parse_sheet_errors_name_the_item_as_the_table_shows_it(sta, items, message):
    with pytest.raises(SheetError) as excinfo:
        parse_sheet({"items": items}, sta)
    assert str(excinfo.value) == message
    assert excinfo.value.item == next(iter(items))


def test_a_sheet_made_for_another_scheme_or_version_is_refused(sta):
    with refused(SheetError, "sheet.wrong_scheme", found="lrn"):
        parse_sheet({"scheme": "lrn", "items": {}}, sta)
    with refused(SheetError, "sheet.wrong_version", found="2016"):
        parse_sheet({"scheme": "sta-2017", "version": "2016", "items": {}}, sta)


def test_result_to_dict_has_the_cli_shape(sta):
    data = score_sheet(
        sta, {"STA-3.1.6": ItemEntry(measures={"appointed": D(15), "town_units": D(20)})}
    ).to_dict()
    assert {"total", "max", "sections", "items", "vetoed", "veto_reasons", "passed", "grade"} <= set(data)
    item = next(i for i in data["items"] if i["id"] == "STA-3.1.6")
    assert item == {
        "id": "STA-3.1.6",
        "score": 3.75,
        "max": 5,
        "reasons": ["首席统计员设置完成率75%，按系数0.75计5×0.75=3.75分（STA-3.1.6）"],
    }
