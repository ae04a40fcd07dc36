"""The unit's, the team's and the claims pages issue the same few SQL statements whatever the data size
(every list is bounded or paginated in the query)."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage

from tests.factories import make_bureau, make_organ
from tests.webapp.campaigns.unit_world import CWorld, cworld, login  # noqa: F401  (cworld: the fixture)
from tests.webapp.sql_count import count_statements
from webapp.campaigns.models import CampaignUnit
from webapp.campaigns.services import claims, evidence
from webapp.core.extensions import db
from webapp.core.models import User

PDF = b"%PDF-1.4\n%%EOF\n"


def _grow(app: Flask, world: CWorld, n: int) -> None:
    with app.app_context():
        unit = db.session.merge(world.filler_a)
        staff = db.session.merge(world.staff)
        for k in range(n):
            evidence.add(unit, world.cu_a, FileStorage(io.BytesIO(PDF), f"{k}.pdf"), title=f"材料{k}",
                         dated="2026-05-01" if k % 2 else "2025-05-01")  # fmt: skip
            claim = claims.declare(unit, world.cu_a, kind="performance", category="other", content=f"业绩{k}",
                                   points="1")  # fmt: skip
            if k % 2:
                claims.decide(staff, claim.id, decision="verified", note="属实")
        bureau = make_bureau()
        for k in range(n):
            db.session.add(CampaignUnit(campaign_id=world.campaign_id, organisation_id=make_organ(bureau).id,
                                        position=10 + k))  # fmt: skip
        db.session.commit()


def _counts(app: Flask, client, world: CWorld) -> dict[str, int]:  # type: ignore[no-untyped-def]
    pages = {
        "c-unit-a": [f"/campaigns/unit/{world.cu_a}", "/campaigns/mine"],
        "c-lead": [f"/campaigns/team/{world.campaign_id}", "/campaigns/team"],
        "c-staff": [
            f"/campaigns/{world.campaign_id}/claims",
            f"/campaigns/{world.campaign_id}",
            "/campaigns/",
            f"/campaigns/{world.campaign_id}/series",
            f"/api/v1/campaigns/{world.campaign_id}",
        ],
    }
    found: dict[str, int] = {}
    for username, urls in pages.items():
        client.post("/auth/logout")
        login(client, username)
        for url in urls:
            client.get(url)  # per-process caches (the demo clock's offset) are filled once, not per data size
            with count_statements(app) as seen:
                assert client.get(url).status_code == 200, url
            found[url] = seen.count
    return found


def test_the_pages_issue_the_same_statements_whatever_the_data_size(
    app: Flask, client, cworld: CWorld
) -> None:  # type: ignore[no-untyped-def]
    _grow(app, cworld, 1)
    small = _counts(app, client, cworld)
    _grow(app, cworld, 30)
    large = _counts(app, client, cworld)
    assert large == small
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) > 0
