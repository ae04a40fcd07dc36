"""The demo tells a consistent story on whatever day it is loaded (issue 7, point 19): every date is an offset
from that day, so nothing happened after "today", and the README's walk works under the default date."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import TODAY, make_test_app
from tests.walk import Route, reviewers, walk
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Organisation
from webapp.demo import load_demo
from webapp.grading.models import Case, Grade, SecurityIncident

#: the state each demo organ's latest case is in, whatever the load day (the story the demo tells)
STORY = {
    "hb-slt": "approved",
    "yc-yl-lqz": "awaiting_approval",
    "yc-yl-xxt": "in_review",
    "yc-sjj": "approved",
    "yc-yl-slj": "approved",
    "yc-czj": "in_notice",
    "yc-rsj": "forwarded",
    "yc-slj": "withdrawn",
}


def _demo_app(tmp_path, day: date):
    app = make_test_app(tmp_path, KAOPING_TODAY=day.isoformat(), DEMO_CASES=True)
    with app.app_context():
        db.create_all()
        load_demo()
    return app


def _latest_states() -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Organisation.code, Case.state)
        .join(Case, Case.organ_id == Organisation.id)
        .order_by(Case.id)
    ).all()
    return dict(rows)  # later cases overwrite earlier ones of the same organ


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 6),  # the day of the issue: the demo showed applications on 2026-03-02
        TODAY,  # make run's default, 2027-01-05
        date(2027, 1, 1),  # the window's first day: the current round cannot start before it
        date(2026, 7, 15),  # mid-year, after the application window closed
        date(2028, 2, 29),  # a leap day
    ],
)
def test_nothing_in_the_demo_happened_after_the_day_it_was_loaded(tmp_path, day):
    app = _demo_app(tmp_path, day)
    with app.app_context():
        assert _latest_states() == STORY
        for column in (
            Case.applied_on,
            Case.forwarded_on,
            Case.notice_start,
            Case.notice_closed_on,
            Case.decided_on,
            Grade.valid_from,
            Grade.lapsed_on,
            SecurityIncident.occurred_on,
        ):
            latest = db.session.scalar(sa.select(sa.func.max(column)))
            assert latest is not None and latest <= day, (column, latest)
        last_event = db.session.scalar(sa.select(sa.func.max(AuditEvent.at)))
        assert clock.local(last_event).date() <= day
        plan_years = set(db.session.scalars(sa.select(Case.plan_year).where(Case.state == "in_notice")))
        assert plan_years == {day.year}
        # the notice of the current round is running today, as on the default day
        notice = db.session.scalar(sa.select(Case.notice_start).where(Case.state == "in_notice"))
        assert notice is not None and (day - notice).days <= 6


def test_under_the_default_day_the_demo_is_the_start_of_the_2027_round(tmp_path):
    app = _demo_app(tmp_path, TODAY)
    with app.app_context():
        assert db.session.scalar(sa.select(Case.notice_start).where(Case.state == "in_notice")) == date(
            2027, 1, 4
        )
        assert db.session.scalar(
            sa.select(Grade.valid_to).join(Organisation).where(Organisation.code == "hb-czt")
        ) == date(2027, 4, 14)  # 省一级 due for recheck this year (ARC-11.2)


def test_the_readme_walk_works_on_the_full_demo_under_the_default_day(tmp_path):
    """unit-county: apply → plan → acceptance → pre-check and notice → 7 days → panel → review → approval."""
    app = _demo_app(tmp_path, TODAY)
    route = Route(panel=lambda case, given: reviewers(7, 8, 4), uploads={})
    with app.app_context():
        case_id = walk(
            "unit-county", route, to="approved", score=86, staff="county-staff", head="county-head"
        )
        approved = db.session.get(Case, case_id)
        assert approved is not None and approved.state == "approved" and approved.certificate_no


def test_loading_the_demo_again_on_another_day_adds_nothing(tmp_path):
    app = _demo_app(tmp_path, TODAY)
    with app.app_context():
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Case, Grade)]
    app.config["KAOPING_TODAY"] = "2027-03-01"
    with app.app_context():
        created = load_demo()
        assert sum(created.values()) == 0
        assert [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Case, Grade)] == counts
