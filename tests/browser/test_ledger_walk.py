"""A quarter's information work scored and published, in a real browser: the office's adoptions of 2026-Q4 (one
of them made in the browser, dated before the 28th cut-off, ZG-6.6), the unit's dashboard, the office's ranking
(ZG-5.2), closing the quarter, the bulletin published with its .xlsx and PDF, and the unit reading it."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, open_page
from tests.browser.helpers import login, shot
from tests.factories import TEST_PASSWORD
from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World, world  # noqa: F401 - the fixture
from tests.webapp.articles.issue_world import adopted
from webapp.articles.models import Article, LedgerPeriod
from webapp.articles.services import articles, instructions
from webapp.core.extensions import db

pytestmark = pytest.mark.browser


def _quarter(w: World) -> int:
    """2026-Q4 as the office recorded it: unit 甲 twice (one with a provincial leader's instruction, ZG-4.5), unit
    乙 once; and one more article of 乙 received and waiting to be adopted in the browser."""
    first = adopted(w, "甲县推行组工干部下沉一线", day=date(2026, 10, 20))
    adopted(w, "甲县年轻干部递进培养", day=date(2026, 11, 18))
    instructions.record(
        w.editor, first.article_id, leader="某省领导", level="provincial", text="经验很好，请总结推广。",
        instructed_on=date(2026, 11, 2), today=date(2026, 11, 2),
    )  # fmt: skip
    adopted(w, "乙区党员教育新探索", officer=w.officer_b, signer=w.signer_b, day=date(2026, 11, 25))
    waiting = steps.submitted(w, "乙区基层党建观察点", unit="b", day=date(2026, 12, 15))

    articles.fire(w.editor, waiting, "receive", today=date(2026, 12, 16))
    return waiting


def _fits_a_phone(page: Page, paths: list[str]) -> None:
    """The closed and published period's pages at 390 px: nothing scrolls sideways (tables scroll in their card)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        for path in paths:
            assert page.goto(path).status == 200, path  # type: ignore[union-attr]
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (
                path,
                width,
                shot(page, "ledger-phone-" + path.strip("/").replace("/", "-")),
            )
    finally:
        page.set_viewport_size(size)  # type: ignore[arg-type]


def _switch(page: Page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, TEST_PASSWORD)


def test_an_office_closes_a_quarter_and_publishes_its_bulletin_which_the_unit_then_reads(
    world: World,  # noqa: F811
    app,  # noqa: ANN001
    browser,  # noqa: ANN001
) -> None:
    waiting = _quarter(world)
    server = LiveServer(app).start()
    page: Page = open_page(browser, server, timeout_ms=15_000)
    try:
        # --- the editor adopts the waiting article into the office's publication, dated 20 December -----------
        login(page, world.editor.username, TEST_PASSWORD)
        page.goto(f"/office/articles/{waiting}/triage")
        radio = page.locator("#triage-form input[data-action=adopt]")
        page.locator(f'#triage-form label[for="{radio.get_attribute("id")}"]').click()
        page.select_option("#t-class_code", "ref")
        page.select_option("#t-form_code", "single")
        page.fill("#t-adopted_on", "2026-12-20")
        page.locator("#triage-submit").click()
        expect(page.locator(".alert-success").first).to_contain_text("已采用")
        db.session.expire_all()
        assert db.session.get(Article, waiting).state == "adopted"  # type: ignore[union-attr]

        # --- the unit sees its quarter: points, quota, rank (ZG-2.2, ZG-6.6) ---------------------------------
        _switch(page, world.officer_a.username)
        page.goto("/ledger/mine?period=2026-Q4")
        expect(page.locator("body")).to_contain_text("甲县委组织部")
        expect(page.locator("body")).to_contain_text("28日")
        shot(page, "ledger-walk-01-unit-dashboard")

        # --- the head reads the ranking and closes the quarter ----------------------------------------------
        _switch(page, world.head.username)
        page.goto("/")
        page.get_by_role("link", name="信息计分").first.click()
        page.goto("/ledger/?period=2026-Q4")
        ranking = page.get_by_test_id("ranking").first
        expect(ranking).to_contain_text("甲县委组织部")
        expect(ranking).to_contain_text("乙区委组织部")
        # 甲: 6 + 6 (经验类单条, ZG-4.3) + 20 (省领导批示, ZG-4.5); 乙: 6 + 10 (参阅类单条) — both short of the quota
        unit_a = page.locator("[data-testid=unit-lines][data-unit=甲县委组织部]")
        unit_a.locator("summary").click()
        expect(unit_a).to_contain_text("ZG-4.5")
        expect(page.get_by_test_id("chart-units")).to_be_visible()
        shot(page, "ledger-walk-02-office-results")
        page.get_by_test_id("close-period").locator("summary").click()
        page.get_by_test_id("close-period").locator("input[type=checkbox]").check()
        page.get_by_test_id("close-button").click()
        expect(page.get_by_test_id("closed-note")).to_be_visible()

        # --- the head publishes the bulletin ---------------------------------------------------------------
        page.get_by_test_id("publish-link").click()
        page.fill("#bulletin_number", "宜组信通〔2027〕1号")
        page.get_by_role("button", name="发布通报").click()
        expect(page.get_by_test_id("bulletin-state")).to_have_text("已发布")
        expect(page.get_by_test_id("bulletin-number")).to_have_text("宜组信通〔2027〕1号")
        expect(page.get_by_test_id("bulletin-table").first).to_contain_text("甲县委组织部")
        shot(page, "ledger-walk-03-bulletin")
        with page.expect_download() as download:
            page.get_by_test_id("download-xlsx").click()
        workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        ranking_sheet = " ".join(
            str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value
        )
        assert "甲县委组织部" in ranking_sheet and "乙区委组织部" in ranking_sheet
        with page.expect_download() as download:
            page.get_by_test_id("download-pdf").click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
        db.session.expire_all()
        record = db.session.scalars(db.select(LedgerPeriod)).one()
        assert (record.period, record.state) == ("2026-Q4", "published")

        _fits_a_phone(page, ["/ledger/2026-Q4/bulletin", "/ledger/2026-Q4/recompute", "/ledger/history"])

        # --- the unit reads the published bulletin ---------------------------------------------------------
        _switch(page, world.officer_b.username)
        page.goto("/ledger/mine?period=2026-Q4")
        page.get_by_test_id("bulletin-link").click()
        expect(page.get_by_test_id("bulletin-title")).to_contain_text(re.compile("通报"))
        expect(page.get_by_test_id("bulletin-table").first).to_contain_text("乙区委组织部")
        _fits_a_phone(
            page, [f"/ledger/2026-Q4/bulletin?office={world.office.id}", "/ledger/mine?period=2026-Q4"]
        )
    finally:
        page.context.close()
        server.stop()
