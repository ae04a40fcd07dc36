"""The JSON API under /api/v1: every endpoint, its 400/401/403/404/409 shapes, and an end-to-end walk."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.walk import org
from tests.webapp.services.flow import drive
from webapp.core.extensions import db
from webapp.core.services.audit import verify_chain

PRE = {f"ARC-5.{n}": True for n in range(1, 7)}


def _case(demo, unit="unit-county", **kw) -> int:
    with demo.app_context():
        return drive(unit, **kw)


# -- the document and authentication ----------------------------------------------------------------------------


def test_the_openapi_document_describes_every_endpoint_the_bearer_scheme_and_the_error(demo, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "token from POST /tokens",
    }
    assert {"error", "message", "rule", "field"} <= set(doc["components"]["schemas"]["Error"]["properties"])
    paths = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert {
        ("/tokens", "post"),
        ("/cases", "get"),
        ("/cases", "post"),
        ("/cases/{case_id}", "get"),
        ("/cases/{case_id}/events", "post"),
        ("/cases/{case_id}/attachments", "post"),
        ("/cases/{case_id}/panel", "put"),
        ("/organs/{organ_id}/grade", "get"),
        ("/notices", "get"),
        ("/notices/{case_id}/objections", "post"),
        ("/objections/{reference}", "get"),
        ("/openapi.json", "get"),
    } <= paths


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/cases"),
        ("post", "/api/v1/cases"),
        ("get", "/api/v1/cases/1"),
        ("post", "/api/v1/cases/1/events"),
        ("post", "/api/v1/cases/1/attachments"),
        ("put", "/api/v1/cases/1/panel"),
        ("get", "/api/v1/organs/1/grade"),
    ],
)
def test_without_a_token_the_api_answers_401_json(demo, client, method, url):
    response = getattr(client, method)(url, json={})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# -- opening and reading -----------------------------------------------------------------------------------------


def test_a_unit_opens_a_case_and_gets_201_with_the_case(api):
    response = api("unit-county").post(
        "/api/v1/cases", json={"level": "second", "kind": "evaluation", "preconditions": PRE}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/cases/{body['id']}"
    assert (body["state"], body["level"], body["kind"], body["panel_size"]) == (
        "draft",
        "second",
        "evaluation",
        [3, 5],
    )
    assert body["organ"]["name"] == "夷陵区财政局" and body["organizer"]["name"] == "夷陵区档案局"
    assert body["approver"]["name"] == "夷陵区档案局"
    assert body["allowed_events"] == ["apply"] and body["notice"] is None
    assert body["history"][0] | {"at": None} == {
        "seq": 1,
        "event": "open",
        "from": None,
        "to": "draft",
        "actor": "吴敏",
        "organisation": "夷陵区财政局",
        "at": None,
        "comment": body["history"][0]["comment"],
        "rule": "ARC-10.1.1",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "evaluation"}, "level"),
        ({"level": "second"}, "kind"),
        ({"level": "second", "kind": "evaluation", "preconditions": ["ARC-5.1"]}, "preconditions"),
        ({"level": "second", "kind": "evaluation", "preconditions": {"ARC-5.1": "yes"}}, "preconditions"),
        ({"level": "tenth", "kind": "evaluation"}, "level"),
    ],
)
def test_bad_input_is_400_invalid_input_naming_the_field(api, body, field):
    response = api("unit-county").post("/api/v1/cases", json=body)
    assert response.status_code == 400
    error = response.get_json()
    assert (error["error"], error["field"]) == ("invalid_input", field) and error["message"]


def test_a_body_that_is_not_json_is_400(api):
    response = api("unit-county").post("/api/v1/cases", data="level=second")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_input"


def test_refusals_to_open_are_403_or_409_with_the_rule(api):
    response = api("county-staff").post("/api/v1/cases", json={"level": "second", "kind": "evaluation"})
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    response = api("unit-town").post("/api/v1/cases", json={"level": "special", "kind": "evaluation"})
    assert response.status_code == 409
    assert response.get_json() | {"message": ""} == {
        "error": "not_a_candidate",
        "message": "",
        "rule": "ARC-4.2",
    }


def test_the_list_shows_only_visible_cases_and_filters(demo, api):
    county = _case(demo)
    city = _case(demo, "unit-city", level="first", to="in_notice")
    assert {c["id"] for c in api("city-staff").get("/api/v1/cases").get_json()["cases"]} == {county, city}
    assert [c["id"] for c in api("unit-county").get("/api/v1/cases").get_json()["cases"]] == [county]
    nothing = api("reviewer-9").get("/api/v1/cases").get_json()  # on no panel: sees no case
    assert (nothing["cases"], nothing["count"], nothing["page"]) == ([], 0, 1)
    # 三员分立: the system administrator is refused every procedure route, lists included
    assert api("admin").get("/api/v1/cases").status_code == 403
    filtered = api("city-staff").get("/api/v1/cases?state=in_notice&level=first").get_json()
    assert [c["id"] for c in filtered["cases"]] == [city]
    response = api("city-staff").get("/api/v1/cases?state=nowhere")
    assert response.status_code == 400 and response.get_json()["field"] == "state"


def test_a_case_the_caller_may_not_see_is_404(demo, api):
    case_id = _case(demo)
    for username in ("unit-city", "reviewer-9"):
        response = api(username).get(f"/api/v1/cases/{case_id}")
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
        assert api(username).fire(case_id, "withdraw").status_code == 404
    # the system administrator never acts in a case (三员分立): refused before any case is looked up
    assert api("admin").get(f"/api/v1/cases/{case_id}").status_code == 403
    assert api("unit-county").get("/api/v1/cases/999").status_code == 404


# -- events --------------------------------------------------------------------------------------------------------


def test_an_upper_bureau_acting_gets_403_forbidden_citing_arc_9_6(demo, api):
    case_id = _case(demo)
    response = api("city-staff").fire(case_id, "plan")
    assert response.status_code == 403
    body = response.get_json()
    assert (body["error"], body["rule"]) == ("forbidden", "ARC-9.6") and "不能代为" in body["message"]


def test_a_guard_refusal_is_409_with_code_chinese_message_and_rule(demo, api):
    case_id = _case(demo, to="in_notice")
    response = api("county-staff").fire(case_id, "close_notice")
    assert response.status_code == 409
    body = response.get_json()
    assert (body["error"], body["rule"]) == ("notice_period_not_elapsed", "ARC-10.3.2")
    assert "公示时间不少于7天" in body["message"]


@pytest.mark.parametrize(
    "prefer", ["return=minimal", "respond-async, return=minimal", "Return = Minimal; x=1"]
)
def test_prefer_return_minimal_answers_the_case_state_and_a_version_the_next_event_accepts(
    demo, api, client, prefer
):
    """RFC 7240: a client firing many events asks for the short answer; the event itself is the same (its row in
    the history), and the version answered is the one the commit kept (the next event's expected_version)."""
    case_id = _case(demo)
    caller = api("county-staff")
    response = client.post(
        f"/api/v1/cases/{case_id}/events",
        json={"event": "plan"},
        headers={**caller.headers, "Prefer": prefer},
    )
    assert response.status_code == 200, response.get_json()
    assert response.headers["Preference-Applied"] == "return=minimal" and "Prefer" in response.headers["Vary"]
    detail = caller.get(f"/api/v1/cases/{case_id}").get_json()
    assert response.get_json() == {
        "id": case_id,
        "state": "planned",
        "state_label": detail["state_label"],
        "version": detail["version"],
    }
    assert detail["history"][-1]["event"] == "plan"
    # the applicant withdraws (ARC-3.1) against the version the short answer gave: not stale
    following = api("unit-county").fire(case_id, "withdraw", expected_version=response.get_json()["version"])
    assert following.status_code == 200, following.get_json()


def test_without_prefer_the_event_answers_the_whole_case(demo, api):
    case_id = _case(demo)
    response = api("county-staff").fire(case_id, "plan")
    assert response.status_code == 200 and "Preference-Applied" not in response.headers
    body = response.get_json()
    assert body["state"] == "planned" and body["history"][-1]["event"] == "plan" and "allowed_events" in body


def test_an_event_in_the_wrong_state_is_409_invalid_transition(demo, api):
    case_id = _case(demo)
    response = api("unit-county").fire(case_id, "request_acceptance")
    assert response.status_code == 409 and response.get_json()["error"] == "invalid_transition"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "event"),
        ({"event": "fly"}, "event"),
        ({"event": "plan", "expected_version": "1"}, "expected_version"),
        ({"event": "pass_precheck", "notice_start": "next week"}, "notice_start"),
        ({"event": "conclude_review", "total_score": "85"}, "total_score"),
        ({"event": "conclude_review", "conclusion": "maybe"}, "conclusion"),
    ],
)
def test_bad_event_input_is_400(demo, api, body, field):
    case_id = _case(demo)
    response = api("county-staff").post(f"/api/v1/cases/{case_id}/events", json=body)
    assert response.status_code == 400 and response.get_json()["field"] == field


@pytest.mark.parametrize("token", ["1e-400", "1E2", "85.555", "-1", "1e999"])
def test_a_review_total_is_taken_as_written_and_must_be_a_plain_decimal(demo, api, token):
    """Issue 7 point 6: JSON 1e-400 parses to 0.0 and would reject the case with a total of 0 (ARC-7.2)."""
    from tests.walk import NOTICE_OVER
    from tests.webapp.views.case_walk import walk

    with demo.app_context():
        case_id = walk("unit-county", to="panel")
    demo.config["KAOPING_TODAY"] = NOTICE_OVER.isoformat()
    body = '{"event": "conclude_review", "total_score": ' + token + "}"
    response = api("reviewer-7").post(
        f"/api/v1/cases/{case_id}/events", data=body, content_type="application/json"
    )
    assert response.status_code == 400, response.get_json()
    error = response.get_json()
    assert (error["error"], error["field"]) == ("invalid_input", "total_score")
    assert api("reviewer-7").get(f"/api/v1/cases/{case_id}").get_json()["state"] == "in_review"


def test_a_stale_version_is_409_stale(demo, api):
    case_id = _case(demo)
    version = api("county-staff").get(f"/api/v1/cases/{case_id}").get_json()["version"]
    assert api("county-staff").fire(case_id, "plan", expected_version=version).status_code == 200
    response = api("unit-county").fire(case_id, "withdraw", expected_version=version)
    assert response.status_code == 409 and response.get_json()["error"] == "stale"


# -- attachments and panel ----------------------------------------------------------------------------------------


def test_uploading_an_attachment_is_201_and_checks_kind_and_file(demo, api):
    case_id = _case(demo, to="draft")
    caller = api("unit-county")
    url = f"/api/v1/cases/{case_id}/attachments"
    response = caller.post(
        url,
        data={"kind": "other", "file": (BytesIO(b"%PDF-1.4 hello"), "说明.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.get_json() | {"id": 0, "at": None} == {
        "id": 0,
        "at": None,
        "kind": "other",
        "kind_label": "其他材料",
        "filename": "说明.pdf",
        "size": 14,
        "sha256": "f31cdee0b4d4fdae0638872f6bb7d0e6ee041386a9055d5e64c25d9d35dc88d1",
        "content_type": "application/pdf",
        "uploaded_by": "unit-county",
    }
    bad_kind = caller.post(
        url, data={"kind": "selfie", "file": (BytesIO(b"x"), "a.txt")}, content_type="multipart/form-data"
    )
    assert bad_kind.status_code == 400 and bad_kind.get_json()["field"] == "kind"
    no_file = caller.post(url, data={"kind": "other"}, content_type="multipart/form-data")
    assert no_file.status_code == 400 and no_file.get_json()["field"] == "file"
    assert (
        api("unit-city")
        .post(
            url, data={"kind": "other", "file": (BytesIO(b"x"), "a.txt")}, content_type="multipart/form-data"
        )
        .status_code
        == 404
    )


def test_the_panel_is_put_by_the_organizer_within_its_size(demo, api):
    case_id = _case(demo, to="prechecking")
    assert api("county-staff").fire(case_id, "pass_precheck", opinion="同意").status_code == 200
    url = f"/api/v1/cases/{case_id}/panel"
    too_few = api("county-staff").put(url, json={"reviewers": ["reviewer-1", "reviewer-2"]})
    assert too_few.status_code == 409 and too_few.get_json()["rule"] == "ARC-10.4.2"
    assert api("county-staff").put(url, json={"reviewers": "reviewer-1"}).status_code == 400
    assert (
        api("city-staff").put(url, json={"reviewers": ["reviewer-1", "reviewer-2", "reviewer-4"]}).status_code
        == 403
    )
    ok = api("county-staff").put(
        url, json={"reviewers": ["reviewer-1", "reviewer-2", "reviewer-4"], "lead": "reviewer-2"}
    )
    assert ok.status_code == 200
    assert [(m["username"], m["lead"]) for m in ok.get_json()["panel"]][0] == ("reviewer-2", True)


# -- organ grade and public notices -------------------------------------------------------------------------------


def test_an_organs_grade_is_readable_by_the_organ_and_its_bureaus(demo, api):
    with demo.app_context():
        organ_id = org("hb-czt").id
        county_organ = org("yc-yl-czj").id
    body = api("unit-prov").get(f"/api/v1/organs/{organ_id}/grade").get_json()
    assert (body["level"], body["valid_from"], body["valid_to"], body["state"]) == (
        "first",
        "2024-04-15",
        "2027-04-14",
        "graded",
    )
    assert api("unit-city").get(f"/api/v1/organs/{organ_id}/grade").status_code == 404
    assert api("city-staff").get(f"/api/v1/organs/{organ_id}/grade").status_code == 404
    assert api("city-staff").get(f"/api/v1/organs/{county_organ}/grade").get_json()["state"] == "ungraded"


def test_the_public_reads_notices_and_objects_without_a_token(demo, client):
    case_id = _case(demo, to="in_notice")
    notices = client.get("/api/v1/notices").get_json()["notices"]
    assert notices == [
        {
            "case_id": case_id,
            "organ": "夷陵区财政局",
            "level": "省二级",
            "kind": "考评",
            "bureau": "夷陵区档案局",
            "bureau_phone": "0717-7000005",
            "bureau_address": "宜昌市夷陵区夷兴大道500号 夷陵区档案局（示例地址）",
            "start": "2027-01-05",
            "last_day": "2027-01-11",
            "days": 7,
            "under_objection": False,
        }
    ]
    response = client.post(
        f"/api/v1/notices/{case_id}/objections", json={"content": "档案库房不达标", "name": "王五"}
    )
    assert response.status_code == 201 and response.get_json() == {"reference": "GS-2027-0001"}
    assert client.get("/api/v1/notices").get_json()["notices"][0]["under_objection"] is True
    empty = client.post(f"/api/v1/notices/{case_id}/objections", json={"content": " "})
    assert empty.status_code == 400 and empty.get_json()["field"] == "content"
    assert client.post("/api/v1/notices/999/objections", json={"content": "x"}).status_code == 404


# -- end to end ------------------------------------------------------------------------------------------------------


def test_a_county_direct_second_level_evaluation_walks_from_application_to_approval(demo, api):
    unit, staff, head = api("unit-county"), api("county-staff"), api("county-head")
    case = unit.post(
        "/api/v1/cases", json={"level": "second", "kind": "evaluation", "preconditions": PRE}
    ).get_json()
    case_id = case["id"]
    for kind in ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice"):
        response = unit.post(
            f"/api/v1/cases/{case_id}/attachments",
            data={"kind": kind, "file": (BytesIO(b"%PDF-1.4 " + kind.encode()), f"{kind}.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201
    assert unit.get(f"/api/v1/cases/{case_id}").get_json()["allowed_events"] == ["apply"]

    def step(caller, event, expect, **body):
        response = caller.fire(case_id, event, **body)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["state"] == expect
        # the answer is read inside the event's transaction, before its commit (issue 12): it is what was
        # committed, timeline, grade, letter and filings included, as a fresh read afterwards finds it
        assert response.get_json() == caller.get(f"/api/v1/cases/{case_id}").get_json()
        return response.get_json()

    step(unit, "apply", "applied")
    assert api("city-staff").fire(case_id, "plan").status_code == 403  # the city cannot act for the county
    step(staff, "plan", "planned", comment="2027年度考评计划")
    step(unit, "request_acceptance", "acceptance_requested")
    step(staff, "start_precheck", "prechecking")
    body = step(staff, "pass_precheck", "in_notice", opinion="材料齐全，同意公示。")
    assert body["notice"] == {
        "start": "2027-01-05",
        "last_day": "2027-01-11",
        "may_close_on": "2027-01-12",
        "closed_on": None,
    }
    assert (
        staff.put(
            f"/api/v1/cases/{case_id}/panel", json={"reviewers": ["reviewer-7", "reviewer-8", "reviewer-4"]}
        ).status_code
        == 200
    )
    demo.config["KAOPING_TODAY"] = "2027-01-11"  # the seventh day: still running
    assert staff.fire(case_id, "close_notice").get_json()["error"] == "notice_period_not_elapsed"
    demo.config["KAOPING_TODAY"] = "2027-01-12"
    step(staff, "close_notice", "in_review")
    assert (
        api("reviewer-8").fire(case_id, "conclude_review", total_score=88).status_code == 403
    )  # not the lead
    step(api("reviewer-7"), "conclude_review", "awaiting_approval", total_score=85.5)
    assert staff.fire(case_id, "approve").status_code == 403  # staff do not sign approvals
    demo.config["KAOPING_TODAY"] = "2027-01-14"
    body = step(head, "approve", "approved", comment="同意授予省二级")
    assert body["letter_no"] == "夷档函〔2027〕1号" and body["certificate_no"] == "鄂档证〔2027〕0001号"
    assert [h["event"] for h in body["history"] if h["from"] != h["to"]] == [
        "open",
        "apply",
        "plan",
        "request_acceptance",
        "start_precheck",
        "pass_precheck",
        "close_notice",
        "conclude_review",
        "approve",
    ]
    assert all(h["rule"] for h in body["history"])
    grade = unit.get(f"/api/v1/organs/{body['organ']['id']}/grade").get_json()
    assert (grade["level"], grade["valid_from"], grade["valid_to"], grade["state"]) == (
        "second",
        "2027-01-14",
        "2030-01-13",
        "graded",
    )
    with demo.app_context():
        assert verify_chain("case", case_id).ok
        db.session.remove()
