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


def _cases(demo, n):  # noqa: ANN001 - the demo app
    from tests.webapp.views.test_list_statements import add_cases

    with demo.app_context():
        add_cases(n)


def test_the_cursor_walks_the_whole_list_in_the_page_forms_order_without_repeats(demo, api):
    """Keyset pages (issue 12): ?cursor= (empty) starts, next_cursor continues, null ends; same rows and order
    as the numbered pages, filters kept in the query."""
    _cases(demo, 9)
    staff = api("prov-staff")
    numbered = staff.get("/api/v1/cases?per_page=100").get_json()
    assert numbered["count_is_estimate"] is False and numbered["next_cursor"] is None
    walked, cursor, pages = [], "", 0
    while cursor is not None:
        body = staff.get(f"/api/v1/cases?limit=2&cursor={cursor}").get_json()
        assert body["per_page"] == 2 and len(body["cases"]) <= 2 and "count" not in body
        walked += [c["id"] for c in body["cases"]]
        cursor, pages = body["next_cursor"], pages + 1
    assert walked == [c["id"] for c in numbered["cases"]] and len(walked) == numbered["count"]
    assert pages == -(-len(walked) // 2)
    recheck = staff.get("/api/v1/cases?limit=100&kind=recheck").get_json()
    assert recheck["cases"] and {c["kind"] for c in recheck["cases"]} == {"recheck"}


def test_a_forged_cursor_or_limit_is_a_400_naming_the_field(demo, api):
    staff = api("prov-staff")
    for url, field in (
        ("/api/v1/cases?cursor=not-a-cursor", "cursor"),
        ("/api/v1/cases?cursor=WyJ4Il0", "cursor"),  # ["x"]: one key where the list has two
        ("/api/v1/cases?cursor=WyJ4IiwgMV0", "cursor"),  # ["x", 1]: not a time
        ("/api/v1/cases?limit=0", "limit"),
        ("/api/v1/cases?limit=101", "limit"),
    ):
        response = staff.get(url)
        assert response.status_code == 400, url
        assert response.get_json()["field"] == field


def test_the_page_forms_count_stops_at_the_cap_and_says_it_is_an_estimate(demo, api, monkeypatch):
    """A province's list is not counted whole on every page: past the cap, count_is_estimate is true and the
    next page is still offered while rows remain."""
    from webapp.grading.services import paging

    _cases(demo, 7)
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    staff = api("prov-staff")
    body = staff.get("/api/v1/cases?per_page=2&page=3").get_json()
    assert (body["count"], body["count_is_estimate"], len(body["cases"])) == (3, True, 2)
    assert body["pages"] == 4  # the page after this one, since rows remain
    last = staff.get("/api/v1/cases?per_page=100").get_json()
    assert last["count"] == 3 and last["count_is_estimate"] is True and len(last["cases"]) >= 7


def test_a_bureaus_list_total_is_kept_until_its_cases_change_arc_9_6(demo, api):
    """issue 12: the capped total of a bureau's list is kept under its cases revision; a new application in one
    of its counties moves the city's revision, so the next page counts again."""
    with demo.app_context():
        walk("unit-county", to="applied")
    city = api("city-staff")
    assert city.get("/api/v1/cases").get_json()["count"] == 1
    with demo.app_context():
        walk("unit-town", to="applied")  # 夷陵区 is under 宜昌: the city sees it read-only (ARC-9.6)
    assert city.get("/api/v1/cases").get_json()["count"] == 2
    assert api("county-staff").get("/api/v1/cases").get_json()["count"] == 2
