"""Issue 12 (fast at scale): a campaign's moderation board, its page and the API's campaign list issue the same few
SQL statements (≤ 15) with 11 units or 60; the board shows its units a page at a time (by group and rank) while the
ranking counts every unit; the API list pages by an opaque cursor."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask

from tests.factories import TEST_PASSWORD, make_organ
from tests.webapp.campaigns.conftest import World, draft, login, put_in_state, submit
from tests.webapp.sql_count import count_statements
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import moderation, setup
from webapp.core.extensions import db
from webapp.core.models import Organisation, User

LIMIT = 15


def _in_moderation(app: Flask, world: World, units: int) -> int:
    """A campaign of ``units`` units (the world's eleven, then more organs of the office), every unit's self and
    agreed sheets handed in with distinct totals, waiting in moderation."""
    with app.app_context():
        campaign_id = draft(world)
        office = db.session.get(Organisation, world.office.id)
        extra = [make_organ(office, name=f"第{n + 12}县统计局").id for n in range(units - len(world.units))]
        staff = db.session.get(User, world.staff.id)
        setup.set_units(
            staff, campaign_id, units=[(u.id, "") for u in world.units] + [(i, "") for i in extra]
        )
        totals = [Decimal(100) - Decimal(n) / 2 for n in range(units)]
        submit(campaign_id, totals, self_totals=[t + 1 for t in totals])
        put_in_state(campaign_id, "moderation")
        return campaign_id


def _bearer(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    token = client.post("/api/v1/tokens", json={"username": "staff", "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {token.get_json()['token']}"}


def _counts(app: Flask, client, campaign_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    headers = _bearer(client)
    urls = [
        f"/campaigns/{campaign_id}/moderation",
        f"/campaigns/{campaign_id}/moderation?page=2",
        f"/campaigns/{campaign_id}/approval",
        f"/campaigns/{campaign_id}",
        "/campaigns/",
        "/api/v1/campaigns?limit=5",
        "/api/v1/campaigns?page=1",
    ]
    found = {}
    for url in urls:
        client.get(url, headers=headers)  # per-process caches (the demo clock's offset) are filled once
        with count_statements(app) as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        found[url] = seen.count
    return found


def test_the_campaign_pages_issue_the_same_few_statements_with_11_or_60_units(
    app: Flask, client, world: World
) -> None:  # type: ignore[no-untyped-def]
    small = _in_moderation(app, world, 11)
    login(client, "staff")
    few = _counts(app, client, small)
    large = _in_moderation(app, world, 60)
    many = _counts(app, client, large)
    assert list(many.values()) == list(few.values()) and max(many.values()) <= LIMIT, (few, many)


def test_the_board_shows_a_page_of_units_by_rank_while_the_ranking_counts_them_all(
    app: Flask, client, world: World
) -> None:  # type: ignore[no-untyped-def]
    """STA-4.1 quotas are applied to all 60 units; the board shows 50, then the other 10 (ranks 51–60)."""
    campaign_id = _in_moderation(app, world, 60)
    login(client, "staff")
    first = client.get(f"/campaigns/{campaign_id}/moderation").get_data(as_text=True)
    second = client.get(f"/campaigns/{campaign_id}/moderation?page=2").get_data(as_text=True)
    rows = [
        re.findall(r'<tr id="unit-(\d+)" data-testid="board-row">\s*<td>(\d+|—)</td>', page)
        for page in (first, second)
    ]
    assert [len(r) for r in rows] == [moderation.BOARD_PER_PAGE, 60 - moderation.BOARD_PER_PAGE]
    assert [rank for _, rank in rows[0] + rows[1]] == [str(n) for n in range(1, 61)]
    assert "第 2 / 2 页" in second and "名额和排名按全部单位计算" in second
    assert len({unit for unit, _ in rows[0] + rows[1]}) == 60
    assert client.get(f"/campaigns/{campaign_id}/moderation?page=0").status_code == 400


def test_the_api_campaign_list_pages_by_cursor(app: Flask, client, world: World) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        ids = [draft(world, day=date(2026, month, 1)) for month in range(1, 8)]
        db.session.commit()
    headers = _bearer(client)
    seen: list[int] = []
    cursor = ""
    while True:
        body = client.get(f"/api/v1/campaigns?limit=3&cursor={cursor}", headers=headers).get_json()
        assert set(body) == {"items", "next_cursor", "per_page"}
        seen.extend(item["id"] for item in body["items"])
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    with app.app_context():
        newest_first = db.session.scalars(
            sa.select(Campaign.id).order_by(Campaign.period_start.desc(), Campaign.id.desc())
        ).all()
    assert seen == list(newest_first) and sorted(seen) == sorted(ids)
    bad = client.get("/api/v1/campaigns?cursor=WyJ4Il0", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["field"] == "cursor"
