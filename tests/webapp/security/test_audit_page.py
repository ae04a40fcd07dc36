"""The auditor's page /audit/ (等保 2.0 GB/T 22239-2019 8.1.4.3: audit records can be searched and analysed by the
audit administrator, and by no one else — 三员分立): search, keyset pages, capped exports, verification."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.factories import TODAY, make_bureau, make_case, make_organ, make_user
from tests.webapp.security.audit_helpers import drop_append_only_triggers
from tests.webapp.sql_count import count_statements
from webapp.core import clock
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
    assert rows[0][:6] == ["时间", "操作人", "所在单位", "对象", "对象名称", "事项"]
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


# --- each subject by its name (等保 2.0 三级 8.1.4.3 b) ---------------------------------------------------------
# 8.1.4.3 b 审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功及其他与审计相关的信息 (the 2008 edition: 主体标识、
# 客体标识): the auditor reads the event's object as a person recognises it — a name, never an internal record number.

LONG_TITLE = "关于全面推进基层档案工作规范化建设并进一步提升档案信息化水平的情况报告"


@pytest.fixture
def named(app):
    """An auditor, and one audited record of every subject type the trail names: the trail's rows point at them."""
    from tests.webapp.articles.conftest import build_world
    from tests.webapp.campaigns.unit_world import make_campaign
    from webapp.articles.models import Commission, Incident, LedgerPeriod, PublicationIssue, UrgentEvent
    from webapp.articles.services import articles
    from webapp.campaigns.models import CampaignUnit

    with app.app_context():
        world = build_world()
        bureau = world.unit_a.parent
        auditor = make_user(bureau, "auditor", username="auditor", display_name="审计员")
        person = make_user(bureau, "unit_applicant", username="zhangsan", display_name="张三")
        organ = make_organ(bureau, name="红星县档案局")
        case = make_case(organ, plan_year=2027)
        article = articles.create_draft(
            world.officer_a, office_id=world.office.id, title=LONG_TITLE, body="正文", today=TODAY
        )
        editor = world.editor
        commission = Commission(
            office_id=world.office.id, topic="防汛工作经验", due_on=TODAY, created_by_id=editor.id
        )
        urgent = UrgentEvent(
            office_id=world.office.id,
            unit_id=world.unit_a.id,
            title="甲县暴雨",
            occurred_at=clock.now(),
            first_due_at=clock.now(),
            followup_minutes=60,
            registered_by_id=editor.id,
        )
        db.session.add_all([commission, urgent])
        db.session.flush()
        incident = Incident(
            office_id=world.office.id,
            unit_id=world.unit_a.id,
            kind="omitted",
            urgent_event_id=urgent.id,
            occurred_on=TODAY,
            note="未报",
            recorded_by_id=editor.id,
        )
        issue = PublicationIssue(
            publication_id=world.own_publication.id,
            year=2027,
            number=3,
            total=41,
            issued_on=TODAY,
            created_by_id=editor.id,
        )
        period = LedgerPeriod(
            office_id=world.office.id,
            period="2027-Q1",
            scheme_id="ledger-zg",
            result={},
            closed_by_id=editor.id,
        )
        campaign = make_campaign(bureau, auditor, title="2026年度统计基层基础工作考评")
        unit = CampaignUnit(campaign_id=campaign.id, organisation_id=world.unit_b.id)
        db.session.add_all([incident, issue, period, unit])
        db.session.flush()
        subjects = {
            "user": person.id,
            "organisation": organ.id,
            "case": case.id,
            "article": article.id,
            "article_office": world.office.id,
            "publication_issue": issue.id,
            "ledger_period": period.id,
            "commission": commission.id,
            "urgent_event": urgent.id,
            "incident": incident.id,
            "campaign": campaign.id,
            "campaign_unit": unit.id,
        }
        for subject_type, subject_id in subjects.items():
            append_event(subject_type, subject_id, "demo_clock_set", actor=auditor, comment=subject_type)
        db.session.commit()
        return subjects


def _subject_cells(text: str) -> list[str]:
    cells = re.findall(r'data-testid="audit-subject">(.*?)</td>', text, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


NAMES = {
    "user": "用户 张三（zhangsan）",
    "organisation": "单位 红星县档案局",
    "case": "考评案件 红星县档案局（2027年 省二级考评）",
    "article": "信息稿件 《关于全面推进基层档案工作规范化建设并进一步提升档案信息化水…》",
    "article_office": "信息编辑部门 市委组织部办公室（组工信息）",
    "publication_issue": "期刊 《市组工信息》2027年第3期（总第41期）",
    "ledger_period": "计分周期 组工信息 2027年第一季度",
    "commission": "约稿 《防汛工作经验》",
    "urgent_event": "紧急信息 甲县暴雨",
    "incident": "紧急信息事件 甲县委组织部 漏报（2027-01-05）",
    "campaign": "考评活动 2026年度统计基层基础工作考评",
    "campaign_unit": "参评单位 乙区委组织部（2026年度统计基层基础工作考评）",
}


def test_the_auditor_reads_every_subject_by_its_name_never_a_record_number(app, named, client):
    """等保 2.0 三级 8.1.4.3 b: 审计记录应包括…其他与审计相关的信息 (主体、客体) — each procedure names its own records (a case by its
    organ, year and level; an article by its title, cut to 30 characters) and the core its people (display name
    and username) and organisations; no 「#12」 anywhere in the rows."""
    _login(client, "auditor")
    text = client.get("/audit/").get_data(as_text=True)
    cells = _subject_cells(text)
    for subject_type, name in NAMES.items():
        assert name in cells, (subject_type, cells)
    assert "用户 审计员（auditor）" in cells  # the auditor's own sign-in
    rows = text.split('data-testid="audit-rows"')[1]
    assert not re.search(r"#\s*\d", rows)
    assert "（已删除的" not in rows


def test_a_subject_that_no_longer_exists_reads_as_deleted_and_a_place_by_its_label(app, world, client):
    """等保 2.0 三级 8.1.4.3 b: a row whose record is gone still names what it was (「（已删除的考评案件）」), never a
    number and never a failing page; system settings read by their label alone."""
    with app.app_context():
        for subject_type in ("case", "user", "article", "campaign_unit", "publication_issue", "incident"):
            append_event(subject_type, 987_654, "demo_clock_set", actor=None, comment="已删除")
        db.session.commit()
    _login(client, "auditor")
    response = client.get("/audit/")
    assert response.status_code == 200
    cells = _subject_cells(response.get_data(as_text=True))
    for label in ("考评案件", "用户", "信息稿件", "参评单位", "期刊", "紧急信息事件"):
        assert f"（已删除的{label}）" in cells
    assert "系统设置" in cells and "987654" not in response.get_data(as_text=True)


def test_the_page_names_its_subjects_in_the_same_statements_at_any_trail_size(app, world, client):
    """等保 2.0 三级 8.1.4.3 b with issue 12: the names of a page's subjects cost one query per subject type on the
    page — the same statements for a trail of a few rows and for a page of fifty different cases and people."""
    _login(client, "auditor")
    client.get("/audit/")  # warm: the first request reads what later ones remember

    def statements() -> tuple[int, str]:
        with count_statements(app) as seen:
            response = client.get("/audit/")
        assert response.status_code == 200
        return seen.count, response.get_data(as_text=True)

    small, _ = statements()
    with app.app_context():
        bureau = make_bureau(name="另一档案局", code="other-bureau")
        for n in range(40):
            case = make_case(make_organ(bureau, name=f"第{n}号机关"), plan_year=2027)
            append_case_event(case, "submit", actor=None, from_state="draft", to_state="applied")
            person = make_user(bureau, username=f"person-{n}", display_name=f"人员{n}")
            append_event("user", person.id, "demo_clock_set", actor=person, comment="")
        db.session.commit()
    large, text = statements()
    assert large == small
    cells = _subject_cells(text)
    assert "用户 人员39（person-39）" in cells and "考评案件 第39号机关（2027年 省二级考评）" in cells


def test_the_exports_name_every_subject(app, named, client):
    """等保 2.0 三级 8.1.4.3 b: the .csv and .xlsx exports name each subject as the page does (read in chunks,
    one query per subject type per chunk)."""
    _login(client, "auditor")
    rows = list(csv.reader(io.StringIO(client.get("/audit/export.csv").get_data().decode("utf-8-sig"))))
    exported = {f"{row[3]} {row[4]}" for row in rows[1:]}
    assert set(NAMES.values()) <= exported
    assert not any(re.fullmatch(r"\d+", row[4]) for row in rows[1:])
    sheet = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").get_data())).active
    cells = {f"{row[3].value} {row[4].value}" for row in list(sheet.iter_rows())[1:]}
    assert set(NAMES.values()) <= cells
