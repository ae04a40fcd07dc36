"""Sessions end when they should (issue 13; 等保 2.0 三级 8.1.4.1 b 登录连接超时自动退出; ASVS 3.3): logout, a
password change or reset, deactivation and a role change end every session, remember cookie and API token of the
user (a per-user session generation); an idle session ends after 30 minutes and any session after 12 hours; the
optional one-active-session rule ends the older session at a new login."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.walk import user
from tests.webapp.security.auth_support import WallClock, login, signed_in, token
from webapp.core.extensions import db
from webapp.core.models import ApiToken, AuditEvent, RememberToken, SettingKV
from webapp.core.services import accounts
from webapp.core.services.accounts import UserData


def _two_browsers(demo, username: str) -> tuple[FlaskClient, FlaskClient]:
    first, second = demo.test_client(), demo.test_client()
    login(first, username)
    login(second, username)
    assert signed_in(first) and signed_in(second)
    return first, second


def _bearer(client: FlaskClient, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client, username).get_json()['token']}"}


def _holdings(demo, username: str) -> tuple[int, int]:
    with demo.app_context():
        person = user(username)
        count = sa.select(sa.func.count())
        return (
            db.session.scalar(count.select_from(ApiToken).where(ApiToken.user_id == person.id)),
            db.session.scalar(count.select_from(RememberToken).where(RememberToken.user_id == person.id)),
        )


def test_logout_ends_every_session_remember_cookie_and_token_of_the_person(demo):
    first, second = _two_browsers(demo, "county-staff")
    remembered = demo.test_client()
    login(remembered, "county-staff", remember="y")
    api = demo.test_client()
    headers = _bearer(api, "county-staff")
    assert _holdings(demo, "county-staff") == (1, 1)
    first.post("/auth/logout")
    assert not signed_in(first) and not signed_in(second) and not signed_in(remembered)
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert _holdings(demo, "county-staff") == (0, 0)
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.event == "logout")) == 1


def test_an_old_session_cookie_replayed_after_logout_is_refused(demo, client):
    login(client, "county-staff")
    stolen = client.get_cookie("kaoping_session").value
    client.post("/auth/logout")
    thief = demo.test_client()
    thief.set_cookie("kaoping_session", stolen)
    assert not signed_in(thief)


def test_an_admin_password_reset_ends_the_users_sessions_and_tokens(demo, client):
    first, second = _two_browsers(demo, "county-staff")
    headers = _bearer(demo.test_client(), "county-staff")
    with demo.app_context():
        accounts.reset_password(user("county-staff").id, "Reset-by-admin-1", actor=user("admin"))
    assert not signed_in(first) and not signed_in(second)
    assert demo.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_a_password_change_ends_the_other_sessions_only(demo):
    first, second = _two_browsers(demo, "county-staff")
    first.post(
        "/auth/password",
        data={"old_password": "kaoping-demo", "password": "Changed-pass-1", "confirm": "Changed-pass-1"},
    )
    assert signed_in(first) and not signed_in(second)


def test_deactivation_ends_the_users_sessions_and_tokens(demo):
    first, second = _two_browsers(demo, "county-staff")
    headers = _bearer(demo.test_client(), "county-staff")
    with demo.app_context():
        accounts.set_active(user("county-staff").id, False, actor=user("admin"))
        accounts.set_active(
            user("county-staff").id, True, actor=user("admin")
        )  # back on: old sessions stay ended
    assert not signed_in(first) and not signed_in(second)
    assert demo.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_the_security_administrator_changing_roles_ends_the_users_sessions(demo):
    first, _ = _two_browsers(demo, "county-staff")
    with demo.app_context():
        accounts.set_roles(user("county-staff").id, {"bureau_staff", "reviewer"}, actor=user("secadmin"))
    assert not signed_in(first)


def test_a_role_change_ends_the_users_sessions_but_a_name_change_does_not(demo):
    first, _ = _two_browsers(demo, "county-staff")
    with demo.app_context():
        person = user("county-staff")
        data = UserData(person.username, "刘芳芳", person.organisation_id, frozenset(person.roles))
        accounts.update_user(person.id, data, actor=user("admin"))
    assert signed_in(first)
    with demo.app_context():
        person = user("county-staff")
        data = UserData(
            person.username, "刘芳芳", person.organisation_id, frozenset({"bureau_staff", "reviewer"})
        )
        accounts.update_user(person.id, data, actor=user("admin"))
    assert not signed_in(first)


def test_an_idle_session_ends_after_thirty_minutes(demo, client, monkeypatch):
    wall = WallClock(monkeypatch)
    login(client, "county-staff")
    for _ in range(4):  # active every 29 minutes: the idle clock restarts each time
        wall.advance(minutes=29)
        assert signed_in(client)
    wall.advance(minutes=31)
    response = client.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "会话已超时" in client.get(response.headers["Location"]).get_data(as_text=True)
    with demo.app_context():
        row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "session_expired"))
        assert row is not None and "30 分钟无操作" in row.comment


def test_a_session_ends_after_its_absolute_lifetime_however_active(demo, client, monkeypatch):
    wall = WallClock(monkeypatch)
    login(client, "county-staff")
    for _ in range(12 * 3):
        wall.advance(minutes=20)
        assert signed_in(client)
    wall.advance(minutes=1)
    assert not signed_in(client)


def test_the_idle_timeout_is_a_setting(demo, client, monkeypatch):
    with demo.app_context():
        db.session.add(SettingKV(key="session_idle_minutes", value="10"))
        db.session.commit()
    wall = WallClock(monkeypatch)
    login(client, "county-staff")
    wall.advance(minutes=11)
    assert not signed_in(client)


def test_one_active_session_ends_the_older_session_at_a_new_login(demo):
    with demo.app_context():
        db.session.add(SettingKV(key="one_active_session", value="true"))
        db.session.commit()
    first, second = demo.test_client(), demo.test_client()
    login(first, "county-staff")
    headers = _bearer(demo.test_client(), "county-staff")
    login(second, "county-staff")
    assert signed_in(second) and not signed_in(first)
    assert demo.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_without_the_one_session_rule_two_sessions_live_side_by_side(demo):
    first, second = _two_browsers(demo, "county-staff")
    assert signed_in(first) and signed_in(second)
