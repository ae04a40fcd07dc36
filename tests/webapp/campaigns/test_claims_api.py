"""Declared performance and faults (ORG-PR.1), found faults (ORG-PR.2) and materials (STA-4.2) over the JSON API:
the same services as the pages, with the shared error shape ``{"error", "message", "rule", "field"}``."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.campaigns.unit_world import CWorld, cworld  # noqa: F401  (cworld: the fixture)
from webapp.campaigns.models import CampaignClaim, CampaignEvidence
from webapp.core.extensions import db
from webapp.core.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INNOVATION = {
    "kind": "performance",
    "category": "innovation",
    "content": "统计数据质量创新",
    "evidence": "区委文件",
}


class Api:
    """The test client, each request in a fresh app context: ``cworld`` keeps one pushed for the whole test, and
    Flask-Login caches the caller in its ``g``, so without this every request would run as the first caller."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app, self.client = app, client

    def __getattr__(self, method: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self.app.app_context():
                return getattr(self.client, method)(*args, **kwargs)

        return call


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)


def _bearer(api: Any, username: str) -> dict[str, str]:
    token = api.post("/api/v1/tokens", json={"username": username, "password": TEST_PASSWORD})
    assert token.status_code == 200, token.get_json()
    return {"Authorization": f"Bearer {token.get_json()['token']}"}


def _writes(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(CampaignClaim.id))) or 0,
            db.session.scalar(sa.select(sa.func.count(AuditEvent.seq))) or 0,
        )


def test_a_unit_declares_the_office_verifies_and_the_counted_bonus_changes_org_pr_1_org_6_4(
    app: Flask, api: Api, cworld: CWorld
) -> None:
    unit, staff = _bearer(api, "c-unit-a"), _bearer(api, "c-staff")
    declared = api.post(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", json=INNOVATION, headers=unit)
    assert declared.status_code == 201, declared.get_json()
    claim = declared.get_json()
    assert (claim["status"], claim["points"], claim["declared"]) == ("pending", "10.00", True)

    before = api.get(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", headers=unit).get_json()
    assert before["counted"]["bonus"] == "0.00" and [c["id"] for c in before["items"]] == [claim["id"]]

    decided = api.post(
        f"/api/v1/campaigns/{cworld.campaign_id}/claims/{claim['id']}/decision",
        json={"decision": "verified", "note": "经核实，有评选结果文件"},
        headers=staff,
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "verified"
    after = api.get(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", headers=staff).get_json()
    assert after["counted"]["bonus"] == "10.00"


def test_another_units_token_gets_404_and_writes_nothing(app: Flask, api: Api, cworld: CWorld) -> None:
    other = _bearer(api, "c-unit-b")
    outsider = _bearer(api, "c-outsider")  # before counting: a sign-in for a token is audited (issue 13)
    writes = _writes(app)
    for response in (
        api.get(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", headers=other),
        api.post(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", json=INNOVATION, headers=other),
        api.get(f"/api/v1/campaigns/units/{cworld.cu_a}/evidence", headers=other),
        api.get(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", headers=outsider),
    ):
        assert response.status_code == 404, response.get_json()
        assert response.get_json()["error"] == "not_found"
    assert _writes(app) == writes


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in INNOVATION.items() if k != "kind"}, "kind"),
        ({**INNOVATION, "category": "other", "points": 1e999}, "points"),  # a JSON number that overflows
        ({**INNOVATION, "category": "other", "points": "1e999"}, "points"),
        ({**INNOVATION, "content": "创" * 301}, "content"),
        ({**INNOVATION, "content": 5}, "content"),
        ({**INNOVATION, "kind": ["performance"]}, "kind"),
        ({**INNOVATION, "category": "other", "points": 3}, "points"),
        ({**INNOVATION, "content": "   "}, "content"),
    ],
    ids=[
        "missing-kind",
        "points-inf",
        "points-1e999",
        "overlong",
        "content-int",
        "kind-list",
        "points-int",
        "blank",
    ],  # fmt: skip
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    app: Flask, api: Api, cworld: CWorld, body: dict[str, Any], field: str
) -> None:
    unit = _bearer(api, "c-unit-a")
    writes = _writes(app)
    response = api.post(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", json=body, headers=unit)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()
    assert error["field"] == field and error["message"]
    assert _writes(app) == writes


def test_a_decided_claim_decided_again_is_a_409_naming_org_pr_1(app: Flask, api: Api, cworld: CWorld) -> None:
    unit, staff = _bearer(api, "c-unit-a"), _bearer(api, "c-staff")
    claim = api.post(
        f"/api/v1/campaigns/units/{cworld.cu_a}/claims", json=INNOVATION, headers=unit
    ).get_json()
    url = f"/api/v1/campaigns/{cworld.campaign_id}/claims/{claim['id']}/decision"
    first = api.post(url, json={"decision": "rejected", "note": "无评选文件"}, headers=staff)
    assert first.status_code == 200
    writes = _writes(app)
    again = api.post(url, json={"decision": "verified", "note": "改变主意"}, headers=staff)
    assert again.status_code == 409
    assert (again.get_json()["error"], again.get_json()["rule"]) == ("claim_decided", "ORG-PR.1")
    assert _writes(app) == writes
    # the unit may not decide its own claim, nor withdraw a decided one
    wrong_campaign = f"/api/v1/campaigns/{cworld.other_campaign_id}/claims/{claim['id']}/decision"
    assert (
        api.post(wrong_campaign, json={"decision": "verified", "note": "认定"}, headers=staff).status_code
        == 404
    )
    withdrawn = api.delete(f"/api/v1/campaigns/units/{cworld.cu_a}/claims/{claim['id']}", headers=unit)
    assert withdrawn.status_code == 409 and withdrawn.get_json()["rule"] == "ORG-PR.1"


def test_a_pending_claim_is_withdrawn_by_its_unit(app: Flask, api: Api, cworld: CWorld) -> None:
    unit = _bearer(api, "c-unit-a")
    claim = api.post(
        f"/api/v1/campaigns/units/{cworld.cu_a}/claims", json=INNOVATION, headers=unit
    ).get_json()
    response = api.delete(f"/api/v1/campaigns/units/{cworld.cu_a}/claims/{claim['id']}", headers=unit)
    assert response.status_code == 204
    assert api.get(f"/api/v1/campaigns/units/{cworld.cu_a}/claims", headers=unit).get_json()["items"] == []


def test_a_fault_the_office_found_counts_double_org_pr_2(app: Flask, api: Api, cworld: CWorld) -> None:
    staff = _bearer(api, "c-staff")
    body = {"category": "general", "content": "迟报月报未说明", "points": "2", "note": "经查实，未上报"}
    found = api.post(f"/api/v1/campaigns/units/{cworld.cu_b}/claims/found", json=body, headers=staff)
    assert found.status_code == 201, found.get_json()
    assert (found.get_json()["declared"], found.get_json()["status"]) == (False, "verified")
    counted = api.get(f"/api/v1/campaigns/units/{cworld.cu_b}/claims", headers=staff).get_json()["counted"]
    assert counted["deduction"] == "4.00" and "ORG-PR.2" in counted["rules"]
    # a unit may not record a found fault
    unit = api.post(f"/api/v1/campaigns/units/{cworld.cu_b}/claims/found", json=body,
                       headers=_bearer(api, "c-unit-b"))  # fmt: skip
    assert unit.status_code == 403 and unit.get_json()["rule"] == "ORG-PR.2"


def test_a_material_dated_outside_the_period_is_stored_and_flagged_sta_4_2_gap_8(
    app: Flask, api: Api, cworld: CWorld
) -> None:
    unit = _bearer(api, "c-unit-a")
    url = f"/api/v1/campaigns/units/{cworld.cu_a}/evidence"
    outside = api.post(
        url,
        data={"file": (io.BytesIO(PDF), "旧总结.pdf"), "title": "上年度总结", "dated": "2025-12-31"},
        headers=unit,
    )
    assert outside.status_code == 201, outside.get_json()
    assert outside.get_json()["in_period"] is False
    assert outside.get_json()["note"].startswith("不在考评期内，不计入")
    inside = api.post(
        url,
        data={"file": (io.BytesIO(PDF), "总结.pdf"), "title": "年度总结", "dated": "2026-12-20"},
        headers=unit,
    )
    assert inside.status_code == 201 and inside.get_json()["in_period"] is True
    listed = api.get(url, headers=_bearer(api, "c-staff")).get_json()["items"]
    assert [(e["title"], e["in_period"], e["position"]) for e in listed] == [
        ("上年度总结", False, 1),
        ("年度总结", True, 2),
    ]
    file = api.get(f"{url}/{listed[0]['id']}/file", headers=unit)
    assert file.status_code == 200 and file.data == PDF


@pytest.mark.parametrize(
    ("form", "field"),
    [({"title": "总结", "dated": "2026-13-40"}, "dated"), ({"title": "总", "dated": "26-1-1"}, "dated"),
     ({"title": "", "dated": "2026-06-01"}, "title"), ({"title": "长" * 201, "dated": "2026-06-01"}, "title")],
)  # fmt: skip
def test_a_material_with_a_bad_date_or_title_is_refused_and_not_stored(
    app: Flask, api: Api, cworld: CWorld, form: dict[str, str], field: str
) -> None:
    response = api.post(
        f"/api/v1/campaigns/units/{cworld.cu_a}/evidence",
        data={"file": (io.BytesIO(PDF), "总结.pdf"), **form},
        headers=_bearer(api, "c-unit-a"),
    )
    assert response.status_code == 400 and response.get_json()["field"] == field, response.get_json()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CampaignEvidence.id))) == 0
