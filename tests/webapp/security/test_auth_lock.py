"""The login lock (issue 13, 等保 2.0 三级 8.1.4.1 b 登录失败处理; ASVS 2.2.1): 5 failures within 15 minutes lock
the account and, separately, the address for 15 minutes, on the login page and on POST /api/v1/tokens; a locked
account cannot log in with the right password; a refusal never says whether the username exists; the failures
are committed although the login fails; the password is checked once whether or not the user exists."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from config.settings import ConfigError
from tests.factories import make_test_app
from tests.webapp.security.auth_support import REFUSED, WallClock, login, signed_in, token
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Throttle
from webapp.core.services import accounts, passwords
from webapp.demo import load_demo


def _fail(client, username: str, times: int, *, addresses: bool = True) -> None:
    """``times`` wrong passwords for ``username``, each from its own address (so only the account counts)."""
    for i in range(times):
        address = f"10.1.0.{i + 1}" if addresses else "10.9.9.9"
        assert REFUSED in login(client, username, "wrong-password", address=address).get_data(as_text=True)


def test_five_wrong_passwords_lock_the_account_so_the_right_one_is_refused_on_the_page(demo, client):
    _fail(client, "city-staff", 5)
    page = login(client, "city-staff", address="10.2.0.1").get_data(as_text=True)
    assert REFUSED in page
    assert not signed_in(client)


def test_four_wrong_passwords_do_not_lock(demo, client):
    _fail(client, "city-staff", 4)
    login(client, "city-staff", address="10.2.0.1")
    assert signed_in(client)


def test_five_wrong_passwords_on_the_api_lock_the_account_for_the_api_and_the_page(demo, client):
    for i in range(5):
        assert token(client, "city-head", "nope", address=f"10.3.0.{i}").status_code == 401
    refused = token(client, "city-head", address="10.4.0.1")
    assert refused.status_code == 401
    assert refused.get_json() == {"error": "invalid_credentials", "message": REFUSED}
    login(client, "city-head", address="10.4.0.2")
    assert not signed_in(client)


def test_the_account_lock_runs_out_after_fifteen_minutes(demo, client, monkeypatch):
    wall = WallClock(monkeypatch)
    _fail(client, "city-staff", 5)
    wall.advance(minutes=14)
    login(client, "city-staff", address="10.2.0.1")
    assert not signed_in(client)
    wall.advance(minutes=2)
    login(client, "city-staff", address="10.2.0.1")
    assert signed_in(client)


def test_five_failures_from_one_address_lock_that_address_for_every_account(demo, client):
    for i in range(5):
        token(client, f"guess-{i}", "nope", address="10.5.0.1")
    locked = token(client, "county-head", address="10.5.0.1")
    assert locked.status_code == 429
    assert locked.get_json()["error"] == "locked" and "锁定" in locked.get_json()["message"]
    assert "8.1.4.1" in locked.get_json()["rule"]
    page = login(client, "county-head", address="10.5.0.1")
    assert page.status_code == 429 and "锁定" in page.get_data(as_text=True)
    # another address is not locked, nor is the account
    assert token(client, "county-head", address="10.5.0.2").status_code == 200


def test_a_refusal_reads_the_same_for_unknown_wrong_inactive_and_locked(demo, client):
    with demo.app_context():
        accounts.set_active(
            db.session.scalar(sa.select(accounts.User.id).where(accounts.User.username == "unit-town")), False
        )
    _fail(client, "city-head", 5)
    answers = {
        name: token(client, name, password, address=f"10.6.0.{i}").get_json()
        for i, (name, password) in enumerate(
            [
                ("nobody-here", "kaoping-demo"),
                ("county-staff", "wrong"),
                ("unit-town", "kaoping-demo"),
                ("city-head", "kaoping-demo"),
            ]
        )
    }
    assert all(answer == {"error": "invalid_credentials", "message": REFUSED} for answer in answers.values())
    pages = [
        login(client, name, password, address=f"10.7.0.{i}").get_data(as_text=True)
        for i, (name, password) in enumerate(
            [
                ("nobody-here", "x"),
                ("county-staff", "wrong"),
                ("unit-town", "kaoping-demo"),
                ("city-head", "kaoping-demo"),
            ]
        )
    ]
    assert all(REFUSED in page and "不存在" not in page for page in pages)


def test_failures_and_the_lock_are_committed_although_the_login_fails(demo, client):
    _fail(client, "city-staff", 5)
    token(client, "no-such-user", "x", address="10.8.0.1")
    with demo.app_context():  # a new session: reads only what was committed
        user_id = db.session.scalar(sa.select(accounts.User.id).where(accounts.User.username == "city-staff"))
        events = db.session.execute(
            sa.select(AuditEvent.event, AuditEvent.actor_name, AuditEvent.comment)
            .where(AuditEvent.about("user", user_id))
            .order_by(AuditEvent.seq)
        ).all()
        assert [e.event for e in events].count("login_failed") == 5
        assert [e.event for e in events].count("login_locked") == 1
        assert all(e.actor_name == "city-staff" for e in events)
        unknown = db.session.execute(
            sa.select(AuditEvent.event, AuditEvent.actor_name).where(AuditEvent.about("login", 0))
        ).all()
        assert [tuple(row) for row in unknown] == [("login_failed", "no-such-user")]
        lock = db.session.get(Throttle, (accounts.LOGIN_ACCOUNT, "city-staff"))
        assert lock is not None and lock.count == 5 and lock.locked_until is not None


def test_a_successful_login_is_audited_and_clears_the_accounts_failures(demo, client):
    _fail(client, "city-staff", 3)
    login(client, "city-staff", address="10.2.0.1")
    assert signed_in(client)
    with demo.app_context():
        assert db.session.get(Throttle, (accounts.LOGIN_ACCOUNT, "city-staff")) is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    AuditEvent.event == "login_succeeded", AuditEvent.actor_name == "李晓梅"
                )
            )
            == 1
        )


def test_the_account_lock_ignores_the_case_of_the_username(demo, client):
    for i, name in enumerate(["City-Staff", "CITY-STAFF", "city-staff", "City-staff", "cITY-STAFF"]):
        login(client, name, "wrong", address=f"10.9.0.{i}")
    login(client, "city-staff", address="10.9.1.1")
    assert not signed_in(client)


def test_known_and_unknown_usernames_both_check_one_password_hash(demo, monkeypatch):
    """Same time for both (ASVS 2.2.1 / issue 13: no username leak by timing): the unknown name is checked
    against a dummy hash made with the configured method, exactly as often as a known one."""
    calls: list[str] = []
    real = passwords.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    with demo.test_request_context(environ_base={"REMOTE_ADDR": "10.10.0.1"}):
        assert accounts.attempt_login("county-staff", "wrong", address="10.10.0.1").status == "refused"
        known = list(calls)
        calls.clear()
        assert accounts.attempt_login("nobody-at-all", "wrong", address="10.10.0.2").status == "refused"
        unknown = list(calls)
    method = demo.config["PASSWORD_HASH_METHOD"]
    assert known == [method] and unknown == [method]


def test_behind_the_proxy_the_address_lock_keys_on_the_forwarded_client(tmp_path):
    """With ``KAOPING_PROXY_HOPS=1`` (nginx in front) five failures lock the client's address, not the proxy's
    (which every client shares: locking it would lock everybody out)."""
    app = make_test_app(tmp_path, KAOPING_PROXY_HOPS=1)
    with app.app_context():
        db.create_all()
        load_demo()
    client = app.test_client()

    def via_proxy(username: str, password: str, client_address: str):
        return client.post(
            "/api/v1/tokens",
            json={"username": username, "password": password},
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )

    for i in range(5):
        via_proxy(f"guess-{i}", "nope", "203.0.113.7")
    assert via_proxy("county-head", "kaoping-demo", "203.0.113.7").status_code == 429
    assert via_proxy("county-head", "kaoping-demo", "198.51.100.2").status_code == 200
    with app.app_context():
        assert db.session.get(Throttle, (accounts.LOGIN_ADDRESS, "127.0.0.1")) is None


def test_a_malformed_proxy_hop_count_stops_the_app(tmp_path):
    with pytest.raises(ConfigError, match="KAOPING_PROXY_HOPS"):
        make_test_app(tmp_path, KAOPING_PROXY_HOPS="nginx")
