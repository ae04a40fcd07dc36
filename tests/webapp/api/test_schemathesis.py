"""Property-based calls against the generated OpenAPI document (schemathesis): every operation, valid and invalid
input, with a logged-in user's bearer token (a unit's or its county bureau's), on the demo data with cases at
several steps. No input may cause a 5xx; every answer has a documented status and content type and matches its
documented schema; input the document calls invalid is refused with a 4xx.

Half the calls address resources that exist (the cases, a sheet, an attachment, an objection made here), the
other half whatever ids the document allows. The article operations (issue 9) are called by the article demo's
people (an information officer and leader of 夷陵, the city office's editor and head) on the demo's articles,
adoptions, issues, offices' settings and requests, and on a draft with an attachment made here. Deterministic (derandomized, no example database) and bounded
(`MAX_EXAMPLES` per operation and mode).
"""

from __future__ import annotations

import os
import re
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_test_app
from tests.webapp.services.flow import drive
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    Commission,
    FollowUp,
    Forwarding,
    Incident,
    Instruction,
    IssueItem,
    OfficeUnit,
    Publication,
    PublicationIssue,
    UrgentEvent,
    VocabularyTerm,
)
from webapp.campaigns.models import Campaign, CampaignClaim, CampaignUnit
from webapp.core.extensions import db
from webapp.core.models import Organisation, Throttle
from webapp.demo import DEMO_PASSWORD, load_demo

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: per operation, mode and test run; raise it for a longer search (KAOPING_SCHEMATHESIS_EXAMPLES=200)
MAX_EXAMPLES = int(os.environ.get("KAOPING_SCHEMATHESIS_EXAMPLES", "10"))
CALLERS = ("unit-county", "county-staff")
#: who calls the article operations (paths under /articles…, /article-…, /office…)
ARTICLE_CALLERS = ("yl-officer", "yl-signer", "zg-editor", "zg-head")
ARTICLE_PATHS = ("/article", "/office", "/ledger")
#: who calls the campaign operations (the statistics office's staff and head, its lead assessor, a bureau)
CAMPAIGN_CALLERS = ("tj-staff", "tj-head", "tj-team1", "tj-yl-unit")
CAMPAIGN_PATHS = ("/campaigns", "/sheets/{subject_type}")


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation, read from the document at collection time."""
    with tempfile.TemporaryDirectory() as folder:
        doc = make_test_app(Path(folder)).test_client().get("/api/v1/openapi.json").get_json()
    return [(method.upper(), path) for path, item in doc["paths"].items() for method in item]


def _bearer(client: FlaskClient, username: str) -> dict[str, str]:
    token = client.post("/api/v1/tokens", json={"username": username, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {token.get_json()['token']}"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = make_test_app(
        tmp_path_factory.mktemp("schemathesis"), own_database=True, DEMO_ARTICLES=True, DEMO_CAMPAIGNS=True
    )
    with app.app_context():
        db.create_all()
        load_demo()
        planned = drive("unit-county", to="planned")
        in_notice = drive("unit-city", level="first", to="in_notice")
        draft = drive("unit-town", to="draft")
    client = app.test_client()
    headers = {
        username: _bearer(client, username) for username in CALLERS + ARTICLE_CALLERS + CAMPAIGN_CALLERS
    }
    sheet = client.post(
        f"/api/v1/cases/{planned}/sheets", json={"kind": "self"}, headers=headers["unit-county"]
    )
    objection = client.post(f"/api/v1/notices/{in_notice}/objections", json={"content": "自查材料与实际不符"})
    case = client.get(f"/api/v1/cases/{planned}", headers=headers["unit-county"]).get_json()
    assert sheet.status_code == 201 and objection.status_code == 201 and case["attachments"]
    known = {
        "case_id": [planned, in_notice, draft],  # the first owns the attachment and the sheet
        "attachment_id": [case["attachments"][0]["id"]],
        "sheet_id": [sheet.get_json()["id"]],
        "organ_id": [case["organ"]["id"]],
        "reference": [objection.get_json()["reference"]],
    }
    with app.app_context():
        known |= _article_ids(client, headers["yl-officer"])
        known |= _campaign_ids()
    return {
        "client": client,
        "headers": [headers[username] for username in CALLERS],
        "article_headers": [headers[username] for username in ARTICLE_CALLERS],
        "campaign_headers": [headers[username] for username in CAMPAIGN_CALLERS],
        "known": known,
        # unknown query parameters are ignored, as by any page (no negative case adds them)
        "schema": schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json",
            app,
            config=SchemathesisConfig.from_dict({"generation": {"allow-extra-parameters": False}}),
        ),
    }


def _first(statement: Any) -> int:
    found = db.session.scalar(statement.limit(1))
    assert found is not None, statement
    return int(found)


def _campaign_ids() -> dict[str, list[Any]]:
    """The statistics office's campaign (waiting in moderation) and one of its units as a sheet subject and as the
    unit whose claims and materials are addressed."""
    campaign = _first(sa.select(Campaign.id).where(Campaign.scheme_id == "sta-2017"))
    unit = _first(sa.select(CampaignUnit.id).where(CampaignUnit.campaign_id == campaign))
    return {
        "campaign_id": [campaign],
        "subject_type": ["campaign_unit"],
        "subject_id": [unit],
        "cu_id": [unit],
        # the demo's one declared claim (the district's monthly campaign): other callers' 404s
        "claim_id": [_first(sa.select(CampaignClaim.id))],
    }


def _article_ids(client: FlaskClient, officer: dict[str, str]) -> dict[str, list[Any]]:
    """Ids of the article demo's records the article callers may reach, the first of each list addressed first.

    A draft with an attachment is made here (the demo has no attachment); an adopted article goes first where the
    path names an adoption, so that the pair exists."""
    office = _first(sa.select(ArticleOffice.id).join(Organisation).where(Organisation.code == "zg-yc"))
    draft = client.post("/api/v1/articles", json={"office_id": office, "title": "接口测试稿", "body": "正文"},
                        headers=officer)  # fmt: skip
    assert draft.status_code == 201, draft.get_json()
    draft_id = draft.get_json()["id"]
    attachment = client.post(
        f"/api/v1/articles/{draft_id}/attachments",
        data={"file": (BytesIO(b"%PDF-1.4\n% kaoping\n%%EOF\n"), "附件.pdf")},
        headers=officer,
    )
    assert attachment.status_code == 201, attachment.get_json()
    adoption = db.session.scalars(sa.select(Adoption).order_by(Adoption.id).limit(1)).one()
    by_state = {
        state: _first(
            sa.select(Article.id)
            .where(Article.state == state, Article.office_id == office)
            .order_by(Article.id)
        )
        for state in ("awaiting_signoff", "submitted", "received", "returned")
        if db.session.scalar(sa.select(Article.id).where(Article.state == state, Article.office_id == office))
    }
    assembling = _first(sa.select(PublicationIssue.id).where(PublicationIssue.state == "assembling"))
    return {
        "article_id": [draft_id, *by_state.values(), adoption.article_id],
        "attachment_id": [attachment.get_json()["id"]],
        "adoption_id": [adoption.id],
        "adopted_article_id": [adoption.article_id],
        "no": [1, 2],
        "issue_id": [
            assembling,
            _first(sa.select(PublicationIssue.id).where(PublicationIssue.state == "locked")),
        ],
        "item_id": [_first(sa.select(IssueItem.id).where(IssueItem.issue_id == assembling))],
        "publication_id": [_first(sa.select(Publication.id).where(Publication.office_id == office))],
        "term_id": [_first(sa.select(VocabularyTerm.id).where(VocabularyTerm.office_id == office))],
        "office_unit_id": [_first(sa.select(OfficeUnit.id).where(OfficeUnit.office_id == office))],
        "forwarding_id": [_first(sa.select(Forwarding.id))],
        "commission_id": [_first(sa.select(Commission.id))],
        "incident_id": [_first(sa.select(Incident.id))],
        "event_id": [_first(sa.select(UrgentEvent.id))],
        "instruction_id": [_first(sa.select(Instruction.id))],
        "follow_up_id": [_first(sa.select(FollowUp.id))],
        # the ledger: the demo's quarter (over on 2027-01-05, so it can be closed) and the current one
        "period": ["2026-Q4", "2027-Q1"],
        "unit_id": [_first(sa.select(OfficeUnit.unit_id).where(OfficeUnit.office_id == office))],
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: v)
def test_no_input_breaks_an_operation_or_its_documented_shape(world, method, path, mode):
    operation = world["schema"][path][method]
    known = world["known"]
    existing = {p.name: known[p.name][0] for p in operation.path_parameters if p.name in known}
    if "adoption_id" in existing:  # the adoption's own article
        existing["article_id"] = known["adopted_article_id"][0]
    combinations = [existing] if existing else []
    for name in ("case_id", "article_id"):
        if name in existing and not existing.keys() & {"adoption_id", "attachment_id"}:
            combinations += [existing | {name: value} for value in known[name][1:]]
    strategies = [operation.as_strategy(mode)]
    strategies += [operation.as_strategy(mode, path_parameters=values) for values in combinations]
    callers = (
        world["article_headers"]
        if path.startswith(ARTICLE_PATHS)
        else world["campaign_headers"]
        if path.startswith(CAMPAIGN_PATHS)
        else world["headers"]
    )

    @given(case=st.one_of(strategies), headers=st.sampled_from(callers))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any, headers: dict[str, str]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        call()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip("the document leaves no invalid input to send to this operation")


@pytest.mark.parametrize(
    "key", ["", "   ", "retry-key-0001", " retry-key-0002 ", "short", "短短短短短短短短", "a" * 65]
)
def test_the_documented_idempotency_key_pattern_is_what_the_service_accepts(world, key):
    """Found by the search above: a blank key (taken as no key) was refused by the document, not the API."""
    operation = world["schema"]["/notices/{case_id}/objections"]["POST"]
    (header,) = [p for p in operation.headers if p.name == "Idempotency-Key"]
    documented = re.fullmatch(header.definition["schema"]["pattern"], key) is not None
    client: FlaskClient = world["client"]
    with client.application.app_context():  # the search above may have used up the objection rate limits
        db.session.execute(
            sa.delete(Throttle).where(Throttle.scope.in_(["objection_address", "objection_case"]))
        )
        db.session.commit()
    response = client.post(
        f"/api/v1/notices/{world['known']['case_id'][1]}/objections",
        json={"content": f"异议内容 {key!r}"},
        headers={"Idempotency-Key": key},
    )
    assert response.status_code in (201, 400)
    assert documented == (response.status_code == 201), response.get_json()
