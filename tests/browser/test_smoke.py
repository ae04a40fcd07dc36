import pytest

from tests.browser.helpers import login, shot

pytestmark = pytest.mark.browser


def test_admin_sees_the_organisation_tree_then_logs_out(page):
    page.goto("/")
    assert "/auth/login" in page.url
    shot(page, "login")
    login(page, "admin")
    page.get_by_role("link", name="单位管理").first.click()
    tree = page.get_by_test_id("organisation-tree")
    tree.wait_for()
    assert "湖北省档案局" in tree.inner_text()
    assert "夷陵区小溪塔街道办事处" in tree.inner_text()
    assert "演示日期：2027-01-05" in page.get_by_test_id("demo-date").inner_text()
    shot(page, "admin-organisations")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/auth/login")
    assert "您已安全退出" in page.content()


def test_unit_user_sees_their_organisation_on_the_home_page(page):
    login(page, "unit-county")
    page.wait_for_url("**/")
    assert page.get_by_test_id("home-organisation").inner_text() == "夷陵区财政局"
    assert "单位申报员" in page.get_by_test_id("nav-identity").inner_text()
    shot(page, "home-unit-county")
    # the admin menu is not offered, and the page itself says 403
    assert page.get_by_role("link", name="单位管理").count() == 0
    response = page.goto("/admin/organisations")
    assert response.status == 403


def test_bootstrap_is_served_locally(page):
    page.goto("/auth/login")
    hrefs = page.eval_on_selector_all("link[rel=stylesheet]", "els => els.map(e => e.href)")
    assert hrefs and all(href.startswith(page.url.split("/auth")[0]) for href in hrefs)
    assert page.evaluate("getComputedStyle(document.querySelector('.btn-primary')).display") != ""


def test_admin_user_form_keeps_typed_values_on_error(page):
    login(page, "admin")
    page.goto("/admin/users/new")
    page.fill("#username", "unit-city")
    page.fill("#display_name", "钱伟")
    page.select_option("#organisation_id", label="\u3000\u3000\u3000夷陵区财政局")
    page.fill("#password", "long-enough-1")
    assert page.locator("input[name=roles]").count() == 0  # roles are the security administrator's (三员分立)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已被使用").first.wait_for()  # the form comes back at the same address
    assert page.input_value("#username") == "unit-city"
    assert page.input_value("#display_name") == "钱伟"
    shot(page, "admin-user-form-error")
    page.goto("/admin/users?role=reviewer")
    assert page.locator("tr[data-username]").count() == 9
    shot(page, "admin-users-reviewers")
