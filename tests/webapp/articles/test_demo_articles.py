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
    OfficeUnit,
    Publication,
)
from webapp.articles.services import permissions
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Role, User
from webapp.core.services.audit import verify_chain
from webapp.demo import DEMO_PASSWORD, demo_logins, load_demo
from workflow.articles import ARTICLE_STATES

ROOT = Path(__file__).resolve().parents[3]
#: the first day of the quarter the demo shows, counted back from the load day
QUARTER = 92


def _demo_app(tmp_path: Path, day: date) -> Flask:
    app = make_test_app(tmp_path, KAOPING_TODAY=day.isoformat(), DEMO_ARTICLES=True)
    with app.app_context():
        db.create_all()
        load_demo()
    return app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo loaded once on the default day, shared by the read-only tests below."""
    app = _demo_app(tmp_path_factory.mktemp("article-demo"), TODAY)
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
    assert _states() == {story.title: story.ends for story in article_demo.STORIES}
    first = day - timedelta(days=QUARTER)
    for column in (
        Article.state_since,
        Article.submitted_on,
        Article.signed_off_on,
        Article.received_on,
        Article.decided_on,
        Article.withdrawn_on,
        Adoption.adopted_on,
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
    article_events = sa.select(sa.func.max(AuditEvent.at)).where(AuditEvent.subject_type == "article")
    assert clock.local(db.session.scalar(article_events)).date() <= day  # type: ignore[union-attr]
    for article in db.session.scalars(sa.select(Article)):
        assert verify_chain("article", article.id), article.title
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
    assert len(adoptions) == sum(story.ends == "adopted" for story in article_demo.STORIES)
    assert {a.publication.code for a in adoptions} == {"P1", "P2", "P3", "P4"}
    assert {a.class_code for a in adoptions} == {"exp", "ref"}
    assert {a.form_code for a in adoptions} == {"single", "composite", "special", "example"}
    assert all(
        a.article.state == "adopted" and a.editor.has_role(*permissions.OFFICE_ROLES) for a in adoptions
    )


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
