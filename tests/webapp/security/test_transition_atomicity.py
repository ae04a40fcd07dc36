"""A transition commits whole or not at all (issue 13, proof; STANDARDS: nothing half-written): a database error
injected in the middle of a transition — the audit row's INSERT, or the UPDATE of the changed state — of a grading
case, an information article and a campaign's score sheet leaves the object's state, its version and its audit
trail exactly as they were, with no orphan audit row anywhere, and the person gets a clean answer: 503 with a
Chinese message (HTML) or ``{"error": "database_unavailable"}`` (API), never the SQL, a traceback or a 500.

Each test also makes the same request without the injected error and sees it succeed, so the injection is what
made the difference (and the test is not vacuous)."""

# ruff: noqa: F811  (the fixture imported from unit_world is, as pytest wants, the tests' parameter)

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World, build_world
from tests.webapp.articles.unit_helpers import write
from tests.webapp.campaigns.unit_world import CWorld, cworld  # noqa: F401  (the fixture)
from tests.webapp.sheets import world as w
from webapp.articles.models import Article
from webapp.campaigns.models import Campaign
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.demo import DEMO_PASSWORD
from webapp.grading.models import Case
from webapp.scoring.models import ScoreSheet, SubjectRef
from webapp.scoring.services.scoresheets import operations
from webapp.scoring.services.scoresheets.operations import JsonInput

#: what a clean answer never shows
INTERNALS = re.compile(
    r"Traceback|File \"|\.py\", line|INSERT INTO|UPDATE \w+ SET|sqlite3|psycopg|injected|audit_events"
)


@contextmanager
def failing(app: Flask, statement: str) -> Iterator[list[str]]:
    """Every SQL statement starting with ``statement`` fails as a lost database would (OperationalError)."""
    with app.app_context():
        engine = db.engine
    hits: list[str] = []

    def fail(conn, cursor, sql, params, context, executemany) -> None:  # noqa: ANN001
        if sql.lstrip().upper().startswith(statement.upper()):
            hits.append(sql)
            raise OperationalError(sql, params, Exception("injected: the database went away"))

    sa.event.listen(engine, "before_cursor_execute", fail)
    try:
        yield hits
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail)


def _trail(subject_type: str, subject_id: int) -> list[tuple[int, int, str, str]]:
    rows = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.seq)
    )
    return [(row.id, row.seq, row.event, row.hash) for row in rows]


def _all_audit_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0


def _token(client, username: str, password: str) -> dict[str, str]:  # noqa: ANN001
    answer = client.post("/api/v1/tokens", json={"username": username, "password": password})
    return {"Authorization": "Bearer " + answer.get_json()["token"]}


def _clean(response) -> None:  # noqa: ANN001
    body = response.get_data(as_text=True)
    shown = re.findall(r"(?:invalid-feedback|alert)[^>]*>([^<]+)", body)
    assert response.status_code == 503, (response.status_code, shown or body[:300])
    assert not INTERNALS.search(body), INTERNALS.findall(body)


# -- a grading case -------------------------------------------------------------------------------------------


def _grading_snapshot(app: Flask, case_id: int) -> tuple:
    with app.app_context():
        case = db.session.get(Case, case_id)
        return case.state, case.version_id, _trail("case", case_id), _all_audit_rows()


@pytest.fixture
def applied_case(demo: Flask) -> int:
    """A planned case with its materials in: the unit may request acceptance (ARC-10.1.4)."""
    with demo.app_context():
        case_id = w.planned_case()
        for kind in ("self_check_sheet", "acceptance_report", "integrity_notice"):
            w.upload("unit-county", case_id, kind)
        return case_id


@pytest.mark.parametrize("statement", ["INSERT INTO audit_events", "UPDATE cases"])
def test_a_case_transition_that_fails_in_the_database_leaves_state_version_and_trail_as_they_were(
    demo, client, applied_case, statement
):
    headers = _token(client, "unit-county", DEMO_PASSWORD)
    before = _grading_snapshot(demo, applied_case)
    url, body = f"/api/v1/cases/{applied_case}/events", {"event": "request_acceptance"}
    with failing(demo, statement) as hits:
        response = client.post(url, json=body, headers=headers)
    assert hits, "the injected error was reached"
    _clean(response)
    assert (
        response.get_json()["error"] == "database_unavailable" and "未保存" in response.get_json()["message"]
    )
    assert _grading_snapshot(demo, applied_case) == before

    assert client.post(url, json=body, headers=headers).status_code == 200
    after = _grading_snapshot(demo, applied_case)
    assert after[0] != before[0] and after[1] == before[1] + 1 and len(after[2]) == len(before[2]) + 1


def test_the_case_page_tells_the_person_nothing_was_saved(demo, client, auth, applied_case):
    auth.login("unit-county")
    before = _grading_snapshot(demo, applied_case)
    with failing(demo, "INSERT INTO audit_events"):
        response = client.post(
            f"/cases/{applied_case}/events/request_acceptance",
            data={"request_acceptance-version": str(before[1])},
        )
    _clean(response)
    assert "本次操作未保存" in response.get_data(as_text=True)
    assert _grading_snapshot(demo, applied_case) == before


# -- an information article -----------------------------------------------------------------------------------


@pytest.fixture
def article_world(app: Flask) -> tuple[World, int]:
    with app.app_context():
        world = build_world()
        return world, write(world)


def _article_snapshot(app: Flask, article_id: int) -> tuple:
    with app.app_context():
        article = db.session.get(Article, article_id)
        return article.state, article.version_id, _trail("article", article_id), _all_audit_rows()


@pytest.mark.parametrize("statement", ["INSERT INTO audit_events", "UPDATE articles"])
def test_an_article_transition_that_fails_in_the_database_leaves_state_version_and_trail_as_they_were(
    app, client, article_world, statement
):
    world, article_id = article_world
    headers = _token(client, "officer-a", TEST_PASSWORD)
    before = _article_snapshot(app, article_id)
    url, body = f"/api/v1/articles/{article_id}/events", {"event": "submit"}
    with failing(app, statement) as hits:
        response = client.post(url, json=body, headers=headers)
    assert hits
    _clean(response)
    assert response.get_json()["error"] == "database_unavailable"
    assert _article_snapshot(app, article_id) == before

    assert client.post(url, json=body, headers=headers).status_code == 200
    after = _article_snapshot(app, article_id)
    assert after[0] == "awaiting_signoff" and len(after[2]) == len(before[2]) + 1


# -- a campaign unit's score sheet ------------------------------------------------------------------------------


def _sheet_snapshot(app: Flask, sheet_id: int, campaign_id: int) -> tuple:
    with app.app_context():
        sheet = db.session.get(ScoreSheet, sheet_id)
        return sheet.submitted_at, sheet.version_id, _trail("campaign", campaign_id), _all_audit_rows()


@pytest.fixture
def campaign_sheet(app: Flask, cworld: CWorld) -> tuple[int, int]:  # noqa: F811
    """The unit's self-assessment, filled in full and saved, not yet submitted (STA-4.2)."""
    with app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign_id)
        campaign.scheme_id, campaign.scheme_version = "lrn", "1"
        db.session.commit()
        filler = db.session.get(User, cworld.filler_a.id)
        sheet = operations.open_sheet(filler, SubjectRef("campaign_unit", cworld.cu_a), "self")
        entries = {item: {"deduction": "0"} for item in ("LRN-3.1", "LRN-3.2", "LRN-3.3", "LRN-3.4")}
        operations.save_sheet(filler, sheet.id, JsonInput(entries), submit=False)
        return sheet.id, cworld.campaign_id


@pytest.mark.parametrize("statement", ["INSERT INTO audit_events", "UPDATE score_sheets"])
def test_submitting_a_campaign_sheet_that_fails_in_the_database_leaves_it_unsubmitted_with_its_trail(
    app,
    client,
    cworld,
    campaign_sheet,
    statement,  # noqa: F811
):
    sheet_id, campaign_id = campaign_sheet
    with app.app_context():
        filler = db.session.get(User, cworld.filler_a.id).username
    headers = _token(client, filler, TEST_PASSWORD)
    before = _sheet_snapshot(app, sheet_id, campaign_id)
    assert before[0] is None
    url = f"/api/v1/sheets/{sheet_id}/submit"
    with failing(app, statement) as hits:
        response = client.post(url, json={"version": before[1]}, headers=headers)
    assert hits
    _clean(response)
    assert _sheet_snapshot(app, sheet_id, campaign_id) == before

    assert client.post(url, json={"version": before[1]}, headers=headers).status_code == 200
    after = _sheet_snapshot(app, sheet_id, campaign_id)
    assert after[0] is not None and len(after[2]) == len(before[2]) + 1
