"""Numbers of a publication's issues (pure): by year and running total, 2027年第12期，总第345期."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.articles.numbering import IssueNumber, check_issue_date, highest_secrecy, next_number


def test_the_issue_after_2027_11_total_344_is_2027_12_total_345() -> None:
    number = next_number(2027, 11, 344)
    assert number == IssueNumber(2027, 12, 345)
    assert number.label == "2027年第12期，总第345期"
    assert number.print_label == "2027年第12期（总第345期）"


def test_the_first_issue_of_a_new_year_is_number_1_and_the_total_runs_on() -> None:
    assert next_number(2028, None, 345) == IssueNumber(2028, 1, 346)


def test_the_first_issue_ever_is_1_and_1() -> None:
    assert next_number(2027, None, None).label == "2027年第1期，总第1期"


@pytest.mark.parametrize(
    ("year", "last", "total"), [(1899, None, None), (10000, None, None), (2027, -1, 3), (2027, 5, 4)]
)
def test_impossible_numbers_are_refused(year: int, last: int | None, total: int | None) -> None:
    with pytest.raises(ValueError):
        next_number(year, last, total)


def test_an_issue_is_dated_in_its_numbers_year() -> None:
    number = IssueNumber(2027, 12, 345)
    assert check_issue_date(number, date(2027, 12, 31)) is None
    assert check_issue_date(number, date(2028, 1, 2)) == "本期期号为2027年第12期，出刊日期须在2027年内。"


def test_an_issue_is_as_secret_as_its_most_secret_item_and_an_unknown_level_over_marks() -> None:
    assert highest_secrecy([]) == "none"
    assert highest_secrecy(["none", "internal", "none"]) == "internal"
    assert highest_secrecy(["internal", "secret"]) == "secret"
    assert highest_secrecy(["none", "绝密"]) == "secret"
