"""The whole procedure in a real browser: 夷陵区财政局 (``unit-county``, county direct, ungraded, no demo case)
is evaluated for 省二级 by 夷陵区档案局 through all five steps — 申报 → 预检 → 公示 → 评审 → 审批 (ARC-10.1–10.5) —
only by clicking links and buttons, filling forms and uploading files, as the unit, the county staff and head, the
panel's lead reviewer, the public and the admin who moves the demo clock.

Along the way: the city bureau reads the case but cannot act on it (ARC-9.6); 「结束公示」 is shown disabled
with its rule while the 7-day notice runs (ARC-10.3.2); the approved grade is valid for three years from the
approval day, the last day included (ARC-10.5.6, GAP-3).

The 7 days are let elapse through the admin page 「演示日期」 (/admin/clock) in the browser, as a demo user would;
the fixture puts the demo clock back afterwards (through the clock service in the live server's app context), so
the other browser tests still see 2027-01-05. Screenshots: tests/browser/artifacts/walk-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import login, shot
from webapp.core.services import demo_clock
from workflow.grading import EVENT_LABELS

pytestmark = pytest.mark.browser

UNIT = "unit-county"
STAFF = "county-staff"
HEAD = "county-head"
CITY = "city-staff"
PANEL = ["reviewer-7", "reviewer-8", "reviewer-4"]  # reviewer-7 leads
LEAD = PANEL[0]
#: the notice starts on the demo date 2027-01-05; its 7th day is 01-11, so it may close from 01-12 (GAP-10)
DAYS_TO_WAIT = 7
APPROVED_ON = "2027-01-12"
VALID_TO = "2030-01-11"  # three years, the last day included (ARC-10.5.6, GAP-3)


@pytest.fixture
def demo_clock_restored(live_server) -> Iterator[None]:  # noqa: ANN001
    """Whatever the walk did to the demo clock, the next test starts on 2027-01-05 again."""
    yield
    with live_server.app.app_context():
        demo_clock.reset_demo_clock()


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/auth/login")


def login_as(page: Page, username: str) -> None:
    if page.get_by_role("button", name="退出登录").count():
        logout(page)
    login(page, username)
    expect(page.get_by_test_id("nav-identity")).to_be_visible()


def nav(page: Page, name: str) -> None:
    """Click a link of the top navigation bar."""
    page.locator("nav.kp-navbar").get_by_role("link", name=name, exact=True).click()


def upload(page: Page, case_url: str, kind_label: str, file: Path) -> None:
    """On the case page: 上传材料 → choose the kind, the file → 上传 → back on the case page."""
    page.get_by_test_id("case-actions").get_by_role("link", name="上传材料").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/attachments$"))
    page.select_option("#kind", label=kind_label)
    page.set_input_files("#file", str(file))
    page.locator("#upload-form").get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(rf".*{case_url}(#attachments)?$"))
    expect(page.locator(".alert-success")).to_contain_text(f"已上传：{kind_label}")


def act(page: Page, event: str, **fields: str) -> None:
    """Open an action's form on the case page, fill its fields (name → value) and confirm it; returns on the
    case page the service redirected to, with its 「已办理：…」 message."""
    page.wait_for_load_state()  # Bootstrap's collapse is wired up once the page has loaded
    action = page.locator(f'[data-action="{event}"][data-allowed="yes"]')
    action.get_by_role("button").first.click()  # unfolds the form
    expect(action.locator(f"#form-{event}")).to_have_class(re.compile(r"\bshow\b"))
    for name, value in fields.items():
        action.locator(f'[name="{event}-{name}"]').fill(value)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/events/{event}")):
        action.get_by_test_id(f"confirm-{event}").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"已办理：{EVENT_LABELS[event]}。")
    page.wait_for_load_state()


def state(page: Page) -> str:
    return page.get_by_test_id("case-state").locator("[data-state]").get_attribute("data-state") or ""


def test_a_county_direct_second_level_evaluation_goes_from_application_to_certificate_in_the_browser(
    page: Page, tmp_path: Path, demo_clock_restored: None
) -> None:
    page.emulate_media(reduced_motion="reduce")  # no collapse animation to race against
    files = {}
    for kind, name in (
        ("application_form", "申报审批表.pdf"),
        ("self_check_sheet", "自查评分表.pdf"),
        ("acceptance_report", "验收申请报告.pdf"),
        ("integrity_notice", "廉政告知书.pdf"),
    ):
        files[kind] = tmp_path / name
        files[kind].write_bytes(b"%PDF-1.4\n% " + kind.encode() + b"\n%%EOF\n")

    # --- 1. 申报: the unit opens its case, confirming the six preconditions (ARC-5.1–5.6), and applies -------
    login_as(page, UNIT)
    nav(page, "本单位申报")
    expect(page.get_by_test_id("grade-status")).to_have_attribute("data-grade-state", "ungraded")
    page.locator('[data-option="second-evaluation"]').get_by_role("link", name="申报").click()
    page.wait_for_url("**/unit/cases/new*")
    expect(page.locator("#level")).to_have_value("second")
    expect(page.locator("#kind")).to_have_value("evaluation")
    for n in range(1, 7):
        page.check(f"#pre_ARC_5_{n}")
    page.get_by_role("button", name="创建申报草稿").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = "/cases/" + page.url.rsplit("/", 1)[1]
    case_id = int(case_url.rsplit("/", 1)[1])
    assert state(page) == "draft"
    upload(page, case_url, "申报审批表", files["application_form"])
    act(page, "apply")
    assert state(page) == "applied"
    shot(page, "walk-01-applied")

    # --- county staff issue the year's plan from the worklist, as a batch (ARC-10.1.3) ---------------------
    login_as(page, STAFF)
    nav(page, "待办案件")
    row = page.get_by_test_id("worklist").locator(f'tr[data-case-id="{case_id}"]')
    expect(row).to_contain_text("夷陵区财政局")
    row.locator('input[name="case_ids"]').check()
    page.get_by_test_id("batch-actions").locator('[data-batch="plan"]').click()
    confirm = page.get_by_test_id("batch-confirm")
    expect(confirm.locator(f"#case-{case_id}")).to_be_checked()
    shot(page, "walk-02-plan-confirm")
    confirm.get_by_role("button", name="确认下达年度考评计划").click()
    expect(page.locator(".alert-success")).to_contain_text("已办理 1 个案件")
    page.goto(case_url)
    assert state(page) == "planned"
    shot(page, "walk-03-planned")

    # --- the unit uploads its materials and requests acceptance (ARC-10.1.4) --------------------------------
    login_as(page, UNIT)
    page.goto(case_url)
    upload(page, case_url, "自查评分表", files["self_check_sheet"])
    upload(page, case_url, "验收申请报告", files["acceptance_report"])
    upload(page, case_url, "廉政告知书", files["integrity_notice"])
    attachments = page.get_by_test_id("case-attachments")
    for kind in files:
        expect(attachments.locator(f'[data-attachment="{kind}"]')).to_have_count(1)
    act(page, "request_acceptance")
    assert state(page) == "acceptance_requested"
    shot(page, "walk-04-acceptance-requested")

    # --- 2. 预检: county staff pre-check and pass it with an opinion, publishing the notice (ARC-10.2, 10.3.1) -
    login_as(page, STAFF)
    page.goto(case_url)
    act(page, "start_precheck")
    assert state(page) == "prechecking"
    act(page, "pass_precheck", opinion="档案工作基础扎实，申报材料齐全，同意公示。")
    assert state(page) == "in_notice"
    expect(page.get_by_test_id("case-facts")).to_contain_text("同意公示")
    expect(page.get_by_test_id("notice-facts")).to_contain_text("2027-01-05")
    # --- blocked: 「结束公示」 is shown disabled, quoting the 7-day rule (ARC-10.3.2) ---------------------------
    close = page.locator('[data-action="close_notice"]')
    expect(close).to_have_attribute("data-allowed", "no")
    expect(close.get_by_role("button", name="结束公示")).to_be_disabled()
    expect(page.get_by_test_id("blocked-close_notice")).to_contain_text("公示时间不少于7天")
    expect(page.get_by_test_id("blocked-close_notice")).to_contain_text("ARC-10.3.2")
    shot(page, "walk-05-notice-close-blocked")

    # --- 3. 公示: the public sees the notice without logging in -----------------------------------------------
    logout(page)
    nav(page, "考评公示")
    notice = page.get_by_test_id("notice-list").locator(f'tr[data-case-id="{case_id}"]')
    expect(notice).to_contain_text("夷陵区财政局")
    expect(notice).to_contain_text("省二级")
    expect(notice).to_contain_text("夷陵区档案局")
    expect(notice).to_contain_text("2027-01-05 至 2027-01-11")
    shot(page, "walk-06-public-notice")

    # --- the city bureau reads the case (ARC-9.6) but has no action on it, and a forged POST is refused ---------
    login_as(page, CITY)
    response = page.goto(case_url)
    assert response is not None and response.status == 200
    actions = page.get_by_test_id("case-actions")
    expect(page.get_by_test_id("read-only-reason")).to_contain_text("不能代为办理（ARC-9.6）")
    expect(actions.locator("[data-action]")).to_have_count(0)
    # its one button is its own right: recording a spot check (ARC-9.6)
    expect(actions.get_by_role("button")).to_have_text(["记录抽查（ARC-9.6）"])
    expect(actions.get_by_role("link", name="上传材料")).to_have_count(0)
    expect(actions.get_by_role("link", name="组建评审组")).to_have_count(0)
    shot(page, "walk-07-city-read-only")
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    forged = page.request.post(
        f"{case_url}/events/close_notice",
        form={"csrf_token": token or "", "close_notice-comment": "代为办理"},
    )
    assert forged.status == 403
    page.goto(case_url)
    assert state(page) == "in_notice"

    # --- the 7 days pass: the admin moves the demo clock (「演示日期」) --------------------------------------
    login_as(page, "admin")
    nav(page, "演示日期")
    page.fill("#advance-days", str(DAYS_TO_WAIT))
    page.get_by_role("button", name="前进").click()
    expect(page.get_by_test_id("clock-today")).to_have_text(APPROVED_ON)
    shot(page, "walk-08-demo-clock")

    # --- county staff close the notice and form a panel of three (ARC-10.4.4) ---------------------------------
    login_as(page, STAFF)
    page.goto(case_url)
    act(page, "close_notice")
    assert state(page) == "in_review"
    page.get_by_test_id("case-actions").get_by_role("link", name="组建评审组").click()
    form = page.get_by_test_id("panel-form")
    for reviewer in PANEL:
        form.locator(f"#r-{reviewer}").check()
    form.locator(f'tr[data-username="{LEAD}"] input[name="lead"]').check()
    form.get_by_role("button", name="保存评审组").click()
    expect(page.locator(".alert-success")).to_contain_text("已组成评审组（3人）")
    expect(page.get_by_test_id("current-panel")).to_contain_text("组长")
    shot(page, "walk-09-panel")

    # --- 4. 评审: the lead reviewer concludes with a passing total (ARC-10.4.5, ARC-7.2: 省二级 ≥ 80) -------------
    login_as(page, LEAD)
    nav(page, "评审任务")
    page.get_by_test_id("review-cases").locator(f'tr[data-case-id="{case_id}"]').get_by_role(
        "link", name="评审"
    ).click()
    page.wait_for_url(f"**{case_url}")
    act(page, "conclude_review", total_score="86.5")
    assert state(page) == "awaiting_approval"
    expect(page.get_by_test_id("review-result")).to_contain_text("86.5")
    shot(page, "walk-10-reviewed")

    # --- 5. 审批: the county head approves on the five basis documents (ARC-10.5.1, ARC-10.5.2) ----------------
    login_as(page, HEAD)
    page.goto(case_url)
    basis = page.get_by_test_id("basis-documents")
    expect(basis.locator('[data-present="yes"]')).to_have_count(5)
    act(page, "approve", comment="同意授予省二级。")
    assert state(page) == "approved"
    expect(page.get_by_test_id("case-state")).to_have_text("已批准")
    expect(page.get_by_test_id("certificate-no")).not_to_have_text("—")
    shot(page, "walk-11-approved")
    documents = page.get_by_test_id("case-documents")
    for label in ("下载确认函（PDF）", "下载证书（PDF）"):
        with page.expect_download() as info:
            documents.get_by_role("link", name=label).click()
        download = info.value
        assert download.suggested_filename.endswith(f"-{case_id}.pdf")
        assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # --- the unit's dashboard shows its new grade, valid three years (ARC-10.5.6, GAP-3) -----------------------
    login_as(page, UNIT)
    nav(page, "本单位申报")
    status = page.get_by_test_id("grade-status")
    expect(status).to_have_attribute("data-grade-state", "graded")
    expect(status).to_contain_text("省二级")
    expect(page.get_by_test_id("grade-validity")).to_have_text(f"{APPROVED_ON} 至 {VALID_TO}")
    expect(page.get_by_test_id("unit-cases").locator(f'tr[data-case-id="{case_id}"]')).to_contain_text(
        "已批准"
    )
    shot(page, "walk-12-unit-graded")
