"""Web subjects: whole requests through Flask's test client against a scratch SQLite database with the demo
data, so the figures include routing, the ORM, permission checks and template rendering."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from webapp import create_app
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.extensions import db

Subjects = dict[str, tuple[Callable[[], object], int]]


def _get(client, url: str) -> Callable[[], object]:
    def request() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return request


@contextmanager
def prepared(*, quick: bool = False) -> Iterator[tuple[Callable[[], object], Subjects]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "KAOPING_CONFIG": "testing",
                "TESTING": True,
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
        anonymous = app.test_client()
        unit = app.test_client()
        unit.post("/auth/login", data={"username": "unit-county", "password": DEMO_PASSWORD})
        number = 50 if quick else 200
        subjects: Subjects = {
            "GET /auth/login (anonymous form)": (_get(anonymous, "/auth/login"), number),
            "GET / (unit home)": (_get(unit, "/"), number),
        }
        yield _get(anonymous, "/healthz"), subjects
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
