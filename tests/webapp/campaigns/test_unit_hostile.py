"""Hostile input on the unit's, the team's and the claims pages: never a 500, nothing half-written."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.campaigns.unit_world import CWorld, cworld, login  # noqa: F401  (cworld: the fixture)
from webapp.campaigns.models import CampaignClaim, CampaignEvidence
from webapp.core.extensions import db
from webapp.core.models import AuditEvent

BIG = "9" * 30


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/campaigns/unit/{a}/evidence", {"title": "x" * 10000, "dated": "2026-01-01"}),
        ("post", "/campaigns/unit/{a}/evidence", {"title": "总结", "dated": "\x00"}),
        (
            "post",
            "/campaigns/unit/{a}/evidence",
            {"title": "总结", "dated": "2026-01-01", "item_id": "<script>"},
        ),
        ("post", "/campaigns/unit/{a}/evidence/1/move", {"direction": "sideways"}),
        ("post", "/campaigns/unit/{a}/evidence/999/move", {"direction": "up"}),
        ("post", "/campaigns/unit/{a}/evidence/999/delete", {}),
        ("get", "/campaigns/unit/{a}/evidence/999", {}),
        ("post", f"/campaigns/unit/{BIG}/evidence", {}),
        (
            "post",
            "/campaigns/unit/{a}/claims",
            {"kind": "performance", "category": "other", "points": "1e9999"},
        ),
        (
            "post",
            "/campaigns/unit/{a}/claims",
            {"kind": ["fault", "performance"], "category": "veto", "content": "\u202e\u200b"},
        ),  # fmt: skip
        ("post", "/campaigns/unit/{a}/claims/999/withdraw", {}),
        ("get", "/campaigns/mine?page=-1", {}),
        ("get", f"/campaigns/mine?page={BIG}", {}),
        ("get", "/campaigns/team?page=abc", {}),
        ("get", f"/campaigns/team/{BIG}", {}),
        ("get", "/campaigns/{c}/claims?status=%00", {}),
    ],
)
def test_hostile_requests_get_a_clear_answer_and_write_nothing(  # type: ignore[no-untyped-def]
    app: Flask, client, cworld: CWorld, method, path, data
) -> None:
    for user in ("c-unit-a", "c-staff", "c-member"):
        client.post("/auth/logout")
        login(client, user)
        url = path.format(a=cworld.cu_a, c=cworld.campaign_id)
        payload = dict(data)
        if method == "post" and path.endswith("/evidence"):
            payload["file"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")
        response = getattr(client, method)(url, data=payload, content_type="multipart/form-data") if method == \
            "post" else client.get(url)  # fmt: skip
        assert response.status_code < 500, (user, url, response.status_code)
        assert response.status_code != 200 or method == "get", (user, url)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CampaignEvidence.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(CampaignClaim.id))) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.subject_type == "campaign")
            )
            == 0
        )
