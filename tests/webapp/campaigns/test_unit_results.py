"""A unit sees its own result (total, rank, grade) once the head approved (ORG-PR.8) and the whole ranking only
once published (LRN-4.4); before that, nothing of either."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask

from tests.webapp.campaigns.unit_world import CWorld, cworld, login  # noqa: F401  (cworld: the fixture)
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import results
from webapp.core.extensions import db
from workflow.campaigns.ranking import Entry, Quota, rank_campaign


def _freeze(app: Flask, world: CWorld, state: str) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign_id)
        assert campaign is not None
        ranked = rank_campaign(
            [Entry(str(world.cu_a), Decimal("91.5")), Entry(str(world.cu_b), Decimal("88"))],
            quotas=(Quota("优秀", 1, 1),),
        )
        campaign.result = results.ranking_to_dict(ranked, results.unit_names(campaign))
        campaign.state = state
        db.session.commit()


@pytest.mark.parametrize(
    ("state", "own", "ranking"),
    [("moderation", False, False), ("approved", True, False), ("published", True, True)],
)
def test_own_result_once_approved_ranking_once_published_org_pr_8_lrn_4_4(  # type: ignore[no-untyped-def]
    app: Flask, client, cworld: CWorld, state, own, ranking
) -> None:
    _freeze(app, cworld, state)
    login(client, "c-unit-b")
    html = client.get(f"/campaigns/unit/{cworld.cu_b}").get_data(as_text=True)
    assert ('data-testid="own-result"' in html) is own
    assert ('data-testid="ranking"' in html) is ranking
    if own:
        assert "总分 <strong>88</strong> · 第2名" in html and "合格" in html
    # the other unit's name and score appear only in the published ranking
    assert ("甲县统计局" in html) is ranking
