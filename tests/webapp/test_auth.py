import pytest

from tests.factories import make_test_app
from tests.walk import user as walk_user
from webapp.core.extensions import db
from webapp.core.services import accounts


def test_login_page_is_chinese(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "用户登录" in page and "用户名" in page and "密码" in page


def test_login_with_good_credentials_goes_home(demo, client, auth):
    response = auth.login("unit-county")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "夷陵区财政局" in page and "单位申报员" in page


def test_login_with_bad_password_shows_chinese_error_and_keeps_username(demo, auth):
    response = auth.login("unit-county", "wrong-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名或密码错误" in page
    assert 'value="unit-county"' in page


def test_login_with_empty_fields_says_what_is_missing(demo, client):
    page = client.post("/auth/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "请输入用户名。" in page and "请输入密码。" in page


def test_deactivated_user_cannot_log_in(demo, auth):
    with demo.app_context():
        user = walk_user("unit-town")
        accounts.set_active(user.id, False)
    assert "用户名或密码错误" in auth.login("unit-town").get_data(as_text=True)


def test_deactivated_user_loses_an_open_session(demo, client, auth):
    auth.login("unit-town")
    assert client.get("/").status_code == 200
    with demo.app_context():
        accounts.set_active(walk_user("unit-town").id, False)
    assert client.get("/").status_code == 302


def test_logout_needs_post_and_ends_the_session(demo, client, auth):
    auth.login("unit-county")
    assert client.get("/auth/logout").status_code == 405
    response = auth.logout()
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/").status_code == 302


def test_anonymous_home_redirects_to_login_with_chinese_flash(client):
    response = client.get("/", follow_redirects=True)
    assert "请先登录。" in response.get_data(as_text=True)


def test_login_follows_a_local_next_but_not_an_external_one(demo, client):
    data = {"username": "admin", "password": "kaoping-demo"}
    assert client.post("/auth/login?next=/admin/users", data=data).headers["Location"] == "/admin/users"
    client.post("/auth/logout")
    assert client.post("/auth/login?next=https://evil.example/", data=data).headers["Location"] == "/"
    client.post("/auth/logout")
    assert client.post("/auth/login?next=//evil.example/", data=data).headers["Location"] == "/"


def test_login_form_rejects_a_post_without_csrf_token(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
    from webapp.demo import load_demo

    with app.app_context():
        load_demo()
    response = app.test_client().post("/auth/login", data={"username": "admin", "password": "kaoping-demo"})
    assert response.status_code == 400
    assert "页面已过期或缺少安全令牌" in response.get_data(as_text=True)
    assert "_user_id" not in (response.headers.get("Set-Cookie") or "")


@pytest.mark.parametrize("password", ["", "short"])
def test_weak_passwords_are_refused(demo, password):
    from webapp.core.services.errors import ServiceError

    with demo.app_context(), pytest.raises(ServiceError):
        accounts.reset_password(1, password)


def test_home_shows_the_organisations_grades(demo, client, auth):
    auth.login("unit-city")
    page = client.get("/").get_data(as_text=True)
    assert "省二级" in page and "2025-03-10 至 2028-03-09" in page and "有效" in page
    auth.logout()
    auth.login("unit-county")
    assert "暂无等级" in client.get("/").get_data(as_text=True)
