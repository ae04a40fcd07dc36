""" "Remember me" (issue 13; ASVS 3.5, 等保 2.0 三级 8.1.4.1): our own server-side tokens that rotate on every use,
expire after 14 days and die with the session generation; Flask-Login's static ``user_id|HMAC`` cookie is never
honoured; the API takes bearer tokens only, so no cookie rides into the CSRF-exempt ``/api/v1``."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa
from flask_login.utils import encode_cookie

from tests.walk import user
from tests.webapp.security.auth_support import WallClock, login, signed_in
from tests.webapp.services.flow import drive
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, RememberToken, Throttle
from webapp.core.services import accounts
from webapp.grading.models import Attachment

COOKIE = "kaoping_remember"


def _remembered(demo, username: str = "unit-county") -> str:
    browser = demo.test_client()
    login(browser, username, remember="y")
    cookie = browser.get_cookie(COOKIE)
    assert cookie is not None and cookie.http_only and cookie.expires is not None
    assert browser.get_cookie("remember_token") is None  # Flask-Login's own cookie is never set
    return cookie.value


def _with_cookie(demo, value: str, name: str = COOKIE):
    browser = demo.test_client()
    browser.set_cookie(name, value)
    return browser


def test_a_remember_cookie_opens_a_session_and_rotates_on_use(demo):
    value = _remembered(demo)
    browser = _with_cookie(demo, value)
    assert signed_in(browser)
    rotated = browser.get_cookie(COOKIE).value
    assert rotated != value and rotated.split(":")[0] == value.split(":")[0]
    with demo.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    AuditEvent.event == "login_succeeded", AuditEvent.comment.contains("记住登录")
                )
            )
            == 1
        )


def test_a_used_remember_cookie_cannot_be_replayed(demo):
    value = _remembered(demo)
    assert signed_in(_with_cookie(demo, value))
    assert not signed_in(_with_cookie(demo, value))


def test_a_remember_cookie_expires_after_fourteen_days(demo, monkeypatch):
    wall = WallClock(monkeypatch)
    value = _remembered(demo)
    wall.advance(days=14, minutes=1)
    assert not signed_in(_with_cookie(demo, value))


def test_a_remember_cookie_within_fourteen_days_still_works(demo, monkeypatch):
    wall = WallClock(monkeypatch)
    value = _remembered(demo)
    wall.advance(days=13)
    assert signed_in(_with_cookie(demo, value))


def test_logout_deletes_the_remember_tokens_and_the_cookie(demo):
    browser = demo.test_client()
    login(browser, "unit-county", remember="y")
    value = browser.get_cookie(COOKIE).value
    browser.post("/auth/logout")
    assert browser.get_cookie(COOKIE) is None
    assert not signed_in(_with_cookie(demo, value))
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RememberToken)) == 0


def test_an_admin_reset_ends_the_remember_cookie(demo):
    value = _remembered(demo)
    with demo.app_context():
        accounts.reset_password(user("unit-county").id, "Reset-by-admin-1", actor=user("admin"))
    assert not signed_in(_with_cookie(demo, value))


def test_a_forged_flask_login_remember_cookie_opens_nothing(demo):
    """The issue's finding: ``user_id|HMAC`` forged with the key opened /admin/users. It is no longer read."""
    with demo.test_request_context():
        forged = encode_cookie(str(user("admin").id))
    browser = _with_cookie(demo, forged, "remember_token")
    assert browser.get("/admin/users").status_code == 302
    assert not signed_in(browser)


def _upload(browser, case_id: int):
    return browser.post(
        f"/api/v1/cases/{case_id}/attachments",
        data={"kind": "other", "file": (BytesIO(b"%PDF-1.4 cross-site"), "x.pdf")},
        content_type="multipart/form-data",
        headers={"Origin": "https://evil.example"},
    )


def _attachments(demo) -> int:
    with demo.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def test_a_cross_site_multipart_upload_with_only_a_remember_cookie_is_401_and_stores_nothing(demo):
    with demo.app_context():
        case_id = drive("unit-county", to="draft")
    before = _attachments(demo)
    value = _remembered(demo, "unit-county")
    response = _upload(_with_cookie(demo, value), case_id)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    assert _attachments(demo) == before
    with demo.test_request_context():
        forged = encode_cookie(str(user("unit-county").id))
    assert _upload(_with_cookie(demo, forged, "remember_token"), case_id).status_code == 401
    assert _attachments(demo) == before


def test_a_signed_in_browser_session_does_not_authenticate_the_api(demo, client):
    with demo.app_context():
        case_id = drive("unit-county", to="draft")
    before = _attachments(demo)
    login(client, "unit-county", remember="y")
    assert _upload(client, case_id).status_code == 401
    assert _attachments(demo) == before


def test_a_bearer_token_still_works_beside_a_stray_flask_login_cookie(demo, client):
    token = client.post(
        "/api/v1/tokens", json={"username": "unit-county", "password": "kaoping-demo"}
    ).get_json()
    client.set_cookie("remember_token", "garbage|cookie")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"})
    assert response.status_code == 200


def test_the_daily_tick_purges_expired_remember_tokens_and_stale_failure_counts(demo):
    """ASVS 3.3: an expired token is refused anyway, and the tick does not keep it; a failure count nobody
    touched for a day goes too, while a lock in force stays."""
    _remembered(demo)
    kept = _remembered(demo, "county-staff")
    with demo.app_context():
        now = clock.wall_now()
        stale = db.session.scalar(
            sa.select(RememberToken).where(RememberToken.selector != kept.split(":")[0])
        )
        stale.expires_at = now - timedelta(seconds=1)
        old = now - timedelta(days=2)
        db.session.add(
            Throttle(scope="login_address", key="10.0.0.1", count=2, window_started_at=old, last_at=old)
        )
        db.session.add(
            Throttle(
                scope="login_account",
                key="locked-one",
                count=5,
                window_started_at=old,
                last_at=old,
                locked_until=now + timedelta(minutes=5),
            )
        )
        db.session.commit()
    first = demo.test_cli_runner().invoke(args=["tick"])
    report = json.loads(first.output.splitlines()[-1])
    assert report["security"] == {"remember_tokens_purged": 1, "throttles_purged": 1}
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RememberToken)) == 1
        assert db.session.scalar(sa.select(Throttle.key)) == "locked-one"
    again = json.loads(demo.test_cli_runner().invoke(args=["tick"]).output.splitlines()[-1])
    assert again["security"] == {"remember_tokens_purged": 0, "throttles_purged": 0}
