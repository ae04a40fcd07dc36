"""xlsx import/export of scoring tables: official-layout import, blank export → fill → import round trip, cell errors."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from config.schemes import load_scheme
from webapp.scoring.xlsx.scheme_io import (
    SHEET_HEADERS,
    CellError,
    scheme_from_xlsx,
    sheet_from_xlsx,
    sheet_to_xlsx,
)
from workflow.scoring.scheme import parse_scheme
from workflow.scoring.table import ItemEntry, score_sheet

D = Decimal


def rows_by_id(ws):
    """Item id (hidden 编号 column I) → row number."""
    return {ws.cell(r, 9).value: r for r in range(3, ws.max_row + 1) if ws.cell(r, 9).value}


def fill(xlsx: bytes, scores: dict, score_col: int = 7) -> bytes:
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    rows = rows_by_id(ws)
    for item_id, (score, reason) in scores.items():
        ws.cell(rows[item_id], score_col, score)
        ws.cell(rows[item_id], score_col + 1, reason)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def sta():
    return load_scheme("sta-2017")


def test_blank_sheet_has_the_eight_column_layout_and_every_item(sta):
    ws = load_workbook(io.BytesIO(sheet_to_xlsx(sta))).active
    assert [c.value for c in ws[2]][:8] == list(SHEET_HEADERS)
    assert set(rows_by_id(ws)) == {i.id for i in sta.items()}
    assert ws.column_dimensions["I"].hidden
    row = rows_by_id(ws)["STA-3.2.3"]
    assert [ws.cell(row, c).value for c in (1, 2, 3)] == ["3", "推荐基层基础建设单项成果", "1—15"]
    assert ws.cell(ws.max_row, 1).value == "合计" and ws.cell(ws.max_row, 3).value == 110


def test_blank_export_filled_in_excel_reads_back_as_the_same_entries(sta):
    filled = {
        "STA-3.1.2": (7, "抽检合格率87%"),
        "STA-3.1.6": (3.75, "15/20镇设首席统计员"),
        "STA-3.2.1": (3, None),
        "STA-3.2.3": (5, "仅推荐2种"),
        "STA-3.1.1a": (3, None),
    }
    entries, errors = sheet_from_xlsx(fill(sheet_to_xlsx(sta), filled), sta)
    assert errors == []
    assert entries == {
        item_id: ItemEntry(awarded=D(str(score)), reason=reason or "")
        for item_id, (score, reason) in filled.items()
    }
    assert score_sheet(sta, entries).item("STA-3.1.6").score == D("3.75")


def test_self_check_column_is_read_when_asked(sta):
    xlsx = fill(sheet_to_xlsx(sta), {"STA-3.3": (6, "创新1项")}, score_col=5)
    entries, errors = sheet_from_xlsx(xlsx, sta, column="self")
    assert (entries, errors) == ({"STA-3.3": ItemEntry(awarded=D(6), reason="创新1项")}, [])
    assert sheet_from_xlsx(xlsx, sta) == ({}, [])


def test_export_with_entries_writes_scores_reasons_and_totals_and_reads_back(sta):
    review = {
        "STA-3.1.2": ItemEntry(measures={"pass_rate": D(87), "sampling_ratio": D(32)}),
        "STA-3.2.1": ItemEntry(awarded=D(2), reason="总结迟报"),
    }
    self_check = {"STA-3.2.1": ItemEntry(awarded=D(3))}
    ws = load_workbook(io.BytesIO(sheet_to_xlsx(sta, self_check, review))).active
    rows = rows_by_id(ws)
    assert [ws.cell(rows["STA-3.1.2"], c).value for c in (7, 8)] == [
        7,
        "抽检合格率87%，低于标准90%共3个百分点，每个百分点扣1分，扣3分（STA-3.1.2）",
    ]
    assert [ws.cell(rows["STA-3.2.1"], c).value for c in (5, 6, 7, 8)] == [3, None, 2, "总结迟报"]
    entries, errors = sheet_from_xlsx(sheet_to_xlsx(sta, review_entries=review), sta)
    assert errors == []
    assert entries == review  # the measured values come back, not just the score they gave


def test_bad_cells_are_reported_by_cell_in_chinese(sta):
    filled = {
        "STA-3.1.2": (12, "超出"),  # > max 10
        "STA-3.2.1": (2, None),  # below max without a reason
        "STA-3.2.2": ("良好", None),  # not a number
        "STA-3.2.4": (D("0.5"), "太少"),  # range item: 0 or 1–4
        "STA-3.1.1": (10, None),  # composite: score its parts
    }
    xlsx = fill(
        sheet_to_xlsx(sta), {k: (str(v) if isinstance(v, D) else v, r) for k, (v, r) in filled.items()}
    )
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    rows = rows_by_id(ws)
    ws.cell(rows["STA-3.3"], 9, "STA-9.9")
    ws.cell(rows["STA-3.3"], 7, 1)
    out = io.BytesIO()
    wb.save(out)
    entries, errors = sheet_from_xlsx(out.getvalue(), sta)
    assert entries == {}
    assert errors == [
        CellError("评分表", f"G{rows['STA-3.1.1']}", "本项由子项合计，请在子项中评分"),
        CellError("评分表", f"G{rows['STA-3.1.2']}", "评分12超出范围0–10分"),
        CellError("评分表", f"H{rows['STA-3.2.1']}", "评分2低于满分3分，须填写扣分原因"),
        CellError("评分表", f"G{rows['STA-3.2.2']}", "评分「良好」不是数字"),
        CellError("评分表", f"G{rows['STA-3.2.4']}", "评分0.5超出范围1–4或0分"),
        CellError("评分表", f"I{rows['STA-3.3']}", "未知考核项目编号「STA-9.9」"),
    ]
    assert str(errors[1]) == f"评分表!G{rows['STA-3.1.2']}：评分12超出范围0–10分"


def test_a_sheet_without_the_id_column_is_matched_by_item_name(sta):
    wb = load_workbook(io.BytesIO(fill(sheet_to_xlsx(sta), {"STA-3.2.6": (4, "信息8篇")})))
    ws = wb.active
    ws.delete_cols(9)
    ws.cell(5, 2, "不存在的项目")
    ws.cell(5, 7, 1)
    out = io.BytesIO()
    wb.save(out)
    entries, errors = sheet_from_xlsx(out.getvalue(), sta)
    assert entries == {"STA-3.2.6": ItemEntry(awarded=D(4), reason="信息8篇")}
    assert errors == [CellError("评分表", "B5", "未知考核项目「不存在的项目」")]


def test_veto_rows_take_the_word_foujue():
    """ARC-5.5 (HBS-4.2): a veto row reads 否决 in the score column."""
    scheme = load_scheme("hubei-archive-sample")
    xlsx = fill(sheet_to_xlsx(scheme, level="first"), {"HBS-4.2": ("否决", "2023年发生档案损毁")})
    entries, errors = sheet_from_xlsx(xlsx, scheme, level="first")
    assert errors == []
    assert entries == {
        "HBS-4.2": ItemEntry(flags=frozenset({"security_incident"}), reason="2023年发生档案损毁")
    }
    assert score_sheet(scheme, entries, "first").vetoed


def official_table() -> bytes:
    """A table as a bureau would type it: title row, 序号 | 考核项目 | 分数 | 评分细则, a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件2"
    for row in [
        ["湖北省机关档案工作省二级考评评分表"],
        ["序号", "考核项目", "分数", "评分细则"],
        ["一、", "组织管理（10分）", None, None],
        [1, "档案人员", 5, "缺正高扣4分，缺副高扣3分。"],
        [2, "规章制度", 5, "每缺一项制度扣1分，扣完为止。"],
        ["二", "业务建设", 15, None],
        [1, "收集归档", 10, "应归档文件齐全完整，每缺一份扣1分。"],
        [2, "编研", "1—3", "开展档案编研（1—3分）"],
        [3, "库房", 2, "*分散管理不得分"],
        [4, "安全", "否决", "发生档案安全事故的一票否决"],
        ["三", "鉴定", None, None],
        [1, "鉴定销毁", 5, "手续不全的视情况酌情扣分"],
        [2, "材料", 5, "材料不齐扣2分"],
        ["合计", None, 35, None],
    ]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_official_layout_imports_as_a_valid_scheme_with_recognised_rules():
    data, errors = scheme_from_xlsx(official_table(), scheme_id="hubei-2011-l2", version="2011.1")
    assert errors == []
    scheme = parse_scheme(data, "附件2.xlsx")
    assert (scheme.id, scheme.name, scheme.max) == ("hubei-2011-l2", "湖北省机关档案工作省二级考评评分表", 35)
    assert [(s.name, s.max) for s in scheme.sections] == [("组织管理", 10), ("业务建设", 15), ("鉴定", 10)]
    staff, rules, files, compile_, store, safety, appraisal, papers = scheme.items()
    assert [(d.text, d.points, d.per) for d in staff.deductions] == [
        ("缺正高", 4, "once"),
        ("缺副高", 3, "once"),
    ]
    assert [(d.text, d.points, d.per, d.unit) for d in rules.deductions] == [("缺少", 1, "each", "项")]
    assert files.floor and files.deductions[0].unit == "份"
    assert (compile_.kind, compile_.min, compile_.max) == ("award", 1, 3)
    assert (store.kind, store.zero_when[0].text) == ("condition", "分散管理")
    assert (safety.kind, safety.max) == ("veto", 0)
    assert (appraisal.kind, appraisal.discretionary) == ("deduction", 5)
    assert (papers.deductions, papers.discretionary) == ((), 5)  # 「材料不齐扣2分」: not unambiguous → 酌情
    result = score_sheet(scheme, {"1.1": ItemEntry(defects={"d1": 1}), "2.1": ItemEntry(defects={"d1": 2})})
    assert result.item("2.1").reasons == ("缺少2份，每份扣1分，扣2分（2.1）",)


def test_official_layout_errors_name_the_cell():
    wb = load_workbook(io.BytesIO(official_table()))
    ws = wb.active
    ws["C3"] = 12  # section says 12, items add up to 10
    ws["C5"] = "五分"
    ws.insert_rows(3)
    ws["A3"], ws["B3"], ws["C3"] = 1, "孤立项目", 2  # an item before any section
    out = io.BytesIO()
    wb.save(out)
    _, errors = scheme_from_xlsx(out.getvalue())
    assert errors == [
        CellError("附件2", "A3", "考核项目之前缺少部分行（序号为一、二、……）"),
        CellError("附件2", "C6", "分数「五分」应为数字、范围（如1—3）或“否决”"),
        CellError("附件2", "C4", "部分「组织管理」分数为12，但所含项目合计5分"),
        CellError("附件2", "C15", "合计分数为35，但各项合计30分"),
    ]


def test_a_file_without_the_header_row_is_refused():
    wb = Workbook()
    wb.active.append(["项目", "分值"])
    out = io.BytesIO()
    wb.save(out)
    data, errors = scheme_from_xlsx(out.getvalue())
    assert data == {} and errors == [
        CellError("Sheet", "A1", "未找到表头行（序号 | 考核项目 | 分数 | 评分细则）")
    ]


@pytest.mark.parametrize("scheme_id", ["sta-2017", "lrn", "org-2014-streets"])
def test_an_exported_sheet_imports_as_a_scheme_with_the_same_structure(scheme_id):
    scheme = load_scheme(scheme_id)
    data, errors = scheme_from_xlsx(sheet_to_xlsx(scheme))
    assert errors == []
    imported = parse_scheme(data, "export.xlsx")
    assert imported.max == scheme.max
    assert [s.max for s in imported.sections] == [s.max for s in scheme.sections]
