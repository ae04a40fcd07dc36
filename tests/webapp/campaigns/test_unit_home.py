"""The unit's and the team's lines on the home page (自评待提交 with overdue, 待评分) and their links in the
navigation bar (我的考评 / 考评任务), next to grading and articles."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask

from tests.factories import TODAY
from tests.webapp.campaigns.test_unit_sheets import FULL, SELF, fill, lrn  # noqa: F401  (lrn: the fixture)
from tests.webapp.campaigns.unit_world import CWorld, cworld, login, set_state  # noqa: F401  (cworld: the fixture)
from webapp.campaigns import home, nav
from webapp.campaigns.models import Campaign
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.scoring.models import SheetKind


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def _line(name: str, title: str):  # type: ignore[no-untyped-def]
    return next((a for a in home.worklist(_user(name), TODAY) if a.title == title), None)


def test_a_units_self_assessment_waits_then_is_overdue_then_done(app: Flask, lrn: CWorld) -> None:
    with app.app_context():
        line = _line("c-unit-a", "自评待提交")
        assert line is not None and (line.count, line.overdue) == (1, 0)
        campaign = db.session.get(Campaign, lrn.campaign_id)
        assert campaign is not None
        campaign.self_due = date(2027, 1, 1)  # before TODAY
        db.session.commit()
        line = _line("c-unit-a", "自评待提交")
        assert line is not None and (line.count, line.overdue) == (1, 1)
        assert home.overdue_count(_user("c-unit-a"), TODAY) == 1
        fill("c-unit-a", lrn.cu_a, SheetKind.SELF, SELF)
        line = _line("c-unit-a", "自评待提交")
        assert line is not None and (line.count, line.overdue) == (0, 0)
        assert _line("c-staff", "自评待提交") is None


def test_the_team_sees_units_to_score_until_its_sheets_are_submitted(app: Flask, lrn: CWorld) -> None:
    set_state(app, lrn.campaign_id, "assessment")
    with app.app_context():
        member = _line("c-member", "待评分")
        assert member is not None and member.count == 2
        fill("c-member", lrn.cu_a, SheetKind.REVIEWER, FULL)
        member = _line("c-member", "待评分")
        assert member is not None and member.count == 1
        lead = _line("c-lead", "待评分")
        assert lead is not None and lead.count == 2
        fill("c-lead", lrn.cu_a, SheetKind.REVIEWER, FULL)
        fill("c-lead", lrn.cu_a, SheetKind.AGREED, FULL)
        lead = _line("c-lead", "待评分")
        assert lead is not None and lead.count == 1
        stranger = _line("c-stranger", "待评分")  # the other campaign is still self-assessing
        assert stranger is not None and stranger.count == 1


def test_the_home_page_and_the_navigation_show_the_campaign_lines(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    html = client.get("/").get_data(as_text=True)
    assert "自评待提交" in html and "我的考评" in html and "/campaigns/mine" in html
    client.post("/auth/logout")
    login(client, "c-member")
    html = client.get("/").get_data(as_text=True)
    assert "待评分" in html and "考评任务" in html
    with app.app_context():
        titles = [link.title for link in nav.nav(_user("c-staff"))]
        assert "我的考评" not in titles and "考评任务" not in titles


def test_the_unit_page_marks_a_late_self_assessment(app: Flask, client, lrn: CWorld) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        campaign = db.session.get(Campaign, lrn.campaign_id)
        assert campaign is not None
        campaign.state, campaign.self_due = "assessment", date(2027, 1, 2)
        db.session.commit()
    login(client, "c-unit-a")
    before = client.get(f"/campaigns/unit/{lrn.cu_a}").get_data(as_text=True)
    assert "已过自评截止日，考评期间仍可补交" in before
    with app.app_context():
        fill("c-unit-a", lrn.cu_a, SheetKind.SELF, SELF)
    after = client.get(f"/campaigns/unit/{lrn.cu_a}").get_data(as_text=True)
    assert 'data-testid="self-late"' in after and "逾期提交" in after
