import datetime as dt
from decimal import Decimal
from enum import Enum

import pytest

from webapp.grading.documents.labels import (
    default_pass_line,
    format_date,
    kind_label,
    level_label,
    tier_label,
)
from workflow.scoring.numbers import format_points


class Level(Enum):
    L2 = "省二级"
    L1 = "省一级"
    SPECIAL = "省特级"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2027, 3, 15), "二〇二七年三月十五日"),
        (dt.date(2030, 10, 1), "二〇三〇年十月一日"),
        (dt.date(2026, 12, 20), "二〇二六年十二月二十日"),
        (dt.date(2027, 1, 31), "二〇二七年一月三十一日"),
    ],
)
def test_hanzi_dates_are_written_as_on_official_documents(day, expected):
    assert format_date(day, "hanzi") == expected


def test_arabic_dates_have_no_leading_zeros():
    assert format_date(dt.date(2027, 3, 5)) == "2027年3月5日"


@pytest.mark.parametrize("level", ["L1", "l1", "省一级", "省一級", "一级", Level.L1])
def test_a_level_may_be_a_code_a_chinese_label_or_the_domain_enum(level):
    assert level_label(level) == "省一级"


def test_an_unknown_level_is_refused_with_its_value():
    with pytest.raises(ValueError, match="省三级"):
        level_label("省三级")


def test_kind_and_tier_labels():
    assert kind_label("RECHECK") == kind_label("復查") == "复查"
    assert tier_label("TOWNSHIP") == "乡（镇）机关"
    assert tier_label("县直机关") == "县直机关"


def test_pass_lines_are_90_and_80_and_none_for_special_arc_7_2_gap_11():
    assert default_pass_line("L1") == 90
    assert default_pass_line("L2") == 80
    assert default_pass_line("SPECIAL") is None


@pytest.mark.parametrize(
    ("value", "shown"), [(90, "90"), (90.0, "90"), (Decimal("92.50"), "92.5"), (0.25, "0.25"), (None, "")]
)
def test_points_are_printed_without_useless_decimals(value, shown):
    assert format_points(value) == shown
