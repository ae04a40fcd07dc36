"""A small world for the office side of campaigns: a city statistics bureau (the office) with its staff and head,
eleven county bureaus (STA-1.1), three assessors, a stranger office; helpers to put a campaign in a state and to
hand in sheets (rows of ``score_sheets`` as the sheet code leaves them: status submitted with a total)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD, make_bureau, make_organ, make_user
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import setup
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User
from webapp.scoring.models import ScoreSheet
from webapp.scoring.services.schemes import register_shipped_schemes

TODAY = date(2027, 1, 5)


@dataclass(frozen=True)
class Ref:
    """A row as the tests name it after the fixture's session closed: its id and name."""

    id: int
    name: str


@dataclass
class World:
    office: Ref
    units: list[Ref]
    staff: Ref
    head: Ref
    assessors: list[Ref]
    stranger: Ref
    other_office: Ref


def _ref(row: Organisation | User) -> Ref:
    return Ref(row.id, row.name if isinstance(row, Organisation) else row.username)


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        register_shipped_schemes()
        office = make_bureau(name="徐州市统计局")
        units = [make_organ(office, name=f"第{i + 1}县统计局") for i in range(11)]
        other = make_bureau(name="邻市统计局")
        w = World(
            office=_ref(office),
            units=[_ref(u) for u in units],
            staff=_ref(make_user(office, Role.CAMPAIGN_STAFF, username="staff")),
            head=_ref(make_user(office, Role.CAMPAIGN_HEAD, username="head")),
            assessors=[_ref(make_user(office, Role.ASSESSOR, username=f"assessor{i}")) for i in range(3)],
            stranger=_ref(make_user(other, Role.CAMPAIGN_STAFF, username="stranger")),
            other_office=_ref(other),
        )
        db.session.commit()
        return w


def login(client: FlaskClient, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code in (302, 303), response.status_code


def draft(world: World, preset: str = "sta-2017", day: date = date(2026, 6, 1)) -> int:
    """A draft STA campaign of the office for 2026 with every unit and a team of three (assessor0 leads)."""
    staff = db.session.get(User, world.staff.id)
    campaign = setup.create_draft(staff, preset_id=preset, period_start=day, today=TODAY)
    setup.set_units(staff, campaign.id, units=[(u.id, "") for u in world.units])
    setup.set_team(staff, campaign.id, members=[a.id for a in world.assessors], lead_id=world.assessors[0].id)
    return campaign.id


def submit(campaign_id: int, totals: list[Any], *, self_totals: list[Any] | None = None) -> None:
    """Hand in every unit's agreed sheet (and self sheet) with these totals, in the campaign's unit order."""
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None
    for index, unit in enumerate(campaign.units):
        for kind, values in (("agreed", totals), ("self", self_totals)):
            if values is None:
                continue
            db.session.add(
                ScoreSheet(
                    subject_type="campaign_unit",
                    subject_id=unit.id,
                    kind=kind,
                    slot=kind,
                    status="submitted",
                    scheme_id=campaign.scheme_id,
                    scheme_version=campaign.scheme_version,
                    entries={},
                    total=Decimal(str(values[index])),
                    result=None,
                )
            )
    db.session.commit()


def put_in_state(campaign_id: int, state: str) -> None:
    """Move the campaign straight to ``state`` (the steps before it are other tests' business)."""
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.state = state
    db.session.commit()


#: STA Example 4: eleven units, distinct totals (ranks 1–11)
STA_TOTALS = [98, 95, 93, 90, 88, 86, 84, 80, 78, 75, 70]
