"""GET /api/v1/cases: keyword, filters and pages in the query (per_page bounded), bad values a 400 naming the field."""

from __future__ import annotations

from tests.webapp.views.case_walk import walk


def test_the_api_list_pages_and_filters_in_the_query(demo, api):
    with demo.app_context():
        walk("unit-county", to="applied")
        town = walk("unit-town", to="in_notice")
    staff = api("county-staff")
    body = staff.get("/api/v1/cases?per_page=1&page=1").get_json()
    assert (body["count"], body["pages"], body["per_page"], len(body["cases"])) == (2, 2, 1, 1)
    body = staff.get("/api/v1/cases?q=小溪塔").get_json()
    assert [c["id"] for c in body["cases"]] == [town] and body["cases"][0]["overdue_days"] == 0
    bad = staff.get("/api/v1/cases?per_page=1000")
    assert bad.status_code == 400 and bad.get_json()["field"] == "per_page"
    assert staff.get("/api/v1/cases?year=1900").get_json()["field"] == "year"


def test_the_case_detail_carries_spot_check_findings_review_date_and_declarations(demo, api):
    from tests.factories import TODAY
    from tests.walk import user
    from webapp.grading.services import spot_checks

    with demo.app_context():
        case_id = walk("unit-county", to="panel")
        spot_checks.record_spot_check(
            user("city-staff"),
            case_id,
            outcome="rectify",
            findings="缺评审记录",
            checked_on=TODAY,
            today=TODAY,
        )
    body = api("county-staff").get(f"/api/v1/cases/{case_id}").get_json()
    case = body.get("case", body)
    assert [(c["outcome"], c["findings"]) for c in case["spot_checks"]] == [("rectify", "缺评审记录")]
    assert case["review_date"] is None
    assert {m["declaration"] for m in case["panel"]} == {"none"}
