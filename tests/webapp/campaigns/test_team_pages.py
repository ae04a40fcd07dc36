"""The assessment team's pages (考评任务): a member sees the campaigns they assess and the units to score; an
assessor of another campaign and the units see nothing of it (deny by default)."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

from flask import Flask

from tests.webapp.campaigns.unit_world import CWorld, cworld, login  # noqa: F401  (cworld: the fixture)


def test_a_member_lists_their_campaigns_and_units_and_a_stranger_gets_404(
    app: Flask, client, cworld: CWorld
) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-member")
    index = client.get("/campaigns/team")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert (
        f'data-campaign="{cworld.campaign_id}"' in html
        and f'data-campaign="{cworld.other_campaign_id}"' not in html
    )
    show = client.get(f"/campaigns/team/{cworld.campaign_id}")
    assert show.status_code == 200
    page = show.get_data(as_text=True)
    assert "甲县统计局" in page and "乙区统计局" in page and "合议评分表" not in page
    assert client.get(f"/campaigns/team/{cworld.other_campaign_id}").status_code == 404
    assert client.get("/campaigns/team?page=0").status_code == 400


def test_the_lead_sees_the_agreed_sheet_column(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-lead")
    page = client.get(f"/campaigns/team/{cworld.campaign_id}").get_data(as_text=True)
    assert "合议评分表" in page and "data-agreed-status" in page


def test_units_and_office_cannot_use_the_team_pages(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    assert client.get("/campaigns/team").status_code == 403
    assert client.get(f"/campaigns/team/{cworld.campaign_id}").status_code == 404
    client.post("/auth/logout")
    login(client, "c-staff")
    assert client.get(f"/campaigns/team/{cworld.campaign_id}").status_code == 404


def test_the_lead_sees_the_members_spread_and_the_agreed_total(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    """As in grading's panel: each member's submitted total, lowest first, and how far apart they are."""
    from tests.webapp.campaigns.test_unit_sheets import FULL, SELF, fill
    from tests.webapp.campaigns.unit_world import set_state
    from webapp.campaigns.models import Campaign
    from webapp.core.extensions import db

    with app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign_id)
        assert campaign is not None
        campaign.scheme_id, campaign.scheme_version = "lrn", "1"
        db.session.commit()
    set_state(app, cworld.campaign_id, "assessment")
    with app.app_context():
        fill("c-member", cworld.cu_a, "reviewer", FULL)
        fill("c-member2", cworld.cu_a, "reviewer", SELF)
        fill("c-lead", cworld.cu_a, "agreed", SELF)
    login(client, "c-lead")
    page = client.get(f"/campaigns/team/{cworld.campaign_id}").get_data(as_text=True)
    assert "97、100（相差 3）" in page and 'data-spread="3"' in page
    assert 'data-agreed-status="已提交"' in page
    client.post("/auth/logout")
    login(client, "c-member")
    member = client.get(f"/campaigns/team/{cworld.campaign_id}").get_data(as_text=True)
    assert 'data-own-status="已提交"' in member and "相差" not in member
