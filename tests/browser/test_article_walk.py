"""The article procedure in a real browser, on the article demo (宜昌市委组织部办公室 and its units): 夷陵区委组织部's
information officer writes an article and sends it to the leader, who signs it off (ZG-6.1); the office's editor
returns it from the triage screen with a reason (PUB-2.4); the officer reads the reason, revises the text and
resubmits with an answer (ZG-6.1); the leader signs it off again; the editor adopts it into 《宜昌组工信息》 from the
triage screen (INF-2.0); the editor opens a new issue and puts the item in it, the head locks it, and the issue's PDF
downloads with the article's title in it. The article page's timeline then shows every step with its rule.

Only links, buttons and forms, as the users would; the server checks everything. Screenshots:
tests/browser/artifacts/article-walk-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, demo_served, open_page
from tests.browser.helpers import login, shot
from tests.webapp.documents.conftest import inflate, read_pdf
from workflow.articles import EVENT_LABELS

pytestmark = pytest.mark.browser

OFFICER = "yl-officer"
SIGNER = "yl-signer"
EDITOR = "zg-editor"
HEAD = "zg-head"
PUBLICATION = "《宜昌组工信息》"
TITLE = "夷陵区推行“组工干部包村联户”机制"
BODY = "夷陵区委组织部组织全区组工干部包村联户。\n每名干部联系一个村、十户群众，每月走访不少于两次。"
REVISED = BODY + "\n今年以来共走访群众3200余户，收集意见建议410条，办结率97%。"
RETURN_REASON = "请补充走访的具体数据和成效。"
ANSWER = "已补充全年走访户数、意见建议数量和办结率。"


@pytest.fixture(scope="module")
def article_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_served(
        tmp_path_factory.mktemp("article-walk"), WTF_CSRF_ENABLED=True, DEMO_ARTICLES=True
    ) as server:
        yield server


@pytest.fixture
def page(browser, article_server: LiveServer) -> Iterator[Page]:  # noqa: ANN001
    page = open_page(browser, article_server)
    page.emulate_media(reduced_motion="reduce")  # no collapse animation to race against
    yield page
    page.context.close()


def login_as(page: Page, username: str) -> None:
    if page.get_by_role("button", name="退出登录").count():
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url("**/auth/login")
    login(page, username)
    expect(page.get_by_test_id("nav-identity")).to_be_visible()


def state(page: Page) -> str:
    return page.get_by_test_id("article-state").locator("[data-state]").get_attribute("data-state") or ""


def act(page: Page, event: str, **fields: str) -> None:
    """On the article page: the action's button (unfolding its form when it has inputs), its fields, confirm."""
    page.wait_for_load_state()
    action = page.locator(f'[data-action="{event}"][data-allowed="yes"]')
    if fields:
        action.get_by_role("button").first.click()
        expect(action.locator(f"#form-{event}")).to_have_class(re.compile(r"\bshow\b"))
        for name, value in fields.items():
            action.locator(f'[name="{event}-{name}"]').fill(value)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/events/{event}")):
        action.get_by_test_id(f"confirm-{event}").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"已办理：{EVENT_LABELS[event]}。")


def sign_off_from_the_queue(page: Page, article_id: int) -> None:
    login_as(page, SIGNER)
    page.goto("/articles/signoff")
    row = page.get_by_test_id("signoff-queue").locator(f'tr[data-article-id="{article_id}"]')
    expect(row).to_contain_text(TITLE)
    row.get_by_role("link", name="审阅").click()
    page.wait_for_url(re.compile(rf".*/articles/{article_id}(#actions)?$"))
    act(page, "sign_off")
    assert state(page) == "submitted"


def open_triage(page: Page, article_id: int) -> None:
    login_as(page, EDITOR)
    page.goto("/office/articles")
    row = page.get_by_test_id("intake-list").locator(f'tr[data-article-id="{article_id}"]')
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("夷陵区委组织部")
    row.get_by_role("link", name="分拣").click()
    page.wait_for_url(f"**/office/articles/{article_id}/triage")
    expect(page.get_by_test_id("triage-article")).to_contain_text(TITLE)


def choose(page: Page, action: str) -> None:
    """On the triage screen: click the label of an action's toggle button (the radio itself is hidden)."""
    radio = page.locator(f"#triage-form input[data-action={action}]")
    page.locator(f'#triage-form label[for="{radio.get_attribute("id")}"]').click()
    expect(radio).to_be_checked()


def test_an_article_goes_from_draft_through_a_return_to_a_locked_issue_and_its_pdf(page: Page) -> None:
    # --- the officer writes a draft and sends it to the leader (ZG-6.1) ----------------------------------------
    login_as(page, OFFICER)
    page.goto("/articles/")
    page.get_by_role("link", name="撰写稿件").first.click()
    page.wait_for_url("**/articles/new")
    page.fill("#title", TITLE)
    page.fill("#body", BODY)
    page.get_by_test_id("new-article-form").get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    article_id = int(page.url.rsplit("/", 1)[1])
    article_url = f"/articles/{article_id}"
    expect(page.get_by_test_id("article-title")).to_have_text(TITLE)
    assert state(page) == "draft"
    act(page, "submit")
    assert state(page) == "awaiting_signoff"
    shot(page, "article-walk-01-sent-to-leader")

    # --- the leader signs it off from the sign-off queue -------------------------------------------------------
    sign_off_from_the_queue(page, article_id)
    expect(page.get_by_test_id("article-facts")).to_contain_text("周建华")

    # --- the editor returns it from the triage screen with a reason (PUB-2.4) ----------------------------------
    open_triage(page, article_id)
    choose(page, "return")
    page.fill("#t-reason", RETURN_REASON)
    page.locator("#triage-submit").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"已退回修改：{TITLE}")
    shot(page, "article-walk-02-returned")

    # --- the officer sees the reason, revises the text and resubmits with an answer -----------------------------
    login_as(page, OFFICER)
    page.goto("/articles/returns")
    expect(page.locator("main")).to_contain_text(RETURN_REASON)
    page.goto(article_url)
    assert state(page) == "returned"
    returned = page.get_by_test_id("article-returns").locator('[data-return-side="office"]')
    expect(returned).to_contain_text(RETURN_REASON)
    expect(returned).to_have_attribute("data-answered", "no")
    page.get_by_test_id("edit-link").click()
    page.wait_for_url(f"**{article_url}/edit")
    page.fill("#body", REVISED)
    page.fill("#note", "补充走访数据")
    page.get_by_test_id("edit-article-form").get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{article_url}")
    expect(page.get_by_test_id("article-revisions").locator("[data-revision]")).to_have_count(2)
    act(page, "resubmit", answer=ANSWER)
    assert state(page) == "awaiting_signoff"
    expect(page.get_by_test_id("article-returns").locator('[data-return-side="office"]')).to_have_attribute(
        "data-answered", "yes"
    )
    # the two revisions side by side, the added sentence highlighted
    page.get_by_test_id("compare-form").get_by_role("button", name="对照查看").click()
    page.wait_for_url(re.compile(rf".*{article_url}/compare\?.*"))
    expect(page.locator("ins.kp-diff-ins").first).to_contain_text("3200")
    shot(page, "article-walk-03-compare")

    # --- the leader signs it off again; the editor adopts it into the office's own publication -----------------
    sign_off_from_the_queue(page, article_id)
    open_triage(page, article_id)
    expect(page.get_by_test_id("triage-article")).to_contain_text("3200")
    choose(page, "adopt")
    page.select_option("#t-publication_id", label=PUBLICATION)
    page.select_option("#t-class_code", index=1)
    page.select_option("#t-form_code", index=1)
    page.locator("#triage-submit").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"已采用：{TITLE}")
    page.goto(article_url)
    assert state(page) == "adopted"
    shot(page, "article-walk-04-adopted")

    # --- the editor opens a new issue and puts the item in it; the head locks it ---------------------------------
    page.goto("/office/publishing/")
    page.locator("[data-publication]", has_text=PUBLICATION).get_by_role("link", name="查看各期").click()
    page.wait_for_url(re.compile(r".*/office/publishing/publications/\d+/issues$"))
    page.get_by_role("button", name="新建").click()
    page.wait_for_url(re.compile(r".*/office/publishing/issues/\d+$"))
    issue_url = "/office/publishing/issues/" + page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("issue-number")).to_have_text(re.compile(r"^\d{4}年第\d+期，总第\d+期$"))
    page.locator("label", has_text=TITLE).click()
    page.get_by_role("button", name="编入本期").click()
    expect(page.get_by_test_id("issue-items")).to_contain_text(TITLE)
    expect(page.get_by_test_id("issue-items")).to_contain_text("夷陵区委组织部")

    login_as(page, HEAD)
    page.goto(issue_url)
    page.get_by_role("button", name="定稿").click()
    expect(page.get_by_test_id("issue-state")).to_have_text("已定稿")
    expect(page.get_by_test_id("locked-note")).to_be_visible()
    shot(page, "article-walk-05-locked")

    # --- the issue's PDF downloads, with the article's title in its text -----------------------------------------
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^下载 PDF")).click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = read_pdf(inflate(pdf)).text
    assert TITLE in text and "夷陵区委组织部" in text and PUBLICATION.strip("《》") in text

    # --- the timeline on the article page: every step, each with its rule ----------------------------------------
    page.goto(article_url)
    timeline = page.get_by_test_id("article-timeline")
    events = timeline.locator("tr[data-event]").evaluate_all("rows => rows.map(r => r.dataset.event)")
    steps = ["submit", "sign_off", "office_return", "resubmit", "sign_off", "receive", "adopt"]
    assert [event for event in events if event in set(steps)] == steps, events
    for event, rule in (
        ("submit", "ZG-6.1"),
        ("sign_off", "ZG-6.1"),
        ("office_return", "PUB-2.4"),
        ("resubmit", "ZG-6.1"),
        ("receive", "PUB-5.3"),
        ("adopt", "INF-2.0"),
    ):
        cell = timeline.locator(f'tr[data-event="{event}"]').first.locator(".kp-rule")
        expect(cell).to_have_attribute("data-rule", rule)
        expect(cell).to_contain_text("依据")
    expect(timeline.locator('tr[data-event="office_return"]')).to_contain_text(RETURN_REASON)
    expect(timeline.locator('tr[data-event="resubmit"]')).to_contain_text(ANSWER)
    expect(page.get_by_test_id("chain-ok")).to_be_visible()
    shot(page, "article-walk-06-timeline")
