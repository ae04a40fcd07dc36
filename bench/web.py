"""Web subjects: whole requests through Flask's test client against a scratch SQLite database with the demo
data (incl. its cases) plus generated applications, so the figures include routing, the ORM, permission
checks and template rendering."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from bench.data import applied_cases
from webapp import create_app
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.grading.models import Case

Subjects = dict[str, tuple[Callable[[], object], int]]


def _get(client, url: str, headers: dict[str, str] | None = None) -> Callable[[], object]:
    def request() -> object:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return request


def _login(app, username: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


@contextmanager
def prepared(*, quick: bool = False) -> Iterator[tuple[Callable[[], object], Subjects]]:
    generated = 50 if quick else 300
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "KAOPING_CONFIG": "testing",
                "TESTING": True,
                "DEMO_CASES": True,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "UPLOAD_FOLDER": str(Path(tmp) / "uploads"),
                "KAOPING_TODAY": "2027-01-05",
            }
        )
        with app.app_context():
            db.create_all()
            load_demo()
            applied_cases(generated)
            in_notice = db.session.scalar(
                sa.select(Case.id)
                .join(Organisation, Case.organ_id == Organisation.id)
                .where(Organisation.code == "yc-czj")
            )
        anonymous = app.test_client()
        unit, county, city = (_login(app, name) for name in ("unit-county", "county-staff", "city-staff"))
        token = anonymous.post(
            "/api/v1/tokens", json={"username": "city-staff", "password": DEMO_PASSWORD}
        ).get_json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        number = 20 if quick else 60
        subjects: Subjects = {
            "GET /notices/ (public)": (_get(anonymous, "/notices/"), number),
            "GET /unit/ (grade + apply options)": (_get(unit, "/unit/"), number),
            "GET /cases/<id> (case page, in notice)": (_get(city, f"/cases/{in_notice}"), number),
            "GET /api/v1/cases/<id>": (_get(anonymous, f"/api/v1/cases/{in_notice}", bearer), number),
            f"GET /bureau/ (county worklist, {generated}+ cases)": (
                _get(county, "/bureau/"),
                max(5, number // 6),
            ),
        }
        yield _get(anonymous, "/healthz"), subjects
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
