"""The route matrix (issue 13, proof): every endpoint of ``app.url_map`` × every kind of demo user (and the
anonymous visitor), inside and outside the jurisdiction of the objects in the URL, GET and — for routes that
take one — an empty POST/PUT/PATCH/DELETE. The expected answer of each endpoint is in `EXPECTED` below, keyed by
endpoint; a route added without an entry fails `test_every_route_has_an_expected_answer`.

What an expectation means (`CLASSES`): the users in ``allowed`` are not refused by a GET (no 403, no login
redirect / 401); the users in ``denied`` are refused by every method (403 or 404; anonymous: the login page or
401). Nobody ever gets a 500. Users in neither set are only checked for the 500 (their answer depends on the
object's state). The floor of every procedure route (``procedure``) is the separation of duties (三员分立,
等保 2.0): the three administrators and the anonymous visitor are refused, whatever the state.

One demo world for the module (grading, articles and campaigns; a case of 夷陵区财政局 in review; a bureau user
of another county for "outside the jurisdiction"); all GETs run before any POST, so an empty POST that happens
to succeed cannot change what a GET expects.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask

from tests import database as test_database
from tests.factories import TEST_PASSWORD, make_test_app, make_user
from tests.webapp.sheets import world as w
from webapp.articles.models import Article
from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services import transaction
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.scoring.models import ScoreSheet
from webapp.scoring.services.schemes import register_shipped_schemes

#: who calls, by what they are (the username is the demo account; ``None``: not signed in)
USERS: dict[str, str | None] = {
    "anonymous": None,
    "sys_admin": "admin",
    "security_admin": "secadmin",
    "auditor": "auditor",
    "unit": "unit-county",  # the world case's applicant (夷陵区财政局)
    "unit_out": "unit-town",  # another organ of the same county
    "staff": "county-staff",  # the case's bureau (夷陵区档案局)
    "staff_out": "outside-staff",  # 西陵区档案局: another county, made by the world
    "upper": "city-staff",  # the bureau above (宜昌市档案局, ARC-9.6)
    "prov_head": "prov-head",
    "reviewer": "reviewer-7",  # the lead of the case's panel
    "officer": "yl-officer",  # the world article's unit (夷陵区委组织部)
    "officer_out": "xl-officer",  # another unit of the same office
    "editor": "zg-editor",  # the office receiving the articles
    "campaign": "tj-staff",  # the office running the world campaign
    "campaign_out": "jx-staff",  # another office running its own campaigns
}
ADMINS = frozenset({"sys_admin", "security_admin", "auditor"})
EVERYONE = frozenset(USERS)
SIGNED_IN = EVERYONE - {"anonymous"}
GRADING = frozenset({"unit", "unit_out", "staff", "staff_out", "upper", "prov_head", "reviewer"})
ARTICLES = frozenset({"officer", "officer_out", "editor"})
CAMPAIGNS = frozenset({"campaign", "campaign_out"})
FLOOR = ADMINS | {"anonymous"}


@dataclass(frozen=True)
class Expect:
    allowed: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()


CLASSES: dict[str, Expect] = {
    "public": Expect(allowed=EVERYONE),
    "signed_in": Expect(allowed=SIGNED_IN, denied=frozenset({"anonymous"})),
    "sys_admin": Expect(allowed=frozenset({"sys_admin"}), denied=EVERYONE - {"sys_admin"}),
    "security_admin": Expect(allowed=frozenset({"security_admin"}), denied=EVERYONE - {"security_admin"}),
    "accounts": Expect(
        allowed=frozenset({"sys_admin", "security_admin"}), denied=EVERYONE - {"sys_admin", "security_admin"}
    ),
    "auditor": Expect(allowed=frozenset({"auditor"}), denied=EVERYONE - {"auditor"}),
    # scoring schemes: the system administrator and the provincial bureau's head (webapp/scoring/admin.py)
    "schemes": Expect(
        allowed=frozenset({"sys_admin", "prov_head"}), denied=EVERYONE - {"sys_admin", "prov_head"}
    ),
    # the floor: whatever the state, no administrator and no anonymous visitor
    "procedure": Expect(denied=FLOOR),
    # the world case: its applicant, its bureau and the bureau above read it; another organ, a bureau of
    # another county, the other procedures' people and the administrators do not
    "case": Expect(
        allowed=frozenset({"unit", "staff", "upper"}),
        denied=FLOOR | {"unit_out", "staff_out"} | ARTICLES | CAMPAIGNS,
    ),
    "case_action": Expect(denied=FLOOR | {"unit_out", "staff_out"} | ARTICLES | CAMPAIGNS),
    "grading_list": Expect(allowed=GRADING, denied=FLOOR),
    "bureau": Expect(
        allowed=frozenset({"staff", "staff_out", "upper"}),
        denied=FLOOR | {"unit", "unit_out", "reviewer"} | ARTICLES | CAMPAIGNS,
    ),
    "bureau_action": Expect(denied=FLOOR | {"unit", "unit_out", "reviewer"} | ARTICLES | CAMPAIGNS),
    "unit": Expect(
        allowed=frozenset({"unit", "unit_out"}),
        denied=FLOOR | {"staff", "upper", "reviewer"} | ARTICLES | CAMPAIGNS,
    ),
    "review": Expect(
        allowed=frozenset({"reviewer"}), denied=FLOOR | {"unit", "staff"} | ARTICLES | CAMPAIGNS
    ),
    # the world article: its unit's officer reads it, another unit's officer and the other procedures do not
    "article": Expect(allowed=frozenset({"officer"}), denied=FLOOR | {"officer_out"} | GRADING | CAMPAIGNS),
    "article_action": Expect(denied=FLOOR | {"officer_out"} | GRADING | CAMPAIGNS),
    "articles_list": Expect(
        allowed=frozenset({"officer", "officer_out"}), denied=FLOOR | GRADING | CAMPAIGNS
    ),
    "office": Expect(
        allowed=frozenset({"editor"}), denied=FLOOR | {"officer", "officer_out"} | GRADING | CAMPAIGNS
    ),
    "office_action": Expect(denied=FLOOR | {"officer", "officer_out"} | GRADING | CAMPAIGNS),
    # the world campaign: its office reads it, another office and the other procedures do not
    "campaign": Expect(allowed=frozenset({"campaign"}), denied=FLOOR | {"campaign_out"} | GRADING | ARTICLES),
    "campaign_action": Expect(denied=FLOOR | {"campaign_out"} | GRADING | ARTICLES),
    "campaigns_list": Expect(allowed=CAMPAIGNS, denied=FLOOR | GRADING | ARTICLES),
}

#: endpoint → its class in `CLASSES`. A new route needs a line here (the test says so).
EXPECTED: dict[str, str] = {
    # administration (三员分立: organisations and accounts / roles / audit)
    "admin.audit": "sys_admin",
    "admin.demo_clock": "sys_admin",
    "admin.index": "sys_admin",
    "admin.organisation_edit": "sys_admin",
    "admin.organisation_new": "sys_admin",
    "admin.organisations": "sys_admin",
    "admin.rulesets": "sys_admin",
    "admin.user_active": "sys_admin",
    "admin.user_deactivate": "sys_admin",
    "admin.user_edit": "sys_admin",
    "admin.user_new": "sys_admin",
    "admin.user_password": "sys_admin",
    "admin.user_roles": "security_admin",
    "admin.security_lift": "security_admin",
    "admin.security_locks": "security_admin",
    "admin.security_policy": "security_admin",
    "admin.users": "accounts",
    "auditor.export_csv": "auditor",
    "auditor.export_xlsx": "auditor",
    "auditor.index": "auditor",
    "auditor.verify": "auditor",
    "admin_schemes.activate": "schemes",
    "admin_schemes.download": "schemes",
    "admin_schemes.download_xlsx": "schemes",
    "admin_schemes.import_table": "schemes",
    "admin_schemes.index": "schemes",
    "admin_schemes.save": "schemes",
    "admin_schemes.show": "schemes",
    # everyone
    "auth.login": "public",
    "auth.logout": "public",
    "auth.password": "signed_in",
    "bootstrap.static": "public",
    "static": "public",
    "favicon": "public",
    "healthz": "public",
    "help.interpretations": "signed_in",
    "main.home": "signed_in",
    "public.notice": "public",
    "public.notice_print": "public",
    "public.notices": "public",
    "public.objection": "public",
    "public.objection_lookup": "public",
    "public.objection_receipt": "public",
    "api.create_token": "public",
    "api.openapi_json": "public",
    "api.list_notices": "public",
    "api.objection_status": "public",
    "api.submit_objection": "public",
    "api.me": "signed_in",
    # grading
    "api.create_case": "procedure",
    "api.delete_attachment": "case_action",
    "api.delete_case": "case_action",
    "api.fire_event": "case_action",
    "api.get_case": "case",
    "api.list_cases": "grading_list",
    "api.list_sheets": "case_action",
    "api.organ_grade": "procedure",
    "api.replace_attachment": "case_action",
    "api.set_panel": "case_action",
    "api.start_sheet": "case_action",
    "api.upload_attachment": "case_action",
    "api.get_sheet": "procedure",
    "api.put_sheet": "procedure",
    "api.reopen_sheet": "procedure",
    "api.submit_sheet": "procedure",
    "api.list_subject_sheets": "procedure",
    "api.start_subject_sheet": "procedure",
    "bureau.batch": "bureau_action",
    "bureau.objection_decide": "bureau_action",
    "bureau.objections": "bureau",
    "bureau.panel": "case_action",
    "bureau.review_date": "case_action",
    # the worklist's form: an invalid form is turned back (flash + redirect) before the service checks the case
    "bureau.spot_check": "bureau_action",
    "bureau.summaries": "bureau_action",
    "bureau.summary": "bureau_action",
    "bureau.summary_received_xlsx": "bureau_action",
    "bureau.summary_submit": "bureau_action",
    "bureau.summary_xlsx": "bureau_action",
    "bureau.worklist": "bureau",
    "cases.certificate": "case_action",
    "cases.conclude_from_sheet": "case_action",
    "cases.delete_attachment": "case_action",
    "cases.delete_case": "case_action",
    "cases.download": "case_action",
    "cases.export": "grading_list",
    "cases.fire": "case_action",
    "cases.index": "grading_list",
    "cases.letter": "case_action",
    "cases.review_pdf": "case_action",
    "cases.show": "case",
    "cases.spot_check": "case_action",
    "cases.upload": "case_action",
    "review.declare": "case_action",
    "review.index": "review",
    "sheets.agreed_sheet": "case_action",
    "sheets.blank_xlsx": "case_action",
    "sheets.export_xlsx": "procedure",
    "sheets.import_xlsx": "procedure",
    "sheets.own_review": "case_action",
    "sheets.prefill_agreed": "case_action",
    "sheets.reopen": "procedure",
    "sheets.reviewer_sheet": "case_action",
    "sheets.save": "procedure",
    "sheets.self_sheet": "case_action",
    "sheets.show": "procedure",
    "sheets.subject_agreed_sheet": "procedure",
    "sheets.subject_blank_xlsx": "procedure",
    "sheets.subject_own_review": "procedure",
    "sheets.subject_prefill_agreed": "procedure",
    "sheets.subject_reviewer_sheet": "procedure",
    "sheets.subject_self_sheet": "procedure",
    "unit.dashboard": "unit",
    "unit.open_case": "unit",
}
# information articles, their office, publishing, requests and the ledger: the article routes are tied to the
# world article; the rest keep the floor (what they show depends on the office's settings and the period)
_ARTICLE_ROUTES = {
    "articles.compare": "article",
    "articles.delete": "article_action",
    "articles.download": "article_action",
    "articles.edit": "article_action",
    "articles.event": "article_action",
    "articles.index": "articles_list",
    "articles.new": "articles_list",
    "articles.remove_attachment": "article_action",
    "articles.returns": "articles_list",
    "articles.revision": "article_action",
    "articles.signoff": "procedure",
    "articles.upload": "article_action",
    "articles.view": "article",
    "articles.adoptions": "procedure",
    "api.article_detail": "article",
    "api.article_compare": "article",
    "api.article_delete": "article_action",
    "api.article_event": "article_action",
    "api.article_text": "article_action",
    "api.article_revision": "article_action",
    "api.article_attachment_upload": "article_action",
    "api.article_attachment_delete": "article_action",
    "api.article_attachment_download": "article_action",
    "api.articles_list": "procedure",
    "api.articles_create": "procedure",
    "articles_office.intake": "office",
    "articles_office.search": "procedure",
    "articles_office.settings": "office_action",
    "articles_office.triage": "office_action",
    "articles_office.duplicates": "office_action",
}
_CAMPAIGN_ROUTES = {
    "campaigns_office.index": "procedure",
    "campaigns_office.show": "campaign",
    "campaigns_office.setup": "campaign_action",
    "campaigns_office.series": "campaign_action",
    "campaigns_office.moderation": "campaign_action",
    "campaigns_office.approval": "campaign_action",
    "campaigns_office.bulletin": "campaign_action",
    "campaigns_office.bulletin_pdf": "campaign_action",
    "campaigns_office.bulletin_xlsx": "campaign_action",
    "campaigns_office.choices": "campaign_action",
    "campaigns_office.copy": "campaign_action",
    "campaigns_office.decide": "campaign_action",
    "campaigns_office.fire": "campaign_action",
    "campaigns_office.setup_quotas": "campaign_action",
    "campaigns_office.setup_results": "campaign_action",
    "campaigns_office.setup_schedule": "campaign_action",
    "campaigns_office.setup_team": "campaign_action",
    "campaigns_office.setup_units": "campaign_action",
    "campaigns_claims.index": "campaign_action",
    "campaigns_claims.decide": "campaign_action",
    "campaigns_claims.found": "campaign_action",
    "api.campaign_detail": "campaign",
    "api.campaign_ranking": "campaign_action",
    "api.campaign_choices": "campaign_action",
    "api.campaign_decide_claim": "campaign_action",
    "api.campaign_event": "campaign_action",
}
EXPECTED.update(_ARTICLE_ROUTES)
EXPECTED.update(_CAMPAIGN_ROUTES)
#: every other route of a procedure (articles' office, publishing, requests, ledger; campaigns' teams and units):
#: the floor. Listed by name so that a new route is still a decision someone makes.
_FLOOR_ROUTES = """
api.article_add_items api.article_correct_issue api.article_create_follow_up api.article_create_instruction
api.article_create_issue api.article_export_docx api.article_export_pdf api.article_get_issue
api.article_list_candidates api.article_list_follow_ups api.article_list_instructions api.article_list_issues
api.article_lock_issue api.article_remove_item api.article_reorder api.article_report_follow_up
api.article_update_issue api.campaign_declare_claim api.campaign_evidence_file api.campaign_list
api.campaign_record_found_fault api.campaign_unit_claims api.campaign_unit_evidence api.campaign_upload_evidence
api.campaign_withdraw_claim api.cancel_commission api.close_urgent_event api.create_commission
api.create_incident api.get_commission api.get_incident api.get_urgent_event api.ledger_close_period
api.ledger_mine api.ledger_period_result api.ledger_publish_period api.ledger_recompute_period
api.ledger_unit_points api.list_commissions api.list_incidents api.list_urgent_events api.office_add_adoption
api.office_add_publication api.office_add_term api.office_add_unit api.office_adopt_forwarded
api.office_article_duplicates api.office_cancel_adoption api.office_change_publication api.office_change_term
api.office_change_unit api.office_decline_forwarded api.office_forward_article api.office_forwarded_list
api.office_get_settings api.office_intake_list api.office_search_articles api.office_set_timers
api.open_requests api.register_urgent_event api.withdraw_incident
articles_ledger.bulletin articles_ledger.bulletin_pdf articles_ledger.bulletin_xlsx articles_ledger.chart
articles_ledger.close articles_ledger.history articles_ledger.import_records articles_ledger.import_roster
articles_ledger.import_template articles_ledger.imports articles_ledger.index articles_ledger.mine
articles_ledger.publish articles_ledger.recompute articles_ledger.unit
articles_office.add_publication articles_office.add_term articles_office.add_unit articles_office.adopt_again
articles_office.cancel_adoption articles_office.decide_forwarding articles_office.edit_publication
articles_office.edit_term articles_office.edit_unit articles_office.forward articles_office.set_timers
articles_publishing.add_items articles_publishing.correct articles_publishing.details articles_publishing.export
articles_publishing.follow_up articles_publishing.follow_up_new articles_publishing.follow_ups
articles_publishing.index articles_publishing.instruction_new articles_publishing.instructions
articles_publishing.issue articles_publishing.issues articles_publishing.item_text articles_publishing.lock
articles_publishing.move_item articles_publishing.remove_item articles_publishing.reorder
articles_requests.commission articles_requests.commission_cancel articles_requests.commission_new
articles_requests.commissions articles_requests.incident articles_requests.incident_new
articles_requests.incident_withdraw articles_requests.incidents articles_requests.urgent
articles_requests.urgent_close articles_requests.urgent_dismiss_late articles_requests.urgent_event
articles_requests.urgent_new
campaigns_office.new campaigns_team.index campaigns_team.show campaigns_unit.declare campaigns_unit.download
campaigns_unit.mine campaigns_unit.move campaigns_unit.remove campaigns_unit.show campaigns_unit.upload
campaigns_unit.withdraw
"""
EXPECTED.update(dict.fromkeys(_FLOOR_ROUTES.split(), "procedure"))

#: plausible values of the URL parts that are not ids of the world's objects
WORDS = {
    "event": "submit",
    "action": "precheck",
    "decision": "accept",
    "direction": "up",
    "fmt": "pdf",
    "kind": "records",
    "name": "units",
    "subject_type": "campaign_unit",
    "reference": "YC-0000",
    "period": "2026",
    "filename": "favicon.svg",
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[Flask, dict[str, int]]]:
    app = make_test_app(
        tmp_path_factory.mktemp("route-matrix"), own_database=True, DEMO_ARTICLES=True, DEMO_CAMPAIGNS=True
    )
    with app.app_context():
        db.create_all()
        load_demo()
        with transaction():
            register_shipped_schemes()
            outside = db.session.scalar(sa.select(Organisation).where(Organisation.code == "yc-xl"))
            make_user(outside, "bureau_staff", username="outside-staff")
        case_id = w.review_case()
        sheet_id = db.session.scalar(sa.select(ScoreSheet.id).where(ScoreSheet.subject_id == case_id))
        officer = w.user("yl-officer")
        article_id = db.session.scalar(
            sa.select(Article.id).where(Article.unit_id == officer.organisation_id).order_by(Article.id)
        )
        office = w.user("tj-staff").organisation_id
        campaign_id = db.session.scalar(
            sa.select(Campaign.id).where(Campaign.office_id == office).order_by(Campaign.id)
        )
        cu_id = db.session.scalar(
            sa.select(CampaignUnit.id)
            .where(CampaignUnit.campaign_id == campaign_id)
            .order_by(CampaignUnit.id)
        )
        ids = {
            "case_id": case_id,
            "sheet_id": sheet_id or 1,
            "user_id": w.user("reviewer-4").id,
            "org_id": w.user("city-staff").organisation_id,
            "article_id": article_id,
            "campaign_id": campaign_id,
            "cu_id": cu_id,
            "subject_id": cu_id,
        }
        for user in db.session.scalars(sa.select(User).where(User.username.in_(USERS.values()))):
            assert user.active, user.username
    assert all(ids.values()), ids
    yield app, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _routes(app: Flask, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route of the app, its parts filled from the world."""
    routes = []
    for rule in app.url_map.iter_rules():
        values = {arg: ids.get(arg, WORDS.get(arg, 1)) for arg in rule.arguments}
        if rule.endpoint == "bootstrap.static":
            values["filename"] = "css/bootstrap.min.css"
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        for method in METHODS:
            if method in (rule.methods or ()):
                routes.append((rule.endpoint, method, url))
    # logging out last: the session is needed for everything else
    return sorted(routes, key=lambda route: (route[1] != "GET", route[0] == "auth.logout", route[0]))


def _refused(key: str, response, method: str = "GET") -> bool:  # noqa: ANN001
    """Refused: 403 or 404; the anonymous visitor: the login page or 401. An empty body sent to the API may also
    be refused as such (400/422) before the caller's standing is looked at: it changes nothing either way."""
    if key == "anonymous":
        return response.status_code == 401 or (
            response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")
        )
    if method != "GET" and response.request.path.startswith("/api/") and response.status_code in (400, 422):
        return True
    return response.status_code in (403, 404)


def _clients(app: Flask) -> dict[str, tuple[object, dict[str, str]]]:
    """A signed-in test client and a bearer header per user."""
    clients = {}
    for key, username in USERS.items():
        client = app.test_client()
        headers: dict[str, str] = {}
        if username is not None:
            password = TEST_PASSWORD if username == "outside-staff" else DEMO_PASSWORD
            response = client.post("/auth/login", data={"username": username, "password": password})
            assert response.status_code == 302, username
            token = client.post("/api/v1/tokens", json={"username": username, "password": password})
            assert token.status_code in (200, 201), (username, token.status_code)
            headers = {"Authorization": "Bearer " + token.get_json()["token"]}
        clients[key] = (client, headers)
    return clients


def test_every_route_has_an_expected_answer(world):
    app, _ = world
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(EXPECTED))
    assert not missing, (
        "Routes without an expected answer in tests/webapp/security/test_route_matrix.py: "
        f"{', '.join(missing)}. Add each to EXPECTED with the class of users who may and may not call it."
    )
    assert set(EXPECTED.values()) <= set(CLASSES)


#: the same document for everyone, and the slowest answer: asked once, anonymously
ONCE = {"api.openapi_json"}


# ~5,000 requests: run in the SQLite pass only (the PostgreSQL pass proves the same code on another database)
@pytest.mark.skipif(test_database.on_postgres(), reason="route matrix: SQLite pass only (run time)")
def test_every_route_answers_every_user_as_the_table_expects(world):
    app, ids = world
    started = time.perf_counter()
    clients = _clients(app)
    problems: list[str] = []
    calls = 0
    spent: dict[str, float] = {}
    for endpoint, method, url in _routes(app, ids):
        expect = CLASSES[EXPECTED.get(endpoint, "procedure")]
        for key, (client, headers) in clients.items():
            if endpoint in ONCE and key != "anonymous":
                continue
            api = url.startswith("/api/")
            began = time.perf_counter()
            response = client.open(url, method=method, headers=headers if api else {})
            spent[endpoint] = spent.get(endpoint, 0.0) + time.perf_counter() - began
            calls += 1
            status = response.status_code
            where = f"{method} {url} ({endpoint}) as {key}: {status}"
            if status >= 500:
                problems.append(f"{where} — a server error")
            elif key in expect.denied and not _refused(key, response, method):
                problems.append(f"{where} — should be refused")
            elif (
                method == "GET"
                and key in expect.allowed
                and (status == 403 or _refused("anonymous", response))
            ):
                problems.append(f"{where} — should be allowed")
    elapsed = time.perf_counter() - started
    slowest = sorted(spent.items(), key=lambda item: -item[1])[:12]
    print(
        f"route matrix: {calls} calls in {elapsed:.1f} s; slowest: {[(e, round(t, 1)) for e, t in slowest]}"
    )
    for line in problems:
        print(line)
    assert not problems, f"{len(problems)} unexpected answers:\n" + "\n".join(problems[:60])


def test_an_administrator_is_refused_by_every_procedure_route_whatever_the_table_says(world):
    """三员分立 without relying on the table: a path of a procedure (cases, bureau, review, sheets, articles,
    the office, ledger, requests, campaigns, the procedures' API) refuses each of the three administrators."""
    app, ids = world
    clients = _clients(app)
    procedure = re.compile(r"^/(cases|bureau|review|sheets|unit|articles|office|ledger|requests|campaigns)/|"
                           r"^/api/v1/(cases|sheets|article|articles|office|ledger|campaigns|organs)")  # fmt: skip
    checked = 0
    for endpoint, method, url in _routes(app, ids):
        if method != "GET" or not procedure.search(url):
            continue
        for key in ADMINS:
            client, headers = clients[key]
            response = client.get(url, headers=headers if url.startswith("/api/") else {})
            checked += 1
            assert response.status_code in (403, 404), f"{url} ({endpoint}) as {key}: {response.status_code}"
    assert checked > 300
