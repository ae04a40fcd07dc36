"""Keyboard triage in a real browser (webapp/static/js/triage.js): A picks 采用 with the office's own publication
preselected, Ctrl+Enter submits and the next article of the queue opens; T puts the cursor in the reason; K goes
back. The server does the rest (the same form works without the script)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LiveServer, open_page
from tests.browser.helpers import login, shot
from tests.factories import TEST_PASSWORD
from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World, world  # noqa: F401 - the fixture
from webapp.articles.models import Article
from webapp.core.extensions import db

pytestmark = pytest.mark.browser


def test_an_editor_triages_the_queue_with_the_keyboard(world: World, app, browser) -> None:  # noqa: ANN001, F811
    first = steps.submitted(world, "甲县推行组工干部下沉一线")
    second = steps.submitted(world, "乙区年轻干部递进培养", unit="b")
    server = LiveServer(app).start()
    page = open_page(browser, server)
    try:
        login(page, world.editor.username, TEST_PASSWORD)
        page.goto("/office/articles")
        page.click("[data-testid=start-triage]")
        page.wait_for_url(f"**/office/articles/{first}/triage")
        page.keyboard.press("a")
        assert page.is_checked("input[data-action=adopt]")
        assert page.is_hidden("fieldset[data-for='return decline']")  # only the adoption's fields
        page.select_option("#t-class_code", "exp")
        page.select_option("#t-form_code", "single")
        page.keyboard.press("Control+Enter")
        page.wait_for_url(f"**/office/articles/{second}/triage")
        shot(page, "office-triage-next")
        page.keyboard.press("t")
        assert page.evaluate("document.activeElement.id") == "t-reason"
        page.keyboard.type("请补充具体数据和出处")
        page.keyboard.press("Control+Enter")
        page.wait_for_url("**/office/articles")  # the queue is empty: back to the list
        assert page.is_visible("[data-testid=intake-empty]")
        db.session.expire_all()
        assert db.session.get(Article, first).state == "adopted"  # type: ignore[union-attr]
        assert db.session.get(Article, second).state == "returned"  # type: ignore[union-attr]
        page.goto(f"/office/articles/{first}/triage")
        assert page.is_visible("[data-testid=triage-done]")
    finally:
        page.context.close()
        server.stop()
