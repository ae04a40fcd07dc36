"""Score sheets over /api/v1: each endpoint's success and error shapes, who may read and fill which sheet
(applicant, panel member, lead, organizer, upper bureau, another bureau, an unrelated unit), and the review
decided over the API by the panel's agreed sheet (ARC-10.4.5, GAP-12, ARC-7.2)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_test_app, make_user
from tests.webapp.api.conftest import bearer_callers
from tests.webapp.sheets import world as w
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services import transaction
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.scoring.services.schemes import register_shipped_schemes
from webapp.scoring.services.scoresheets import operations

ROLES = {
    "applicant": "unit-county",
    "member": "reviewer-8",
    "lead": "reviewer-7",
    "organizer": "county-staff",
    "upper bureau": "city-staff",
    "other bureau": "wh-staff",
    "other organ": "unit-city",
    "reviewer off the panel": "reviewer-9",
}
SEES_CASE = ("applicant", "member", "lead", "organizer", "upper bureau")

#: the three on-site sheets of `world.REVIEWS` as an API client sends them (numbers as numbers)
REVIEWS = {
    "reviewer-7": {
        "HBS-5.1": {"awarded": 8, "reason": "编研不足"},
        "HBS-5.3": {"measures": {"entry_rate": 82}},
        "HBS-3.1": {"defects": {"missing_file": 3}, "note": "抽查2026年文书档案"},
        "HBS-1.3": {"defects": {"missing_rule": 1}},
        "HBS-2.2": {"defects": {"missing_protection": 2}},
    },
    "reviewer-8": {
        "HBS-5.1": {"awarded": 7, "reason": "编研成果少"},
        "HBS-5.3": {"measures": {"entry_rate": 82}},
        "HBS-3.1": {"defects": {"missing_file": 4}},
        "HBS-1.3": {"defects": {"missing_rule": 1}},
        "HBS-2.2": {"defects": {"missing_protection": 3}},
    },
    "reviewer-4": {
        "HBS-5.1": {"awarded": 9, "reason": "编研尚可"},
        "HBS-5.3": {"measures": {"entry_rate": 90}},
        "HBS-3.1": {"defects": {"missing_file": 2}},
        "HBS-1.3": {"defects": {"missing_rule": 1}},
    },
}


@pytest.fixture
def world(demo):  # noqa: ANN001 - the Flask app with demo data
    with demo.app_context(), transaction():
        register_shipped_schemes()
    return demo


def in_app(app, build):  # noqa: ANN001
    with app.app_context():
        return build()


def start(caller, case_id: int, kind: str):  # noqa: ANN001
    return caller.post(f"/api/v1/cases/{case_id}/sheets", json={"kind": kind})


def put(caller, sheet_id: int, entries: dict, **body):  # noqa: ANN001
    return caller.put(f"/api/v1/sheets/{sheet_id}", json={"entries": entries, **body})


def submit(caller, sheet_id: int, **body):  # noqa: ANN001
    return caller.post(f"/api/v1/sheets/{sheet_id}/submit", json=body)


# -- authentication and the document ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/cases/1/sheets"),
        ("post", "/api/v1/cases/1/sheets"),
        ("get", "/api/v1/sheets/1"),
        ("put", "/api/v1/sheets/1"),
        ("post", "/api/v1/sheets/1/submit"),
        ("post", "/api/v1/sheets/1/reopen"),
    ],
)
def test_without_a_token_every_sheet_endpoint_answers_401_json(app, method, url):
    response = getattr(app.test_client(), method)(url, json={})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_the_openapi_document_describes_the_sheet_endpoints(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    paths = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert {
        ("/cases/{case_id}/sheets", "get"),
        ("/cases/{case_id}/sheets", "post"),
        ("/sheets/{sheet_id}", "get"),
        ("/sheets/{sheet_id}", "put"),
        ("/sheets/{sheet_id}/submit", "post"),
        ("/sheets/{sheet_id}/reopen", "post"),
    } <= paths
    assert {"Sheet", "SheetSummary", "SheetResult", "Spread"} <= set(doc["components"]["schemas"])


# -- who may read and fill what: one case in review, read by every role ----------------------------------------


@pytest.fixture(scope="module")
def review_world(tmp_path_factory):
    """One case in review: self-check submitted, three reviewer sheets submitted, the agreed sheet a draft."""
    app = make_test_app(tmp_path_factory.mktemp("sheets-api"), own_database=True)
    with app.app_context():
        db.create_all()
        load_demo()
        with transaction():
            register_shipped_schemes()
            wuhan = db.session.scalar(sa.select(Organisation).where(Organisation.code == "wh"))
            make_user(wuhan, "bureau_staff", username="wh-staff", password=DEMO_PASSWORD)
        case_id = w.reviewed_case()
        ids = {
            "case": case_id,
            "self": operations.open_sheet(w.user(w.UNIT), case_id, "self").id,
            "member": operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id,
            "agreed": operations.open_sheet(w.user(w.LEAD), case_id, "agreed").id,
        }
    app.config["KAOPING_TODAY"] = w.NOTICE_OVER.isoformat()
    callers = bearer_callers(app.test_client())
    yield app, ids, lambda role: callers(ROLES[role])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


#: sheet → the roles that read it; every other role gets 404, whether or not it sees the case
READERS = {
    "self": {"applicant", "member", "lead", "organizer"},
    "member": {"member", "lead", "organizer"},
    "agreed": {"member", "lead", "organizer"},
}


@pytest.mark.parametrize("sheet", list(READERS))
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_read_each_sheet(review_world, sheet, role):
    app, ids, api = review_world
    response = api(role).get(f"/api/v1/sheets/{ids[sheet]}")
    if role in READERS[sheet]:
        assert response.status_code == 200
        assert response.get_json()["id"] == ids[sheet]
    else:
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("role", list(ROLES))
def test_the_case_sheet_list_shows_what_the_caller_may_read_and_the_spread_to_the_panel_and_bureau(
    review_world, role
):
    app, ids, api = review_world
    response = api(role).get(f"/api/v1/cases/{ids['case']}/sheets")
    if role not in SEES_CASE:
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
        return
    body = response.get_json()
    assert response.status_code == 200 and body["scored"] is True
    listed = [(s["kind"], s["reviewer"]) for s in body["sheets"]]
    if role == "applicant":
        assert listed == [("self", None)] and body["spread"] is None
    elif role == "upper bureau":  # sees the case, holds no function in it: no sheets until concluded
        assert listed == [] and body["spread"] is None
    else:
        assert listed == [
            ("self", None),
            ("reviewer", "reviewer-7"),  # the lead first
            ("reviewer", "reviewer-8"),
            ("reviewer", "reviewer-4"),
            ("agreed", None),
        ]
        assert body["spread"]["reviewers"] == ["reviewer-7", "reviewer-8", "reviewer-4"]


def test_the_list_gives_each_sheet_its_status_scheme_and_result(review_world):
    app, ids, api = review_world
    sheets = api("lead").get(f"/api/v1/cases/{ids['case']}/sheets").get_json()["sheets"]
    self_check = sheets[0]
    assert self_check | {"updated_at": None, "submitted_at": None, "version": 0} == {
        "id": ids["self"],
        "case_id": ids["case"],
        "kind": "self",
        "kind_label": "自查评分表",
        "reviewer": None,
        "status": "submitted",
        "scheme": self_check["scheme"],
        "total": 98,
        "max": 100,
        "passed": True,
        "vetoed": False,
        "version": 0,
        "updated_at": None,
        "submitted_at": None,
    }
    assert self_check["scheme"].startswith("hubei-archive-sample@")
    assert [s["total"] for s in sheets[1:4]] == [92, 89, 96]
    assert sheets[4]["status"] == "draft" and sheets[4]["total"] == 92  # prefilled with the medians


def test_the_spread_gives_each_reviewers_score_the_range_and_the_self_check_difference(review_world):
    app, ids, api = review_world
    spread = api("organizer").get(f"/api/v1/cases/{ids['case']}/sheets").get_json()["spread"]
    row = next(r for r in spread["items"] if r["id"] == "HBS-2.2")
    assert row == {
        "id": "HBS-2.2",
        "item_max": 10,
        "scores": [
            {"reviewer": "reviewer-7", "score": 8},
            {"reviewer": "reviewer-8", "score": 7},
            {"reviewer": "reviewer-4", "score": 10},
        ],
        "min": 7,
        "max": 10,
        "spread": 3,
        "self": 10,
        "agreed": 8,
        "self_difference": -2,
    }
    assert "HBS-5.2" not in {r["id"] for r in spread["items"]}  # a 省一级 item: nobody scores it here


def test_a_sheet_carries_its_entries_in_the_sheet_json_format_and_the_engines_result(review_world):
    app, ids, api = review_world
    body = api("member").get(f"/api/v1/sheets/{ids['member']}").get_json()
    assert body["entries"]["HBS-5.1"] == {"awarded": 7, "reason": "编研成果少"}
    assert body["entries"]["HBS-5.3"] == {"measures": {"entry_rate": 82}}
    # editable: the member fills it and review is open (submitted, so a PUT needs a reopen first)
    assert (body["editable"], body["complete"], body["problems"], body["level"]) == (True, True, {}, "second")
    result = body["result"]
    assert (result["total"], result["max"], result["vetoed"], result["passed"], result["grade"]) == (
        89,
        100,
        False,
        True,
        "省二级",
    )
    section = next(s for s in result["sections"] if s["id"] == "HBS-3")
    assert (section["score"], section["max"]) == (31, 35)
    item = next(i for i in result["items"] if i["id"] == "HBS-5.1")
    assert (item["score"], item["max"]) == (7, 10) and "编研成果少" in item["reasons"][0]
    assert result["veto_reasons"] == []


#: (sheet, role) → status of PUT for everyone who sees the case; 404 for the rest
WRITES = {
    ("agreed", "lead"): 200,
    ("agreed", "member"): 403,
    ("agreed", "organizer"): 403,
    ("agreed", "applicant"): 404,
    ("agreed", "upper bureau"): 404,
    ("member", "member"): 409,  # submitted: reopen first
    ("member", "lead"): 403,  # not their own sheet
    ("member", "organizer"): 403,
    ("member", "applicant"): 404,
    ("self", "applicant"): 409,  # the self-check closed when acceptance was requested (ARC-10.1.4)
    ("self", "member"): 403,
    ("self", "lead"): 403,
    ("self", "organizer"): 403,
    ("self", "upper bureau"): 404,
}


@pytest.mark.parametrize("sheet", ["self", "member", "agreed"])
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_save_each_sheet(review_world, sheet, role):
    app, ids, api = review_world
    current = api("lead").get(f"/api/v1/sheets/{ids[sheet]}").get_json()
    response = put(api(role), ids[sheet], current["entries"])
    expected = WRITES.get((sheet, role), 404)
    assert response.status_code == expected, response.get_json()
    body = response.get_json()
    if expected == 403:
        assert body["error"] == "forbidden" and body["message"] and "rule" in body
    elif expected == 404:
        assert body["error"] == "not_found"
    elif expected == 409:
        assert body["error"] in ("sheet_submitted", "sheet_closed") and "rule" in body
        if sheet == "self":
            assert (body["error"], body["rule"]) == ("sheet_closed", "ARC-10.1.4")
    else:
        assert body["entries"] == current["entries"] and body["total"] == current["total"]


# -- the applicant's self-check: start, save, submit, reopen -------------------------------------------------


def test_the_applicant_starts_fills_submits_and_reopens_its_self_check(world, api):
    case_id = in_app(world, w.planned_case)
    unit = api("unit-county")
    created = start(unit, case_id, "self")
    assert created.status_code == 201
    sheet = created.get_json()
    assert created.headers["Location"] == f"/api/v1/sheets/{sheet['id']}"
    assert (sheet["kind"], sheet["status"], sheet["editable"], sheet["entries"]) == (
        "self",
        "draft",
        True,
        {},
    )
    assert sheet["result"]["passed"] is None and sheet["result"]["missing"] == ["HBS-5.1", "HBS-5.3"]
    again = start(unit, case_id, "self")
    assert again.status_code == 200 and again.get_json()["id"] == sheet["id"]

    saved = put(
        unit, sheet["id"], {**w.SELF_CHECK, "HBS-3.1": {"note": "全部归档"}}, version=sheet["version"]
    )
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert (body["total"], body["status"], body["complete"]) == (98, "draft", True)
    assert body["entries"]["HBS-5.1"] == {"awarded": 9, "reason": "编研成果较少"}
    assert body["entries"]["HBS-3.1"] == {"note": "全部归档"}

    submitted = submit(unit, sheet["id"], version=body["version"])
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    refused = put(unit, sheet["id"], w.SELF_CHECK)
    assert refused.status_code == 409
    assert refused.get_json() | {"message": ""} == {"error": "sheet_submitted", "message": "", "rule": None}
    reopened = unit.post(f"/api/v1/sheets/{sheet['id']}/reopen")
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "draft"


def test_a_stale_version_is_409_stale_and_nothing_is_saved(world, api):
    case_id = in_app(world, w.planned_case)
    unit = api("unit-county")
    sheet = start(unit, case_id, "self").get_json()
    assert put(unit, sheet["id"], w.SELF_CHECK, version=sheet["version"]).status_code == 200
    stale = put(unit, sheet["id"], {}, version=sheet["version"])
    assert stale.status_code == 409
    assert stale.get_json() | {"message": ""} == {"error": "stale", "message": "", "rule": None}
    assert unit.get(f"/api/v1/sheets/{sheet['id']}").get_json()["total"] == 98
    assert submit(unit, sheet["id"], version=sheet["version"]).get_json()["error"] == "stale"


@pytest.mark.parametrize(
    ("entries", "field", "words"),
    [
        ({"HBS-9.9": {"awarded": 1}}, "entries.HBS-9.9", "没有考核项目HBS-9.9"),
        ({"HBS-5.1": {"awarded": 12}}, "entries.HBS-5.1.awarded", "评分应在1–10分之间"),
        ({"HBS-5.1": {"awarded": -1}}, "entries.HBS-5.1.awarded", "不能为负数"),
        ({"HBS-5.1": {"awarded": 8}}, "entries.HBS-5.1.reason", "低于满分须填写扣分原因"),
        ({"HBS-3.3": {"deduction": 2}}, "entries.HBS-3.3.reason", "酌情扣分须填写扣分原因"),
        ({"HBS-3.3": {"deduction": 11, "reason": "未鉴定"}}, "entries.HBS-3.3.deduction", "0–10分"),
        ({"HBS-1.1": {"defects": {"no_leader": 2}}}, "entries.HBS-1.1.defect.no_leader", "只计一次"),
        ({"HBS-1.3": {"defects": {"lost": 1}}}, "entries.HBS-1.3", "lost"),
        ({"HBS-3.1": {"awarded": "很多"}}, "entries.HBS-3.1", "评分应为数字，填写的是「很多」"),
        ({"HBS-3.1": {"score": 3}}, "entries.HBS-3.1", "score"),
        ({"HBS-5.1": "9"}, "entries.HBS-5.1", "「五、1 利用服务与编研」"),
        ({"HBS-5.2": {"awarded": 9}}, "entries.HBS-5.2", "不适用于省二级"),
        ({"HBS-4.2": {"flags": ["flood"]}}, "entries.HBS-4.2", "flood"),
    ],
)
def test_a_bad_entry_is_400_invalid_input_naming_the_item_and_nothing_is_saved(
    world, api, entries, field, words
):
    case_id = in_app(world, w.planned_case)
    unit = api("unit-county")
    sheet = start(unit, case_id, "self").get_json()
    assert put(unit, sheet["id"], w.SELF_CHECK).status_code == 200
    response = put(unit, sheet["id"], {**w.SELF_CHECK, **entries})
    assert response.status_code == 400
    body = response.get_json()
    assert (body["error"], body["field"]) == ("invalid_input", field)
    assert words in body["message"] and "评分表未保存" in body["message"]
    assert unit.get(f"/api/v1/sheets/{sheet['id']}").get_json()["entries"]["HBS-5.1"]["awarded"] == 9


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "entries"), ({"entries": []}, "entries"), ({"entries": {}, "version": "1"}, "version")],
)
def test_a_put_without_an_entries_object_is_400(world, api, body, field):
    case_id = in_app(world, w.planned_case)
    unit = api("unit-county")
    sheet = start(unit, case_id, "self").get_json()
    response = unit.put(f"/api/v1/sheets/{sheet['id']}", json=body)
    assert response.status_code == 400
    assert (response.get_json()["error"], response.get_json()["field"]) == ("invalid_input", field)
    assert unit.put(f"/api/v1/sheets/{sheet['id']}", data="x").get_json()["error"] == "invalid_input"


def test_submitting_an_incomplete_sheet_is_400_naming_the_first_unscored_item(world, api):
    case_id = in_app(world, w.planned_case)
    unit = api("unit-county")
    sheet = start(unit, case_id, "self").get_json()
    put(unit, sheet["id"], {"HBS-5.3": {"measures": {"entry_rate": 85}}})
    response = submit(unit, sheet["id"])
    assert response.status_code == 400
    body = response.get_json()
    assert (body["error"], body["field"]) == ("invalid_input", "entries.HBS-5.1")
    assert "尚未评分的项目：第五部分第1项「利用服务与编研」" in body["message"]  # as the table names it
    assert unit.get(f"/api/v1/sheets/{sheet['id']}").get_json()["status"] == "draft"


def test_starting_a_sheet_is_refused_with_why(world, api):
    case_id = in_app(world, w.planned_case)
    response = start(api("county-staff"), case_id, "self")  # the bureau does not fill the self-check
    assert response.status_code == 403
    assert response.get_json() == {
        "error": "forbidden",
        "message": "自查评分表由申报单位填写。",
        "rule": None,
    }
    response = start(api("unit-county"), case_id, "reviewer")  # not on a panel
    assert response.status_code == 403 and response.get_json()["message"] == "评审评分表由评审组成员填写。"
    response = start(api("unit-county"), case_id, "agreed")
    assert response.status_code == 403
    bad = start(api("unit-county"), case_id, "draft")
    assert bad.status_code == 400 and bad.get_json()["field"] == "kind"
    assert api("unit-county").post(f"/api/v1/cases/{case_id}/sheets", json={}).get_json()["field"] == "kind"
    for outsider in ("unit-city", "reviewer-9"):
        assert start(api(outsider), case_id, "self").status_code == 404
    assert start(api("admin"), case_id, "self").status_code == 403  # 三员分立: never acts in a case
    assert start(api("unit-county"), 999, "self").status_code == 404
    assert api("unit-county").get("/api/v1/sheets/999").status_code == 404


def test_the_self_check_cannot_be_started_before_the_plan_arc_10_1_4(world, api):
    unit = api("unit-county")
    case = unit.post(
        "/api/v1/cases", json={"level": "second", "kind": "evaluation", "preconditions": w.PRECONDITIONS}
    ).get_json()
    response = start(unit, case["id"], "self")
    assert response.status_code == 409
    body = response.get_json()
    assert (body["error"], body["rule"]) == ("sheet_closed", "ARC-10.1.4") and "草稿" in body["message"]


def test_a_reviewer_starts_only_their_own_sheet_and_only_in_review(world, api):
    case_id = in_app(world, lambda: w.review_case())
    world.config["KAOPING_TODAY"] = w.NOTICE_OVER.isoformat()
    own = start(api("reviewer-8"), case_id, "reviewer")
    assert own.status_code == 201 and own.get_json()["reviewer"] == "reviewer-8"
    assert start(api("reviewer-4"), case_id, "reviewer").get_json()["reviewer"] == "reviewer-4"
    assert put(api("reviewer-4"), own.get_json()["id"], {}).status_code == 403
    assert start(api("reviewer-8"), case_id, "agreed").status_code == 403  # the lead keeps it
    assert start(api("county-staff"), case_id, "reviewer").status_code == 403


# -- the review decided over the API --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed_changes", "state", "total", "words"),
    [
        ({}, "awaiting_approval", 92, "达到省二级达标分数线80分"),
        (
            {
                "HBS-3.3": {"deduction": 10, "reason": "未开展鉴定销毁"},
                "HBS-2.2": {"defects": {"missing_protection": 5}},
            },
            "rejected",
            79,
            "未达到省二级达标分数线80分",
        ),
        (
            {"HBS-4.2": {"flags": ["security_incident"], "reason": "2026年5月档案被盗"}},
            "rejected",
            92,
            "一票否决",
        ),
    ],
)
def test_three_reviewers_score_the_lead_agrees_and_conclude_review_follows_the_agreed_sheet(
    world, api, agreed_changes, state, total, words
):
    case_id = in_app(world, lambda: w.review_case())
    world.config["KAOPING_TODAY"] = w.NOTICE_OVER.isoformat()
    for username, entries in REVIEWS.items():
        reviewer = api(username)
        sheet = start(reviewer, case_id, "reviewer").get_json()
        saved = put(reviewer, sheet["id"], entries, version=sheet["version"])
        assert saved.status_code == 200, saved.get_json()
        done = submit(reviewer, sheet["id"], version=saved.get_json()["version"])
        assert done.status_code == 200 and done.get_json()["status"] == "submitted"

    lead = api(w.LEAD)
    early = lead.fire(case_id, "conclude_review")
    assert early.status_code == 409 and early.get_json()["error"] == "review_result_missing"
    agreed = start(lead, case_id, "agreed")
    assert agreed.status_code == 201
    sheet = agreed.get_json()
    assert sheet["total"] == 92 and sheet["status"] == "draft"
    assert sheet["entries"]["HBS-5.1"]["awarded"] == 8  # prefilled with the median of 8, 7, 9
    listing = lead.get(f"/api/v1/cases/{case_id}/sheets").get_json()
    assert [r["spread"] for r in listing["spread"]["items"] if r["id"] == "HBS-3.1"] == [2]

    entries = {**sheet["entries"], **agreed_changes}
    saved = put(lead, sheet["id"], entries, version=sheet["version"], opinion="资料齐全，编研工作有待加强")
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["total"] == total
    assert (
        saved.get_json()["opinion"] == "资料齐全，编研工作有待加强"
    )  # printed as 评审意见 (issue 7 point 14)
    assert submit(lead, sheet["id"]).status_code == 200

    concluded = lead.fire(case_id, "conclude_review")  # no total: the agreed sheet decides
    assert concluded.status_code == 200, concluded.get_json()
    case = concluded.get_json()
    assert (case["state"], case["total_score"]) == (state, total)
    assert case["conclusion"] == ("pass" if state == "awaiting_approval" else "fail")
    conclusion = next(h for h in case["history"] if h["event"] == "conclude_review")
    # the audit row cites the transition's rule: ARC-10.4.5 to approval, ARC-7.2 (the pass line) to rejection
    assert words in conclusion["comment"]
    assert conclusion["rule"] == ("ARC-10.4.5" if state == "awaiting_approval" else "ARC-7.2")

    # concluded: the sheets are closed, and the applicant now reads the agreed sheet
    assert put(lead, sheet["id"], entries).get_json()["error"] in ("sheet_submitted", "sheet_closed")
    applicant_view = api("unit-county").get(f"/api/v1/cases/{case_id}/sheets").get_json()
    assert [s["kind"] for s in applicant_view["sheets"]] == ["self", "agreed"]
    assert api("unit-county").get(f"/api/v1/sheets/{sheet['id']}").get_json()["result"]["total"] == total
