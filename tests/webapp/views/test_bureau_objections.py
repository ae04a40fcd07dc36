"""Objections /bureau/objections (GAP-9): the organizing bureau verifies each one with a written note."""

from __future__ import annotations

import pytest

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import event_count
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db
from webapp.grading.models import Objection
from webapp.grading.services import objection_filing


@pytest.fixture
def objection(demo):
    """An objection against 夷陵区财政局's notice (organized by 夷陵区档案局)."""
    with demo.app_context():
        case_id = drive("unit-county", to="in_notice")
        received = objection_filing.submit_objection(
            case_id,
            content="该局2025年度文书档案尚未整理归档。",
            name="张三",
            contact="13800000000",
            today=TODAY,
        )
        return {"case": case_id, "id": received.id, "reference": received.reference}


def decide(client, objection, outcome: str, note: str):
    prefix = f"o{objection['id']}-"
    return client.post(
        f"/bureau/objections/{objection['id']}", data={prefix + "outcome": outcome, prefix + "note": note}
    )


def test_the_organizing_bureau_sees_the_open_objection_with_content_reference_and_date(
    objection, client, auth
):
    auth.login("county-staff")
    html = client.get("/bureau/objections").get_data(as_text=True)
    assert objection["reference"] in html
    assert "该局2025年度文书档案尚未整理归档。" in html
    assert TODAY.isoformat() in html
    assert "异议不成立" in html and "退回补充" in html and "终止考评" in html


def test_other_bureaus_do_not_get_the_objection_to_handle(objection, client, auth):
    for username in ("city-staff", "prov-staff"):
        auth.login(username)
        html = client.get("/bureau/objections").get_data(as_text=True)
        assert objection["reference"] not in html, username
        assert 'data-testid="no-objections"' in html
        auth.logout()


def test_dismissing_an_objection_during_the_notice_returns_the_case_to_the_notice(
    objection, demo, client, auth
):
    auth.login("county-staff")
    response = decide(client, objection, "dismiss", "经核实，相关档案已于2026年底归档。")
    assert response.status_code == 302
    with demo.app_context():
        assert get(objection["case"]).state == "in_notice"
        handled = db.session.get(Objection, objection["id"])
        assert handled.status == "dismissed"
        assert handled.handling_note == "经核实，相关档案已于2026年底归档。"


def test_upholding_an_objection_returns_the_case_for_completion(objection, demo, client, auth):
    auth.login("county-staff")
    assert decide(client, objection, "uphold", "情况属实，限期补充整理。").status_code == 302
    with demo.app_context():
        assert get(objection["case"]).state == "returned"


def test_an_objection_that_ends_the_evaluation_rejects_the_case(objection, demo, client, auth):
    auth.login("county-staff")
    assert decide(client, objection, "reject", "存在弄虚作假，终止考评。").status_code == 302
    with demo.app_context():
        assert get(objection["case"]).state == "rejected"
        assert db.session.get(Objection, objection["id"]).status == "rejected_case"


def test_a_decision_without_a_handling_note_is_refused_and_nothing_changes(objection, demo, client, auth):
    with demo.app_context():
        before = event_count(objection["case"])
    auth.login("county-staff")
    response = decide(client, objection, "reject", "")
    assert response.status_code == 400
    assert "请填写处理意见" in response.get_data(as_text=True)
    with demo.app_context():
        assert get(objection["case"]).state == "objection_review"
        assert event_count(objection["case"]) == before


def test_an_upper_bureau_cannot_decide_the_objection(objection, demo, client, auth):
    auth.login("city-staff")
    assert decide(client, objection, "dismiss", "不成立").status_code == 404
    with demo.app_context():
        assert get(objection["case"]).state == "objection_review"
