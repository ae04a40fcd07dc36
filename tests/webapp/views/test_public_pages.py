"""The public notice list and objection form: no login (ARC-10.3, GAP-9)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_test_app
from tests.webapp.views.case_walk import case, walk
from webapp.demo import load_demo
from webapp.extensions import db
from webapp.models import Objection


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
