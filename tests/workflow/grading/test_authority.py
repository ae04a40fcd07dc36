"""The authority matrix (digest §6) through `assignment()` and `kaoping authority`, and bureau resolution."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from webapp.grading.commands import authority_command
from workflow.errors import NotACandidate, WorkflowError
from workflow.grading.authority import BureauRef, assignment, resolve_bureaus

from ..conftest import with_switches

P, C, K = "province", "city", "county"
S, F, SP = "second", "first", "special"
E, R = "evaluation", "recheck"
PD, CD, KD, T = "provincial_direct", "city_direct", "county_direct", "township"

# Transcribed from the digest's §6 table, independently of the TOML file:
# row: (level, kind, tier) → (lodged_with, planner, prechecker, organizer, approver, filings, panel, in_city_summary)
# None = not a candidate.
MATRIX = {
    1: ((SP, E, PD), (P, P, P, P, P, [], [3, 5], False)),
    2: ((SP, E, CD), (C, P, C, P, P, [], [5, 7], False)),
    3: ((SP, E, KD), (K, P, C, P, P, [], [7, 9], False)),
    4: ((SP, E, T), None),
    5: ((SP, R, PD), (P, P, P, P, P, [], [3, 5], False)),
    6: ((SP, R, CD), (C, P, C, C, C, [P], [3, 5], True)),
    7: ((SP, R, KD), (K, P, C, C, C, [P], [5, 7], True)),
    8: ((SP, R, T), None),
    9: ((F, E, PD), (P, P, P, P, P, [], [3, 5], False)),
    10: ((F, E, CD), (C, C, C, C, C, [], [3, 5], True)),
    11: ((F, E, KD), (K, C, C, C, C, [], [5, 7], True)),
    12: ((F, E, T), (K, C, C, C, C, [], [5, 7], True)),
    13: ((F, R, PD), (P, P, P, P, P, [], [3, 5], False)),
    14: ((F, R, CD), (C, C, C, C, C, [], [3, 5], True)),
    15: ((F, R, KD), (K, K, K, K, K, [C], [3, 5], True)),
    16: ((F, R, T), (K, K, K, K, K, [C], [5, 7], True)),
    17: ((S, E, PD), (P, P, P, P, P, [], [3, 5], False)),
    18: ((S, E, CD), (C, C, C, C, C, [], [3, 5], True)),
    19: ((S, E, KD), (K, K, K, K, K, [], [3, 5], True)),
    20: ((S, E, T), (K, K, K, K, K, [], [5, 7], True)),
    21: ((S, R, PD), (P, P, P, P, P, [], [3, 5], False)),
    22: ((S, R, CD), (C, C, C, C, C, [], [3, 5], True)),
    23: ((S, R, KD), (K, K, K, K, K, [], [3, 5], True)),
    24: ((S, R, T), (K, K, K, K, K, [], [5, 7], True)),
}
KEYS = (
    "lodged_with",
    "planner",
    "prechecker",
    "organizer",
    "approver",
    "filings",
    "panel",
    "in_city_summary",
)


@pytest.mark.parametrize("row", sorted(MATRIX), ids=lambda row: f"row{row}")
def test_authority_matrix_row_matches_the_digest_through_assignment_and_the_cli(hubei, row):
    """Digest §6 (ARC-9.1–9.5, ARC-10.1.1, ARC-10.2.2, ARC-10.4.2–10.4.4, ARC-10.5.2, ARC-10.5.3, GAP-14/17/19/20)."""
    (level, kind, tier), expected = MATRIX[row]
    cli = CliRunner().invoke(authority_command, ["--level", level, "--kind", kind, "--tier", tier])
    if expected is None:
        with pytest.raises(NotACandidate) as raised:
            assignment(hubei, level, kind, tier)
        assert raised.value.refusal.code == "not_a_candidate"
        assert raised.value.refusal.rule == "ARC-4.2"
        assert "ARC-4.2" in raised.value.refusal.message and "GAP" not in raised.value.refusal.message
        assert cli.exit_code == 2
        assert "ARC-4.2" in cli.stderr
        assert json.loads(cli.stdout)["error"] == "not_a_candidate"
        return
    expected_json = dict(zip(KEYS, expected, strict=True))
    result = assignment(hubei, level, kind, tier)
    assert result.as_dict() == expected_json
    assert result.row == row
    assert result.approver == result.organizer  # ARC-10.5.2
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == expected_json
    assert list(json.loads(cli.stdout)) == list(KEYS)


def test_special_grade_from_city_level_or_below_is_forwarded_by_the_city_bureau(hubei):
    """ARC-10.1.2, GAP-18: 特级 applications from city-direct and county-direct organs go through C in Q1."""
    forwarded = {(a.level, a.kind, a.tier) for a in hubei.authority if a.candidate and a.forwarded_via}
    assert forwarded == {(SP, E, CD), (SP, E, KD), (SP, R, CD), (SP, R, KD)}
    assert assignment(hubei, SP, E, KD).forwarded_via == (C,)


def test_delegated_precheck_only_for_special_promotion_below_the_province(hubei):
    """ARC-10.2.2: P delegates 特级 promotion pre-checks to C."""
    delegated = {
        (a.level, a.kind, a.tier) for a in hubei.authority if a.candidate and a.prechecker != a.organizer
    }
    assert delegated == {(SP, E, CD), (SP, E, KD)}


def test_unknown_combination_is_a_value_error(hubei):
    with pytest.raises(ValueError, match="unknown combination"):
        assignment(hubei, "diamond", E, PD)


CHAIN_COUNTY = [BureauRef("yichang-wujia", K), BureauRef("yichang", C), BureauRef("hubei", P)]


def test_resolve_bureaus_maps_each_function_to_the_bureau_of_its_tier(hubei):
    """Example A: a county-direct organ's 省一级 evaluation is lodged with K and handled by C."""
    bureaus = resolve_bureaus(assignment(hubei, F, E, KD), CHAIN_COUNTY, hubei)
    assert bureaus == {
        "lodged_with": "yichang-wujia",
        "planner": "yichang",
        "prechecker": "yichang",
        "organizer": "yichang",
        "approver": "yichang",
        "filings": (),
        "summary_to": "yichang",
    }


def test_resolve_bureaus_names_the_forwarder_and_filing_bureau(hubei):
    """Example D: 特级 recheck of a county-direct organ: C forwards, organizes, approves; files with P (ARC-9.3)."""
    bureaus = resolve_bureaus(assignment(hubei, SP, R, KD), CHAIN_COUNTY, hubei)
    assert bureaus["forwarder"] == "yichang" and bureaus["planner"] == "hubei"
    assert bureaus["organizer"] == bureaus["approver"] == "yichang"
    assert bureaus["filings"] == ("hubei",)


def test_directly_administered_city_bureau_also_performs_county_functions(hubei):
    """GAP-23: 仙桃 (直管市) has no county bureau; it acts as K for its township organs."""
    chain = [BureauRef("xiantao", C), BureauRef("hubei", P)]
    bureaus = resolve_bureaus(assignment(hubei, S, E, T), chain, hubei)
    assert bureaus["organizer"] == bureaus["lodged_with"] == bureaus["approver"] == "xiantao"
    assert (
        resolve_bureaus(assignment(hubei, S, E, T), chain)["organizer"] == "xiantao"
    )  # default without ruleset


def test_without_gap23_a_missing_county_bureau_is_an_error(hubei):
    chain = [BureauRef("xiantao", C), BureauRef("hubei", P)]
    ruleset = with_switches(hubei, gap23_parent_covers_missing_tier=False)
    with pytest.raises(WorkflowError) as raised:
        resolve_bureaus(assignment(hubei, S, E, T), chain, ruleset)
    assert raised.value.refusal.code == "wrong_bureau"


def test_suspended_bureau_hands_its_cases_to_the_province(hubei):
    """GAP-24, ARC-12.2: while K's authority is suspended, P takes over its functions; C keeps its own."""
    chain = [BureauRef("k1", K, active=False), BureauRef("c1", C), BureauRef("hubei", P)]
    bureaus = resolve_bureaus(assignment(hubei, F, R, KD), chain, hubei)
    assert bureaus["organizer"] == bureaus["approver"] == "hubei"
    assert bureaus["filings"] == ("c1",)
    kept = resolve_bureaus(
        assignment(hubei, F, R, KD), chain, with_switches(hubei, gap24_inactive_bureau_to_top=False)
    )
    assert kept["organizer"] == "k1"


def test_an_organ_without_bureaus_cannot_be_resolved(hubei):
    with pytest.raises(WorkflowError):
        resolve_bureaus(assignment(hubei, S, E, PD), [])


def test_the_test_province_has_its_own_matrix(testprov):
    """Nothing is wired to Hubei: other tiers, other panels, a non-candidate row of its own."""
    result = assignment(testprov, "gold", "assessment", "local")
    assert result.as_dict()["panel"] == [6, 8] and result.forwarded_via == ("prefecture",)
    assert result.summary_to is None
    with pytest.raises(NotACandidate) as raised:
        assignment(testprov, "platinum", "renewal", "local")
    assert raised.value.refusal.rule == "TP-2" and "第二条" in raised.value.refusal.message
