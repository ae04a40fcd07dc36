"""Who may open what, in the browser: a case page needs a login, the public notice list and the objection form
do not (ARC-10.3, GAP-9), and a unit sees only its own organ's cases (a 404 in Chinese, not a 403 that would
admit the case exists).

The case (宜昌市财政局, 省二级 since 2025, applying for 省一级; organised by 宜昌市档案局) is brought into its
notice through the services in the live server's app context, so it does not touch 夷陵区财政局, whose walk is
test_grading_walk.py.
Screenshots: tests/browser/artifacts/access-*.png.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from werkzeug.datastructures import FileStorage

from tests.browser.helpers import login, shot
from tests.factories import TODAY
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.grading.services import attachments, cases

pytestmark = pytest.mark.browser


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


@pytest.fixture(scope="module")
def city_case_in_notice(live_server) -> int:  # noqa: ANN001
    """宜昌市财政局 (``unit-city``, city direct, 省二级 since 2025) going for 省一级, in its notice from 2027-01-05, through the services."""
    with live_server.app.app_context():
        unit, staff = _user("unit-city"), _user("city-staff")
        pre = {f"ARC-5.{n}": True for n in range(1, 7)}
        case_id = cases.open_case(unit, level="first", kind="evaluation", preconditions=pre, today=TODAY).id

        def upload(kind: str) -> None:
            file = FileStorage(BytesIO(b"%PDF-1.4\n"), filename=f"{kind}.pdf", content_type="application/pdf")
            attachments.upload_attachment(unit, case_id, kind, file, today=TODAY)

        upload("application_form")
        cases.fire_event(unit, case_id, "apply", today=TODAY)
        cases.fire_event(staff, case_id, "plan", today=TODAY)
        upload("self_check_sheet")
        upload("acceptance_report")
        cases.fire_event(unit, case_id, "request_acceptance", today=TODAY)
        cases.fire_event(staff, case_id, "start_precheck", today=TODAY)
        cases.fire_event(
            staff, case_id, "pass_precheck", today=TODAY, notice_start=TODAY, opinion="同意公示。"
        )
    return case_id


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_back_to_the_case_after_logging_in(
    page: Page, city_case_in_notice: int
) -> None:
    case_url = f"/cases/{city_case_in_notice}"
    page.goto(case_url)
    page.wait_for_url(re.compile(r".*/auth/login\?next=.*"))
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.get_by_text("请先登录。")).to_be_visible()
    assert "宜昌市财政局" not in page.content()  # nothing of the case before logging in
    shot(page, "access-1-login-required")
    page.fill("#username", "city-staff")
    page.fill("#password", "kaoping-demo")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"**{case_url}")
    expect(page.get_by_test_id("case-state")).to_contain_text("公示中")


def test_the_public_sees_the_notice_list_without_logging_in_and_an_objection_returns_a_reference_number(
    page: Page, city_case_in_notice: int
) -> None:
    page.goto("/notices/")
    assert "/auth/login" not in page.url
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
    row = page.get_by_test_id("notice-list").locator(f'tr[data-case-id="{city_case_in_notice}"]')
    expect(row).to_contain_text("宜昌市财政局")
    expect(row).to_contain_text("宜昌市档案局")
    # 7 days, the day of publication included (GAP-10)
    expect(row).to_contain_text("2027-01-05 至 2027-01-11")
    row.get_by_role("link", name="提出异议").click()
    form = page.locator("#objection-form")
    # too short: the Chinese message beside the field, what was typed kept
    form.locator('[name="content"]').fill("不属实")
    form.locator('[name="name"]').fill("张先生")
    form.get_by_role("button", name="提交异议").click()
    expect(form.locator(".invalid-feedback")).to_contain_text("异议内容应为 10 至 2000 字")
    expect(form.locator('[name="name"]')).to_have_value("张先生")
    form.locator('[name="content"]').fill("该单位2026年文书档案未按期归档，移交清册与实际不符，请核实。")
    form.locator('[name="contact"]').fill("0717-1234567")
    form.get_by_role("button", name="提交异议").click()
    received = page.get_by_test_id("objection-received")
    expect(received).to_contain_text("异议已受理")
    expect(page.get_by_test_id("objection-reference")).to_have_text(re.compile(r"^GS-2027-\d{4}$"))
    shot(page, "access-2-objection-received")


def test_a_unit_user_cannot_open_another_organs_case_and_gets_a_chinese_404(
    page: Page, city_case_in_notice: int
) -> None:
    case_url = f"/cases/{city_case_in_notice}"
    login(page, "unit-county")
    page.wait_for_url("**/")
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    assert "宜昌市财政局" not in page.content()
    shot(page, "access-3-other-organ-404")
    # the same for the case's documents and its upload page: no existence leak
    for path in (f"{case_url}/attachments", f"{case_url}/letter.pdf", f"{case_url}/certificate.pdf"):
        assert page.request.get(path).status == 404, path
