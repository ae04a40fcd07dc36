import datetime as dt
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.rulesets import load_ruleset
from webapp.grading.documents.summary import (
    SUMMARY_COLUMNS,
    SummaryData,
    SummaryRow,
    annual_summary_counts,
    annual_summary_rows,
    summary_due_date,
)
from webapp.grading.documents.summary_xlsx import annual_summary_xlsx

HUBEI = load_ruleset("hubei-2011")
ROWS = [
    SummaryRow("宜昌市财政局", "city_direct", "first", "evaluation", "宜昌市档案局", dt.date(2027, 3, 15),
               "鄂档证〔2027〕第0123号", dt.date(2030, 3, 14)),
    SummaryRow("夷陵区人民政府办公室", "county_direct", "special", "recheck", "宜昌市档案局", dt.date(2027, 7, 20),
               "鄂档复证〔2027〕第0031号", dt.date(2030, 7, 19), filed_with="湖北省档案局"),
    SummaryRow("小溪塔街道办事处", "township", "first", "recheck", "夷陵区档案局", dt.date(2027, 5, 8),
               valid_until=dt.date(2030, 5, 7), filed_with="宜昌市档案局", remark="证书待颁发"),
    SummaryRow("当阳市教育局", "county_direct", "second", "evaluation", "当阳市档案局", dt.date(2027, 1, 20),
               "鄂档证〔2027〕第0007号", dt.date(2030, 1, 19)),
]  # fmt: skip
SUMMARY = SummaryData("宜昌市档案局", 2027, ROWS, HUBEI, prepared_on=dt.date(2027, 12, 15))


def test_rows_are_in_approval_order_and_numbered():
    rows = annual_summary_rows(SUMMARY)
    assert [row["seq"] for row in rows] == [1, 2, 3, 4]
    assert [row["organ_name"] for row in rows] == [
        "当阳市教育局",
        "宜昌市财政局",
        "小溪塔街道办事处",
        "夷陵区人民政府办公室",
    ]
    assert set(rows[0]) == {key for key, _, _ in SUMMARY_COLUMNS}


def test_rows_carry_labels_and_filing_for_the_page():
    township = annual_summary_rows(SUMMARY)[2]
    assert township["tier"] == "乡（镇）机关"
    assert township["level"] == "省一级"
    assert township["kind"] == "复查"
    assert township["filing"] == "宜昌市档案局"  # ARC-9.5
    assert township["approved_on"] == "2027年5月8日"
    assert annual_summary_rows(SUMMARY)[0]["filing"] == "—"


def test_counts_by_level_and_kind():
    counts = {line["level"]: line for line in annual_summary_counts(SUMMARY)}
    assert counts["省特级"] == {"level": "省特级", "evaluation": 0, "recheck": 1, "total": 1}
    assert counts["省一级"]["total"] == 2
    assert counts["合计"] == {"level": "合计", "evaluation": 2, "recheck": 2, "total": 4}


def test_the_summary_is_due_on_20_december_arc_10_5_3():
    assert summary_due_date(SUMMARY) == dt.date(2027, 12, 20)


def test_an_approval_from_another_year_is_refused_gap_19():
    late = replace(ROWS[0], organ_name="兴山县档案局", approved_on=dt.date(2028, 1, 3))
    with pytest.raises(ValueError, match="兴山县档案局"):
        annual_summary_rows(replace(SUMMARY, rows=[*ROWS, late]))


def _sheet(data: SummaryData):
    return load_workbook(BytesIO(annual_summary_xlsx(data))).active


def _cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_has_title_header_frozen_and_one_row_per_approval():
    sheet = _sheet(SUMMARY)
    assert sheet["A1"].value == "宜昌市档案局 2027年度机关档案工作目标管理等级考评审批情况汇总表"
    assert "于12月20日前报湖北省档案局" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]] == [
        "序号", "机关名称", "机关层级", "考评等级", "考评类型", "审批机关", "审批日期", "证书编号", "有效期至", "备案", "备注",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A4"
    assert [sheet.cell(row=r, column=2).value for r in range(4, 8)] == [
        "当阳市教育局", "宜昌市财政局", "小溪塔街道办事处", "夷陵区人民政府办公室",
    ]  # fmt: skip
    special = [cell.value for cell in sheet[7]]
    assert special[2:6] == ["县直机关", "省特级", "复查", "宜昌市档案局"]
    assert special[6].date() == dt.date(2027, 7, 20)  # a real date, formatted in Chinese
    assert sheet.cell(row=7, column=7).number_format == 'yyyy"年"m"月"d"日"'
    assert special[9] == "湖北省档案局"
    assert sheet.column_dimensions["B"].width >= 20


def test_every_data_cell_keeps_its_own_look_when_styles_are_copied():
    """The rows are styled once per kind of cell and copied (webapp.core.xlsx.style_cell); each cell must
    still carry its own alignment and number format, not the last one styled."""
    sheet = _sheet(SUMMARY)
    for row in range(4, 8):
        organ, tier, approved = (sheet.cell(row=row, column=c) for c in (2, 3, 7))
        assert (organ.font.name, organ.font.sz, organ.border.left.style) == ("宋体", 11, "thin")
        assert organ.alignment.horizontal == "left" and organ.number_format == "General"
        assert tier.alignment.horizontal == "center" and tier.number_format == "General"
        assert approved.alignment.horizontal == "center"
        assert approved.number_format == 'yyyy"年"m"月"d"日"'
    assert sheet["A1"].font.sz == 16 and sheet.cell(row=3, column=1).font.b


def test_workbook_ends_with_counts_and_the_due_note():
    cells = _cells(_sheet(SUMMARY))
    flat = [value for row in cells for value in row if value is not None]
    header = cells.index(next(row for row in cells if row[1] == "考评等级"))
    assert cells[header][1:5] == ["考评等级", "考评", "复查", "合计"]
    assert cells[header + 1][1:5] == ["省特级", 0, 1, 1]
    assert cells[header + 4][1:5] == ["合计", 2, 2, 4]
    assert any("于12月20日前报湖北省档案局" in str(value) and "说明" in str(value) for value in flat)


def test_an_empty_year_still_gives_a_workbook_with_zero_counts():
    cells = _cells(_sheet(replace(SUMMARY, rows=[])))
    totals = next(row for row in cells if row[1] == "合计")
    assert totals[1:5] == ["合计", 0, 0, 0]


def test_the_summary_speaks_the_rulesets_words_and_counts_its_levels():
    """A province with other levels, kinds, due date and bureau: the table follows its ruleset (ARC-10.5.3)."""
    testprov = load_ruleset(
        str(Path(__file__).resolve().parents[2] / "workflow" / "rulesets" / "testprov-2030.toml")
    )
    rows = [SummaryRow("某局", "local", "gold", "renewal", "某地区档案馆", dt.date(2030, 5, 1))]
    data = SummaryData("某地区档案馆", 2030, rows, testprov)
    assert summary_due_date(data) == dt.date(2030, 11, 30)
    counts = {line["level"]: line for line in annual_summary_counts(data)}
    assert list(counts) == ["白金级", "金级", "银级", "铜级", "合计"]
    assert counts["金级"] == {"level": "金级", "assessment": 0, "renewal": 1, "total": 1}
    row = annual_summary_rows(data)[0]
    assert (row["tier"], row["level"], row["kind"]) == ("地方机关", "金级", "复核")
    notes = " ".join(str(value) for row in _cells(_sheet(data)) for value in row if value is not None)
    assert "于11月30日（含当日）前报测试省档案馆" in notes and "测档发〔2030〕2号" in notes


def test_the_same_data_downloads_the_workbook_built_the_first_time():
    """The workbook is kept by the data it was built from: a second download of an unchanged summary is the
    same bytes, not a second openpyxl build."""
    data = replace(SUMMARY, rows=list(ROWS), prepared_on=dt.date(2027, 12, 16))
    first = annual_summary_xlsx(data)
    assert annual_summary_xlsx(replace(data, rows=list(ROWS))) is first


def test_a_changed_row_builds_a_new_workbook_with_the_change():
    """A certificate issued after the first download (ARC-10.5.3: the table lists it) is in the next one."""
    data = replace(SUMMARY, prepared_on=dt.date(2027, 12, 17))
    annual_summary_xlsx(data)
    issued = replace(ROWS[2], certificate_number="鄂档复证〔2027〕第0099号")
    sheet = _sheet(replace(data, rows=[*ROWS[:2], issued, *ROWS[3:]]))
    assert "鄂档复证〔2027〕第0099号" in [sheet.cell(row=r, column=8).value for r in range(4, 8)]
