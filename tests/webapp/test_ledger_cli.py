"""`kaoping ledger score` through click's CliRunner on the digests' worked examples (CSV, .xlsx and JSON)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from webapp.cli import main
from webapp.scoring.commands.ledger import ledger_group

RECORD_HEADER = ["单位", "稿件编号", "标题", "刊物", "类别", "形式", "刊发日期", "批示级别"]


@pytest.fixture
def runner():
    return CliRunner()


def write_csv(tmp_path, name, header, rows):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def write_xlsx(tmp_path, name, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def write_json(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(runner, *args):
    return runner.invoke(ledger_group, ["score", *args])


def _zg_example1_rows():
    rows, n = [], 0
    for pub, klass, form, count in [
        ("《**组工信息》", "经验类", "单条", 4),
        ("《**组工信息》", "经验类", "综合", 2),
        ("《**组工信息》", "参阅类", "单条", 1),
        ("《**组工信息》", "参阅类", "事例", 1),
        ("《河南组工信息》", "经验类", "单条", 1),
        ("微信", "", "", 3),
    ]:
        for _ in range(count):
            n += 1
            rows.append(["县A", f"2020-{n:03d}", f"稿件{n}", pub, klass, form, "2020-05-06", ""])
    return rows


def test_zg_example1_from_csv_prints_61_with_its_lines(runner, tmp_path):
    """ZG Example 1 (ZG-2.2, ZG-4.8): the CLI prints the issue's JSON shape; 71 − 10 = 61."""
    roster = write_csv(
        tmp_path, "roster.csv", ["单位", "类别", "基础分"], [["县A", "县（市、区）委组织部", ""]]
    )
    records = write_csv(tmp_path, "records.csv", RECORD_HEADER, _zg_example1_rows())
    result = run(
        runner, "--scheme", "ledger-zg", "--roster", roster, "--records", records, "--period", "2020-Q2"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == "2020-Q2"
    unit = data["units"][0]
    assert set(unit) >= {
        "unit",
        "group",
        "points",
        "bonus",
        "deductions",
        "total",
        "missing",
        "rank",
        "advanced",
        "flags",
        "lines",
    }
    assert (unit["points"], unit["deductions"], unit["total"], unit["missing"]) == (71, -10, 61, 1)
    assert unit["group"] == "县（市、区）委组织部"
    assert sum(line["points"] for line in unit["lines"]) == 61


def test_zg_example6_from_xlsx_with_incidents_in_the_events_file(runner, tmp_path):
    """ZG Example 6 (ZG-4.6, ZG-4.9, ZG-4.10): 225 − 50 = 175 for the year (4 quarters' quotas add their −10s)."""
    rows = [["县B", f"B{n}", "", "中组部《组工信息》", "经验类", "单条", "2020-03-02", ""] for n in range(2)]
    rows += [["县B", f"C{n}", "", "《河南组工信息》", "经验类", "单条", "2020-09-02", ""] for n in range(2)]
    roster = write_xlsx(
        tmp_path, "roster.xlsx", ["单位", "类别", "基础分"], [["县B", "县（市、区）委组织部", None]]
    )
    records = write_xlsx(tmp_path, "records.xlsx", RECORD_HEADER, rows)
    events = write_json(
        tmp_path,
        "events.json",
        {
            "incidents": [
                {"unit": "县B", "kind": "迟报紧急信息", "date": "2020-04-01"},
                {"unit": "县B", "kind": "瞒报紧急信息", "date": "2020-05-01"},
                {"unit": "县B", "kind": "信息失实", "date": "2020-06-01", "serious": True},
            ]
        },
    )
    result = run(
        runner,
        "--scheme",
        "ledger-zg",
        "--roster",
        roster,
        "--records",
        records,
        "--events",
        events,
        "--period",
        "2020",
    )
    assert result.exit_code == 0, result.output
    unit = json.loads(result.output)["units"][0]
    article_lines = [ln for ln in unit["lines"] if ln["rule"] not in ("ZG-4.8",)]
    assert sum(ln["points"] for ln in article_lines) == 175
    assert any(f["rule"] == "ZG-4.11" for f in unit["flags"])


def test_inf_example1_from_csv_with_a_claim(runner, tmp_path):
    """INF Example 1 (INF-2.8, INF-3.1): 80 points, completion 66.67 %, 0.667 of the town's point."""
    roster = write_csv(tmp_path, "roster.csv", ["单位", "类别", "基础分"], [["周巷镇", "镇（街道）", "120"]])
    rows = [["周巷镇", f"D{n}", "", "《每日要讯》", "", "", "2020-03-01", ""] for n in range(3)]
    rows += [["周巷镇", f"S{n}", "", "政府办公室《专报信息》", "", "", "2020-03-01", ""] for n in range(2)]
    rows += [
        ["周巷镇", "Z", "", "宁波市政府办公厅《专报信息》", "", "", "2020-04-01", "本级领导"],
        ["周巷镇", "Z", "", "《昨日要情》", "", "", "2020-04-02", "本级领导"],
    ]
    records = write_csv(tmp_path, "records.csv", RECORD_HEADER, rows)
    events = write_json(
        tmp_path, "e.json", {"claims": [{"unit": "周巷镇", "kind": "信息业务培训", "date": "2020-06-01"}]}
    )
    result = run(
        runner,
        "--scheme",
        "ledger-inf",
        "--roster",
        roster,
        "--records",
        records,
        "--events",
        events,
        "--period",
        "2020",
    )
    assert result.exit_code == 0, result.output
    unit = json.loads(result.output)["units"][0]
    assert unit["total"] == 80 and unit["assessment"]["score"] == 0.667 and unit["advanced"] is False


def test_pub_example2_in_yuan(runner, tmp_path):
    """PUB Example 2 (PUB-4.5, PUB-4.7): 200 − 100 = 100 元."""
    roster = write_csv(
        tmp_path, "roster.csv", ["单位", "类别", "基础分"], [["扶贫和移民办", "扶贫和移民办", ""]]
    )
    records = write_csv(
        tmp_path,
        "records.csv",
        RECORD_HEADER,
        [["扶贫和移民办", "P", "", "省级民政报刊", "", "", "2020-05-01", ""]],
    )
    subs = [{"unit": "扶贫和移民办", "date": f"2020-{m:02d}-03"} for m in range(1, 13)]
    subs.append({"unit": "扶贫和移民办", "date": "2020-07-01", "kind": "research"})
    events = write_json(tmp_path, "e.json", {"submissions": subs})
    result = run(
        runner,
        "--scheme",
        "ledger-pub",
        "--roster",
        roster,
        "--records",
        records,
        "--events",
        events,
        "--period",
        "2020",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["currency"] == "元" and data["units"][0]["total"] == 100


def test_cad_example4_from_events_only(runner, tmp_path):
    """CAD Example 4 (CAD-5.1, CAD-3.4, CAD-5.2, CAD-7.1): 8 − 1 − 0.5 + 2 = 8.5; the scheme is partial."""
    lead = {"主要领导": ["甲"]}
    events = write_json(
        tmp_path,
        "cad.json",
        {
            "cadre_events": [
                {"kind": "作典型发言", "level": "国家级", "date": "2021-02-01", "persons": lead},
                {
                    "kind": "单位被批评约谈、巡视巡察督查问责",
                    "level": "市厅级",
                    "date": "2021-03-01",
                    "persons": lead,
                },
                {"kind": "因工作落后作表态发言", "level": "县处级", "date": "2021-04-01", "persons": lead},
                {"kind": "半年工作排名", "date": "2021-06-30", "rank": 7, "persons": lead},
            ]
        },
    )
    result = run(runner, "--scheme", "ledger-cad", "--events", events, "--period", "2021-H1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["partial"] is True and data["units"][0]["total"] == 8.5


def test_an_unknown_publication_exits_2_naming_the_row_and_column(runner, tmp_path):
    roster = write_csv(
        tmp_path, "roster.csv", ["单位", "类别", "基础分"], [["县A", "县（市、区）委组织部", ""]]
    )
    rows = _zg_example1_rows()
    rows[4][3] = "人民日报"
    records = write_csv(tmp_path, "records.csv", RECORD_HEADER, rows)
    result = run(
        runner, "--scheme", "ledger-zg", "--roster", roster, "--records", records, "--period", "2020-Q2"
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout.splitlines()[0])
    assert (error["error"], error["row"], error["column"]) == ("ledger.input.unknown_publication", 6, "刊物")
    assert "records.csv：第6行：「刊物」列：刊物「人民日报」不是本办法所列刊物" in error["message"]


def test_a_bad_period_or_scheme_exits_2_in_chinese(runner, tmp_path):
    roster = write_csv(
        tmp_path, "roster.csv", ["单位", "类别", "基础分"], [["县A", "县（市、区）委组织部", ""]]
    )
    records = write_csv(tmp_path, "records.csv", RECORD_HEADER, [])
    bad_period = run(
        runner, "--scheme", "ledger-zg", "--roster", roster, "--records", records, "--period", "2020-Q5"
    )
    assert (
        bad_period.exit_code == 2
        and json.loads(bad_period.stdout.splitlines()[0])["error"] == "ledger.period.invalid"
    )
    bad_scheme = run(
        runner, "--scheme", "ledger-nope", "--roster", roster, "--records", records, "--period", "2020"
    )
    assert (
        bad_scheme.exit_code == 2
        and json.loads(bad_scheme.stdout.splitlines()[0])["error"] == "ledger.scheme.not_found"
    )


def test_the_command_is_registered_on_the_kaoping_console_script(runner):
    result = runner.invoke(main, ["ledger", "score", "--help"])
    assert result.exit_code == 0 and "--period" in result.output
