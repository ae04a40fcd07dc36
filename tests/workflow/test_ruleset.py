"""Ruleset parsing: the shipped rulesets load, and broken data is refused with the file and field named."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from config.rulesets import RULESET_DIR, available_rulesets, load_ruleset
from workflow.errors import RulesetError
from workflow.ruleset import parse_ruleset


@pytest.fixture(scope="module")
def hubei_data() -> dict[str, Any]:
    with (RULESET_DIR / "hubei-2011.toml").open("rb") as file:
        return tomllib.load(file)


def test_hubei_is_available_and_loads_with_levels_ordered_low_to_high(hubei):
    """ARC-4.1: three levels, 省二级 < 省一级 < 省特级; pass lines ARC-7.2."""
    assert "hubei-2011" in available_rulesets()
    assert [level.id for level in hubei.levels] == ["second", "first", "special"]
    assert [level.pass_line for level in hubei.levels] == [80.0, 90.0, None]
    assert hubei.level("special").scored is False


def test_load_ruleset_is_cached(hubei):
    assert load_ruleset("hubei-2011") is hubei


def test_every_quote_is_in_simplified_chinese(hubei):
    """The digest quotes traditional script; the UI is simplified, so the ruleset stores simplified text."""
    traditional = set("機關檔條們級評審準費證書復規範計劃這個與為後處號開從門時實現發報單會應過")
    for rule, text in hubei.rule_texts.items():
        assert not traditional & set(text.quote), rule


def test_a_missing_ruleset_names_the_available_ones():
    with pytest.raises(RulesetError, match="hubei-2011"):
        load_ruleset("atlantis-1999")


def _delete(path: tuple) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


BROKEN = [
    pytest.param(
        _set(("authority", 14, "panel"), [5, 3]), "authority[14].panel: min 5 > max 3", id="panel-min-max"
    ),
    pytest.param(_set(("authority", 0, "panel"), [0, 3]), "authority[0].panel: min 0 < 1", id="panel-zero"),
    pytest.param(
        _set(("authority", 2, "organizer"), "township"),
        "authority[2].organizer: 'township' is not one of",
        id="unknown-bureau-tier",
    ),
    pytest.param(
        _set(("authority", 5, "filings"), ["nation"]),
        "authority[5].filings[0]: unknown 'nation'",
        id="unknown-filing",
    ),
    pytest.param(
        _set(("authority", 1, "tier"), "provincial_direct"),
        "authority[1].tier: combination special/evaluation/provincial_direct already covered by row 1",
        id="duplicate-row",
    ),
    pytest.param(
        lambda data: data["authority"].pop(16),
        "authority: no row for second/evaluation/provincial_direct",
        id="missing-row",
    ),
    pytest.param(
        _set(("authority", 0, "colour"), "red"), "authority[0].colour: unknown key", id="unknown-key"
    ),
    pytest.param(_delete(("authority", 3, "rule")), "authority[3].rule: missing", id="missing-key"),
    pytest.param(
        _set(("authority", 0, "rule"), "ARC-99"),
        "authority[0].rule: rule 'ARC-99' has no entry in rule_texts",
        id="unknown-rule",
    ),
    pytest.param(
        _set(("calendar", "notice_days"), True),
        "calendar.notice_days: expected an integer, got a boolean",
        id="bool-for-int",
    ),
    pytest.param(
        _set(("calendar", "notice_days"), 0), "calendar.notice_days: must be at least 1", id="zero-days"
    ),
    pytest.param(
        _set(("calendar", "forwarding_last_day"), "03-32"),
        "calendar.forwarding_last_day: '03-32' is not a MM-DD date",
        id="bad-month-day",
    ),
    pytest.param(
        _set(("calendar", "application_window"), ["04-01", "01-01"]),
        "calendar.application_window: starts 04-01 after it ends 01-01",
        id="window-backwards",
    ),
    pytest.param(
        _delete(("levels", 0, "pass_line")),
        "levels[0].pass_line: missing (required for a scored level)",
        id="scored-without-line",
    ),
    pytest.param(
        _set(("levels", 2, "pass_line"), 95),
        "levels[2].pass_line: must be absent for an unscored level",
        id="unscored-with-line",
    ),
    pytest.param(
        _set(("levels", 1, "id"), "second"), "levels[1].id: duplicate level 'second'", id="duplicate-level"
    ),
    pytest.param(
        _set(("switches", "gap6_recheck_validity_from"), "whenever"),
        "switches.gap6_recheck_validity_from: 'whenever' is not one of",
        id="bad-switch",
    ),
    pytest.param(
        _delete(("switches", "gap4_pending_recheck_keeps_grade")),
        "switches.gap4_pending_recheck_keeps_grade: missing",
        id="missing-switch",
    ),
    pytest.param(
        _set(("basis_documents", 3, "facts"), ["moon_phase"]),
        "basis_documents[3].facts[0]: unknown 'moon_phase'",
        id="unknown-basis-fact",
    ),
    pytest.param(
        _set(("procedure", "acceptance_attachments"), ["selfie"]),
        "procedure.acceptance_attachments[0]: unknown 'selfie'",
        id="unknown-attachment",
    ),
    pytest.param(
        _set(("rule_texts", "ARC-3.1"), ["第三条"]),
        "rule_texts.ARC-3.1: expected [article label, quote]",
        id="bad-rule-text",
    ),
    pytest.param(
        _delete(("citations", "notice_period")), "citations.notice_period: missing", id="missing-citation"
    ),
    pytest.param(
        _set(("kinds", 1, "renews"), False), "kinds: need exactly one granting kind", id="two-granting-kinds"
    ),
    pytest.param(_set(("levels",), []), "levels: must not be empty", id="no-levels"),
    pytest.param(_set(("surprise",), 1), "surprise: unknown key", id="unknown-top-level-key"),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_broken_ruleset_data_is_refused_naming_the_file_and_field(hubei_data, mutate, expected):
    data = copy.deepcopy(hubei_data)
    mutate(data)
    with pytest.raises(RulesetError) as raised:
        parse_ruleset(data, "hubei-2011.toml")
    assert str(raised.value).startswith("hubei-2011.toml: ")
    assert expected in str(raised.value)


def test_the_test_province_loads_with_four_levels_and_its_own_ids(testprov):
    assert [level.id for level in testprov.levels] == ["bronze", "silver", "gold", "platinum"]
    assert [kind.id for kind in testprov.kinds] == ["assessment", "renewal"]
    assert testprov.calendar.notice_days == 5
