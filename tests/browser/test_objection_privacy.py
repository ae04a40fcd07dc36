"""A member of the public reads the official notice, files an objection with a name and phone number, and the
applying unit's case page shows the objection without them (issue 7, point 1; GAP-9). Reloading the receipt
files nothing (point 3). Only the organising bureau's staff see who objected.

The case is its own (江岸区财政局, county direct, organised by 江岸区档案局, with accounts made for this test),
brought into its notice through the services in the live server's app context so other browser tests are not
disturbed. Screenshots: tests/browser/artifacts/objection-*.png.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests import walk as shared
from tests.browser.helpers import login, shot
from tests.factories import make_user
from tests.webapp.views.case_walk import ROUTE
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User
from webapp.core.services import transaction
from webapp.demo import DEMO_PASSWORD
from webapp.grading.models import Objection

pytestmark = pytest.mark.browser

UNIT, STAFF = "unit-ja-objection", "ja-staff-objection"
NAME, PHONE = "欧阳明远", "13912345678"
CONTENT = "该单位2025年度会计档案未按规定移交，移交清册与实际不符，请核实。"


def _org(code: str) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


@pytest.fixture(scope="module")
def ja_case_in_notice(live_server) -> int:  # noqa: ANN001
    with live_server.app.app_context():
        with transaction():
            if db.session.scalar(sa.select(User).where(User.username == UNIT)) is None:
                make_user(_org("wh-ja-czj"), Role.UNIT_APPLICANT, username=UNIT, password=DEMO_PASSWORD)
                make_user(_org("wh-ja"), Role.BUREAU_STAFF, username=STAFF, password=DEMO_PASSWORD)
        return shared.walk(UNIT, ROUTE, to="in_notice", score=88.5)


def test_a_public_objection_keeps_the_objectors_name_and_phone_from_the_applying_unit(
    page: Page,
    live_server,
    ja_case_in_notice: int,  # noqa: ANN001
) -> None:
    # the public reads the notice as an official notice and objects from it
    page.goto(f"/notices/{ja_case_in_notice}")
    notice = page.get_by_test_id("official-notice")
    expect(notice).to_contain_text("关于江岸区财政局机关档案工作目标管理省二级考评的公示")
    expect(notice).to_contain_text("公示时间不少于7天")
    expect(page.get_by_test_id("notice-contact")).to_contain_text("027-82000003")
    shot(page, "objection-1-official-notice")
    page.get_by_role("link", name="提出异议").click()
    form = page.locator("#objection-form")
    form.locator('[name="content"]').fill(CONTENT)
    form.locator('[name="name"]').fill(NAME)
    form.locator('[name="contact"]').fill(PHONE)
    form.get_by_role("button", name="提交异议").click()
    expect(page.get_by_test_id("objection-received")).to_contain_text("异议已受理")
    reference = page.get_by_test_id("objection-reference").inner_text()
    assert re.fullmatch(r"GS-2027-\d{4}", reference)
    assert re.search(rf"/notices/objections/{reference}", page.url)  # redirected after the POST
    page.reload()  # reloading the receipt files nothing
    expect(page.get_by_test_id("objection-status-label")).to_contain_text("核实中")
    for private in (NAME, PHONE, CONTENT):
        assert private not in page.content()
    shot(page, "objection-2-receipt")
    with live_server.app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(Objection.id)).where(Objection.case_id == ja_case_in_notice)
        )
        assert count == 1

    # the applying unit sees the objection, its reference and substance, but not who raised it
    login(page, UNIT)
    page.wait_for_url("**/")
    page.goto(f"/cases/{ja_case_in_notice}")
    objections = page.get_by_test_id("case-objections")
    expect(objections).to_contain_text(reference)
    expect(objections).to_contain_text(CONTENT)
    expect(page.get_by_test_id("objector")).to_have_count(0)
    html = page.content()
    assert NAME not in html and PHONE not in html
    shot(page, "objection-3-unit-case-page")
    page.get_by_role("button", name="退出登录").click()

    # the organising bureau, who verifies it, may reach the objector
    login(page, STAFF)
    page.wait_for_url("**/")
    page.goto(f"/cases/{ja_case_in_notice}")
    expect(page.get_by_test_id("objector")).to_contain_text(NAME)
    expect(page.get_by_test_id("objector")).to_contain_text(PHONE)
