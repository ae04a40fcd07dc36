"""A GET changes nothing: every GET route of the app, asked by every kind of user, issues no INSERT, UPDATE or
DELETE (HTTP semantics; issue 7 point 5 found sheet pages creating rows when merely opened).

The routes come from ``app.url_map``, so a route added later is covered without editing this file. The world
holds the cases a GET could most tempt to write: a planned case whose self-check is not started, and a case in
review where one panel member has not started their sheet and the lead has not started the agreed sheet.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import make_test_app
from tests.webapp.sheets import world as w
from webapp.core.extensions import db
from webapp.core.services import transaction
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.scoring.models import ScoreSheet
from webapp.scoring.services.schemes import register_shipped_schemes

USERS = [
    None,  # anonymous
    "unit-county",
    "unit-town",
    "county-staff",
    "county-head",
    "city-staff",
    "reviewer-7",  # the lead
    "reviewer-8",  # a member whose sheet is submitted
    "reviewer-4",  # a member whose sheet is not started
    "admin",
]
SKIPPED = {"static", "bootstrap.static"}  # files, not the app's pages
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[Flask, dict[str, int]]]:
    app = make_test_app(tmp_path_factory.mktemp("get-changes-nothing"), own_database=True)
    with app.app_context():
        db.create_all()
        load_demo()
        with transaction():
            register_shipped_schemes()
        planned = w.planned_case("unit-town")
        in_review = w.review_case()
        for username in ("reviewer-7", "reviewer-8"):
            w.fill(username, in_review, "reviewer", w.REVIEWS[username])
        sheet_id = db.session.scalar(
            sa.select(ScoreSheet.id).where(ScoreSheet.subject_id == in_review, ScoreSheet.kind == "reviewer")
        )
        ids = {
            "planned": planned,
            "in_review": in_review,
            "sheet": sheet_id,
            "reviewer": w.user("reviewer-4").id,
        }
    yield app, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def get_urls(app: Flask, ids: dict[str, int]) -> list[str]:
    """Every GET route, with its ids filled from the world (each case-level route once per case)."""
    urls: list[str] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIPPED:
            continue
        choices: list[dict[str, object]] = [{}]
        for arg in sorted(rule.arguments):
            if arg == "case_id":
                values: list[object] = [ids["planned"], ids["in_review"]]
            elif arg == "sheet_id":
                values = [ids["sheet"]]
            elif arg == "user_id":
                values = [ids["reviewer"]]
            elif arg == "action":
                values = ["publish", "precheck"]
            else:
                values = [1]
            choices = [{**c, arg: v} for c in choices for v in values]
        for args in choices:
            with app.test_request_context():
                urls.append(app.url_for(rule.endpoint, **args))
    return sorted(set(urls))


def test_no_get_route_writes_to_the_database_for_any_user(world):
    app, ids = world
    urls = get_urls(app, ids)
    assert "/cases/{}/sheets/agreed".format(ids["in_review"]) in urls
    assert "/cases/{}/sheets/self".format(ids["planned"]) in urls
    writes: list[str] = []
    current = ["", ""]
    with app.app_context():
        engine = db.engine  # requests run outside this context: each gets its own session and login

    def record(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith(WRITES):
            writes.append(f"{current[0]} {current[1]}: {statement.split('(')[0][:60]}")

    for username in USERS:
        client = app.test_client()
        if username is not None:
            response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 302, username
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            for url in urls:
                current[:] = [username or "anonymous", url]
                before = len(writes)
                response = client.get(url)
                assert response.status_code < 500, (username, url, response.status_code)
                if response.status_code == 403:
                    # a refusal is audited (webapp.core.denials): its audit row is the one write a GET may
                    # leave, and only a refused one
                    writes[before:] = [
                        w for w in writes[before:] if not w.endswith("INSERT INTO audit_events ")
                    ]
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
    assert writes == []


def test_opening_an_unstarted_sheet_shows_a_start_button_and_only_the_post_creates_it(world):
    app, ids = world
    case_id = ids["in_review"]

    def count() -> int:
        with app.app_context():
            return db.session.scalar(
                sa.select(sa.func.count()).select_from(ScoreSheet).where(ScoreSheet.subject_id == case_id)
            )

    client = app.test_client()
    client.post("/auth/login", data={"username": "reviewer-7", "password": DEMO_PASSWORD})
    before = count()
    page = client.get(f"/cases/{case_id}/sheets/agreed")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="start-sheet"' in html and "开始评分" in html
    assert count() == before
    started = client.post(f"/cases/{case_id}/sheets/agreed")
    assert started.status_code == 302 and "/sheets/" in started.headers["Location"]
    assert count() == before + 1
    # a second POST finds the sheet instead of making another
    again = client.post(f"/cases/{case_id}/sheets/agreed")
    assert again.headers["Location"] == started.headers["Location"]
    assert count() == before + 1
