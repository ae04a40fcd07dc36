"""A small world of campaigns for the unit and team tests: a city office that runs a STA-style annual campaign
over two units, a three-member assessment team with its lead, a second campaign with its own assessor, and an
outsider unit. ``cworld`` is built inside the app context and committed; tests act through the services or the
client. (H4's fixture; the office side keeps its own.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask

from tests.factories import TEST_PASSWORD, make_bureau, make_organ, make_user
from webapp.campaigns.models import Campaign, CampaignAssessor, CampaignUnit
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User


@dataclass
class CWorld:
    campaign_id: int
    other_campaign_id: int
    office: Organisation
    unit_a: Organisation
    unit_b: Organisation
    outsider_unit: Organisation
    cu_a: int
    cu_b: int
    staff: User
    head: User
    filler_a: User
    filler_b: User
    outsider: User
    lead: User
    member: User
    member2: User
    stranger_assessor: User


def make_campaign(office: Organisation, creator: User, **kwargs: object) -> Campaign:
    campaign = Campaign(
        office_id=office.id,
        title=kwargs.pop("title", "2026年度统计基层基础工作考评"),
        scheme_id="sta-2017",
        scheme_version="2017.1",
        preset="sta-2017",
        period_kind="year",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        state=kwargs.pop("state", "self_assessment"),
        self_due=kwargs.pop("self_due", date(2027, 1, 10)),
        materials_due=kwargs.pop("materials_due", date(2027, 1, 10)),
        results_due=date(2027, 2, 10),
        rules={},
        choices={},
        created_by_id=creator.id,
        **kwargs,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


@pytest.fixture
def cworld(app: Flask) -> Iterator[CWorld]:
    with app.app_context():
        bureau = make_bureau()
        office = make_organ(bureau, name="市统计局办公室")
        unit_a = make_organ(bureau, name="甲县统计局")
        unit_b = make_organ(bureau, name="乙区统计局")
        outsider_unit = make_organ(bureau, name="丙县统计局")
        staff = make_user(office, Role.CAMPAIGN_STAFF, username="c-staff")
        head = make_user(office, Role.CAMPAIGN_HEAD, username="c-head")
        lead = make_user(office, Role.ASSESSOR, username="c-lead")
        member = make_user(office, Role.ASSESSOR, username="c-member")
        member2 = make_user(office, Role.ASSESSOR, username="c-member2")
        stranger = make_user(office, Role.ASSESSOR, username="c-stranger")
        campaign = make_campaign(office, staff)
        a = CampaignUnit(campaign_id=campaign.id, organisation_id=unit_a.id, position=1)
        b = CampaignUnit(campaign_id=campaign.id, organisation_id=unit_b.id, position=2)
        db.session.add_all([a, b])
        db.session.add_all(
            [
                CampaignAssessor(campaign_id=campaign.id, user_id=lead.id, lead=True),
                CampaignAssessor(campaign_id=campaign.id, user_id=member.id),
                CampaignAssessor(campaign_id=campaign.id, user_id=member2.id),
            ]
        )
        other = make_campaign(office, staff, title="2026年度另一项考评")
        db.session.add(CampaignUnit(campaign_id=other.id, organisation_id=outsider_unit.id, position=1))
        db.session.add(CampaignAssessor(campaign_id=other.id, user_id=stranger.id, lead=True))
        db.session.flush()
        world = CWorld(
            campaign_id=campaign.id,
            other_campaign_id=other.id,
            office=office,
            unit_a=unit_a,
            unit_b=unit_b,
            outsider_unit=outsider_unit,
            cu_a=a.id,
            cu_b=b.id,
            staff=staff,
            head=head,
            filler_a=make_user(unit_a, Role.CAMPAIGN_UNIT, username="c-unit-a"),
            filler_b=make_user(unit_b, Role.CAMPAIGN_UNIT, username="c-unit-b"),
            outsider=make_user(outsider_unit, Role.CAMPAIGN_UNIT, username="c-outsider"),
            lead=lead,
            member=member,
            member2=member2,
            stranger_assessor=stranger,
        )
        db.session.commit()
        yield world


def set_state(app: Flask, campaign_id: int, state: str) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.state = state
        db.session.commit()


def login(client, username: str):  # type: ignore[no-untyped-def]
    return client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
