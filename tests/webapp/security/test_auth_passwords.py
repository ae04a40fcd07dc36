"""The password policy (issue 13; 等保 2.0 三级 8.1.4.1 a 口令复杂度并定期更换; ASVS 2.1): length, classes, history
and maximum age as settings the security administrator edits on 「安全策略」; a person changes their own password on
「修改密码」 and, once it is too old, can do nothing else first."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.walk import user
from tests.webapp.security.auth_support import WallClock, login, signed_in, token
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, SettingKV
from webapp.core.services import accounts, passwords
from webapp.core.services.errors import ServiceError

STRONG = "Strong-pass-2027"


def _change(client, old: str, new: str, confirm: str | None = None):
    return client.post(
        "/auth/password", data={"old_password": old, "password": new, "confirm": confirm or new}
    )


def test_the_default_policy_is_ten_characters_of_three_classes_five_remembered_ninety_days(app):
    with app.app_context():
        assert passwords.policy() == passwords.SecurityPolicy(
            password_min_length=10,
            password_classes=3,
            password_history=5,
            password_max_age_days=90,
            lock_threshold=5,
            lock_minutes=15,
            session_idle_minutes=30,
            session_absolute_hours=12,
            one_active_session=False,
        )


@pytest.mark.parametrize("weak", ["Short-1", "alllowercaseletters", "lowercase-only-symbols", "UPPER1234567"])
def test_a_password_short_or_of_too_few_classes_is_refused_citing_the_rule(app, weak):
    with app.app_context(), pytest.raises(ServiceError) as refused:
        passwords.check_strength(weak)
    assert "至少 10 位" in refused.value.message and "8.1.4.1" in refused.value.message


def test_a_stored_policy_value_out_of_range_keeps_the_default(app):
    with app.app_context():
        db.session.add(SettingKV(key="password_min_length", value="3"))
        db.session.add(SettingKV(key="lock_threshold", value="many"))
        db.session.commit()
        assert passwords.policy().password_min_length == 10 and passwords.policy().lock_threshold == 5


def test_the_security_administrator_edits_the_policy_and_it_applies(demo, client):
    login(client, "secadmin")
    form = client.get("/admin/security/policy").get_data(as_text=True)
    assert "密码最短长度" in form and 'value="10"' in form
    data = {key: getattr(passwords.SecurityPolicy(), key) for key in passwords.BOUNDS} | {
        "password_min_length": 14
    }
    response = client.post("/admin/security/policy", data=data)
    assert response.status_code == 302
    with demo.app_context():
        assert passwords.policy().password_min_length == 14
        row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "policy_changed"))
        assert (
            row is not None
            and "密码最短长度：10 位 → 14 位" in row.comment
            and row.actor_name == "安全管理员"
        )
        with pytest.raises(ServiceError, match="至少 14 位"):
            passwords.check_strength("Thirteen-ch-1")


def test_a_policy_value_out_of_range_gets_a_chinese_message_and_nothing_is_stored(demo, client):
    login(client, "secadmin")
    data = {key: getattr(passwords.SecurityPolicy(), key) for key in passwords.BOUNDS} | {
        "lock_threshold": 1000
    }
    page = client.post("/admin/security/policy", data=data).get_data(as_text=True)
    assert "连续登录失败锁定次数应在 3–10 次之间。" in page and 'value="1000"' in page
    with demo.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(SettingKV).where(SettingKV.key == "lock_threshold")
            )
            == 0
        )


def test_only_the_security_administrator_opens_the_policy(demo, client):
    login(client, "admin")
    assert client.get("/admin/security/policy").status_code == 403
    data = {key: getattr(passwords.SecurityPolicy(), key) for key in passwords.BOUNDS}
    assert client.post("/admin/security/policy", data=data | {"password_min_length": 8}).status_code == 403


def test_a_person_changes_their_own_password_with_the_old_one(demo, client):
    login(client, "county-staff")
    page = _change(client, "wrong-old", STRONG).get_data(as_text=True)
    assert "原密码不正确。" in page
    assert "两次输入的新密码不一致。" in _change(client, "kaoping-demo", STRONG, "other").get_data(
        as_text=True
    )
    assert "至少 10 位" in _change(client, "kaoping-demo", "short").get_data(as_text=True)
    assert _change(client, "kaoping-demo", STRONG).headers["Location"] == "/"
    assert signed_in(client)  # this browser stays signed in under the new generation
    client.post("/auth/logout")
    assert "用户名或密码错误" in login(client, "county-staff").get_data(as_text=True)
    login(client, "county-staff", STRONG)
    assert signed_in(client)
    with demo.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.event == "password_changed")) == 1
        )


def test_a_recent_password_cannot_be_chosen_again(demo, client):
    login(client, "county-staff")
    _change(client, "kaoping-demo", STRONG)
    second = "Another-pass-2027"
    assert _change(client, STRONG, second).status_code == 302
    page = _change(client, second, STRONG).get_data(as_text=True)
    assert "新密码不能与最近 5 次使用过的密码相同" in page
    with demo.app_context():
        assert user("county-staff").check_password(second)


def test_an_admin_reset_also_respects_the_history(demo):
    with demo.app_context():
        staff = user("county-staff")
        accounts.reset_password(staff.id, STRONG)
        with pytest.raises(ServiceError, match="最近 5 次"):
            accounts.reset_password(staff.id, STRONG)


def _age_password(app, username: str, days: int) -> None:
    with app.app_context():
        person = user(username)
        person.password_changed_at = clock.wall_now() - timedelta(days=days)
        db.session.commit()


def test_an_expired_password_must_be_changed_before_anything_else(demo, client):
    _age_password(demo, "county-staff", 91)
    response = login(client, "county-staff")
    assert response.headers["Location"] == "/auth/password"
    assert client.get("/").headers["Location"] == "/auth/password"
    assert client.get("/cases/").headers["Location"] == "/auth/password"
    page = client.get("/auth/password").get_data(as_text=True)
    assert "超过 90 天" in page
    expired = token(client, "county-staff")
    assert expired.status_code == 403 and expired.get_json()["error"] == "password_expired"
    _change(client, "kaoping-demo", STRONG)
    assert client.get("/").status_code == 200
    assert token(client, "county-staff", STRONG).status_code == 200


def test_a_password_within_its_age_is_not_forced(demo, client):
    _age_password(demo, "county-staff", 89)
    login(client, "county-staff")
    assert client.get("/").status_code == 200


def test_a_max_age_of_zero_never_forces_a_change(demo, client):
    with demo.app_context():
        db.session.add(SettingKV(key="password_max_age_days", value="0"))
        db.session.commit()
    _age_password(demo, "county-staff", 900)
    login(client, "county-staff")
    assert client.get("/").status_code == 200


def test_the_wall_clock_not_the_demo_date_ages_a_password(demo, client, monkeypatch):
    wall = WallClock(monkeypatch)
    login(client, "county-staff")
    _change(client, "kaoping-demo", STRONG)
    wall.advance(days=91)
    login(client, "county-staff", STRONG)
    assert client.get("/").headers["Location"] == "/auth/password"


def test_after_an_administrators_reset_the_person_must_choose_their_own_password(demo, client):
    """等保 2.0 三级 8.1.4.1 a: the administrator knows a reset password, so it is good for one thing only —
    signing in to replace it (the page, the API and the trail say so)."""
    with demo.app_context():
        accounts.reset_password(user("county-staff").id, "Reset-by-admin-1", actor=user("admin"))
        trail = db.session.scalars(
            sa.select(AuditEvent.comment).where(AuditEvent.event == "password_reset")
        ).all()
        assert any("下次登录须本人修改密码" in text for text in trail)
    response = login(client, "county-staff", "Reset-by-admin-1")
    assert response.headers["Location"] == "/auth/password"
    assert client.get("/cases/").headers["Location"] == "/auth/password"
    assert "由管理员重置" in client.get("/auth/password").get_data(as_text=True)
    refused = token(client, "county-staff", "Reset-by-admin-1")
    assert refused.status_code == 403 and refused.get_json()["error"] == "password_expired"
    assert "由管理员重置" in refused.get_json()["message"]
    assert _change(client, "Reset-by-admin-1", STRONG).status_code == 302
    assert client.get("/").status_code == 200
    with demo.app_context():
        assert user("county-staff").password_must_change is False


def test_wrong_old_passwords_on_the_change_page_lock_the_account_like_failed_logins(demo, client):
    """等保 2.0 三级 8.1.4.1 b: a session left open must not become a way to guess the password — five wrong
    old passwords lock the account (and then even the right one is refused, on this page and at login)."""
    login(client, "county-staff")
    for _ in range(5):
        page = _change(client, "not-my-password", STRONG).get_data(as_text=True)
        assert "原密码不正确" in page
    locked = _change(client, "kaoping-demo", STRONG).get_data(as_text=True)
    assert "已被锁定" in locked and "8.1.4.1" in locked
    with demo.app_context():
        assert user("county-staff").check_password("kaoping-demo")
        failures = db.session.scalars(
            sa.select(AuditEvent.comment).where(AuditEvent.event == "login_failed")
        ).all()
        assert failures.count("修改密码：原密码错误") == 5
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.event == "login_locked")) == 1
    client.post("/auth/logout")
    assert login(client, "county-staff").status_code == 429  # this address is locked as well
    elsewhere = demo.test_client()
    assert login(elsewhere, "county-staff", address="10.9.9.9").status_code == 200  # the account: refused
    assert not signed_in(elsewhere)
