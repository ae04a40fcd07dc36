"""Hostile and careless input over HTTP (issue 7, points 2, 4, 8 and 20): no value a person sends — an id past
the database's integers, a page or year out of range, JSON nested without end, a notice starting in 9999, a
form without its version, an empty pre-check opinion — answers 500, and no stored value makes a page fail."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import Route, case, event_count, reviewers, user, walk
from tests.webapp.api.conftest import bearer_callers
from webapp.core.extensions import db
from webapp.grading.models import Case, Grade
from webapp.grading.services import cases, errors

HUGE = "99999999999999999999"  # > 2**63 - 1: no database integer holds it
PDF = b"%PDF-1.4\n%demo\n"

ROUTE = Route(panel=lambda case, given: given or reviewers(7, 8, 4), uploads={})


def drive(to: str, unit: str = "unit-county") -> int:
    return walk(unit, ROUTE, to=to, score=88, staff="county-staff", head="county-head")


def _page(response) -> str:
    return response.get_data(as_text=True)


# --- point 8: ids, pages, years and JSON ------------------------------------------------------------------------


def _int_routes(app, huge: str = HUGE) -> list[tuple[str, str]]:
    """(method, url) for every route with an ``<int:…>`` part, the ints set to ``huge``, other parts plausible."""
    routes = []
    for rule in app.url_map.iter_rules():
        converters = {name: type(converter).__name__ for name, converter in rule._converters.items()}
        if not any(kind == "DatabaseIdConverter" for kind in converters.values()):
            continue
        values = {
            name: huge if kind == "DatabaseIdConverter" else "plan" for name, kind in converters.items()
        }
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<[^>]*:?{name}>", value, url)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    return routes


@pytest.mark.parametrize("huge", [HUGE, str(2**63)])
def test_every_int_route_of_the_app_answers_404_for_an_id_past_the_database_integer(demo, client, auth, huge):
    routes = _int_routes(demo, huge)
    # the table of routes is read from the app, so a new id route is covered without touching this test
    assert len(routes) >= 40 and ("POST", f"/notices/{huge}/objection") in routes
    assert ("GET", f"/api/v1/cases/{huge}") in routes and ("GET", f"/cases/{huge}") in routes
    auth.login("county-staff")
    token = client.post("/api/v1/tokens", json={"username": "county-staff", "password": "kaoping-demo"})
    headers = {"Authorization": "Bearer " + token.get_json()["token"]}
    answers = {
        (method, url): client.open(url, method=method, headers=headers).status_code for method, url in routes
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_an_id_that_fits_the_database_integer_is_still_an_id(demo, client, auth):
    auth.login("county-staff")
    assert client.get(f"/cases/{2**63 - 1}").status_code == 404  # the largest id: looked up, not found
    with demo.app_context():
        case_id = drive("applied")
    assert client.get(f"/cases/{case_id}").status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"/cases/?page={HUGE}", "页码须为"),
        ("/cases/?page=0", "页码须为"),
        ("/cases/?page=abc", "页码须为"),
        (f"/cases/?year={HUGE}", "年度须为"),
        ("/cases/?year=1900", "年度须为"),
        ("/cases/?year=abc", "年度须为"),
        ("/bureau/summary?year=1900", "年度须为"),
        ("/bureau/summary.xlsx?year=abc", "年度须为"),
    ],
)
def test_a_page_or_year_out_of_range_is_400_saying_so_not_another_page(demo, client, auth, url, message):
    auth.login("city-staff")
    response = client.get(url)
    assert response.status_code == 400
    assert message in _page(response)


def test_the_admin_user_list_refuses_a_page_or_organisation_out_of_range(demo, client, auth):
    auth.login("admin")
    assert client.get(f"/admin/users?page={HUGE}").status_code == 400
    assert client.get(f"/admin/users?org={HUGE}").status_code == 400
    assert client.get("/admin/users?page=1").status_code == 200


def test_a_year_in_range_still_filters(demo, client, auth):
    auth.login("county-staff")
    assert client.get("/cases/?year=2027&page=1").status_code == 200
    auth.logout()
    auth.login("city-staff")
    assert client.get("/bureau/summary?year=2026").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/tokens", "/api/v1/cases", "/api/v1/notices/1/objections"])
def test_json_nested_deeper_than_the_parser_allows_is_a_400(demo, client, url):
    caller = bearer_callers(client)("unit-county")
    body = "[" * 100_000 + "]" * 100_000
    response = caller.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] in ("bad_request", "invalid_input")


# --- point 2: the notice start, typed on the form, the API and the batch, and stored absurd dates ----------


@pytest.fixture
def prechecking(demo):
    with demo.app_context():
        return drive("prechecking")


@pytest.mark.parametrize("start", ["9999-12-31", "2099-06-01", "2027-02-05"])
def test_a_far_future_notice_start_on_the_form_is_refused_beside_the_field_arc_10_3_1(
    prechecking, demo, client, auth, start
):
    auth.login("county-staff")
    with demo.app_context():
        before = event_count(prechecking)
        version = case(prechecking).version_id
    response = client.post(
        f"/cases/{prechecking}/events/pass_precheck",
        data={
            "pass_precheck-version": version,
            "pass_precheck-notice_start": start,
            "pass_precheck-opinion": "材料齐全，同意公示。",
        },
    )
    assert response.status_code == 400
    page = _page(response)
    assert "ARC-10.3.1" in page and "至30天后（2027-02-04）之间" in page
    assert f'value="{start}"' in page and "材料齐全，同意公示。</textarea>" in page  # kept what was typed
    with demo.app_context():
        assert case(prechecking).state == "prechecking" and case(prechecking).notice_start is None
        assert event_count(prechecking) == before
    assert client.get(f"/cases/{prechecking}").status_code == 200


def test_a_far_future_notice_start_over_the_api_is_400_naming_the_field_and_rule(prechecking, demo, client):
    caller = bearer_callers(client)("county-staff")
    response = caller.fire(prechecking, "pass_precheck", notice_start="9999-12-31", opinion="同意公示。")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "notice_start_too_far" and body["field"] == "notice_start"
    assert body["rule"] == "ARC-10.3.1" and "30天后" in body["message"]
    assert caller.get(f"/api/v1/cases/{prechecking}").status_code == 200


def test_a_far_future_notice_start_in_the_batch_publish_is_refused_and_writes_nothing(
    prechecking, demo, client, auth
):
    auth.login("county-staff")
    with demo.app_context():
        before = event_count()
    response = client.post(
        "/bureau/batch/publish",
        data={
            "case_ids": [str(prechecking)],
            "shown": [str(prechecking)],
            "notice_start": "9999-12-31",
            "opinion": "材料齐全，同意公示。",
        },
    )
    assert response.status_code == 409
    page = _page(response)
    assert "ARC-10.3.1" in page and "30天后" in page and 'value="9999-12-31"' in page
    with demo.app_context():
        assert case(prechecking).state == "prechecking" and event_count() == before


@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(9999, 12, 28), date(1, 1, 1)])
def test_an_absurd_date_stored_in_the_database_breaks_no_page(demo, client, auth, stored):
    """Whatever got stored (an old bug, a hand edit), the case page, the API detail, the worklists and the
    public notice still answer; the notice simply never ends."""
    with demo.app_context():
        case_id = drive("in_notice")
        db.session.execute(sa.update(Case).where(Case.id == case_id).values(notice_start=stored))
        organ_id = case(case_id).organ_id
        db.session.add(
            Grade(
                organ_id=organ_id,
                level="second",
                valid_from=stored,
                valid_to=stored,
                certificate_kind="evaluation",
                certificate_no="鄂档等〔9999〕001号",
            )
        )
        db.session.commit()
    pages = [f"/cases/{case_id}", "/bureau/", "/bureau/?tab=supervised", "/cases/", "/notices/"]
    auth.login("county-staff")
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)
    auth.logout()
    auth.login("unit-county")
    assert client.get("/unit/").status_code == 200
    assert client.get(f"/cases/{case_id}").status_code == 200
    auth.logout()
    assert client.get(f"/notices/{case_id}/objection").status_code in (200, 404)
    caller = bearer_callers(client)("county-staff")
    assert caller.get(f"/api/v1/cases/{case_id}").status_code == 200
    assert caller.get("/api/v1/cases").status_code == 200
    assert caller.get(f"/api/v1/organs/{organ_id}/grade").status_code == 200
    assert client.get("/api/v1/notices").status_code == 200


# --- point 4: the stale-form check always runs -------------------------------------------------------------


@pytest.mark.parametrize("version", ["abc", "", "1.0", "-1", "１", None])
def test_an_event_form_without_a_readable_version_is_400_and_does_nothing(demo, client, auth, version):
    with demo.app_context():
        case_id = drive("applied")
        before = event_count(case_id)
    auth.login("county-staff")
    data = {"plan-comment": "2027年度考评计划"}
    if version is not None:
        data["plan-version"] = version
    response = client.post(f"/cases/{case_id}/events/plan", data=data)
    assert response.status_code == 400
    page = _page(response)
    assert "请刷新页面后重新办理" in page and "2027年度考评计划</textarea>" in page
    with demo.app_context():
        assert case(case_id).state == "applied" and event_count(case_id) == before


def test_a_forged_form_without_a_version_from_a_bureau_without_the_function_is_still_403(demo, client, auth):
    """Deny first: the upper bureau is told it may not act (ARC-9.6), not to reload its page."""
    with demo.app_context():
        case_id = drive("applied")
    auth.login("city-staff")
    response = client.post(f"/cases/{case_id}/events/plan", data={"plan-comment": "代为办理"})
    assert response.status_code == 403
    with demo.app_context():
        assert case(case_id).state == "applied"


def test_an_event_form_with_the_current_version_goes_through(demo, client, auth):
    with demo.app_context():
        case_id = drive("applied")
        version = case(case_id).version_id
    auth.login("county-staff")
    response = client.post(f"/cases/{case_id}/events/plan", data={"plan-version": str(version)})
    assert response.status_code == 302
    with demo.app_context():
        assert case(case_id).state == "planned"


def _upload(caller, case_id: int, **extra):
    return caller.post(
        f"/api/v1/cases/{case_id}/attachments",
        data={"kind": "application_form", "file": (BytesIO(PDF), "申报审批表.pdf"), **extra},
        content_type="multipart/form-data",
    )


def test_the_apis_expected_version_is_checked_on_uploads(demo, client):
    with demo.app_context():
        case_id = drive("draft")
        version = case(case_id).version_id
    caller = bearer_callers(client)("unit-county")
    bad = _upload(caller, case_id, expected_version="abc")
    assert bad.status_code == 400 and bad.get_json()["field"] == "expected_version"
    stale = _upload(caller, case_id, expected_version=str(version + 1))
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale"
    assert _upload(caller, case_id, expected_version=str(version)).status_code == 201
    assert _upload(caller, case_id).status_code == 201  # not sent: not checked (the API's contract)


def test_the_apis_expected_version_is_checked_when_forming_the_panel(demo, client):
    with demo.app_context():
        case_id = drive("in_notice")
        version = case(case_id).version_id
    caller = bearer_callers(client)("county-staff")
    url = f"/api/v1/cases/{case_id}/panel"
    body = {"reviewers": ["reviewer-7", "reviewer-8", "reviewer-4"]}
    bad = caller.put(url, json={**body, "expected_version": "1"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "expected_version"
    stale = caller.put(url, json={**body, "expected_version": version - 1})
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale"
    assert caller.put(url, json={**body, "expected_version": version}).status_code == 200


# --- point 20: the written pre-check opinion -------------------------------------------------------------------


def test_passing_the_precheck_on_the_page_without_an_opinion_is_refused_quoting_arc_10_2_1(
    prechecking, demo, client, auth
):
    auth.login("county-staff")
    with demo.app_context():
        version = case(prechecking).version_id
    response = client.post(
        f"/cases/{prechecking}/events/pass_precheck",
        data={
            "pass_precheck-version": version,
            "pass_precheck-notice_start": TODAY.isoformat(),
            "pass_precheck-opinion": "   ",
            "pass_precheck-comment": "请尽快公示",
        },
    )
    assert response.status_code == 400
    page = _page(response)
    assert "ARC-10.2.1" in page and "提出完善意见" in page and "请填写书面预检意见" in page
    assert "请尽快公示</textarea>" in page
    with demo.app_context():
        assert case(prechecking).state == "prechecking"


@pytest.mark.parametrize("event", ["pass_precheck", "return_for_completion"])
@pytest.mark.parametrize("opinion", [None, "", "  "])
def test_the_api_refuses_a_precheck_decision_without_an_opinion_arc_10_2_1(
    prechecking, client, event, opinion
):
    caller = bearer_callers(client)("county-staff")
    body = {} if opinion is None else {"opinion": opinion}
    response = caller.fire(prechecking, event, **body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "precheck_opinion_required" and answer["field"] == "opinion"
    assert answer["rule"] == "ARC-10.2.1"


def test_an_onlooker_learns_nothing_from_the_opinion_check(prechecking, client):
    """Permission first: a bureau without the function is told so, not that the opinion is missing."""
    response = bearer_callers(client)("city-staff").fire(prechecking, "pass_precheck")
    assert response.status_code == 403


def test_the_batch_publish_refuses_an_empty_opinion_and_writes_nothing(prechecking, demo, client, auth):
    auth.login("county-staff")
    with demo.app_context():
        before = event_count()
    response = client.post(
        "/bureau/batch/publish",
        data={
            "case_ids": [str(prechecking)],
            "shown": [str(prechecking)],
            "notice_start": TODAY.isoformat(),
            "opinion": " ",
        },
    )
    assert response.status_code in (200, 400)
    assert "请填写书面预检意见" in _page(response)
    with demo.app_context():
        assert case(prechecking).state == "prechecking" and event_count() == before


def test_the_batch_service_refuses_every_case_without_an_opinion_arc_10_2_1(prechecking, demo):
    """The service itself (not only the form) needs the opinion: the API and any caller go through it."""
    with demo.app_context():
        with pytest.raises(errors.BatchRefused) as refused:
            cases.batch_fire(user("county-staff"), [prechecking], "pass_precheck", today=TODAY, opinion="")
        decision = refused.value.refusals[prechecking]
        assert decision.code == "precheck_opinion_required" and decision.rule == "ARC-10.2.1"
        assert case(prechecking).state == "prechecking"
