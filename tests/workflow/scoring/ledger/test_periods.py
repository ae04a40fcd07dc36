"""Periods (`2020-06`, `2020-Q2`, `2020-H1`, `2020`) and the monthly cut-off (ZG-6.6, GAP-9)."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.scoring.ledger import LedgerError, parse_period
from workflow.scoring.ledger.period import month_index


@pytest.mark.parametrize(
    ("text", "kind", "label", "chinese", "months"),
    [
        ("2020-06", "month", "2020-06", "2020年6月", 1),
        ("2020-Q2", "quarter", "2020-Q2", "2020年第二季度", 3),
        ("2020-h1", "half", "2020-H1", "2020年上半年", 6),
        ("2020", "year", "2020", "2020年度", 12),
    ],
)
def test_every_period_spelling_the_cli_accepts_reads_back_the_same(text, kind, label, chinese, months):
    period = parse_period(text)
    assert (period.kind, period.label, period.chinese, len(period.months)) == (kind, label, chinese, months)


@pytest.mark.parametrize("text", ["2020-13", "2020-Q5", "2020-H3", "20-06", "", "2020/06", "二〇二〇"])
def test_a_period_that_is_not_one_of_the_four_spellings_is_refused_in_chinese(text):
    with pytest.raises(LedgerError) as refused:
        parse_period(text)
    assert refused.value.code == "ledger.period.invalid" and "2020-Q2" in refused.value.message


def test_a_year_has_four_quarters_and_a_month_has_no_quarter():
    assert [p.label for p in parse_period("2020").windows("quarter")] == [
        "2020-Q1",
        "2020-Q2",
        "2020-Q3",
        "2020-Q4",
    ]
    assert parse_period("2020-05").windows("quarter") == []


def test_the_28th_stays_and_the_29th_moves_to_next_month_even_across_the_year_end():
    """ZG-6.6 / GAP-9: 「28日后」 = day ≥ 29; December 29th counts in January of the next year."""
    assert month_index(date(2020, 6, 28), 28) == month_index(date(2020, 6, 1))
    assert month_index(date(2020, 6, 29), 28) == month_index(date(2020, 7, 1))
    assert month_index(date(2020, 12, 31), 28) in parse_period("2021-01")
    assert month_index(date(2020, 12, 31)) in parse_period("2020-12")  # no cut-off configured
