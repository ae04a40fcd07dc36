"""Issue 7, point 12: a sheet exported to .xlsx and imported back keeps every fact it holds.

One case per construct of docs/schemes.md ("Rule kinds", "Sheet JSON" and the constructs of point 13): sheet JSON
→ entries → .xlsx → entries equal, and the result (total, veto, pass) equal. And a scheme downloaded by an
administrator as .xlsx imports back as an equal scheme.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from config.schemes import load_scheme
from webapp.scoring.xlsx.scheme_io import scheme_from_xlsx
from webapp.scoring.xlsx.sheet_io import DETAILS_TITLE, scheme_to_xlsx, sheet_from_xlsx, sheet_to_xlsx
from workflow.scoring.scheme import parse_scheme
from workflow.scoring.table import parse_sheet, score_sheet

D = Decimal


def one_section(*items, **top):
    regular = sum(D(str(i["max"])) for i in items if not i.get("bonus"))
    return {
        "id": "t",
        "version": "1",
        "name": "测试表",
        "max": regular,
        "sections": [{"id": "S1", "no": "一", "name": "第一部分", "max": regular, "items": list(items)}],
        **top,
    }


FILLER = {"id": "T-9", "no": "9", "name": "其他工作", "max": 5, "rule": "award"}
VETO_ON_ORDINARY = one_section(
    {
        "id": "T-1",
        "no": "1",
        "name": "档案安全",
        "max": 5,
        "rule": "deduction",
        "floor": True,
        "deductions": [{"defect": "no_plan", "text": "无应急预案", "points": 2, "per": "once"}],
        "veto_when": [{"flag": "incident", "text": "两年内发生档案安全事故"}],
    },
    FILLER,
    veto_grade="不合格",
)
VETO_WITH_POINTS = one_section(
    {
        "id": "T-1",
        "no": "1",
        "name": "档案安全事故",
        "max": 1,
        "rule": "veto",
        "veto_when": [{"flag": "incident", "text": "两年内发生档案安全事故"}],
    },
    FILLER,
)
ZERO_AND_VETO = one_section(
    {
        "id": "T-1",
        "no": "1",
        "name": "档案库房",
        "max": 10,
        "rule": "condition",
        "zero_when": [{"flag": "lost", "text": "档案丢失", "veto": True}],
    },
    FILLER,
)
FLAT = {
    "id": "flat",
    "version": "1",
    "name": "不分部分的表",
    "max": 10,
    "pass_line": 6,
    "items": [
        {"id": "F-1", "no": "1", "name": "制度", "max": 5, "rule": "award", "min": 1},
        {
            "id": "F-2",
            "no": "2",
            "name": "台账",
            "max": 5,
            "rule": "deduction",
            "floor": True,
            "deductions": [{"defect": "gap", "text": "台账缺页", "points": 1, "unit": "页"}],
        },
    ],
}

CASES = {
    # scheme, level, sheet JSON items
    "deduction per defect and once (扣完为止)": (
        "hubei-archive-sample",
        "first",
        {
            "HBS-1.2": {"defects": {"no_senior": 1, "untrained": 3}},
            "HBS-3.1": {"defects": {"missing_file": 12}},
        },
    ),
    "discretionary deduction with its reason (酌情扣分)": (
        "org-2014-streets",
        None,
        {"ORG-T8": {"deduction": "1.5", "reason": "缺少第二环节记录"}},
    ),
    "zero_when star condition on a deduction item": (
        "hubei-archive-sample",
        "first",
        {"HBS-2.1": {"flags": ["dispersed"], "defects": {"not_separated": 1}}},
    ),
    "condition item": ("org-2014-streets", None, {"ORG-T3": {"flags": ["not_transformed"]}}),
    "threshold measures": ("sta-2017", None, {"STA-3.1.5": {"measures": {"coverage": "94.5"}}}),
    "shortfall measures, several thresholds": (
        "sta-2017",
        None,
        {"STA-3.1.2": {"measures": {"pass_rate": 87, "sampling_ratio": "32.25"}}},
    ),
    "shortfall with a threshold from the sheet and an excess bonus reading it (measures_from)": (
        "org-2014-streets",
        None,
        {"ORG-T6": {"measures": {"built": 14, "target": 10}}},
    ),
    "ratio band with a whole": (
        "sta-2017",
        None,
        {"STA-3.1.6": {"measures": {"appointed": 15, "town_units": 20}}},
    ),
    "ratio band on a rate": ("hubei-archive-sample", "first", {"HBS-5.2": {"measures": {"entry_rate": 75}}}),
    "award with its reason": ("sta-2017", None, {"STA-3.2.1": {"awarded": 2, "reason": "工作总结迟报"}}),
    "veto item (一票否决, ARC-5.5)": (
        "hubei-archive-sample",
        "first",
        {"HBS-4.2": {"flags": ["security_incident"], "reason": "2025年档案损毁"}},
    ),
    "veto_when on an ordinary item (单项否决)": (
        VETO_ON_ORDINARY,
        None,
        {"T-1": {"flags": ["incident"], "defects": {"no_plan": 1}}, "T-9": {"awarded": 5}},
    ),
    "a veto switch that is off (enabled = false, LRN GAP-5)": (
        "lrn",
        None,
        {"LRN-3.4": {"flags": ["serious_violation"], "deduction": 2, "reason": "违纪一人次"}},
    ),
    "bonus claims with notes, grouped (ORG-6.3)": (
        "org-2014-streets",
        None,
        {
            "ORG-6.4.1": {"claims": [{"content": "社区党建积分制", "note": "区委组织部文件"}, "楼宇党建"]},
            "ORG-6.4.2": {"claims": ["社区党建积分制"]},
        },
    ),
    "composite parts": ("sta-2017", None, {"STA-3.1.1a": {"flags": ["not_met"], "note": "材料第12页"}}),
    "checks on measured minima (LRN-3.2)": (
        "lrn",
        None,
        {"LRN-3.2": {"measures": {"books": 4, "study_sessions": 5, "months": 6}}},
    ),
    "a score entered directly on a deduction item": (
        "hubei-archive-sample",
        "second",
        {"HBS-3.2": {"awarded": "8.5", "reason": "抽查3件不合格"}},
    ),
    "a note on its own": ("hubei-archive-sample", "second", {"HBS-1.1": {"note": "见会议纪要"}}),
    "level-only items (省一级)": (
        "hubei-archive-sample",
        "first",
        {"HBS-5.2": {"measures": {"entry_rate": 100}}},
    ),
    "a veto item that carries points (point 13a)": (VETO_WITH_POINTS, None, {"T-1": {"flags": ["incident"]}}),
    "one fact that zeroes the item and vetoes the sheet (point 13b)": (
        ZERO_AND_VETO,
        None,
        {"T-1": {"flags": ["lost"]}, "T-9": {"awarded": 3, "reason": "部分完成"}},
    ),
    "a table without sections and with a pass line but no levels (points 13c, 13d)": (
        FLAT,
        None,
        {"F-1": {"awarded": 4, "reason": "制度不全"}, "F-2": {"defects": {"gap": 2}}},
    ),
}


def _scheme(ref):
    return load_scheme(ref) if isinstance(ref, str) else parse_scheme(ref, "test.toml")


@pytest.mark.parametrize("column", ["review", "self"])
@pytest.mark.parametrize("construct", list(CASES))
def test_a_filled_sheet_comes_back_from_xlsx_with_every_fact(construct, column):
    ref, level, items = CASES[construct]
    scheme = _scheme(ref)
    entries = parse_sheet({"items": items}, scheme)
    before = score_sheet(scheme, entries, level)
    sides = {"self": (entries, None), "review": (None, entries)}[column]
    xlsx = sheet_to_xlsx(scheme, *sides, level=level)
    back, errors = sheet_from_xlsx(xlsx, scheme, column=column, level=level)
    assert errors == []
    assert back == entries
    after = score_sheet(scheme, back, level)
    assert (after.total, after.vetoed, after.passed, after.grade) == (
        before.total,
        before.vetoed,
        before.passed,
        before.grade,
    )


def test_a_veto_on_an_ordinary_item_survives_the_round_trip():
    """The reported fault: `veto_when` on an ordinary item came back vetoed = false (ARC-5.5-style veto)."""
    scheme = _scheme(VETO_ON_ORDINARY)
    entries = parse_sheet({"T-1": {"flags": ["incident"]}, "T-9": {"awarded": 5}}, scheme)
    assert score_sheet(scheme, entries).vetoed
    back, errors = sheet_from_xlsx(sheet_to_xlsx(scheme, review_entries=entries), scheme)
    assert errors == []
    result = score_sheet(scheme, back)
    assert (result.vetoed, result.passed, result.grade) == (True, False, "不合格")


def _edit(xlsx: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(xlsx))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_score_typed_over_an_exported_one_replaces_the_deductions_but_keeps_the_veto():
    scheme = _scheme(VETO_ON_ORDINARY)
    entries = parse_sheet({"T-1": {"flags": ["incident"], "defects": {"no_plan": 1}}}, scheme)
    xlsx = sheet_to_xlsx(scheme, review_entries=entries)

    def retype(wb):
        ws = wb["评分表"]
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 9).value == "T-1")
        ws.cell(row, 7, 4)
        ws.cell(row, 8, "预案已补")

    back, errors = sheet_from_xlsx(_edit(xlsx, retype), scheme)
    assert errors == []
    assert back["T-1"].awarded == 4 and back["T-1"].defects == {}
    assert back["T-1"].flags == {"incident"} and score_sheet(scheme, back).vetoed


def test_facts_typed_into_the_details_sheet_are_read_and_a_bad_number_names_its_cell():
    scheme = load_scheme("sta-2017")
    entries = parse_sheet({"STA-3.1.2": {"measures": {"pass_rate": 87, "sampling_ratio": 32}}}, scheme)
    xlsx = sheet_to_xlsx(scheme, review_entries=entries)

    def spoil(wb):
        ws = wb[DETAILS_TITLE]
        ws.cell(2, 6, "1e3")

    back, errors = sheet_from_xlsx(_edit(xlsx, spoil), scheme)
    assert back == {}
    assert [(e.sheet, e.cell, e.message) for e in errors] == [(DETAILS_TITLE, "F2", "数值「1e3」不是数字")]


# --------------------------------------------------------------------------------------------------------
# Scheme TOML → xlsx (the admin's 下载Excel表) → scheme


SCHEMES = {
    "sta-2017": "sta-2017",
    "lrn": "lrn",
    "org-2014-streets": "org-2014-streets",
    "hubei-archive-sample": "hubei-archive-sample",
    "veto on an ordinary item": VETO_ON_ORDINARY,
    "veto item with points": VETO_WITH_POINTS,
    "zero_when that also vetoes": ZERO_AND_VETO,
    "table without sections, pass line without levels": FLAT,
}


@pytest.mark.parametrize("name", list(SCHEMES))
def test_a_scheme_downloaded_as_xlsx_and_uploaded_unchanged_is_equal(name):
    scheme = _scheme(SCHEMES[name])
    data, errors = scheme_from_xlsx(scheme_to_xlsx(scheme), scheme_id=scheme.id, version=scheme.version)
    assert errors == []
    assert parse_scheme(data, "upload.xlsx") == scheme
    again, _ = scheme_from_xlsx(scheme_to_xlsx(scheme), scheme_id="copy", version="9")
    assert (again["id"], again["version"]) == ("copy", "9")


def test_an_edited_download_is_read_from_its_cells_not_from_the_stale_definition():
    scheme = load_scheme("sta-2017")

    def rename(wb):
        ws = wb["评分表"]
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 9).value == "STA-3.1.2")
        ws.cell(row, 2, "乡镇统计机构规范化管理")

    data, errors = scheme_from_xlsx(_edit(scheme_to_xlsx(scheme), rename), scheme_id="sta", version="2")
    assert errors == []
    names = [i["name"] for s in data["sections"] for i in s["items"]]
    assert "乡镇统计机构规范化管理" in names
    assert data["sections"][0]["items"][0]["id"] == "1.1"  # read from the cells, as for a bureau's own table
