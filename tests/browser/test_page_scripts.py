"""The pages' behaviour from static/js/kaoping.js under the Content-Security-Policy (issue 13, no inline script):
the browser reports no CSP violation on the pages that carry marks, the check-all box checks every case on the
worklist (``data-check-all``), the period select sends its form on change (``data-autosubmit``) and the
summary's 报送 asks first (``data-confirm`` on a form; 取消 sends nothing). Confirmations on buttons are clicked by
test_drafts.py (delete attachment / draft) and test_review_sheets.py (submit a sheet).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer, demo_served, open_page
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def marked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_served(
        tmp_path_factory.mktemp("page-scripts"), WTF_CSRF_ENABLED=True, DEMO_CASES=True, DEMO_ARTICLES=True
    ) as server:
        yield server


@pytest.fixture
def page(browser, marked_server: LiveServer) -> Iterator[Page]:  # noqa: ANN001
    page = open_page(browser, marked_server)
    violations: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", note)
    yield page
    page.context.close()
    assert not violations, violations  # a script or style the policy blocked: a page broken silently


def test_the_check_all_box_checks_every_case_on_the_worklist(page: Page) -> None:
    login(page, "prov-head")  # the demo case awaiting the province's batch action
    page.wait_for_url("**/")
    page.goto("/bureau/")
    boxes = page.locator('input[name="case_ids"]')
    assert boxes.count() >= 1
    everything = page.locator('input[data-check-all="case_ids"]')
    everything.check()
    for n in range(boxes.count()):
        expect(boxes.nth(n)).to_be_checked()
    everything.uncheck()
    for n in range(boxes.count()):
        expect(boxes.nth(n)).not_to_be_checked()


def test_the_summary_is_sent_only_after_confirming(page: Page) -> None:
    """ARC-10.5.3: the city bureau's 报送 locks the year's summary, so the button asks first."""
    login(page, "city-staff")
    page.wait_for_url("**/")
    page.goto("/bureau/summary")
    form = page.get_by_test_id("summary-submit")
    messages: list[str] = []

    def dismiss(dialog) -> None:  # noqa: ANN001 - a Playwright dialog
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    form.get_by_role("button", name="报送省档案局").click()
    assert messages == ["报送后汇总表将锁定，不能修改。确认报送省档案局？"]
    expect(form).to_be_visible()  # 取消: still on the page, nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="报送省档案局").click()
    expect(page.locator('.alert-success[role="alert"]')).to_contain_text("报送后不能修改")
    expect(page.get_by_test_id("summary-submit")).to_have_count(0)


def test_the_period_select_sends_its_form_on_change(page: Page) -> None:
    login(page, "yl-officer")
    page.wait_for_url("**/")
    page.goto("/articles/adoptions")
    select = page.locator("select[data-autosubmit]#period")
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    current = select.input_value()
    other = next(value for value in values if value != current)
    with page.expect_navigation():
        select.select_option(other)
    assert f"period={other}" in page.url
    expect(page.locator("#period")).to_have_value(other)
