"""A unit takes back what it may still take back, in the browser: a refused upload says why beside the file, an
attachment is deleted after a confirmation, and a draft never applied for is deleted from the unit page only
when the confirmation is accepted (ARC-10.1.1, ARC-10.1.4).

The draft belongs to 小溪塔街道 (``unit-town``), which no other browser test uses.
Screenshots: tests/browser/artifacts/drafts-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Dialog, Page, expect

from tests.browser.helpers import login, shot
from tests.factories import TODAY
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.grading.services import cases

pytestmark = pytest.mark.browser

UNIT = "unit-town"


@pytest.fixture(scope="module")
def town_draft(live_server) -> int:  # noqa: ANN001
    with live_server.app.app_context():
        unit = db.session.scalar(sa.select(User).where(User.username == UNIT))
        pre = {f"ARC-5.{n}": True for n in range(1, 7)}
        return cases.open_case(unit, level="second", kind="evaluation", preconditions=pre, today=TODAY).id


def test_a_unit_deletes_an_attachment_and_then_its_draft_after_confirming(
    page: Page, town_draft: int, tmp_path: Path
) -> None:
    disguised = tmp_path / "申报审批表.pdf"
    disguised.write_text("<html><script>alert(1)</script></html>")
    real = tmp_path / "申报审批表（正式）.pdf"
    real.write_bytes(b"%PDF-1.4\n%%EOF\n")
    login(page, UNIT)
    page.wait_for_url("**/")
    page.goto(f"/cases/{town_draft}/attachments")
    page.select_option("#kind", label="申报审批表")
    page.set_input_files("#file", str(disguised))
    page.locator("#upload-form").get_by_role("button", name="上传").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("文件内容不是可接受的格式")
    shot(page, "drafts-1-refused-upload")
    page.set_input_files("#file", str(real))
    page.locator("#upload-form").get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(rf".*/cases/{town_draft}(#attachments)?$"))
    attachments = page.get_by_test_id("case-attachments")
    expect(attachments).to_contain_text("申报审批表（正式）.pdf")

    messages: list[str] = []

    def accept(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    attachments.get_by_role("button", name="删除").click()
    expect(page.locator(".alert-success")).to_contain_text("已删除：申报审批表「申报审批表（正式）.pdf」")
    assert messages == ["确定删除「申报审批表（正式）.pdf」？删除后不能恢复。"]
    expect(attachments).to_contain_text("尚未上传材料")

    page.goto("/unit/")
    row = page.locator(f'tr[data-case-id="{town_draft}"]')
    page.once("dialog", lambda dialog: dialog.dismiss())  # 取消: nothing happens
    row.get_by_role("button", name="删除草稿").click()
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除草稿").click()
    expect(page.locator(".alert-success")).to_contain_text(
        f"已删除申报草稿（省二级考评，案件编号 {town_draft}）"
    )
    expect(page.locator(f'tr[data-case-id="{town_draft}"]')).to_have_count(0)
    shot(page, "drafts-2-draft-deleted")
    assert page.request.get(f"/cases/{town_draft}").status == 404
