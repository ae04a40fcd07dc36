"""`kaoping score` through click's CliRunner: JSON out, exit 2 naming the item on bad input."""

import json

import pytest
from click.testing import CliRunner

from config.schemes import SCHEMES_DIR
from webapp.cli import main
from webapp.scoring.commands.scoring import score


@pytest.fixture
def runner():
    return CliRunner()


def write(tmp_path, data, name="sheet.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


HUBEI_89_5 = {
    "scheme": "hubei-archive-sample",
    "level": "first",
    "items": {
        "HBS-5.1": {"awarded": 10},
        "HBS-5.2": {"measures": {"entry_rate": 100}},
        "HBS-3.1": {"defects": {"missing_file": 10}},
        "HBS-3.2": {"defects": {"bad_item": 1}},
    },
}


def test_score_prints_the_result_json_with_the_documented_shape(runner, tmp_path):
    """ARC-7.2: 89.5 misses the 省一级 line of 90."""
    result = runner.invoke(
        score, ["--scheme", "hubei-archive-sample", "--sheet", write(tmp_path, HUBEI_89_5)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"total", "max", "sections", "items", "vetoed", "veto_reasons", "passed", "grade"} <= set(data)
    assert (data["total"], data["max"], data["passed"], data["grade"], data["vetoed"]) == (
        89.5,
        100,
        False,
        None,
        False,
    )
    assert set(data["sections"][0]) >= {"id", "score", "max"}
    item = next(i for i in data["items"] if i["id"] == "HBS-3.2")
    assert item == {
        "id": "HBS-3.2",
        "score": 9.5,
        "max": 10,
        "reasons": ["抽查整理不合格1件，每件扣0.5分，扣0.5分（HBS-3.2）"],
    }


def test_level_option_overrides_the_sheet_level(runner, tmp_path):
    sheet = dict(HUBEI_89_5, items=HUBEI_89_5["items"] | {"HBS-5.3": {"measures": {"entry_rate": 90}}})
    args = ["--scheme", "hubei-archive-sample", "--sheet", write(tmp_path, sheet), "--level", "second"]
    data = json.loads(runner.invoke(score, args).output)
    assert (data["level"], data["passed"], data["grade"]) == ("second", True, "省二级")


def test_scheme_can_be_given_as_a_path_and_through_the_kaoping_group(runner, tmp_path):
    sheet = write(tmp_path, {"items": {"STA-3.1.6": {"measures": {"appointed": 15, "town_units": 20}}}})
    result = runner.invoke(main, ["score", "--scheme", str(SCHEMES_DIR / "sta-2017.toml"), "--sheet", sheet])
    assert result.exit_code == 0, result.output
    item = next(i for i in json.loads(result.output)["items"] if i["id"] == "STA-3.1.6")
    assert item["score"] == 3.75


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ({"items": {"HBS-9": {}}}, "错误：sheet.json：本评分表中没有考核项目「HBS-9」"),
        (
            {"items": {"HBS-5.1": {"awarded": 11}}},
            "错误：sheet.json：考核项目「五、1 利用服务与编研」：评分11分超出范围：应在1—10分之间（或0分）",
        ),
        (
            {"items": {"HBS-3.3": {"deduction": 2}}},
            "错误：sheet.json：考核项目「三、3 鉴定销毁」：酌情扣分须填写扣分原因",
        ),
        ({"level": "special", "items": {}}, "级别「special」不是本表的级别（本表级别：省二级、省一级）"),
    ],
)
def test_invalid_sheet_exits_2_naming_the_item(runner, tmp_path, sheet, message):
    sheet.setdefault("level", "first")
    result = runner.invoke(score, ["--scheme", "hubei-archive-sample", "--sheet", write(tmp_path, sheet)])
    assert result.exit_code == 2
    assert message in result.output


def test_invalid_json_and_unknown_scheme_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = runner.invoke(score, ["--scheme", "lrn", "--sheet", str(bad)])
    assert result.exit_code == 2 and "错误：bad.json：文件格式有误（第1行第2列附近）" in result.output
    result = runner.invoke(score, ["--scheme", "nope", "--sheet", str(bad)])
    assert result.exit_code == 2 and "错误：没有编号为「nope」的评分表" in result.output


def test_broken_scheme_file_exits_2_naming_file_and_item(runner, tmp_path):
    text = (
        (SCHEMES_DIR / "lrn.toml")
        .read_text(encoding="utf-8")
        .replace("discretionary = 25", "discretionary = 26")
    )
    scheme = tmp_path / "lrn-broken.toml"
    scheme.write_text(text, encoding="utf-8")
    result = runner.invoke(score, ["--scheme", str(scheme), "--sheet", write(tmp_path, {"items": {}})])
    assert result.exit_code == 2
    assert (
        "错误：lrn-broken.toml：考核项目「三、1 行政推动工作」：酌情扣分上限26分应在0到本项分数25分之间"
        in result.output
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gbk.toml", 'id = "t"\nname = "机关档案评分表"\n'.encode("gbk")),
        ("binary.toml", b"\x89PNG\x00\x00\x01"),
    ],
)
def test_a_scheme_file_that_is_not_utf8_exits_2_with_a_chinese_message_naming_it(
    runner, tmp_path, name, content
):
    """Issue 7, point 13: GBK or binary scheme files used to end in a UnicodeDecodeError traceback."""
    scheme = tmp_path / name
    scheme.write_bytes(content)
    result = runner.invoke(score, ["--scheme", str(scheme), "--sheet", write(tmp_path, {"items": {}})])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"错误：{name}：文件不是UTF-8编码的文本" in result.output


def test_a_sheet_file_that_is_not_utf8_exits_2_naming_it(runner, tmp_path):
    sheet = tmp_path / "sheet.json"
    sheet.write_bytes('{"items": {"LRN-3.1": {"note": "备注"}}}'.encode("gbk"))
    result = runner.invoke(score, ["--scheme", "lrn", "--sheet", str(sheet)])
    assert result.exit_code == 2 and "错误：sheet.json：文件不是UTF-8编码的文本" in result.output
