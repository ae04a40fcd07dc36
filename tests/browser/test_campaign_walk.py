"""A quarter's campaign from opening to the published bulletin, in a real browser (issue 11): the city statistics
bureau's staff open a 2026-Q4 campaign on the 2017 statistics table (sta-2017, assessed quarterly), are refused
while the team has no lead (SAF-3.2) and for deadlines out of order (STA-4.2), open it; a unit finds it on its
worklist and uploads a material dated in the quarter; the sheets are handed in through the score-sheet services;
the office moderates (4 优秀 refused quoting STA-4.1, then 2 优秀 and 3 良好), the head approves (ORG-PR.8), the
office publishes the bulletin (page, .xlsx, PDF) and the unit reads its own result and the ranking. Every page of
the walk is checked at 390 px."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, open_page
from tests.browser.helpers import login, shot
from tests.factories import TEST_PASSWORD, make_bureau, make_organ, make_user
from webapp.campaigns.models import Campaign
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.scoring.models import SheetKind, SubjectRef
from webapp.scoring.services.schemes import get_scheme, register_shipped_schemes
from webapp.scoring.services.scoresheets import operations as sheets
from workflow.scoring.scheme import Scheme

pytestmark = pytest.mark.browser

UNITS = ["铜山区统计局", "丰县统计局", "沛县统计局", "睢宁县统计局", "新沂市统计局", "邳州市统计局"]
#: points the lead's agreed sheet takes off each unit (in the order above): six distinct totals, 丰县 first
AGREED_LOSS = [6, 2, 10, 4, 12, 8]
PHONE = {"width": 390, "height": 844}


@dataclass
class World:
    unit_orgs: list[int]
    unit_users: list[str]
    assessors: list[int]


def _world(app: Flask) -> World:
    with app.app_context():
        register_shipped_schemes()
        office = make_bureau(name="徐州市统计局")
        orgs = [make_organ(office, name=name) for name in UNITS]
        make_user(office, Role.CAMPAIGN_STAFF, username="tj-staff", display_name="王经办")
        make_user(office, Role.CAMPAIGN_HEAD, username="tj-head", display_name="李局长")
        assessors = [
            make_user(office, Role.ASSESSOR, username=f"tj-team{i + 1}", display_name=name)
            for i, name in enumerate(["赵组长", "钱组员"])
        ]
        users = [make_user(org, Role.CAMPAIGN_UNIT, username=f"tj-unit{i + 1}") for i, org in enumerate(orgs)]
        world = World([o.id for o in orgs], [u.username for u in users], [a.id for a in assessors])
        db.session.commit()
        return world


def _leaves(scheme: Scheme) -> list[Any]:
    """The items a person scores directly (as webapp/campaigns/demo.py reads the table)."""
    return [
        leaf
        for section in scheme.sections
        for item in section.items
        for leaf in item.parts or (item,)
        if leaf.kind not in ("veto", "claims") and not leaf.bonus
    ]


def _entries(scheme: Scheme, loss: float, reason: str) -> dict[str, Any]:
    """A sheet losing ``loss`` points, taken from the largest items down in steps of 0.5."""
    left = Decimal(str(loss))
    entries: dict[str, Any] = {}
    for leaf in sorted(_leaves(scheme), key=lambda i: i.max, reverse=True):
        take = min(left, (leaf.max / 2).quantize(Decimal("0.5"), ROUND_HALF_UP))
        entries[leaf.id] = {"awarded": str(leaf.max - take)} | ({"reason": reason} if take > 0 else {})
        left -= take
    return entries


def _fill(username: str, unit_id: int, kind: str, entries: dict[str, Any]) -> None:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    assert user is not None
    sheet, _ = sheets.start_sheet(user, SubjectRef(SHEET_SUBJECT, unit_id), kind)
    sheets.save_sheet(user, sheet.id, sheets.JsonInput(entries), submit=True)


def _self_assess(app: Flask, world: World) -> None:
    with app.app_context():
        campaign = db.session.scalars(sa.select(Campaign)).one()
        by_org = {unit.organisation_id: unit.id for unit in campaign.units}
        scheme = get_scheme(campaign.scheme_id, campaign.scheme_version)
        for org, username, loss in zip(world.unit_orgs, world.unit_users, AGREED_LOSS, strict=True):
            _fill(username, by_org[org], SheetKind.SELF, _entries(scheme, max(loss - 1, 0), "自评：材料不全"))


def _assess(app: Flask, world: World) -> None:
    """Each member scores every unit (the second half a point apart), then the lead's agreed sheets."""
    with app.app_context():
        campaign = db.session.scalars(sa.select(Campaign)).one()
        by_org = {unit.organisation_id: unit.id for unit in campaign.units}
        scheme = get_scheme(campaign.scheme_id, campaign.scheme_version)
        for org, loss in zip(world.unit_orgs, AGREED_LOSS, strict=True):
            _fill("tj-team1", by_org[org], SheetKind.REVIEWER, _entries(scheme, loss, "现场核查：材料不全"))
            _fill(
                "tj-team2",
                by_org[org],
                SheetKind.REVIEWER,
                _entries(scheme, loss + 0.5, "现场核查：材料不全"),
            )
            _fill("tj-team1", by_org[org], SheetKind.AGREED, _entries(scheme, loss, "考评组合议：材料不全"))


def _state(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(sa.select(Campaign.state)).one()


def _switch(page: Page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, TEST_PASSWORD)
    page.wait_for_url("**/")


def _fits_a_phone(page: Page, paths: list[str], name: str) -> None:
    """Each page at 390 px: nothing scrolls sideways (wide tables scroll inside their card)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        for path in paths:
            assert page.goto(path).status == 200, path  # type: ignore[union-attr]
            width = page.evaluate("document.documentElement.scrollWidth")
            slug = path.strip("/").replace("/", "-").replace("?", "-") or "home"
            assert width <= PHONE["width"], (path, width, shot(page, f"campaign-phone-{name}-{slug}"))
    finally:
        page.set_viewport_size(size)  # type: ignore[arg-type]


def _fire(page: Page, event: str) -> None:
    page.locator(f"button[data-event={event}]").click()
    expect(page.locator(".alert-success").first).to_be_visible()


def test_an_office_runs_a_quarter_s_campaign_from_opening_to_the_published_bulletin_which_units_then_read(
    app: Flask,
    browser,  # noqa: ANN001
) -> None:
    world = _world(app)
    server = LiveServer(app).start()
    page: Page = open_page(browser, server, timeout_ms=15_000)
    try:
        # --- the staff member opens a draft: the 2017 statistics table, assessed quarterly, 2026-Q4 -------------
        _switch(page, "tj-staff")
        page.goto("/campaigns/")
        page.get_by_test_id("new-campaign").click()
        page.select_option("#preset", "sta-2017")
        page.select_option("#period_kind", "quarter")
        page.fill("#period_start", "2026-11-15")
        page.get_by_role("button", name="建立").click()
        expect(page.locator(".alert-success").first).to_contain_text("筹备中")
        expect(page.locator("h1")).to_contain_text("2026年第四季度")
        campaign_id = int(page.url.rstrip("/").split("/")[-2])
        _fits_a_phone(page, ["/campaigns/new", f"/campaigns/{campaign_id}/setup"], "draft")

        # the six units
        for org in world.unit_orgs:
            page.locator(f"[data-testid=units-form] input[name=unit][value='{org}']").check()
        page.get_by_role("button", name="保存被考评单位").click()
        expect(page.locator(".alert-success").first).to_contain_text("6个")

        # no team yet: opening is refused, quoting SAF-3.2
        page.goto(f"/campaigns/{campaign_id}")
        blocked = page.get_by_test_id("blocked-open")
        expect(blocked).to_contain_text("依据")
        expect(blocked).to_contain_text("SAF-3.2")
        shot(page, "campaign-walk-01-open-refused")

        # the team, with one lead
        page.goto(f"/campaigns/{campaign_id}/setup")
        for user_id in world.assessors:
            page.locator(f"[data-testid=team-form] input[name=member][value='{user_id}']").check()
        page.locator(f"[data-testid=team-form] input[name=lead][value='{world.assessors[0]}']").check()
        page.get_by_role("button", name="保存考评组").click()
        expect(page.locator(".alert-success").first).to_contain_text("考评组已保存")

        # deadlines out of order: refused quoting STA-4.2, what was typed is kept
        page.fill("#self_due", "2027-01-20")
        page.fill("#materials_due", "2027-01-10")
        page.get_by_role("button", name="保存", exact=True).click()
        error = page.get_by_test_id("error-materials_due")
        expect(error).to_contain_text("依据")
        expect(error).to_contain_text("STA-4.2")
        expect(page.locator("#self_due")).to_have_value("2027-01-20")
        _fits_a_phone(page, [f"/campaigns/{campaign_id}/setup"], "setup")
        page.goto(f"/campaigns/{campaign_id}/setup")
        for name, day in [
            ("self_due", "2027-01-10"),
            ("materials_due", "2027-01-10"),
            ("inspection_from", "2027-01-11"),
            ("inspection_to", "2027-01-15"),
            ("results_due", "2027-01-20"),
        ]:
            page.fill(f"#{name}", day)
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".alert-success").first).to_contain_text("时间安排已保存")

        # now it opens
        page.goto(f"/campaigns/{campaign_id}")
        expect(page.get_by_test_id("blocked-open")).to_have_count(0)
        _fire(page, "open")
        expect(page.get_by_test_id("campaign-state")).to_have_attribute("data-state", "self_assessment")
        shot(page, "campaign-walk-02-opened")
        _fits_a_phone(page, ["/campaigns/", f"/campaigns/{campaign_id}"], "opened")

        # --- a unit finds the campaign on its worklist and hands in a material dated in the quarter -----------
        _switch(page, world.unit_users[0])
        expect(page.locator("main, body").first).to_contain_text("自评待提交")
        page.goto("/campaigns/mine")
        mine = page.get_by_test_id("my-campaigns")
        expect(mine).to_contain_text("2026年第四季度")
        mine.get_by_role("link").first.click()
        expect(page.locator("h1")).to_contain_text(UNITS[0])
        unit_page = page.url.removeprefix(server.url)
        page.fill("#ev-title", "2026年第四季度统计报表报送情况")
        page.fill("#ev-dated", "2026-12-20")
        page.set_input_files(
            "#ev-file",
            files=[{"name": "报表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
        )
        page.get_by_role("button", name="上传材料").click()
        row = page.get_by_test_id("evidence-list").locator("tr[data-evidence]")
        expect(row).to_have_count(1)
        expect(row).to_have_attribute("data-counts", "yes")
        shot(page, "campaign-walk-03-unit-material")
        _fits_a_phone(page, ["/", "/campaigns/mine", unit_page], "unit")

        # --- the self-assessments, then the team's sheets (through the score-sheet services) ------------------
        _self_assess(app, world)
        _switch(page, "tj-staff")
        page.goto(f"/campaigns/{campaign_id}")
        _fire(page, "start_assessment")
        assert _state(app) == "assessment"
        _assess(app, world)
        _switch(page, "tj-team1")
        page.goto(f"/campaigns/team/{campaign_id}")
        expect(page.get_by_test_id("team-units").locator("tr[data-unit]")).to_have_count(6)
        _fits_a_phone(page, ["/campaigns/team/", f"/campaigns/team/{campaign_id}"], "team")

        # --- moderation: 4 优秀 refused (STA-4.1), the typed counts kept; 2 优秀 and 3 良好 stand -------------
        _switch(page, "tj-staff")
        page.goto(f"/campaigns/{campaign_id}")
        _fire(page, "start_moderation")
        page.goto(f"/campaigns/{campaign_id}/moderation")
        excellent = page.locator("input[name='count::::优秀']")
        good = page.locator("input[name='count::::良好']")
        excellent.fill("4")
        good.fill("3")
        page.get_by_role("button", name="确定名额").click()
        refusal = page.get_by_test_id("choices-error")
        expect(refusal).to_contain_text("优秀2-3名、良好3-4名 · STA-4.1")
        expect(excellent).to_have_value("4")
        expect(good).to_have_value("3")
        shot(page, "campaign-walk-04-quota-refused")
        excellent.fill("2")
        good.fill("3")
        page.get_by_role("button", name="确定名额").click()
        expect(page.locator(".alert-success").first).to_contain_text("等次名额已确定")
        grades = page.get_by_test_id("board-row").get_by_test_id("grade")
        expect(grades).to_have_text(["优秀", "优秀", "良好", "良好", "良好", "合格"])
        expect(page.get_by_test_id("board-row").first).to_contain_text(UNITS[1])
        _fits_a_phone(page, [f"/campaigns/{campaign_id}/moderation"], "moderation")
        page.goto(f"/campaigns/{campaign_id}/moderation")
        _fire(page, "submit_results")
        assert _state(app) == "approval"

        # --- the head approves (ORG-PR.8) -------------------------------------------------------------------
        _switch(page, "tj-head")
        page.goto(f"/campaigns/{campaign_id}/approval")
        _fits_a_phone(page, [f"/campaigns/{campaign_id}/approval"], "approval")
        page.goto(f"/campaigns/{campaign_id}/approval")
        _fire(page, "approve")
        assert _state(app) == "approved"

        # --- the staff word the bulletin and publish it -----------------------------------------------------
        _switch(page, "tj-staff")
        page.goto(f"/campaigns/{campaign_id}/bulletin")
        expect(page.get_by_test_id("bulletin-state")).to_have_text("未发布")
        page.fill("#bulletin_number", "徐统通〔2027〕3号")
        page.fill("#bulletin_title", "关于2026年第四季度统计基层基础工作考评结果的通报")
        page.get_by_role("button", name="保存通报内容").click()
        expect(page.locator(".alert-success").first).to_contain_text("通报内容已保存")
        _fire(page, "publish")
        assert _state(app) == "published"
        expect(page.get_by_test_id("bulletin-state")).to_have_text("已发布")
        paper = page.get_by_test_id("bulletin-paper")
        expect(paper).to_contain_text("徐统通〔2027〕3号")
        first = page.get_by_test_id("bulletin-table").locator("tbody tr").first
        expect(first).to_contain_text("1")
        expect(first).to_contain_text(UNITS[1])
        expect(first).to_contain_text("优秀")
        expect(page.get_by_test_id("bulletin-table").locator("tbody tr")).to_have_count(6)
        expect(page.get_by_test_id("bulletin-table").locator("tbody tr").last).to_contain_text(UNITS[4])
        shot(page, "campaign-walk-05-bulletin")
        with page.expect_download() as download:
            page.get_by_test_id("download-xlsx").click()
        workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        rows = [
            [c for c in row if c is not None] for row in workbook.worksheets[0].iter_rows(values_only=True)
        ]
        first_ranked = next(row for row in rows if UNITS[1] in [str(c) for c in row])
        assert "优秀" in [str(c) for c in first_ranked] and 1 in first_ranked, first_ranked
        with page.expect_download() as download:
            page.get_by_test_id("download-pdf").click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
        _fits_a_phone(page, [f"/campaigns/{campaign_id}", f"/campaigns/{campaign_id}/bulletin"], "published")

        # --- the unit reads its own result and the whole ranking --------------------------------------------
        _switch(page, world.unit_users[0])
        page.goto(unit_page)
        expect(page.get_by_test_id("deadlines")).not_to_contain_text("还剩")  # the stages are over
        own = page.get_by_test_id("own-result")
        expect(own).to_contain_text("第3名")
        expect(own).to_contain_text("良好")
        ranking = page.get_by_test_id("ranking")
        expect(ranking.locator("tbody tr")).to_have_count(6)
        expect(ranking.locator("tbody tr").first).to_contain_text(UNITS[1])
        expect(ranking.locator("tr.table-info")).to_contain_text(UNITS[0])
        shot(page, "campaign-walk-06-unit-result")
        _fits_a_phone(page, [unit_page, "/campaigns/mine"], "unit-published")
    finally:
        page.context.close()
        server.stop()
