"""The campaign demo (`webapp/campaigns/demo.py`, loaded by `make run`): a year of a STA-style campaign waiting for
the office's grade counts, and three months of an ORG-style series — told the same way on whatever day it is
loaded, through the services (guards, permissions, audit rows)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import TODAY, make_test_app
from webapp.campaigns import demo as campaign_demo
from webapp.campaigns.models import Campaign, CampaignClaim
from webapp.campaigns.services import results, series
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import verify_chain
from webapp.demo import load_demo


def _demo_app(tmp_path: Path, day: date, own_database: bool = False) -> Flask:
    app = make_test_app(
        tmp_path, own_database=own_database, KAOPING_TODAY=day.isoformat(), DEMO_CAMPAIGNS=True
    )
    with app.app_context():
        db.create_all()
        load_demo()
    return app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = _demo_app(tmp_path_factory.mktemp("campaign-demo"), TODAY, own_database=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _user(username: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _campaigns() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.period_start)))


def test_the_demo_has_a_sta_year_in_moderation_and_an_org_quarter(demo_app):
    states = {(c.scheme_id, c.period_kind, c.state) for c in _campaigns()}
    assert ("sta-2017", "year", "moderation") in states
    org = [c for c in _campaigns() if c.scheme_id == "org-2014-streets"]
    assert [c.state for c in org] == ["published", "published", "assessment"]
    assert len({c.series_id for c in org}) == 1
    for campaign in _campaigns():
        assert verify_chain("campaign", campaign.id), campaign.title
        assert campaign.period_start <= clock.today()


def test_the_sta_demo_ranks_eleven_bureaus_three_excellent_and_four_good_sta_4_1(demo_app):
    """STA Example 4 in the demo: 11 bureaus, the default counts within 优秀2-3名、良好3-4名 are 3 and 4."""
    sta = next(c for c in _campaigns() if c.scheme_id == "sta-2017")
    grades = [u.grade for u in results.ranking(sta, live=True).groups[0].units]
    assert grades == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 4


def test_the_org_demo_shows_a_talk_after_two_bottom_two_months_org_12_6(demo_app):
    org = [c for c in _campaigns() if c.scheme_id == "org-2014-streets"]
    view = series.series(_user("jx-staff"), org[1].id)
    talks = {u.name for u in view.units if any(m.talk for m in u.consequences)}
    assert "夷陵区峡州街道办事处" in talks


def test_a_performance_claim_waits_for_the_office_org_pr_1(demo_app):
    claim = db.session.scalars(sa.select(CampaignClaim)).one()
    assert claim.status == "pending" and claim.category == "major_innovation" and claim.declared


def test_a_units_applicant_sees_grading_and_campaign_work_in_one_worklist(demo_app):
    """The core demo's township applicant also fills the street's campaign sheets: one home page, two procedures."""
    from webapp.core.feature import features

    user = _user("unit-town")
    titles = [
        area.title for feature in features() if feature.worklist for area in feature.worklist(user, TODAY)
    ]
    assert any("考评" in title or "自评" in title for title in titles), titles


def test_loading_the_demo_twice_adds_nothing(demo_app):
    before = len(_campaigns())
    assert campaign_demo.load("kaoping-demo") == 0
    assert len(_campaigns()) == before


@pytest.mark.parametrize("day", [date(2027, 3, 1), date(2027, 7, 15)])
def test_the_demo_loads_on_other_days(tmp_path, day):
    app = _demo_app(tmp_path, day)
    with app.app_context():
        assert {c.state for c in _campaigns()} >= {"moderation", "published"}
        db.session.remove()
        db.engine.dispose()
