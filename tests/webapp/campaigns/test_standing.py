"""Issue 12: a campaign's standing (its units, their sheets' progress, the live ranking) is read once per change
and shared by the office's pages; whatever changes a unit or a sheet raises ``Campaign.standing_revision`` at
commit, so the next view reads afresh and never shows a stale total, rank or quota check (STA-4.1, STA-4.3)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import Flask

from tests.webapp.campaigns.conftest import STA_TOTALS, World, draft, login, put_in_state, submit
from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.campaigns.services import moderation, results, standing
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.scoring.models import ScoreSheet
from workflow.campaigns.ranking import QuotaRefused


def _in_moderation(app: Flask, world: World) -> int:
    """STA Example 4's eleven units, their agreed sheets handed in, waiting in moderation."""
    with app.app_context():
        campaign_id = draft(world)
        submit(campaign_id, STA_TOTALS)
        put_in_state(campaign_id, "moderation")
        return campaign_id


def _stamp(campaign_id: int) -> tuple[int, int, object]:
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None
    return campaign.standing_revision, campaign.version_id, campaign.updated_at


def _agreed(campaign_id: int, position: int) -> ScoreSheet:
    """The agreed sheet of the unit at ``position`` in the campaign's order."""
    unit = db.session.scalars(
        db.select(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id).order_by(CampaignUnit.position)
    ).all()[position]
    sheet = db.session.scalar(
        db.select(ScoreSheet).where(
            ScoreSheet.subject_type == results.SHEET_SUBJECT,
            ScoreSheet.subject_id == unit.id,
            ScoreSheet.kind == "agreed",
        )
    )
    assert sheet is not None
    return sheet


def test_a_sheet_or_unit_change_raises_the_revision_and_leaves_the_version(app: Flask, world: World) -> None:
    """The revision moves with the campaign's sheets and units, never its ``version_id`` (a unit saving its
    sheet does not make the office's open form stale) nor its ``updated_at``; a rollback raises nothing."""
    campaign_id = _in_moderation(app, world)
    with app.app_context():
        revision, version, updated = _stamp(campaign_id)
        _agreed(campaign_id, 0).total = Decimal("60")
        db.session.commit()
        assert _stamp(campaign_id) == (revision + 1, version, updated)

        unit = db.session.scalars(
            db.select(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id)
        ).first()
        assert unit is not None
        unit.group = "区直单位"
        db.session.commit()
        assert _stamp(campaign_id) == (revision + 2, version, updated)

        _agreed(campaign_id, 1).total = Decimal("61")
        db.session.flush()
        db.session.rollback()
        assert _stamp(campaign_id) == (revision + 2, version, updated)

        other = draft(world)  # another campaign's sheets leave this one's revision alone
        submit(other, STA_TOTALS)
        assert _stamp(campaign_id) == (revision + 2, version, updated)


def _rank_of(page: str, unit_name: str) -> str:
    found = re.search(
        r'<tr id="unit-\d+" data-testid="board-row">\s*<td>(\d+|—)</td>\s*<td>' + unit_name, page
    )
    assert found is not None, unit_name
    return found.group(1)


def test_the_board_is_read_once_per_change_and_shows_what_changed(
    app: Flask, client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """STA-4.3: the agreed total ranks the unit. A repeat view reads no sheet; a changed agreed sheet is seen at
    once (the last unit, 70 points, becomes first with 99); a renamed unit shows its new name at once (names
    are read for the page, never kept)."""
    campaign_id = _in_moderation(app, world)
    reads: list[int] = []
    read_progress = results.read_progress
    monkeypatch.setattr(
        results, "read_progress", lambda cid, ids: reads.append(cid) or read_progress(cid, ids)
    )
    lined: list[int] = []  # the board's lines of every unit, made from the standing
    make_lines = moderation._lines
    monkeypatch.setattr(moderation, "_lines", lambda *args: lined.append(1) or make_lines(*args))
    login(client, "staff")
    url = f"/campaigns/{campaign_id}/moderation"
    first = client.get(url).get_data(as_text=True)
    again = client.get(url).get_data(as_text=True)
    assert reads == [campaign_id] and len(lined) == 1
    assert _rank_of(again, world.units[0].name) == _rank_of(first, world.units[0].name) == "1"
    assert _rank_of(first, world.units[10].name) == "11"

    with app.app_context():
        _agreed(campaign_id, 10).total = Decimal("99")
        db.session.commit()
    changed = client.get(url).get_data(as_text=True)
    assert _rank_of(changed, world.units[10].name) == "1" and "99" in changed
    assert len(reads) == len(lined) == 2

    with app.app_context():
        organ = db.session.get(Organisation, world.units[10].id)
        assert organ is not None
        organ.name = "第十一县统计局（更名）"
        db.session.commit()
    renamed = client.get(url).get_data(as_text=True)
    assert _rank_of(renamed, "第十一县统计局（更名）") == "1"
    assert len(reads) == 2


def test_the_offices_counts_are_refused_afresh_on_every_view(app: Flask, client, world: World) -> None:  # type: ignore[no-untyped-def]
    """STA-4.1 (优秀2-3名): counts of 优秀 5 are refused on every view with the rule quoted, each time as its own
    refusal (a shared standing hands out copies, never the one it keeps)."""
    campaign_id = _in_moderation(app, world)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.choices = {"": {"优秀": 5}}
        db.session.commit()
    login(client, "staff")
    for _ in range(2):
        page = client.get(f"/campaigns/{campaign_id}/moderation").get_data(as_text=True)
        assert "STA-4.1" in page and "优秀5名" in page
    with app.test_request_context("/"):
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        shared = standing.of(campaign)
        refused = []
        for _ in range(2):
            with pytest.raises(QuotaRefused) as caught:
                standing.ranking(campaign, shared)
            refused.append(caught.value)
        assert refused[0] is not refused[1] and refused[0] is not shared.refusal
        assert refused[0].message == refused[1].message == shared.refusal.message  # type: ignore[union-attr]
        assert standing.of(campaign) is shared
