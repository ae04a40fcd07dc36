"""The city bureau's annual approvals summary /bureau/summary (ARC-10.5.3, GAP-19), as a page and as .xlsx."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.webapp.views.bureau_cases import drive


@pytest.fixture
def approvals(demo):
    """2027 approvals in 宜昌: one by the county bureau (夷陵区, ARC-9.4) and one by the city bureau itself."""
    with demo.app_context():
        return [drive("unit-county", to="approved"), drive("unit-city", level="first", to="approved")]


def test_the_city_summary_lists_the_years_approvals_of_the_city_and_its_counties(approvals, client, auth):
    auth.login("city-staff")
    response = client.get("/bureau/summary?year=2027")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "夷陵区财政局" in html and "宜昌市财政局" in html
    assert "夷陵区档案局" in html and "宜昌市档案局" in html  # approvers
    assert "于12月20日前报湖北省档案局" in html and "2027-12-19" in html and "ARC-10.5.3" in html


def test_the_summary_counts_approvals_by_level_and_kind(approvals, client, auth):
    auth.login("city-staff")
    html = client.get("/bureau/summary?year=2027").get_data(as_text=True)
    counts = html.split('data-testid="summary-counts"')[1].split("</table>")[0]
    assert "<td>省一级</td><td>1</td><td>0</td><td>1</td>" in counts
    assert "<td>省二级</td><td>1</td><td>0</td><td>1</td>" in counts
    assert "<td>合计</td><td>2</td><td>0</td><td>2</td>" in counts


def test_another_year_has_no_approvals(approvals, client, auth):
    auth.login("city-staff")
    html = client.get("/bureau/summary?year=2026").get_data(as_text=True)
    assert "尚无审批事项" in html and "夷陵区财政局" not in html


def test_the_summary_exports_as_an_xlsx_workbook_with_the_approvals(approvals, client, auth):
    auth.login("city-staff")
    response = client.get("/bureau/summary.xlsx?year=2027")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "夷陵区财政局" in values and "宜昌市财政局" in values
    assert any("12月20日前" in str(value) for value in values)


@pytest.mark.parametrize("username", ["county-staff", "county-head", "prov-staff", "prov-head"])
@pytest.mark.parametrize("url", ["/bureau/summary?year=2027", "/bureau/summary.xlsx?year=2027"])
def test_only_city_bureaus_have_a_summary_others_get_403_with_the_reason(demo, client, auth, username, url):
    auth.login(username)
    response = client.get(url)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "市州级档案局" in html and "ARC-10.5.3" in html


def test_summary_cells_escape_what_was_typed_and_keep_the_columns_order():
    """The table's cells are made in Python (webapp.grading.bureau.views.summary_row_cells): a name typed with
    markup in it is shown as text, every column is a cell, and the dates are in small type."""
    from webapp.grading.bureau.views import summary_row_cells
    from webapp.grading.documents.summary import SUMMARY_COLUMNS

    row = {key: f"v-{key}" for key, _, _ in SUMMARY_COLUMNS}
    row["organ_name"] = '<script>alert("x")</script>&'
    row["seq"] = 7
    (cells,) = summary_row_cells([row])
    assert "<script>" not in cells
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in cells
    assert cells.count("<td") == len(SUMMARY_COLUMNS)
    assert cells.startswith('<td class="text-nowrap">7</td>')
    assert '<td class="text-nowrap small">v-approved_on</td>' in cells


def test_the_summary_table_is_made_once_per_change_of_its_data_arc_10_5_3(app):
    """The page's table rows are kept by the data they were made of: an unchanged summary reuses them, a
    certificate issued since (ARC-10.5.3: the table lists it) is in the next view's table."""
    from dataclasses import replace

    from tests.webapp.documents.test_summary import ROWS, SUMMARY
    from webapp.grading.bureau.views import summary_table_rows

    with app.test_request_context("/bureau/summary"):
        first = summary_table_rows(replace(SUMMARY, rows=list(ROWS)))
        assert summary_table_rows(replace(SUMMARY, rows=list(ROWS))) is first
        assert first.count("<tr>") == len(ROWS)
        issued = replace(ROWS[2], certificate_number="鄂档复证〔2027〕第0099号")
        changed = summary_table_rows(replace(SUMMARY, rows=[*ROWS[:2], issued, *ROWS[3:]]))
        assert "鄂档复证〔2027〕第0099号" in changed and "鄂档复证〔2027〕第0099号" not in first
        assert summary_table_rows(replace(SUMMARY, rows=[])) == ""


def test_the_summary_rows_are_read_once_per_change_and_every_change_shows_at_once_arc_10_5_3(
    demo, approvals, client, auth
):
    """issue 12: the year's rows are kept under the city's cases revision. A repeat view reads no approval; a new
    approval in a county, an organ renamed, a certificate number corrected and a bureau renamed each move it, so
    the next view shows the change (the summary reports what was approved, by whom, under what name)."""
    import sqlalchemy as sa

    from tests.walk import case as get
    from tests.walk import org
    from webapp.core.extensions import db
    from webapp.grading.models import CaseFiling, Grade

    def view() -> tuple[bool, str]:
        sent: list[str] = []
        listener = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            html = client.get("/bureau/summary?year=2027").get_data(as_text=True)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return any("FROM cases" in s and "decided_on" in s for s in sent), html

    with demo.app_context():
        engine = db.engine
    auth.login("city-staff")
    assert view()[0] and not view()[0]  # read, then kept
    with demo.app_context():
        drive("unit-town", to="approved")  # 小溪塔街道, under 夷陵区 (yc-yl), approved by the county
    reads, html = view()
    assert reads and "小溪塔街道" in html
    with demo.app_context():
        org("yc-yl-czj").name = "夷陵区财政局（更名）"
        db.session.commit()
    reads, html = view()
    assert reads and "夷陵区财政局（更名）" in html
    with demo.app_context():
        get(approvals[0]).certificate_no = None  # the row then shows its grade's number
        db.session.commit()
    assert view()[0]
    with demo.app_context():
        grade = db.session.scalar(sa.select(Grade).where(Grade.case_id == approvals[0]))
        grade.certificate_no = "鄂档证〔2027〕0099号"  # the grade alone changes
        db.session.commit()
    reads, html = view()
    assert reads and "鄂档证〔2027〕0099号" in html
    with demo.app_context():
        db.session.add(CaseFiling(case_id=approvals[1], bureau_id=org("hb").id, rule_id="ARC-9.5"))
        db.session.commit()
    reads, html = view()
    assert reads and "湖北省档案局" in html.split("尚无")[0]
    with demo.app_context():
        org("hb").name = "湖北省档案馆"  # a bureau above no approver's and below none: its name is on the row
        db.session.commit()
    reads, html = view()
    assert reads and "湖北省档案馆" in html
