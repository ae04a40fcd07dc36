"""The security administrator's 「登录锁定」 page (issue 13; 等保 2.0 三级 8.1.4.1 b, 三员分立): the locks in force
per account and per address, each with 解除锁定; only the security administrator opens it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.webapp.security.auth_support import REFUSED, login, signed_in
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Throttle
from webapp.core.services import accounts


def _lock_account(client, username: str) -> None:
    for i in range(5):
        assert REFUSED in login(client, username, "wrong", address=f"10.20.0.{i}").get_data(as_text=True)


def _lock_address(client, address: str) -> None:
    for i in range(5):
        login(client, f"guess-{i}", "wrong", address=address)


def test_the_security_administrator_sees_the_locks_and_lifts_one(demo, client):
    _lock_account(client, "city-staff")
    _lock_address(client, "10.30.0.1")
    secadmin = demo.test_client()
    login(secadmin, "secadmin", address="10.40.0.1")
    page = secadmin.get("/admin/security/locks").get_data(as_text=True)
    assert "<code>city-staff</code>" in page and "<code>10.30.0.1</code>" in page
    assert page.count("解除锁定</button>") == 2 and "账号" in page and "来源地址" in page
    response = secadmin.post(
        "/admin/security/locks/lift", data={"scope": "login_account", "key": "city-staff"}
    )
    assert response.status_code == 302
    assert "已解除账号「city-staff」的登录锁定" in secadmin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    login(client, "city-staff", address="10.50.0.1")
    assert signed_in(client)
    with demo.app_context():
        row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "lock_lifted"))
        assert row is not None and row.actor_name == "安全管理员" and "city-staff" in row.comment
        assert db.session.get(Throttle, (accounts.LOGIN_ADDRESS, "10.30.0.1")) is not None  # the other stays


def test_lifting_a_lock_that_ran_out_says_so_and_audits_nothing(demo, client):
    login(client, "secadmin")
    response = client.post("/admin/security/locks/lift", data={"scope": "login_account", "key": "nobody"})
    assert "当前没有锁定" in client.get(response.headers["Location"]).get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.event == "lock_lifted")) == 0


def test_lifting_a_lock_of_another_scope_is_refused(demo, client):
    with demo.app_context():
        db.session.add(
            Throttle(
                scope="objection_case",
                key="1",
                count=1,
                window_started_at=sa.func.now(),
                last_at=sa.func.now(),
            )
        )
        db.session.commit()
    login(client, "secadmin")
    response = client.post("/admin/security/locks/lift", data={"scope": "objection_case", "key": "1"})
    assert "请求无效" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_empty_lock_list_says_so(demo, client):
    login(client, "secadmin")
    assert "当前没有被锁定的账号或地址" in client.get("/admin/security/locks").get_data(as_text=True)


@pytest.mark.parametrize("username", ["admin", "auditor", "prov-head"])
def test_only_the_security_administrator_opens_the_lock_page(demo, client, username):
    login(client, username)
    assert client.get("/admin/security/locks").status_code == 403
    assert (
        client.post("/admin/security/locks/lift", data={"scope": "login_account", "key": "x"}).status_code
        == 403
    )


def test_anonymous_visitors_are_sent_to_the_login_page(demo, client):
    assert "/auth/login" in client.get("/admin/security/locks").headers["Location"]


def test_the_security_administrator_has_links_to_locks_and_policy(demo, client):
    login(client, "secadmin")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/security/locks"' in page and 'href="/admin/security/policy"' in page
