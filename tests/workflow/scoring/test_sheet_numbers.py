"""Issue 7, point 6 (measures): numbers on a sheet are plain decimals within their range, never a silent 0.

A pass rate of −5 % or 150 %, 13 of 12 towns, 1e-400, NaN, infinity or the text "1e3" is an error naming the item
and the field as the table names them — not a score of 0 or full points.
"""

import json
from decimal import Decimal

import pytest

from tests.workflow.scoring.refusals import refused
from workflow.scoring.errors import SheetError
from workflow.scoring.numbers import NumberProblem, plain_decimal
from workflow.scoring.table import ItemEntry, parse_sheet, score_sheet

D = Decimal


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("87", D(87)),
        ("87.5", D("87.5")),
        (" 0.25 ", D("0.25")),
        (3, D(3)),
        (D("32.50"), D("32.5")),
        ("-2", D(-2)),
    ],
)
def test_plain_decimals_are_read_exactly(typed, value):
    assert plain_decimal(typed) == value


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1e3", "number.exponent"),
        ("1E-400", "number.exponent"),
        (D("1E-400"), "number.too_precise"),
        (1e-300, "number.too_precise"),
        ("NaN", "number.not_finite"),
        (D("NaN"), "number.not_finite"),
        ("inf", "number.not_finite"),
        (float("inf"), "number.not_finite"),
        ("0x10", "number.not_number"),
        ("八十", "number.not_number"),
        ("", "number.not_number"),
        (True, "number.not_number"),
        ("12345678901", "number.too_large"),
    ],
)
def test_anything_but_a_plain_decimal_is_refused_with_its_reason(typed, code):
    with pytest.raises(NumberProblem) as excinfo:
        plain_decimal(typed)
    assert excinfo.value.code == code


def test_a_json_1e_minus_400_is_refused_not_stored_as_zero(sta):
    """The reported fault: 1e-400 was taken as 0 (here on a measure; the review total is the sheets part)."""
    data = json.loads('{"STA-3.1.5": {"measures": {"coverage": 1e-400}}}', parse_float=Decimal)
    with refused(SheetError, "number.too_precise", item="STA-3.1.5"):
        parse_sheet(data, sta)


@pytest.mark.parametrize("raw", ["1e3", "NaN", "Infinity", "-inf"])
def test_exponent_and_non_finite_text_on_a_sheet_names_the_item_and_field(sta, raw):
    with pytest.raises(SheetError) as excinfo:
        parse_sheet({"STA-3.2.1": {"awarded": raw, "reason": "迟报"}}, sta)
    assert excinfo.value.item == "STA-3.2.1" and excinfo.value.field == "awarded"
    assert str(excinfo.value).startswith("考核项目「二、1 ")
    assert f"「{raw}」" in str(excinfo.value)


def test_a_negative_pass_rate_is_an_error_naming_the_measure(sta):
    """STA-3.1.2: 抽检合格率 −5 % is a typing error, not 95 points short."""
    with refused(SheetError, "sheet.measure_negative", item="STA-3.1.2"):
        score_sheet(sta, {"STA-3.1.2": ItemEntry(measures={"pass_rate": D(-5), "sampling_ratio": D(30)})})


def test_a_pass_rate_above_100_percent_is_an_error_not_full_points(sta):
    """STA-3.1.2: 150 % would otherwise score full points silently."""
    with pytest.raises(SheetError) as excinfo:
        score_sheet(sta, {"STA-3.1.2": ItemEntry(measures={"pass_rate": D(150), "sampling_ratio": D(30)})})
    assert excinfo.value.code == "sheet.measure_above" and excinfo.value.field == "measures.pass_rate"
    assert (
        str(excinfo.value)
        == "考核项目「一、2 乡镇街道统计机构规范化管理」：抽检合格率（%）150%超出范围：最多100%"
    )


def test_a_rate_of_exactly_100_percent_is_fine(sta):
    result = score_sheet(
        sta, {"STA-3.1.2": ItemEntry(measures={"pass_rate": D(100), "sampling_ratio": D(100)})}
    )
    assert result.item("STA-3.1.2").score == 10


def test_thirteen_of_twelve_towns_is_an_error_not_108_percent(sta):
    """STA-3.1.6 (GAP-3): the appointed chief statisticians cannot outnumber the towns."""
    with pytest.raises(SheetError) as excinfo:
        score_sheet(sta, {"STA-3.1.6": ItemEntry(measures={"appointed": D(13), "town_units": D(12)})})
    assert excinfo.value.code == "sheet.measure_above_whole" and excinfo.value.item == "STA-3.1.6"
    assert "13" in str(excinfo.value) and "12" in str(excinfo.value)
    assert (
        score_sheet(sta, {"STA-3.1.6": ItemEntry(measures={"appointed": D(12), "town_units": D(12)})})
        .item("STA-3.1.6")
        .score
        == 5
    )


def test_a_whole_of_zero_towns_names_the_measure(sta):
    with refused(SheetError, "sheet.whole_positive", item="STA-3.1.6"):
        score_sheet(sta, {"STA-3.1.6": ItemEntry(measures={"appointed": D(0), "town_units": D(0)})})


def test_a_count_may_exceed_its_target_where_the_table_pays_for_it(org):
    """ORG-T6: 14 built against a target of 10 is the excess the bonus rewards, not an error."""
    result = score_sheet(org, {"ORG-T6": ItemEntry(measures={"built": D(14), "target": D(10)})})
    assert result.item("ORG-T6+").score == 3
