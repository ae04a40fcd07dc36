"""The rows of 本局待办 (`webapp.grading.bureau.worklist_html`) and of /cases/ (`webapp.grading.cases.list_html`),
made in Python since issue 12: every cell the organising bureau needs, its links by function and state
(ARC-10.3.2 公示, GAP-9 异议), and a hostile name escaped."""

from __future__ import annotations

import re

import pytest

from config.rulesets import load_ruleset
from tests.factories import TODAY
from tests.walk import case as get
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db
from webapp.grading.services import objection_filing
from workflow import calendar


def row_of(html: str, case_id: int, table: str = "worklist") -> str:
    """The ``<tr>`` of ``case_id`` in the table ``data-testid="<table>"`` (本局待办, 下级抽查, /cases/)."""
    rows = html.split(f'data-testid="{table}"')[1].split("</table>")[0]
    found = re.search(rf'<tr data-case-id="{case_id}"[^>]*>.*?</tr>', rows, re.DOTALL)
    assert found, f"case {case_id} not in the {table} table"
    return found.group(0)


@pytest.fixture
def noticed_and_objected(demo):
    """Two cases of 夷陵区档案局 in their notice (ARC-10.3.2), one of them objected to (GAP-9)."""
    with demo.app_context():
        noticed = drive("unit-county", to="in_notice")
        objected = drive("unit-town", to="in_notice")
        objection_filing.submit_objection(
            objected, content="该单位档案尚未整理。", name="李四", contact="13900000000", today=TODAY
        )
        assert get(objected).state == "objection_review"
        return {"noticed": noticed, "objected": objected}


def test_a_row_shows_twelve_cells_the_next_step_and_the_notice_end_arc_10_3_2(
    noticed_and_objected, client, auth
):
    auth.login("county-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    row = row_of(html, noticed_and_objected["noticed"])
    assert row.count("<td") == 12
    assert "夷陵区财政局" in row and f'href="/cases/{noticed_and_objected["noticed"]}"' in row
    assert 'data-state="in_notice"' in row
    assert 'data-event="close_notice"' in row  # what the organising bureau does next
    with client.application.app_context():
        case = get(noticed_and_objected["noticed"])
        last_day = calendar.notice_last_day(load_ruleset(case.ruleset_id), case.notice_start)
        applied = case.applied_on
    assert last_day.isoformat() in row and applied.isoformat() in row  # 公示截止 at least 7 days on


def test_the_organiser_gets_the_panel_link_in_notice_and_the_objection_link_in_review_gap_9(
    noticed_and_objected, client, auth
):
    auth.login("county-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    noticed = row_of(html, noticed_and_objected["noticed"])
    objected = row_of(html, noticed_and_objected["objected"])
    # the buttons stand apart, as the template's white space kept them
    assert f'href="/bureau/cases/{noticed_and_objected["noticed"]}/panel">评审组</a> <a' in noticed
    assert "核实异议" not in noticed
    assert 'href="/bureau/objections">核实异议</a> <a' in objected
    assert f'href="/bureau/cases/{noticed_and_objected["objected"]}/panel">评审组</a>' in objected


def test_a_case_before_its_notice_gets_no_panel_or_objection_link(demo, client, auth):
    with demo.app_context():
        applied = drive("unit-county", to="applied")  # to be planned: no panel is formed before the notice
    auth.login("county-staff")
    row = row_of(client.get("/bureau/").get_data(as_text=True), applied)
    assert "评审组" not in row and "核实异议" not in row
    assert f'name="case_ids" value="{applied}"' in row  # 下达考评计划 can be done for several at once


def test_a_hostile_organ_name_is_shown_as_text_in_the_row(demo, client, auth):
    with demo.app_context():
        applied = drive("unit-county", to="applied")
        organ = get(applied).organ
        organ.name = '<script>alert("x")</script>财政局'
        db.session.commit()
    auth.login("county-staff")
    row = row_of(client.get("/bureau/").get_data(as_text=True), applied)
    assert "<script>" not in row
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;财政局" in row
    assert 'aria-label="选择 &lt;script&gt;' in row


def test_the_case_list_shows_ten_cells_a_case_and_a_hostile_name_as_text(demo, client, auth):
    with demo.app_context():
        applied = drive("unit-county", to="applied")
        case = get(applied)
        case.organ.name = '<img src=x onerror="alert(1)">财政局'
        db.session.commit()
        level, organizer = case.level_label, case.organizer.name
    auth.login("prov-staff")
    row = row_of(client.get("/cases/").get_data(as_text=True), applied, "case-list")
    assert row.count("<td") == 10
    assert "<img" not in row and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;财政局" in row
    assert level in row and organizer in row and 'data-state="applied"' in row
    assert f'href="/cases/{applied}"' in row


def test_a_lower_bureaus_case_is_read_only_shows_its_spot_check_and_a_hostile_name_as_text_arc_9_6(
    demo, client, auth
):
    with demo.app_context():
        applied = drive("unit-county", to="applied")
        case = get(applied)
        case.organ.name = "<b>夷陵区</b>财政局"
        db.session.commit()
    auth.login("city-staff")
    row = row_of(client.get("/bureau/?tab=supervised").get_data(as_text=True), applied, "supervised")
    assert row.count("<td") == 8 and "<b>" not in row and "&lt;b&gt;夷陵区&lt;/b&gt;财政局" in row
    assert "spot-checked" not in row and 'name="case_ids"' not in row  # read-only: no box to act on
    assert (
        f'href="/cases/{applied}">查看</a> <a' in row
        and f'href="/cases/{applied}#spot-check">记录抽查' in row
    )
