"""Issue 7, point 13: constructs real tables need — parsed, validated, scored, written back (TOML) — and scheme
files that are not UTF-8 refused with a Chinese message naming the file."""

from decimal import Decimal

import pytest

from config.schemes import load_scheme, parse_scheme_text, read_scheme_file, scheme_to_toml
from tests.workflow.scoring.refusals import refused
from workflow.scoring.errors import SchemeError, SheetError
from workflow.scoring.scheme import parse_scheme, scheme_to_data
from workflow.scoring.table import ItemEntry, score_sheet

D = Decimal


def table(*items, **top):
    regular = sum(D(str(i["max"])) for i in items if not i.get("bonus"))
    return {
        "id": "t",
        "version": "1",
        "name": "机关档案工作评分表",
        "max": regular,
        "levels": ["second"],
        "level_names": {"second": "省二级"},
        "pass_lines": {"second": regular - 1},
        "veto_grade": "不合格",
        "sections": [{"id": "S4", "no": "四", "name": "安全保管", "max": regular, "items": list(items)}],
        **top,
    }


SAFE_ROOM = {"id": "S4.1", "no": "1", "name": "安全管理", "max": 9, "rule": "award"}
INCIDENT_1PT = {
    "id": "S4.2",
    "no": "2",
    "name": "档案安全事故",
    "criterion": "两年内未发生档案安全事故得1分；发生的，本项不得分且考评不合格",
    "max": 1,
    "rule": "veto",
    "veto_when": [{"flag": "incident", "text": "两年内发生档案丢失、被盗、损毁、失泄密等档案安全事故"}],
}


def round_trips(scheme):
    assert parse_scheme(scheme_to_data(scheme), "again.toml") == scheme
    assert parse_scheme_text(scheme_to_toml(scheme), "again.toml") == scheme


def test_a_one_point_item_whose_failure_fails_the_file_arc_5_5():
    """13a, ARC-5.5 (no archive security incident within two years): a 1-point line that is also a veto."""
    scheme = parse_scheme(table(SAFE_ROOM, INCIDENT_1PT), "t.toml")
    clean = score_sheet(scheme, {"S4.1": ItemEntry(awarded=D(9))}, "second")
    assert (clean.item("S4.2").score, clean.total, clean.passed, clean.vetoed) == (1, 10, True, False)
    hit = score_sheet(
        scheme, {"S4.1": ItemEntry(awarded=D(9)), "S4.2": ItemEntry(flags=frozenset({"incident"}))}, "second"
    )
    assert (hit.item("S4.2").score, hit.total, hit.vetoed, hit.passed, hit.grade) == (
        0,
        9,
        True,
        False,
        "不合格",
    )
    assert hit.veto_reasons == ("一票否决：两年内发生档案丢失、被盗、损毁、失泄密等档案安全事故（S4.2）",)
    round_trips(scheme)


def test_a_veto_item_with_points_takes_no_directly_entered_score():
    scheme = parse_scheme(table(SAFE_ROOM, INCIDENT_1PT), "t.toml")
    with refused(SheetError, "sheet.veto_takes_flags", item="S4.2"):
        score_sheet(scheme, {"S4.2": ItemEntry(awarded=D(0))}, "second")


def test_one_fact_zeroes_the_item_and_vetoes_the_sheet_org_pr_2():
    """13b, ORG-PR.2 / GAP-9: a veto-class fault is one fact — the item loses its points and the sheet fails."""
    room = {
        "id": "S4.1",
        "no": "1",
        "name": "档案库房",
        "max": 9,
        "rule": "deduction",
        "deductions": [{"defect": "no_check", "text": "库房安全检查无记录", "points": 2, "per": "once"}],
        "zero_when": [
            {"flag": "dispersed", "text": "档案分散管理"},
            {"flag": "lost", "text": "档案丢失", "veto": True},
        ],
    }
    scheme = parse_scheme(table(room, {**SAFE_ROOM, "id": "S4.3", "no": "3", "max": 1}), "t.toml")
    assert scheme.item("S4.1").flags() == ("dispersed", "lost") and scheme.item("S4.1").vetoes()
    star = score_sheet(scheme, {"S4.1": ItemEntry(flags=frozenset({"dispersed"}))}, "second")
    assert (star.item("S4.1").score, star.vetoed) == (0, False)
    lost = score_sheet(scheme, {"S4.1": ItemEntry(flags=frozenset({"lost"}))}, "second")
    assert (lost.item("S4.1").score, lost.vetoed, lost.passed, lost.grade) == (0, True, False, "不合格")
    assert lost.item("S4.1").reasons == ("档案丢失，本项不得分（S4.1）", "一票否决：档案丢失（S4.1）")
    round_trips(scheme)


def test_veto_belongs_only_on_a_zero_when_fact(build):
    data = table({**INCIDENT_1PT, "veto_when": [{"flag": "incident", "text": "事故", "veto": True}]})
    with refused(SchemeError, "scheme.unknown_fields", item="S4.2", names=["veto"]):
        build(data)


FLAT = {
    "id": "village",
    "version": "2026.1",
    "name": "村务公开评分表",
    "max": 10,
    "pass_line": 6,
    "veto_grade": "不合格",
    "items": [
        {"id": "V-1", "no": "1", "name": "公开栏", "max": 4, "rule": "award", "min": 1},
        {
            "id": "V-2",
            "no": "2",
            "name": "公开内容",
            "max": 6,
            "rule": "deduction",
            "floor": True,
            "deductions": [{"defect": "late", "text": "未按时公开", "points": 1, "unit": "次"}],
            "veto_when": [{"flag": "fake", "text": "公开内容弄虚作假"}],
        },
    ],
}


def test_a_table_without_sections_scores_its_items_and_round_trips():
    """13c: a table that lists its items without 一、二、… parts (e.g. the four LRN areas style, flattened)."""
    scheme = parse_scheme(FLAT, "village.toml")
    assert scheme.flat and [s.id for s in scheme.sections] == [""]
    assert scheme.label("V-2") == "2 公开内容"
    result = score_sheet(
        scheme, {"V-1": ItemEntry(awarded=D(3), reason="栏目陈旧"), "V-2": ItemEntry(defects={"late": 2})}
    )
    assert (result.total, result.max) == (7, 10)
    round_trips(scheme)
    assert "[[items]]" in scheme_to_toml(scheme) and "[[sections]]" not in scheme_to_toml(scheme)


def test_items_and_sections_cannot_be_mixed(build):
    data = dict(
        FLAT, sections=[{"id": "S", "name": "一", "max": 1, "items": [{**FLAT["items"][0], "id": "V-9"}]}]
    )
    with refused(SchemeError, "scheme.sections_and_items"):
        build(data)


def test_a_pass_line_for_a_table_without_levels_arc_7_2_comparison():
    """13d: `pass_line` decides `passed` when the table has no levels; reached when total ≥ line (ARC-7.2, GAP-12)."""
    scheme = parse_scheme(FLAT, "village.toml")
    at_line = score_sheet(
        scheme, {"V-1": ItemEntry(awarded=D(1), reason="差"), "V-2": ItemEntry(defects={"late": 1})}
    )
    assert (at_line.total, at_line.pass_line, at_line.passed) == (6, 6, True)
    below = score_sheet(
        scheme, {"V-1": ItemEntry(awarded=D("1"), reason="差"), "V-2": ItemEntry(defects={"late": 2})}
    )
    assert (below.total, below.passed) == (5, False)
    vetoed = score_sheet(
        scheme, {"V-1": ItemEntry(awarded=D(4)), "V-2": ItemEntry(flags=frozenset({"fake"}))}
    )
    assert (vetoed.total, vetoed.passed, vetoed.grade) == (10, False, "不合格")
    missing = score_sheet(scheme, {})
    assert missing.passed is None  # the award item is not scored yet


def test_a_pass_line_must_sit_within_the_table_and_not_beside_levels(build, raw_scheme):
    with refused(SchemeError, "scheme.pass_line_range"):
        build(dict(FLAT, pass_line=11))
    data = raw_scheme("hubei-archive-sample")
    data["pass_line"] = 80
    with refused(SchemeError, "scheme.pass_line_with_levels"):
        build(data)


# --------------------------------------------------------------------------------------------------------
# Files that are not UTF-8


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gbk.toml", 'id = "t"\nname = "机关档案评分表"\n'.encode("gbk")),
        ("binary.toml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
        ("nul.toml", b'id = "t"\x00\n'),
    ],
)
def test_a_scheme_file_that_is_not_utf8_is_a_chinese_error_naming_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    for load in (read_scheme_file, load_scheme):
        with pytest.raises(SchemeError) as excinfo:
            load(path)
        assert excinfo.value.code == "scheme.not_utf8"
        assert str(excinfo.value).startswith(f"{name}：文件不是UTF-8编码的文本")


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + scheme_to_toml(load_scheme("lrn")).encode("utf-8"))
    assert read_scheme_file(path) == load_scheme("lrn")


def test_a_missing_file_is_a_chinese_error_naming_it(tmp_path):
    with refused(SchemeError, "scheme.unreadable"):
        read_scheme_file(tmp_path / "gone.toml")
