"""The article demo (`webapp/articles/demo.py`, loaded by `make run`): an office, its units and a quarter of
information work in every state, told the same way on whatever day it is loaded — nothing after "today"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import TODAY, make_test_app
from webapp.articles import demo as article_demo
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    ArticleReturn,
    ArticleRevision,
    Commission,
    FollowUp,
    Forwarding,
    Incident,
    Instruction,
    OfficeUnit,
    Publication,
    PublicationIssue,
    UrgentEvent,
)
from webapp.articles.services import permissions
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Role, User
from webapp.core.services.audit import trail_of, verify_chain
from webapp.demo import DEMO_PASSWORD, demo_logins, load_demo
from workflow.articles import ARTICLE_STATES

ROOT = Path(__file__).resolve().parents[3]
#: the first day of the quarter the demo shows, counted back from the load day
QUARTER = 92


def _demo_app(tmp_path: Path, day: date, own_database: bool = False) -> Flask:
    app = make_test_app(
        tmp_path, own_database=own_database, KAOPING_TODAY=day.isoformat(), DEMO_ARTICLES=True
    )
    with app.app_context():
        db.create_all()
        load_demo()
    return app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo loaded once on the default day, shared by the read-only tests below."""
    app = _demo_app(tmp_path_factory.mktemp("article-demo"), TODAY, own_database=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _user(username: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _states() -> dict[str, str]:
    return dict(db.session.execute(sa.select(Article.title, Article.state)).all())


def _latest(column: sa.ColumnElement[object]) -> object:
    return db.session.scalar(sa.select(sa.func.max(column)))


def _check_the_story(day: date) -> None:
    """The story the demo tells (each article ends in its state) and nothing dated after ``day`` or before the
    quarter leading to it."""
    assert _states() == article_demo.expected_states()
    first = day - timedelta(days=QUARTER)
    for column in (
        Article.state_since,
        Article.submitted_on,
        Article.signed_off_on,
        Article.received_on,
        Article.decided_on,
        Article.withdrawn_on,
        Adoption.adopted_on,
        PublicationIssue.issued_on,
        Instruction.instructed_on,
        FollowUp.due_on,
        Commission.due_on,
        Forwarding.forwarded_on,
        Forwarding.decided_on,
        Incident.occurred_on,
    ):
        latest = _latest(column)
        assert latest is not None and first <= latest <= day, (column, latest)
    assert db.session.scalar(sa.select(sa.func.min(Article.state_since))) >= first
    for stamp in (
        ArticleRevision.at,
        ArticleReturn.returned_at,
        ArticleReturn.answered_at,
        Article.submitted_at,
    ):
        assert clock.local(_latest(stamp)).date() <= day, stamp  # type: ignore[arg-type, union-attr]
    assert clock.local(_latest(AuditEvent.at)).date() <= day  # type: ignore[arg-type, union-attr]
    for subject, subject_id in db.session.execute(
        sa.select(AuditEvent.subject_type, AuditEvent.subject_id).distinct()
    ):
        assert verify_chain(subject, subject_id), (subject, subject_id)
    for article in db.session.scalars(sa.select(Article)):
        steps = [a for a in (article.submitted_on, article.received_on, article.decided_on) if a]
        assert steps == sorted(steps), article.title


def test_on_the_default_day_the_demo_is_the_quarter_before_5_january_2027(demo_app):
    _check_the_story(TODAY)
    first_draft = db.session.scalar(sa.select(sa.func.min(ArticleRevision.at)))
    assert clock.local(first_draft).date() == date(2026, 10, 11)  # type: ignore[union-attr]  # 86 days before


@pytest.mark.parametrize("day", [date(2026, 7, 15), date(2028, 2, 29)])  # mid-year; a leap day
def test_on_any_day_the_demo_tells_the_same_story_and_nothing_happened_after_it(tmp_path, day):
    app = _demo_app(tmp_path, day)
    with app.app_context():
        _check_the_story(day)


def test_there_is_an_article_in_every_state_of_the_procedure(demo_app):
    assert set(_states().values()) == set(ARTICLE_STATES)
    assert {story.ends for story in article_demo.STORIES} == set(ARTICLE_STATES)
    assert len(_states()) == len(article_demo.expected_states())  # no two demo articles share a title


def test_the_office_runs_its_own_publication_under_the_provinces_office_with_units_in_the_schemes_groups(
    demo_app,
):
    office = db.session.scalars(
        sa.select(ArticleOffice).where(ArticleOffice.organisation.has(code="zg-yc"))
    ).one()
    assert (office.scheme_id, office.label, office.parent.organisation.code) == (
        "ledger-zg",
        "组工信息",
        "zg-prov",
    )
    own = db.session.scalars(
        sa.select(Publication.name).where(Publication.office_id == office.id, Publication.own.is_(True))
    ).all()
    assert own == [article_demo.CITY_PUBLICATION]
    groups = dict(
        db.session.execute(
            sa.select(OfficeUnit.group_code, sa.func.count()).where(OfficeUnit.office_id == office.id)
            .group_by(OfficeUnit.group_code)
        ).all()
    )  # fmt: skip
    assert groups == {"county": 2, "zone": 1, "section1": 1, "section2": 1, "section3": 1}


def test_returns_carry_reasons_and_resubmissions_answers_zg_6_1(demo_app):
    returns = db.session.scalars(sa.select(ArticleReturn)).all()
    sides = {(r.returned_by_side, r.answer is not None) for r in returns}
    assert sides == {("leader", True), ("leader", False), ("office", True), ("office", False)}
    assert all(len(r.reason) >= 4 for r in returns)
    assert all(len(r.answer) >= 4 for r in returns if r.answer is not None)
    for returned in returns:
        assert returned.answer is not None or returned.article.state == "returned"


def test_texts_are_revised_by_the_units_and_by_the_office(demo_app):
    revised = db.session.execute(
        sa.select(ArticleRevision.state, sa.func.count()).where(ArticleRevision.no > 1).group_by(ArticleRevision.state)
    ).all()  # fmt: skip
    by_state = dict(revised)
    assert (
        by_state.get("returned", 0) >= 2
        and by_state.get("received", 0) >= 2
        and by_state.get("draft", 0) >= 2
    )
    assert db.session.scalar(sa.select(sa.func.max(Article.revision_no))) >= 3


def test_adoptions_are_in_several_publications_classes_and_forms(demo_app):
    adoptions = db.session.scalars(sa.select(Adoption)).all()
    adopted = {title for title, state in article_demo.expected_states().items() if state == "adopted"}
    assert {a.article.title for a in adoptions if a.office.organisation.code == "zg-yc"} == adopted
    assert {a.publication.code for a in adoptions} == {"P1", "P2", "P3", "P4"}
    assert {a.class_code for a in adoptions} == {"exp", "ref"}
    assert {a.form_code for a in adoptions} == {"single", "composite", "special", "example"}
    assert all(
        a.article.state == "adopted" and a.editor.has_role(*permissions.OFFICE_ROLES) for a in adoptions
    )
    several = [
        a.article.title
        for a in adoptions
        if a.office.organisation.code == "zg-yc" and a.publication.code == "P4"
    ]
    assert "夷陵区推行村（社区）党组织书记“擂台比武”激发基层活力" in several  # adopted again (INF-2.8)


def test_an_article_forwarded_up_is_adopted_by_the_province_for_the_unit_that_wrote_it_inf_2_5(demo_app):
    up = db.session.scalars(sa.select(Forwarding).where(Forwarding.kind == "up")).one()
    assert (up.status, up.to_office.organisation.code) == ("adopted", "zg-prov")
    [adoption] = db.session.scalars(sa.select(Adoption).where(Adoption.forwarding_id == up.id)).all()
    assert (
        adoption.office_id == up.to_office_id
        and adoption.publication.name == article_demo.PROVINCE_PUBLICATION
    )
    assert adoption.article.unit.code == "zg-yl"  # the credit stays with the writing unit
    assert permissions.functions_on(_user("zg-prov-editor"), up.article) == {"upper_editor"}
    sent = db.session.scalars(sa.select(Forwarding).where(Forwarding.kind == "to_leaders")).one()
    assert sent.status == "sent"  # INF-2.6 转送


def test_two_issues_one_locked_with_a_correction(demo_app):
    issues = db.session.scalars(sa.select(PublicationIssue).order_by(PublicationIssue.total)).all()
    assert [(i.state, len(i.items)) for i in issues] == [("locked", 6), ("assembling", 3)]
    assert [i.number_label for i in issues] == ["2026年第1期，总第1期", "2027年第1期，总第2期"]
    [correction] = issues[0].corrections
    assert correction.kind == "edit" and "连续三个月" in correction.item.body and correction.reason
    assert issues[0].locked_at is not None and correction.at > issues[0].locked_at
    trail = [row.event for row in trail_of("publication_issue", issues[0].id)]
    assert trail[-2:] == ["issue_locked", "corrected"]


def test_instructions_with_a_follow_up_reported(demo_app):
    instructions = db.session.scalars(sa.select(Instruction).order_by(Instruction.instructed_on)).all()
    assert [i.level for i in instructions] == ["city", "provincial"]
    [follow_up] = instructions[0].follow_ups
    assert follow_up.unit.code == "zg-yl" and follow_up.report
    assert clock.local(follow_up.reported_at).date() <= follow_up.due_on  # type: ignore[union-attr]


def test_an_urgent_event_with_a_first_report_in_time_a_late_follow_up_and_its_incident_zg_4_10(demo_app):
    event = db.session.scalars(sa.select(UrgentEvent)).one()
    assert event.first_report_at <= event.first_due_at and event.closed_at is not None
    reports = db.session.scalars(sa.select(Article).where(Article.urgent_event_id == event.id)).all()
    assert sorted(r.state for r in reports) == ["adopted", "not_adopted"]
    [incident] = db.session.scalars(sa.select(Incident)).all()
    assert (incident.kind, incident.unit.code, incident.urgent_event_id) == ("late", "zg-yl", event.id)
    assert incident.article is not None and incident.article.title == article_demo.URGENT_FOLLOWUP
    due = event.first_report_at + timedelta(minutes=event.followup_minutes)
    assert incident.article.submitted_at > due  # 迟报: the follow-up came after its time


def test_a_commission_to_three_units_answered_late_and_missed_inf_3_10(demo_app):
    commission = db.session.scalars(sa.select(Commission)).one()
    assert commission.important and commission.due_on < TODAY
    assert {t.unit.code: t.status for t in commission.targets} == {
        "zg-yl": "answered", "zg-xl": "late", "zg-gx": "missed"
    }  # fmt: skip


def test_secret_articles_are_shown_only_to_the_people_who_handle_them(demo_app):
    secret = db.session.scalars(
        sa.select(Article).where(Article.secrecy == "secret").order_by(Article.id)
    ).all()
    assert [(a.unit.code, a.state) for a in secret] == [("zg-yl", "received"), ("zg-jd", "not_adopted")]
    people = [account.username for account in article_demo.ACCOUNTS]
    for article, handlers in zip(
        secret, ({"yl-officer", "yl-signer"}, {"jd-officer", "jd-signer"}), strict=True
    ):
        seen_by = {name for name in people if permissions.functions_on(_user(name), article)}
        assert seen_by == handlers | {"zg-editor", "zg-head"}, article.title


def test_every_article_role_has_a_demo_account_named_in_the_readme(demo_app):
    roles = {role for account in article_demo.ACCOUNTS for role in account.roles}
    assert roles >= {
        Role.INFO_OFFICER,
        Role.INFO_SIGNER,
        Role.OFFICE_EDITOR,
        Role.OFFICE_HEAD,
        Role.INFO_READER,
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for account in article_demo.ACCOUNTS:
        assert f"`{account.username}`" in readme, account.username
        assert _user(account.username).check_password(DEMO_PASSWORD)
    listed = {row[0] for row in demo_logins()}
    assert {account.username for account in article_demo.ACCOUNTS} <= listed


def test_every_unit_has_its_officer_and_leader_in_charge(demo_app):
    for unit, prefix in article_demo.PREFIX.items():
        assert _user(f"{prefix}-officer").organisation.code == unit
        assert _user(f"{prefix}-signer").has_role(Role.INFO_SIGNER)
        assert permissions.can_write(_user(f"{prefix}-officer"))


def test_loading_the_demo_again_on_another_day_adds_nothing(demo_app):
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Article, AuditEvent)]
    demo_app.config["KAOPING_TODAY"] = "2027-03-01"
    try:
        created = load_demo()
    finally:
        demo_app.config["KAOPING_TODAY"] = TODAY.isoformat()
    assert created["information articles"] == 0
    assert [
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Article, AuditEvent)
    ] == counts


def test_under_testing_the_article_demo_waits_to_be_asked(demo):
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0
        assert db.session.scalar(sa.select(User.id).where(User.username == "zg-editor")) is None
