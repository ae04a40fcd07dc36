"""`kaoping campaign rank` through click's CliRunner (STA-4.1, Example 4): JSON out; exit 2 quoting the rule."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from webapp.campaigns.commands import campaign


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def eleven(tmp_path):
    """11 STA units whose totals differ only by the innovation points (STA-3.3): 县区0 … 县区10."""
    for n in range(11):
        sheet = {"scheme": "sta-2017", "items": {"STA-3.3": {"awarded": n, "reason": "创新举措"}}}
        (tmp_path / f"县区{n}.json").write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def rank(runner, folder, *extra):
    return runner.invoke(campaign, ["rank", "--scheme", "sta-2017", "--sheets", str(folder), *extra])


def test_sta_4_1_example_4_three_excellent_and_four_good_from_the_cli(runner, eleven):
    result = rank(runner, eleven, "--choose", "优秀=3,良好=4")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [u["unit"] for u in out["units"]] == [f"县区{n}" for n in range(10, -1, -1)]
    assert [u["grade"] for u in out["units"]] == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 4
    assert [u["rank"] for u in out["units"]] == list(range(1, 12))
    assert set(out["units"][0]) == {"unit", "total", "rank", "grade", "vetoed"}
    assert out["quota_check"]["优秀"] == {
        "min": 2,
        "max": 3,
        "chosen": 3,
        "ok": True,
        "message": "优秀3名，在规定的2—3名之内",
    }


def test_sta_4_1_four_excellent_exits_2_quoting_the_rule(runner, eleven):
    result = rank(runner, eleven, "--choose", "优秀=4")
    assert result.exit_code == 2
    assert "优秀2-3名、良好3-4名 · STA-4.1（优秀4名，超出规定的2—3名）" in result.stderr


def test_sta_4_1_quotas_from_the_command_line_replace_the_schemes(runner, eleven):
    result = rank(runner, eleven, "--quotas", "优秀=1-1", "--choose", "优秀=1")
    assert result.exit_code == 0, result.output
    assert [u["grade"] for u in json.loads(result.output)["units"]][:2] == ["优秀", "合格"]


def test_sta_4_1_tie_at_boundary_switch_from_the_cli(runner, eleven):
    """Two units tied at the 3rd place: 3 优秀 is refused by default, and lowered to 2 with --tie-rule lower."""
    tied = {"scheme": "sta-2017", "items": {"STA-3.3": {"awarded": 8, "reason": "创新举措"}}}
    (eleven / "县区X.json").write_text(json.dumps(tied, ensure_ascii=False), encoding="utf-8")
    refused = rank(runner, eleven, "--choose", "优秀=3,良好=4")
    assert refused.exit_code == 2 and "同分" in refused.stderr
    lowered = rank(runner, eleven, "--choose", "优秀=3,良好=4", "--tie-rule", "lower")
    assert lowered.exit_code == 0, lowered.output
    grades = {u["unit"]: u["grade"] for u in json.loads(lowered.output)["units"]}
    assert grades["县区8"] == grades["县区X"] == "良好" and grades["县区9"] == "优秀"


def test_a_bad_sheet_exits_2_naming_the_file(runner, eleven):
    (eleven / "坏表.json").write_text("{not json", encoding="utf-8")
    result = rank(runner, eleven)
    assert result.exit_code == 2 and "坏表.json" in result.stderr


def test_a_badly_written_choice_exits_2_in_chinese(runner, eleven):
    result = rank(runner, eleven, "--choose", "优秀:3")
    assert result.exit_code == 2 and "格式应为" in result.stderr
