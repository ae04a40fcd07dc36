"""Small admin faults (issue 7, point 23): 停用 a user asks first; 启用 is offered only for tables that can grade."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import User
from webapp.scoring.models import SchemeVersion


def _active(app, username: str) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.active).where(User.username == username))


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def test_deactivating_a_user_asks_for_confirmation_first(demo, client, auth):
    auth.login("admin")
    user_id = _user_id(demo, "reviewer-9")
    listing = client.get("/admin/users?q=reviewer-9").get_data(as_text=True)
    row = re.search(r'<tr data-username="reviewer-9">.*?</tr>', listing, re.S).group(0)
    assert f'href="/admin/users/{user_id}/deactivate"' in row and 'value="0"' not in row
    # a bare POST (a click without the confirmation step) changes nothing and leads to the question
    response = client.post(f"/admin/users/{user_id}/active", data={"active": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/users/{user_id}/deactivate"
    )
    assert _active(demo, "reviewer-9") is True
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "停用用户：胡桂兰（reviewer-9）" in page and "不能再登录" in page and "确认停用" in page
    client.post(f"/admin/users/{user_id}/active", data={"active": "0", "confirm": "1"})
    assert _active(demo, "reviewer-9") is False


def test_reactivating_needs_no_confirmation(demo, client, auth):
    auth.login("admin")
    user_id = _user_id(demo, "reviewer-9")
    client.post(f"/admin/users/{user_id}/active", data={"active": "0", "confirm": "1"})
    client.post(f"/admin/users/{user_id}/active", data={"active": "1"})
    assert _active(demo, "reviewer-9") is True


def _version_pk(app, scheme_id: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(SchemeVersion.id).where(SchemeVersion.scheme_id == scheme_id))


@pytest.mark.parametrize("scheme_id", ["lrn", "sta-2017", "org-2014-streets"])
def test_a_table_that_cannot_grade_archive_cases_is_not_offered_for_activation(demo, client, auth, scheme_id):
    """These tables have no 省二级/省一级 pass lines (ARC-7.2): the page says why instead of offering 启用."""
    auth.login("admin")
    page = client.get(f"/admin/schemes/{_version_pk(demo, scheme_id)}").get_data(as_text=True)
    assert 'data-testid="activate-form"' not in page
    reason = re.search(r'data-testid="not-activatable">(.*?)</div>', page, re.S).group(1)
    assert "未设省二级、省一级的达标分数线" in reason


def test_a_grading_table_is_offered_for_its_procedure(demo, client, auth):
    auth.login("admin")
    page = client.get(f"/admin/schemes/{_version_pk(demo, 'hubei-archive-sample')}").get_data(as_text=True)
    assert 'data-testid="activate-form"' in page and 'value="hubei-2011"' in page
    assert 'data-testid="not-activatable"' not in page
