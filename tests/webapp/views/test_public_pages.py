"""The public notice list and objection form: no login (ARC-10.3, GAP-9)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_test_app
from tests.walk import case
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.demo import load_demo
from webapp.grading.models import Objection


def _page(response) -> str:
    return response.get_data(as_text=True)


def _objections() -> int:
    return db.session.scalar(sa.select(sa.func.count(Objection.id))) or 0


@pytest.fixture
def noticed(demo):
    """夷陵区财政局's 省二级 evaluation on public notice 2027-01-05 … 2027-01-11 (today is 01-05)."""
    with demo.app_context():
        return walk("unit-county", to="in_notice")


@pytest.mark.parametrize("username", [None, "unit-city", "county-staff", "reviewer-1", "admin"])
def test_the_notice_list_opens_for_anyone(noticed, client, auth, username):
    if username:
        auth.login(username)
    response = client.get("/notices/")
    assert response.status_code == 200
    row = re.search(rf'<tr data-case-id="{noticed}">.*?</tr>', _page(response), re.S)
    assert row, "the noticed case is listed"
    for text in ("夷陵区财政局", "省二级", "考评", "夷陵区档案局", "2027-01-05 至 2027-01-11"):
        assert text in row.group(0)


def test_cases_not_in_notice_are_not_listed(demo, client):
    with demo.app_context():
        prechecking = walk("unit-county", to="prechecking")
    page = _page(client.get("/notices/"))
    assert f'data-case-id="{prechecking}"' not in page
    assert "目前没有正在公示的单位。" in page
    assert client.get(f"/notices/{prechecking}/objection").status_code == 404


def test_the_list_filters_by_organising_bureau(noticed, client):
    page = _page(client.get("/notices/"))
    option = re.search(r'<option value="([^"]+)"[^>]*>夷陵区档案局</option>', page)
    assert option
    assert f'data-case-id="{noticed}"' in _page(client.get(f"/notices/?bureau={option.group(1)}"))
    assert f'data-case-id="{noticed}"' not in _page(client.get("/notices/?bureau=nobody"))


def test_an_objection_without_content_is_refused_and_keeps_the_name(noticed, client):
    response = client.post(
        f"/notices/{noticed}/objection", data={"content": "", "name": "王五", "contact": "138"}
    )
    assert response.status_code == 400
    page = _page(response)
    assert "请填写异议内容。" in page
    assert 'value="王五"' in page and 'value="138"' in page
    with client.application.app_context():
        assert _objections() == 0
        assert case(noticed).state == "in_notice"


def test_an_overlong_objection_is_refused(noticed, client):
    response = client.post(f"/notices/{noticed}/objection", data={"content": "事" * 2001})
    assert response.status_code == 400
    assert "异议内容应为 10 至 2000 字" in _page(response)
    with client.application.app_context():
        assert _objections() == 0


def test_an_objection_gets_a_reference_and_moves_the_case_to_objection_review(noticed, client, auth):
    """GAP-9: an objection stops the notice until the organising bureau has verified it."""
    assert "提出异议" in _page(client.get(f"/notices/{noticed}/objection"))
    response = client.post(
        f"/notices/{noticed}/objection",
        data={"content": "该单位2025年曾发生档案受潮损毁，未如实申报。", "name": "", "contact": ""},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = _page(response)
    assert "您的异议已受理，受理编号：" in page
    assert re.search(r'data-testid="objection-reference">GS-2027-0001<', page)
    with client.application.app_context():
        assert case(noticed).state == "objection_review"
    # the list says the notice is under verification, and the bureau sees the objection on the case page
    assert "异议核实中" in _page(client.get("/notices/"))
    auth.login("county-staff")
    case_page = _page(client.get(f"/cases/{noticed}"))
    assert "GS-2027-0001" in case_page
    assert "异议核实中" in case_page


def test_the_objection_form_is_protected_against_cross_site_posts(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        load_demo()
        case_id = walk("unit-county", to="in_notice")
    client = app.test_client()
    response = client.post(
        f"/notices/{case_id}/objection", data={"content": "没有令牌的异议内容，应被拒绝。"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert _objections() == 0
        db.session.remove()
        db.engine.dispose()


def test_the_login_page_and_the_anonymous_navbar_link_to_the_notices(demo, client):
    page = _page(client.get("/auth/login"))
    assert page.count('href="/notices/"') >= 2
    assert "考评公示" in page


# -- after POST, a redirect; a repeated submission files nothing new (issue 7, point 3) -------------------------

OBJECTION = "该单位2025年曾发生档案受潮损毁，未如实申报。"


def _token(client, case_id: int) -> str:
    page = _page(client.get(f"/notices/{case_id}/objection"))
    match = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="submission_token" name="submission_token" type="hidden" value="([^"]+)"', page
    )
    assert match, "the form carries a one-time token"
    return match.group(1)


def test_a_filed_objection_redirects_to_its_receipt_and_reloading_the_receipt_files_nothing(noticed, client):
    """GAP-9: POST → redirect → GET; the receipt is a page of its own, addressed by the reference number."""
    response = client.post(f"/notices/{noticed}/objection", data={"content": OBJECTION})
    assert response.status_code == 302
    assert response.headers["Location"] == "/notices/objections/GS-2027-0001?received=1"
    for _ in range(3):  # the objector reloads the receipt
        receipt = client.get(response.headers["Location"])
        assert receipt.status_code == 200 and "您的异议已受理" in _page(receipt)
    with client.application.app_context():
        assert _objections() == 1


def test_the_same_form_posted_twice_files_one_objection(noticed, client):
    """A double click or a browser resubmitting the form: the one-time token returns the objection filed."""
    data = {
        "content": OBJECTION,
        "name": "王五",
        "contact": "13800001111",
        "submission_token": _token(client, noticed),
    }
    first = client.post(f"/notices/{noticed}/objection", data=data)
    again = client.post(f"/notices/{noticed}/objection", data=data)
    assert (
        first.headers["Location"]
        == again.headers["Location"]
        == "/notices/objections/GS-2027-0001?received=1"
    )
    with client.application.app_context():
        assert _objections() == 1
    # a fresh form is a new objection
    other = {**data, "submission_token": _token(client, noticed)}
    assert (
        client.post(f"/notices/{noticed}/objection", data=other)
        .headers["Location"]
        .startswith("/notices/objections/GS-2027-0002")
    )


def test_a_used_token_with_other_content_is_refused_in_chinese_and_keeps_what_was_typed(noticed, client):
    token = _token(client, noticed)
    client.post(f"/notices/{noticed}/objection", data={"content": OBJECTION, "submission_token": token})
    response = client.post(
        f"/notices/{noticed}/objection",
        data={"content": "另一条不同的异议内容，请核实。", "submission_token": token},
    )
    assert response.status_code == 409
    page = _page(response)
    assert "该表单已提交过（受理编号 GS-2027-0001）" in page and "另一条不同的异议内容" in page
    with client.application.app_context():
        assert _objections() == 1


def test_the_api_takes_an_idempotency_key_and_a_retry_files_nothing_new(noticed, client):
    url = f"/api/v1/notices/{noticed}/objections"
    headers = {"Idempotency-Key": "retry-7f3a9c2e"}
    first = client.post(url, json={"content": OBJECTION}, headers=headers)
    again = client.post(url, json={"content": OBJECTION}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() == {"reference": "GS-2027-0001"}
    reused = client.post(url, json={"content": "别的内容"}, headers=headers)
    assert reused.status_code == 409 and reused.get_json()["error"] == "conflict"
    bad = client.post(url, json={"content": OBJECTION}, headers={"Idempotency-Key": "短"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "submission_key"
    with client.application.app_context():
        assert _objections() == 1


# -- the objector looks the objection up by its reference number ---------------------------------------------


def test_an_objection_is_looked_up_by_reference_and_shows_status_and_outcome_but_nothing_personal(
    noticed, client, auth
):
    client.post(
        f"/notices/{noticed}/objection",
        data={"content": OBJECTION, "name": "欧阳明远", "contact": "13912345678"},
    )
    assert client.get("/notices/objections/").status_code == 200
    found = client.get("/notices/objections/?reference=gs-2027-0001 ")
    assert found.status_code == 302 and found.headers["Location"] == "/notices/objections/GS-2027-0001"
    page = _page(client.get("/notices/objections/GS-2027-0001"))
    assert "核实中" in page and "2027-01-05" in page and "夷陵区档案局" in page
    for private in ("欧阳明远", "13912345678", OBJECTION):
        assert private not in page
    # the organising bureau decides; the outcome note becomes visible to the objector
    auth.login("county-staff")
    with client.application.app_context():
        objection_id = db.session.scalar(sa.select(Objection.id))
    client.post(
        f"/bureau/objections/{objection_id}",
        data={
            f"o{objection_id}-outcome": "dismiss",
            f"o{objection_id}-note": "经核实，受潮档案已修复并如实申报。",
        },
    )
    auth.logout()
    page = _page(client.get("/notices/objections/GS-2027-0001"))
    assert "不成立" in page and "经核实，受潮档案已修复并如实申报。" in page
    api = client.get("/api/v1/objections/GS-2027-0001").get_json()
    assert api["status"] == "dismissed" and api["outcome_note"] == "经核实，受潮档案已修复并如实申报。"
    assert "欧阳明远" not in str(api) and "13912345678" not in str(api)


@pytest.mark.parametrize(
    ("reference", "status", "message"),
    [
        ("GS-2027-0999", 404, "未找到该受理编号的异议"),
        ("abc", 400, "受理编号格式应为 GS-年份-序号"),
        ("", 400, "请输入受理编号。"),
        ("GS-2027-" + "9" * 40, 400, "受理编号格式应为"),
    ],
)
def test_an_unknown_or_malformed_reference_says_so_in_chinese(noticed, client, reference, status, message):
    response = client.get("/notices/objections/", query_string={"reference": reference})
    assert response.status_code == status and message in _page(response)
    api = client.get(f"/api/v1/objections/{reference or 'x'}")
    assert api.status_code in (400, 404) and api.get_json()["message"]


# -- the notice as an official notice -------------------------------------------------------------------------


def test_the_notice_reads_as_an_official_notice_with_the_rule_period_issuer_and_contact(noticed, client):
    """ARC-10.3.1 / ARC-10.3.2: the organising bureau publishes the organ and the grade it seeks, ≥ 7 days."""
    response = client.get(f"/notices/{noticed}")
    assert response.status_code == 200
    page = _page(response)
    for text in (
        "夷陵区档案局<br>关于夷陵区财政局机关档案工作目标管理省二级考评的公示",
        "《湖北省机关档案工作目标管理等级考评办法》（鄂档规〔2011〕1号）第十条",
        "在本级档案信息网站公示拟考评机关名单及考评等级",
        "公示时间不少于7天",
        "公示期：2027年1月5日至2027年1月11日（共7天）",
        "联系电话：0717-7000005",
        "通讯地址：宜昌市夷陵区夷兴大道500号",
        "姓名和联系方式不予公开",
        f'href="/notices/{noticed}/print"',
    ):
        assert text in page, text
    printed = client.get(f"/notices/{noticed}/print")
    assert printed.status_code == 200
    printed_page = _page(printed)
    assert "关于夷陵区财政局机关档案工作目标管理省二级考评的公示" in printed_page
    assert "navbar" not in printed_page and "@media print" in printed_page


def test_a_case_not_on_notice_has_no_notice_page(demo, client):
    with demo.app_context():
        prechecking = walk("unit-county", to="prechecking")
    assert client.get(f"/notices/{prechecking}").status_code == 404
    assert client.get(f"/notices/{prechecking}/print").status_code == 404


def test_the_list_is_kept_for_every_visitor_and_follows_notices_that_start_end_or_run_out_arc_10_3_2(
    demo, client
):
    """ARC-10.3.2: the public list (its bureaus' counts and its pages) is kept under every bureau's revision at
    once: a second view reads no case. A notice published since by another request is listed, one withdrawn
    since is gone, and on the day after its last day a notice is gone with no case changed (the day is in the
    key)."""
    from tests.webapp.sql_count import count_statements
    from webapp.core.models import User
    from webapp.grading.services import cases

    with demo.app_context():
        first = walk("unit-county", to="in_notice")  # 2027-01-05 … 2027-01-11
    assert f'data-case-id="{first}"' in _page(client.get("/notices/"))
    with count_statements(demo) as counted:
        assert f'data-case-id="{first}"' in _page(client.get("/notices/"))
    assert not [sql for sql in counted.sql if "FROM cases" in sql]
    with demo.app_context():
        second = walk("unit-town", to="in_notice")
    listed = _page(client.get("/notices/"))
    assert f'data-case-id="{first}"' in listed and f'data-case-id="{second}"' in listed
    with demo.app_context():
        unit = db.session.scalar(sa.select(User).where(User.username == "unit-town"))
        cases.fire_event(unit, second, "withdraw")
    listed = _page(client.get("/notices/"))
    assert f'data-case-id="{first}"' in listed and f'data-case-id="{second}"' not in listed
    demo.config["KAOPING_TODAY"] = "2027-01-12"
    assert f'data-case-id="{first}"' not in _page(client.get("/notices/"))
