"""The navigation bar at desktop widths: no link or button broken inside a word (「修改密/码」, 「工作/台」 for an
office's editor at 1280 px), nothing wider than the window; below 1200 px it opens from its button."""

from collections.abc import Iterator

import pytest

from tests.browser.conftest import LiveServer, open_page
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

#: the roles with the most links, or the longest organisation names, in the bar
CROWDED = ("zg-editor", "admin", "prov-staff", "tj-staff")


@pytest.fixture
def page(browser, every_procedure_server: LiveServer) -> Iterator[object]:  # noqa: ANN001
    """On the demo with the articles' offices and the campaigns: their people have the longest bars."""
    page = open_page(browser, every_procedure_server)
    yield page
    page.context.close()


@pytest.mark.parametrize("width", [1200, 1280, 1440])
@pytest.mark.parametrize("username", CROWDED)
def test_no_link_or_button_of_the_bar_wraps_and_the_page_is_no_wider_than_the_window(page, username, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, username)
    page.wait_for_url("**/")
    items = page.locator(".kp-navbar .nav-link, .kp-navbar .btn")
    assert items.count() >= 3
    for item in items.all():
        box = item.bounding_box()
        line = item.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert box is not None and box["height"] < 1.8 * line + 16, (item.inner_text(), box, line)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_below_1200_px_the_bar_opens_from_its_button(page):
    page.set_viewport_size({"width": 1100, "height": 900})
    login(page, "zg-editor")
    page.wait_for_url("**/")
    toggler = page.locator(".kp-navbar .navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    page.get_by_role("button", name="退出登录").wait_for(state="visible")
