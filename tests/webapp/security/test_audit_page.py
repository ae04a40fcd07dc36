"""The auditor's page /audit/ (等保 2.0 GB/T 22239-2019 8.1.4.3: audit records can be searched and analysed by the
audit administrator, and by no one else — 三员分立): search, keyset pages, capped exports, verification."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.factories import make_bureau, make_case, make_organ, make_user
from tests.webapp.security.audit_helpers import drop_append_only_triggers
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services.audit import append_case_event, append_event


@pytest.fixture
def world(app):
    """An auditor, a system administrator, a bureau head; a case with two transitions; one failed row."""
    with app.app_context():
        bureau = make_bureau()
        organ = make_organ(bureau)
        make_user(bureau, "auditor", username="auditor")
        make_user(bureau, "sys_admin", username="admin")
        make_user(bureau, "bureau_head", username="head")
        applicant = make_user(organ, "unit_applicant", username="applicant", display_name="吴敏")
        case = make_case(organ)
        append_case_event(case, "submit", actor=applicant, from_state="draft", to_state="applied")
        append_case_event(case, "accept", actor=applicant, from_state="applied", to_state="accepted")
        case.state = "accepted"
        with app.test_request_context(environ_base={"REMOTE_ADDR": "10.9.8.7"}):
            append_event(
                "settings",
                0,
                "demo_clock_set",
                actor=None,
                actor_name="某人",
                comment="失败",
                result="failure",
            )
        db.session.commit()
        return case.id


def _login(client, username):
    return client.post("/auth/login", data={"username": username, "password": "test-password"})


@pytest.mark.parametrize("username", ["admin", "head", "applicant"])
def test_only_the_auditor_may_open_search_export_or_verify_the_audit(app, world, client, username):
    _login(client, username)
    for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx"):
        assert client.get(url).status_code == 403
    assert client.post("/audit/verify").status_code == 403
    assert "审计记录" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login_page(app, world, client):
    response = client.get("/audit/")
    assert response.status_code in (302, 401) and "/auth/login" in response.headers.get(
        "Location", "/auth/login"
    )


def test_the_auditor_sees_every_row_in_chinese_never_an_event_id(app, world, client):
    _login(client, "auditor")
    text = client.get("/audit/").get_data(as_text=True)
    assert 'href="/audit/"' in text  # in the navigation bar
    labels = re.findall(r'data-testid="event-label">([^<]*)<', text)
    # the world's three rows and the auditor's own sign-in (logins are audited, issue 13 part A)
    assert len(labels) == 4 and "设置演示日期" in labels and "登录成功" in labels
    assert all(not re.fullmatch(r"[a-z_]+", label) for label in labels)
    assert "demo_clock_set" not in text.split('data-testid="audit-rows"')[1]
    assert "10.9.8.7" in text and "失败" in text


def test_the_search_filters_by_result_address_subject_event_actor_and_date(app, world, client):
    _login(client, "auditor")

    def count(query):
        text = client.get(f"/audit/?{query}").get_data(as_text=True)
        return len(re.findall(r'data-testid="event-label"', text))

    assert count("result=failure") == 1
    assert count("address=10.9.") == 1 and count("address=192.") == 0
    assert count("subject_type=case") == 2
    assert count("event=submit") == 1
    assert count("actor=吴") == 2 and count("actor=%25") == 0
    assert count("date_from=2027-01-01&date_to=2027-01-31") == 4  # with the auditor's own sign-in
    assert count("date_from=2028-01-01") == 0


def test_a_bad_filter_is_named_in_chinese_and_the_form_keeps_it(app, world, client):
    _login(client, "auditor")
    response = client.get("/audit/?date_from=2027-13-01&actor=吴敏")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "起始日期格式应为" in text and 'value="2027-13-01"' in text and 'value="吴敏"' in text
    response = client.get("/audit/?date_from=2027-02-01&date_to=2027-01-01")
    assert response.status_code == 400 and "截止日期不能早于起始日期" in response.get_data(as_text=True)
    response = client.get("/audit/?event=drop_table")
    assert response.status_code == 400 and "请从列表中选择事项" in response.get_data(as_text=True)
    response = client.get("/audit/?cursor=not-a-cursor")
    assert response.status_code == 400 and "分页游标无效" in response.get_data(as_text=True)


def test_pages_follow_each_other_by_keyset_without_repeating_a_row(app, world, client):
    with app.app_context():
        for n in range(60):
            append_event("settings", 0, "demo_clock_set", actor=None, comment=f"第{n}次")
        db.session.commit()
    _login(client, "auditor")
    first = client.get("/audit/").get_data(as_text=True)
    cursor = re.search(r'href="/audit/\?cursor=([^"&]+)"[^>]*data-testid="next-page"', first).group(1)
    second = client.get(f"/audit/?cursor={cursor}").get_data(as_text=True)
    assert (
        first.count('data-testid="event-label"') == 50 and second.count('data-testid="event-label"') == 14
    )  # + the sign-in
    assert "第59次" in first and "第59次" not in second and "第0次" in second


def test_the_search_exports_as_csv_and_xlsx_in_words(app, world, client):
    _login(client, "auditor")
    response = client.get("/audit/export.csv?subject_type=case")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:6] == ["时间", "操作人", "所在单位", "对象", "对象编号", "事项"]
    assert (
        len(rows) == 3
        and {r[3] for r in rows[1:]} == {"考评案件"}
        and "submit" not in {r[5] for r in rows[1:]}
    )
    assert "X-Export-Truncated" not in response.headers
    response = client.get("/audit/export.xlsx?result=failure")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert (
        values[0][0] == "时间" and len(values) == 2 and values[1][6] == "失败" and values[1][7] == "10.9.8.7"
    )


def test_an_export_is_capped_and_says_so(app, world, client):
    app.config["AUDIT_EXPORT_MAX_ROWS"] = 2
    _login(client, "auditor")
    response = client.get("/audit/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 4 and "仅导出最新的2条记录" in rows[-1][0]
    assert response.headers["X-Export-Truncated"] == "2"
    assert "最多2条" in client.get("/audit/").get_data(as_text=True)


def test_an_exported_cell_cannot_run_as_a_spreadsheet_formula(app, world, client):
    with app.app_context():
        append_event("settings", 0, "demo_clock_set", actor=None, comment='=HYPERLINK("http://x")')
        db.session.commit()
    _login(client, "auditor")
    text = client.get("/audit/export.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_verify_button_shows_the_result_in_chinese(app, world, client):
    _login(client, "auditor")
    text = client.post("/audit/verify").get_data(as_text=True)
    assert 'data-testid="verify-ok"' in text and "审计链校验通过" in text
    with app.app_context():
        drop_append_only_triggers()
        table = AuditEvent.__table__
        db.session.execute(sa.delete(table).where(table.c.subject_type == "case", table.c.seq == 2))
        db.session.commit()
    text = client.post("/audit/verify").get_data(as_text=True)
    assert (
        'data-testid="verify-failed"' in text
        and "审计链校验未通过" in text
        and f"考评案件 #{world} 第2条" in text
    )
