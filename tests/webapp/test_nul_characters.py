"""Text with a NUL character (U+0000) is refused with 400 and a Chinese message on every route, never a 500.

PostgreSQL cannot store NUL in text (psycopg raises before the statement runs), so in the PostgreSQL pass these
requests used to end in 500; on SQLite the value was stored. The guard is webapp/core/nul_guard.py.
"""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import make_bureau, make_user
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.nul_guard import MESSAGE


def test_a_form_field_with_a_nul_character_is_a_400_with_a_chinese_message(app, client):
    with app.app_context():
        make_user(make_bureau(), "bureau_staff", username="staff")
        db.session.commit()
    response = client.post("/auth/login", data={"username": "staff\x00", "password": "x"})
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)


def test_a_json_string_with_a_nul_character_is_a_400_naming_the_field(app, client):
    response = client.post("/api/v1/tokens", json={"username": "ad\x00min", "password": "secret"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_input" and body["field"] == "username"
    assert body["message"] == MESSAGE


def test_a_query_string_with_a_nul_character_is_a_400(app, client):
    response = client.get("/auth/login?next=%00")
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)


def test_a_refused_nul_writes_nothing(app, client):
    with app.app_context():
        make_user(make_bureau(), "bureau_staff", username="staff")
        db.session.commit()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    client.post("/auth/login", data={"username": "staff", "password": "\x00"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
