"""Values a person types, checked by the domain against the ruleset (issue 7, points 2 and 20), and calendar
arithmetic that never fails on a stored value, however absurd."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from config.rulesets import load_ruleset
from workflow import calendar
from workflow.errors import RulesetError
from workflow.grading import Actor, CaseFacts, check, fire
from workflow.grading.authority import assignment
from workflow.grading.eligibility import OrganFacts
from workflow.ruleset import parse_ruleset

TESTPROV = Path(__file__).parent / "rulesets" / "testprov-2030.toml"
PRECHECKER = Actor(frozenset({"prechecker"}))
TODAY = date(2027, 1, 5)


@pytest.fixture(scope="module")
def hubei():
    return load_ruleset("hubei-2011")


def prechecking(ruleset) -> CaseFacts:
    """A county-direct 省二级 evaluation in its pre-check (the county bureau pre-checks and organizes)."""
    organ = OrganFacts(tier="county_direct", has_system_guidance=True, grade=None)
    return CaseFacts(
        level="second",
        kind="evaluation",
        tier="county_direct",
        ruleset_id=ruleset.id,
        assignment=assignment(ruleset, "second", "evaluation", "county_direct"),
        organ=organ,
        state="prechecking",
        plan_year=TODAY.year,
    )


# --- the notice start: from today to the ruleset's limit (ARC-10.3.1) ---------------------------------------


@pytest.mark.parametrize("start", [date(9999, 12, 31), date(2099, 1, 1), TODAY + timedelta(days=31)])
def test_a_notice_start_beyond_the_rulesets_limit_is_refused_quoting_arc_10_3_1(hubei, start):
    refusal = check(prechecking(hubei), "pass_precheck", PRECHECKER, TODAY, hubei, notice_start=start)
    assert refusal is not None and refusal.code == "notice_start_too_far"
    assert refusal.rule == "ARC-10.3.1"
    assert "在本级档案信息网站公示" in refusal.message  # the rule quoted
    assert "30天后（2027-02-04）" in refusal.message and str(start) in refusal.message


def test_a_notice_start_on_the_last_allowed_day_is_accepted_arc_10_3_1(hubei):
    case = prechecking(hubei)
    last = TODAY + timedelta(days=hubei.calendar.notice_start_max_days_ahead)
    fire(case, "pass_precheck", PRECHECKER, TODAY, hubei, notice_start=last, opinion="同意公示。")
    assert case.state == "in_notice" and case.notice_start == last


def test_the_limit_is_the_rulesets_not_a_constant_in_the_code():
    testprov = parse_ruleset(_toml(TESTPROV), TESTPROV.name)
    assert testprov.calendar.notice_start_max_days_ahead == 14
    case = prechecking_testprov(testprov)
    day = date(2030, 3, 10)
    assert (
        check(case, "pass_precheck", PRECHECKER, day, testprov, notice_start=day + timedelta(days=14)) is None
    )
    refusal = check(case, "pass_precheck", PRECHECKER, day, testprov, notice_start=day + timedelta(days=15))
    assert refusal is not None and refusal.code == "notice_start_too_far" and refusal.rule == "TP-6"


def prechecking_testprov(ruleset) -> CaseFacts:
    row = ruleset.authority[0]
    organ = OrganFacts(tier=row.tier, has_system_guidance=True, grade=None)
    return CaseFacts(
        level=row.level,
        kind=row.kind,
        tier=row.tier,
        ruleset_id=ruleset.id,
        assignment=assignment(ruleset, row.level, row.kind, row.tier),
        organ=organ,
        state="prechecking",
        attachments={ruleset.procedure.delegated_precheck_attachment},
    )


def _toml(path: Path) -> dict:
    import tomllib

    with path.open("rb") as file:
        return tomllib.load(file)


@pytest.mark.parametrize(("value", "problem"), [(0, "at least 1"), (400, "at most 366"), ("30", "integer")])
def test_a_ruleset_with_a_bad_notice_start_limit_is_refused_naming_the_field(value, problem):
    data = _toml(TESTPROV)
    data["calendar"]["notice_start_max_days_ahead"] = value
    with pytest.raises(RulesetError, match=problem) as error:
        parse_ruleset(data, TESTPROV.name)
    assert "calendar.notice_start_max_days_ahead" in str(error.value)


def test_a_ruleset_without_the_notice_start_limit_is_refused():
    data = _toml(TESTPROV)
    del data["calendar"]["notice_start_max_days_ahead"]
    with pytest.raises(RulesetError, match="calendar.notice_start_max_days_ahead"):
        parse_ruleset(data, TESTPROV.name)


# --- the written pre-check opinion (ARC-10.2.1) ------------------------------------------------------------


@pytest.mark.parametrize("event", ["pass_precheck", "return_for_completion"])
@pytest.mark.parametrize("opinion", ["", "   \n", None])
def test_passing_or_returning_without_a_written_opinion_is_refused_quoting_arc_10_2_1(hubei, event, opinion):
    refusal = check(prechecking(hubei), event, PRECHECKER, TODAY, hubei, opinion=opinion)
    assert refusal is not None and refusal.code == "precheck_opinion_required"
    assert refusal.rule == "ARC-10.2.1" and "提出完善意见" in refusal.message


@pytest.mark.parametrize("event", ["pass_precheck", "return_for_completion"])
def test_a_written_opinion_lets_the_precheck_pass_or_return_arc_10_2_1(hubei, event):
    assert check(prechecking(hubei), event, PRECHECKER, TODAY, hubei, opinion="材料齐全。") is None


# --- calendar arithmetic on absurd stored dates --------------------------------------------------------------


def test_notice_days_saturate_at_the_last_representable_day_instead_of_overflowing(hubei):
    assert calendar.notice_last_day(hubei, date(9999, 12, 31)) == date.max
    assert calendar.notice_may_close_on(hubei, date(9999, 12, 28)) == date.max
    assert calendar.notice_elapsed(hubei, date(9999, 12, 31), TODAY) is False


def test_validity_and_windows_saturate_near_the_ends_of_the_calendar(hubei):
    assert calendar.validity_end(hubei, date(9999, 5, 1)) == date.max
    assert calendar.add_years(hubei, date(9998, 2, 1), 3) == date.max
    assert calendar.add_months(date(9999, 12, 1), 5) == date.max
    assert calendar.incident_window_start(hubei, date(1, 6, 1)) == date.min
    assert calendar.incident_free_from(hubei, date(9999, 12, 1)) == date.max
    assert calendar.summary_deadline(hubei, 1) == date(1, 12, 19)
