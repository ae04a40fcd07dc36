"""Scheme files and imported rows: every refusal names the file and the field, or the row and the column."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from config.ledger_schemes import load_ledger_scheme, parse_ledger_text
from tests.workflow.scoring.ledger.helpers import adoptions, instruction, scheme, score, unit
from workflow.scoring.ledger import LedgerError, Records, parse_period, score_ledger
from workflow.scoring.ledger.rows import events_from_data, parse_day, records_from_rows, roster_from_rows

ZG = scheme("ledger-zg")
SHIPPED = Path(__file__).resolve().parents[4] / "config" / "schemes" / "ledger" / "ledger-zg.toml"


def _row(**cells):
    base = {
        "单位": "县A",
        "稿件编号": "1",
        "标题": "",
        "刊物": "《河南组工信息》",
        "类别": "经验类",
        "形式": "单条",
        "刊发日期": "2020-04-01",
        "批示级别": "",
    }
    return base | cells


def test_names_and_aliases_as_the_source_writes_them_are_accepted():
    rows = [
        (2, _row()),
        (3, _row(刊物="《河南組工信息》", 类别="經驗類", 形式="單條", 批示级别="省領導")),
        (4, _row(刊物="中组部《组工信息》", 刊发日期="2020年4月3日")),
    ]
    adoptions, instructions = records_from_rows(ZG, rows, "r.csv")
    assert [a.publication for a in adoptions] == ["P2", "P2", "P1"]
    assert [i.level for i in instructions] == ["provincial"]
    assert adoptions[2].day == date(2020, 4, 3)


@pytest.mark.parametrize(
    ("cells", "code", "column"),
    [
        ({"刊物": "人民日报"}, "ledger.input.unknown_publication", "刊物"),
        ({"类别": "新闻类"}, "ledger.input.unknown_class", "类别"),
        ({"形式": "长篇"}, "ledger.input.unknown_form", "形式"),
        ({"批示级别": "县领导"}, "ledger.input.unknown_level", "批示级别"),
        ({"刊发日期": "去年"}, "ledger.input.bad_date", "刊发日期"),
        ({"刊物": ""}, "ledger.input.empty", "刊物"),
        ({"类别": "参阅类", "形式": "综合"}, "ledger.input.no_value", "形式"),
    ],
)
def test_an_unknown_name_in_a_record_is_refused_naming_row_and_column(cells, code, column):
    with pytest.raises(LedgerError) as refused:
        records_from_rows(ZG, [(2, _row()), (7, _row(**cells))], "records.csv")
    error = refused.value
    assert (error.code, error.row, error.column) == (code, 7, column)
    assert error.message.startswith(f"records.csv：第7行：「{column}」列：")
    assert error.to_dict()["error"] == code


def test_roster_groups_are_the_schemes_words_and_base_scores_are_checked():
    units = roster_from_rows(ZG, [(2, {"单位": "组织科", "类别": "科室第三组", "基础分": ""})], "roster.csv")
    assert units[0].group == "section3" and units[0].base is None
    with pytest.raises(LedgerError) as refused:
        roster_from_rows(ZG, [(2, {"单位": "县A", "类别": "乡镇", "基础分": ""})], "roster.csv")
    assert refused.value.code == "ledger.input.unknown_group" and refused.value.column == "类别"
    with pytest.raises(LedgerError) as refused:
        roster_from_rows(
            ZG, [(2, {"单位": "县A", "类别": "县（市、区）委组织部", "基础分": "-5"})], "roster.csv"
        )
    assert refused.value.code == "ledger.input.bad_number" and refused.value.row == 2
    with pytest.raises(LedgerError) as refused:
        roster_from_rows(ZG, [(2, {"单位": "县A", "基础分": "1"})], "roster.csv")
    assert refused.value.code == "ledger.input.missing_column" and refused.value.column == "类别"


def test_incident_kinds_in_the_events_file_are_the_schemes_words():
    events = events_from_data(
        ZG, {"incidents": [{"unit": "县A", "kind": "迟报紧急信息", "date": "2020-05-01"}]}
    )
    assert events.incidents[0].kind == "urgent_late"
    with pytest.raises(LedgerError) as refused:
        events_from_data(
            ZG, {"incidents": [{"unit": "县A", "kind": "迟到", "date": "2020-05-01"}]}, "events.json"
        )
    assert refused.value.code == "ledger.input.unknown_kind" and refused.value.row == 1


def test_dates_read_from_a_spreadsheet_cell_or_typed_text():
    from datetime import datetime

    assert parse_day(datetime(2020, 6, 29, 0, 0)) == date(2020, 6, 29)
    assert parse_day("2020/6/29") == date(2020, 6, 29)
    with pytest.raises(LedgerError):
        parse_day("2020-02-30")


def test_the_shipped_schemes_load_by_id_and_by_path():
    assert load_ledger_scheme("ledger-zg").id == "ledger-zg"
    assert load_ledger_scheme(str(SHIPPED)).version == ZG.version
    with pytest.raises(LedgerError) as refused:
        load_ledger_scheme("ledger-xx")
    assert refused.value.code == "ledger.scheme.not_found" and "ledger-zg" in refused.value.message


@pytest.mark.parametrize(
    ("change", "code", "where"),
    [
        (("points = 50", 'points = "五十"', 1), "ledger.scheme.field_not_number", "分值表第1项的分值"),
        (('publication = "P1"', 'publication = "P9"', 1), "ledger.scheme.unknown_ref", "分值表第1项的刊物"),
        (('combine = "dimension_max"', 'combine = "max"', 1), "ledger.scheme.choice", "同一稿件计分方式"),
        (("cutoff_day = 28", "cutoff_day = 31", 1), "ledger.scheme.cutoff_range", "每月截止日"),
        (('id = "P1"', 'id = "P1"\nweight = 2', 1), "ledger.scheme.unknown_fields", "刊物第1项"),
        (("deduct = 10", "deduct = true", 1), "ledger.scheme.field_not_number", "任务数第1项的每缺一篇扣分"),
    ],
)
def test_a_broken_scheme_file_is_refused_naming_the_file_and_the_field(change, code, where):
    old, new, count = change
    text = SHIPPED.read_text(encoding="utf-8").replace(old, new, count)
    with pytest.raises(LedgerError) as refused:
        parse_ledger_text(text, "ledger-zg.toml")
    assert refused.value.code == code
    assert refused.value.message.startswith(f"ledger-zg.toml：{where}：")


def test_invalid_toml_names_the_line():
    with pytest.raises(LedgerError) as refused:
        parse_ledger_text('id = "x"\nname = \n', "bad.toml")
    assert refused.value.code == "ledger.scheme.invalid_syntax" and "第2行" in refused.value.message


# -- records the roster cannot place (the engine's own refusals) ----------------------------------------------


def _placed(article: str, unit_name: str, row: int):
    (adoption,) = adoptions(
        ZG, unit_name, "《河南组工信息》", "经验类", "单条", day=date(2020, 4, 10), article=article
    )
    return replace(adoption, row=row)


def test_an_adoption_by_a_unit_not_on_the_roster_is_refused_naming_its_first_row():
    """The first adoption, in the records' order, of the first unit that is not on the roster is the one named,
    whatever else follows (adoptions are grouped by unit and article before they are scored)."""
    records = [
        _placed("1", "县A", 2),
        _placed("2", "县Z", 3),  # the first unit not on the roster: its first adoption
        _placed("2", "县Z", 4),
        _placed("3", "县Y", 5),
        _placed("4", "县Z", 6),
    ]
    with pytest.raises(LedgerError) as refused:
        score(ZG, [unit(ZG, "县A", "县（市、区）委组织部")], "2020-Q2", records)
    error = refused.value
    assert error.code == "ledger.input.unknown_unit"
    assert (error.row, error.column, error.params["value"]) == (3, "单位", "县Z")


def test_an_instruction_on_an_article_the_unit_has_no_adoption_of_is_refused_naming_its_row():
    """An instruction's article must be one of its unit's adopted articles (ZG-4.5 adds to an adopted article):
    the same article number adopted by another unit does not count."""
    roster = [unit(ZG, "县A", "县（市、区）委组织部"), unit(ZG, "县B", "县（市、区）委组织部")]
    records = [_placed("1", "县A", 2), _placed("2", "县B", 3)]
    fine = replace(instruction(ZG, "县A", "1", "省领导"), row=2)
    stray = replace(instruction(ZG, "县A", "2", "省领导"), row=3)  # 县B's article
    assert score(ZG, roster, "2020-Q2", records, [fine]).unit("县A").points > 0
    with pytest.raises(LedgerError) as refused:
        score(ZG, roster, "2020-Q2", records, [fine, stray])
    error = refused.value
    assert error.code == "ledger.input.no_article"
    assert (error.row, error.column, error.params["value"]) == (3, "稿件编号", "2")


def test_adoptions_read_unit_after_unit_must_keep_each_units_together():
    """``unit_by_unit`` scores a unit when its run ends: a unit coming back after another is refused at its return
    (the row named), as is a unit not on the roster at its first adoption; an instruction on an article the stream
    never adopts is left out (the caller passes only the adoptions it scores)."""
    roster = [unit(ZG, "县A", "县（市、区）委组织部"), unit(ZG, "县B", "县（市、区）委组织部")]
    records = Records(instructions=(replace(instruction(ZG, "县A", "9", "省领导"), row=7),))
    stream = [_placed("1", "县A", 2), _placed("2", "县B", 3), _placed("3", "县A", 4)]
    with pytest.raises(LedgerError) as refused:
        score_ledger(ZG, roster, records, parse_period("2020-Q2"), unit_by_unit=stream)
    error = refused.value
    assert error.code == "ledger.input.not_grouped" and "县A" in error.message
    assert (error.row, error.column) == (4, "单位")
    with pytest.raises(LedgerError) as refused:
        score_ledger(ZG, roster, records, parse_period("2020-Q2"), unit_by_unit=[_placed("4", "县Z", 5)])
    assert (refused.value.code, refused.value.row) == ("ledger.input.unknown_unit", 5)
    grouped = sorted(stream, key=lambda a: a.unit)
    result = score_ledger(ZG, roster, records, parse_period("2020-Q2"), unit_by_unit=grouped)
    # the same as the adoptions at once without the stray instruction (which they would refuse: test above)
    at_once = score_ledger(ZG, roster, Records(tuple(grouped)), parse_period("2020-Q2"))
    assert result.to_dict() == at_once.to_dict()
    assert result.unit("县A").points == 2 * result.unit("县B").points > 0  # no 省领导 bonus (ZG-4.5) for 县A


def test_units_with_the_same_line_share_one_line_object():
    """issue 12 (worker RSS): a year's units repeat the same few thousand lines (ZG-4.3 「《**组工信息》经验类单条：
    6分×2篇」); the engine makes one (frozen) `Line` of each line and count, not one per unit. A different count is
    another line."""
    county = "县（市、区）委组织部"
    roster = [unit(ZG, name, county) for name in ("县A", "县B", "县C")]
    records = [
        *adoptions(ZG, "县A", "《**组工信息》", "经验类", "单条", 2),
        *adoptions(ZG, "县B", "《**组工信息》", "经验类", "单条", 2),
        *adoptions(ZG, "县C", "《**组工信息》", "经验类", "单条", 3),
    ]
    result = score(ZG, roster, "2020-Q2", records)
    (a,), (b,), (c,) = (
        [ln for ln in result.unit(n).lines if ln.rule == "ZG-4.3"] for n in ("县A", "县B", "县C")
    )
    assert a.text == "《**组工信息》经验类单条：6分×2篇" and a.points == 12
    assert a is b
    assert c is not a and c.text.endswith("×3篇") and c.points == 18
