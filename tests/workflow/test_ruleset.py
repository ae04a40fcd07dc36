"""Ruleset parsing: the shipped rulesets load, and broken data is refused with the file and field named."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config.rulesets import (
    RULESET_DIR,
    available_rulesets,
    list_rulesets,
    load_ruleset,
    register_ruleset_file,
    use_registered_dir,
)
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
    pytest.param(
        _set(("documents", "certificate_prefix"), "鄂档证〔{yaer}〕"),
        "documents.certificate_prefix: unknown placeholder {yaer}",
        id="prefix-unknown-placeholder",
    ),
    pytest.param(
        _set(("documents", "letter_prefix"), "档函〔{year}〕"),
        "documents.letter_prefix: must contain {short}",
        id="letter-prefix-without-bureau",
    ),
    pytest.param(
        _set(("documents", "certificate_prefix"), "证{year}}"),
        "documents.certificate_prefix: is not a valid template",
        id="prefix-lone-brace",
    ),
    pytest.param(_delete(("documents", "province")), "documents.province: missing", id="no-province"),
    pytest.param(
        _set(("effective",), "2011-13"), "effective: '2011-13' is not YYYY", id="effective-bad-month"
    ),
    pytest.param(_delete(("kinds", 0, "certificate")), "kinds[0].certificate: missing", id="no-cert-name"),
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


YUNHAI = Path(__file__).parent / "rulesets" / "yunhai-2030.toml"


@pytest.fixture
def registered(tmp_path):
    """A deployment's folder of registered rulesets, used for the test only."""
    folder = tmp_path / "registered"
    use_registered_dir(folder)
    yield folder
    use_registered_dir(None)


def test_the_province_words_and_number_prefixes_come_from_the_ruleset(hubei, testprov):
    """ARC-10.5.5: certificates are numbered by the provincial bureau; the prefix is the province's, not code."""
    assert hubei.documents.certificate_number_prefix(2027) == "鄂档证〔2027〕"
    assert hubei.documents.letter_number_prefix("宜", 2027) == "宜档函〔2027〕"
    assert hubei.documents.measures == "《湖北省机关档案工作目标管理等级考评办法》（鄂档规〔2011〕1号）"
    assert testprov.documents.certificate_number_prefix(2030) == "测证字2030第"
    assert testprov.province == "测试省"
    assert hubei.level_names == {"special": "省特级", "first": "省一级", "second": "省二级"}
    assert testprov.certificate_name("renewal") == "复核证书"


def test_a_name_the_ruleset_does_not_know_is_shown_as_it_is(hubei):
    assert hubei.level_name("bronze") == "bronze"
    assert hubei.kind_name("evaluation") == "考评"


def test_a_registered_ruleset_is_copied_under_its_id_and_listed(tmp_path, registered):
    source = tmp_path / "upload" / "any-name.toml"
    source.parent.mkdir()
    source.write_bytes(YUNHAI.read_bytes())
    with pytest.raises(RulesetError):  # not there yet; a lookup that found nothing is not remembered
        load_ruleset("yunhai-2030")
    ruleset = register_ruleset_file(source, registered)
    assert ruleset.id == "yunhai-2030"
    assert (registered / "yunhai-2030.toml").read_bytes() == YUNHAI.read_bytes()
    assert load_ruleset("yunhai-2030").province == "云海省"
    entries, problems = list_rulesets()
    assert problems == []
    entry = next(entry for entry in entries if entry.id == "yunhai-2030")
    assert (entry.province, entry.effective, entry.shipped) == ("云海省", "2030-07-01", False)
    # the same file again is accepted and changes nothing; a shipped file is not copied
    assert register_ruleset_file(source, registered).id == "yunhai-2030"
    assert register_ruleset_file(RULESET_DIR / "hubei-2011.toml", registered).id == "hubei-2011"
    assert sorted(path.name for path in registered.iterdir()) == ["yunhai-2030.toml"]


def test_a_registered_id_is_never_replaced_by_other_content(tmp_path, registered):
    """Running cases keep their ruleset to the end, so changed rules need a new id."""
    register_ruleset_file(YUNHAI, registered)
    changed = tmp_path / "changed.toml"
    changed.write_text(YUNHAI.read_text(encoding="utf-8").replace("notice_days = 10", "notice_days = 9"))
    with pytest.raises(RulesetError, match="already registered with other content"):
        register_ruleset_file(changed, registered)
    shipped_id = tmp_path / "hubei.toml"
    shipped_id.write_text(
        (RULESET_DIR / "hubei-2011.toml")
        .read_text(encoding="utf-8")
        .replace("notice_days = 7", "notice_days = 8")
    )
    with pytest.raises(RulesetError, match="already registered"):
        register_ruleset_file(shipped_id, registered)
    assert load_ruleset("yunhai-2030").calendar.notice_days == 10


def test_a_broken_file_is_not_registered(tmp_path, registered):
    broken = tmp_path / "broken.toml"
    broken.write_text(YUNHAI.read_text(encoding="utf-8").replace('province = "云海省"\n', ""))
    with pytest.raises(RulesetError, match="documents.province: missing"):
        register_ruleset_file(broken, registered)
    assert not registered.exists()
    not_toml = tmp_path / "x.toml"
    not_toml.write_bytes(b"\xff\xfe id = 1")
    with pytest.raises(RulesetError):
        register_ruleset_file(not_toml, registered)


def test_a_registered_file_broken_later_is_listed_as_a_problem_not_an_error(registered):
    register_ruleset_file(YUNHAI, registered)
    (registered / "yunhai-2030.toml").write_text("id = ", encoding="utf-8")
    entries, problems = list_rulesets()
    assert "hubei-2011" in [entry.id for entry in entries]
    assert [problem.source for problem in problems] == ["yunhai-2030.toml"]
