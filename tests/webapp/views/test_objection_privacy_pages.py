"""The objector's name and phone never reach a page or API answer of anyone but the organising bureau
(issue 7, point 1; GAP-9): the case page, the objections page and the API case detail."""

from __future__ import annotations

import pytest

from tests.factories import TODAY
from tests.walk import user
from tests.webapp.api.conftest import bearer_callers
from tests.webapp.views.case_walk import walk
from webapp.grading.services import objection_filing, panel

NAME, PHONE = "欧阳明远", "13912345678"
CONTENT = "该单位2025年度文书档案未按期归档，请核实。"
NOT_ORGANISER = ("unit-county", "reviewer-7", "city-staff", "prov-staff")


@pytest.fixture
def objected(demo) -> int:
    with demo.app_context():
        case_id = walk("unit-county", to="in_notice")
        panel.set_panel(
            user("county-staff"), case_id, ["reviewer-7", "reviewer-8", "reviewer-4"], today=TODAY
        )
        objection_filing.submit_objection(case_id, content=CONTENT, name=NAME, contact=PHONE, today=TODAY)
        return case_id


@pytest.mark.parametrize("username", NOT_ORGANISER)
def test_the_case_page_shows_the_objection_but_not_who_raised_it(objected, client, auth, username):
    auth.login(username)
    page = client.get(f"/cases/{objected}").get_data(as_text=True)
    assert "GS-2027-0001" in page and CONTENT in page
    assert NAME not in page and PHONE not in page


def test_the_organising_bureau_sees_who_objected_on_the_case_page_and_the_objections_page(
    objected, client, auth
):
    auth.login("county-staff")
    for url in (f"/cases/{objected}", "/bureau/objections"):
        page = client.get(url).get_data(as_text=True)
        assert NAME in page and PHONE in page, url


@pytest.mark.parametrize("username", NOT_ORGANISER)
def test_the_api_case_detail_gives_the_objection_without_the_objector(objected, client, username):
    response = bearer_callers(client)(username).get(f"/api/v1/cases/{objected}")
    assert response.status_code == 200
    (objection,) = response.get_json()["objections"]
    assert objection["reference"] == "GS-2027-0001" and objection["content"] == CONTENT
    assert "objector" not in objection
    body = response.get_data(as_text=True)
    assert NAME not in body and PHONE not in body
    assert NAME.encode("unicode_escape").decode() not in body  # nor JSON-escaped


def test_the_api_case_detail_gives_the_organiser_the_objector(objected, client):
    response = bearer_callers(client)("county-staff").get(f"/api/v1/cases/{objected}")
    (objection,) = response.get_json()["objections"]
    assert objection["objector"] == {"name": NAME, "contact": PHONE}
