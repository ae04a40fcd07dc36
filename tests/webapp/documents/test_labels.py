import datetime as dt
from decimal import Decimal

import pytest

from config.rulesets import load_ruleset
from webapp.grading.documents.labels import format_date, hanzi_number, kind_of, level_of
from workflow.scoring.numbers import format_points

HUBEI = load_ruleset("hubei-2011")


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


def test_a_document_names_a_level_and_kind_by_the_rulesets_words():
    """ARC-4.1: the words come from the case's ruleset, not from the documents module."""
    assert level_of(HUBEI, "first").name == "省一级"
    assert level_of(HUBEI, "special").pass_line is None  # GAP-11: a panel conclusion, no points line
    assert kind_of(HUBEI, "recheck").name == "复查"


def test_an_unknown_level_or_kind_is_refused_with_its_value():
    with pytest.raises(ValueError, match="third"):
        level_of(HUBEI, "third")
    with pytest.raises(ValueError, match="renewal"):
        kind_of(HUBEI, "renewal")


@pytest.mark.parametrize(
    ("n", "written"), [(3, "三"), (10, "十"), (15, "十五"), (20, "二十"), (31, "三十一")]
)
def test_numbers_are_written_in_hanzi(n, written):
    assert hanzi_number(n) == written


@pytest.mark.parametrize(
    ("value", "shown"), [(90, "90"), (90.0, "90"), (Decimal("92.50"), "92.5"), (0.25, "0.25"), (None, "")]
)
def test_points_are_printed_without_useless_decimals(value, shown):
    assert format_points(value) == shown
