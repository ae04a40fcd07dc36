"""Random sequences of service calls by random people — the right ones and the wrong ones — on the `world`
(hypothesis): write, revise, fire any event with good or bad reasons and adoption choices, delete drafts.

Invariants, after every call:
- the state only changes through a row of the table, fired by someone `permissions.functions_on` gives one of
  the row's functions; someone it gives nothing gets "not found" (no existence leak);
- a refused call changes nothing (state, versions, returns, adoptions, trail): it commits whole or not at all;
- every state change has its audit row (event, from → to, the row's rule) and the article's chain verifies;
- a list shows a person exactly the articles `functions_on` lets them see (`visible_clause` agrees);
- an adopted article has an adoption record, and was signed off and received (ZG-6.1, PUB-5.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from config.articles import load_rules
from tests.webapp.articles.conftest import World
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleReturn,
    ArticleRevision,
    Publication,
)
from webapp.articles.services import (
    articles,
    permissions,
)
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.articles.services.facts import facts_for
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import InvalidInput, NotFound, ServiceError
from workflow import articles as domain
from workflow.articles import EVENTS, PROCEDURE
from workflow.procedure import ACCESS_CODES

PEOPLE = (
    "officer_a", "officer_a2", "signer_a", "officer_b", "signer_b", "editor", "head", "reader", "upper_editor",
    "outsider",
)  # fmt: skip
#: Mostly good values, some bad ones (too short, empty, too long, not text).
REASONS = st.sampled_from(["数据来源请注明出处", "请补充具体做法和成效", None, "", "好", "abc", "长" * 2001])
TITLES = st.sampled_from(
    ["甲县推行组工干部下沉一线", "乙区探索“三级联动”机制", "甲县推行组工干部下沉一线", "", " ", "题" * 121]
)
BODIES = st.sampled_from(["正文" * 60, "修改后的正文" * 30, "正文" * 60, "", "文" * 50_001])
#: Events that move an article on towards a decision (the guided step prefers them).
FORWARD = ("submit", "resubmit", "sign_off", "receive", "adopt", "decline")
WRITERS = st.sampled_from(["officer_a", "officer_a", "officer_b", "officer_a2", *PEOPLE])


@dataclass(frozen=True)
class Seen:
    """What one article looks like in the database (read fresh)."""

    state: str
    version: int
    revisions: int
    returns: int
    open_returns: int
    adoptions: int
    trail: int
    title: str
    body: str


def _seen(article_id: int) -> Seen:
    """One query: the article's columns and the counts of its rows."""
    db.session.expire_all()

    def count(
        model: type, column: sa.ColumnElement[int], *where: sa.ColumnElement[bool]
    ) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .select_from(model)
            .where(column == Article.id, *where)
            .scalar_subquery()
        )

    row = db.session.execute(
        sa.select(
            Article.state,
            Article.version_id,
            count(ArticleRevision, ArticleRevision.article_id),
            count(ArticleReturn, ArticleReturn.article_id),
            count(ArticleReturn, ArticleReturn.article_id, ArticleReturn.answered_at.is_(None)),
            count(Adoption, Adoption.article_id),
            count(AuditEvent, AuditEvent.subject_id, AuditEvent.subject_type == "article"),
            Article.title,
            Article.body,
        ).where(Article.id == article_id)
    ).one()
    return Seen(*row)


class ServiceWalk(RuleBasedStateMachine):
    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.ids: list[int] = []
        #: the articles the last call was about: the invariants read them (reading every article after every
        #: call would make the walk slow without checking more)
        self.touched: set[int] = set()
        #: the state of each article when lists were last compared with pages for it
        self.compared: dict[int, str] = {}
        self.today = date(2027, 1, 5)
        upper_pub = db.session.scalar(
            sa.select(Publication.id).where(Publication.office_id == world.upper.id)
        )
        self.adoptions = [
            AdoptionInput(world.own_publication.id, "exp", "single"),
            AdoptionInput(world.own_publication.id, "ref", "example"),
            AdoptionInput(world.own_publication.id, "nonsense", "single"),  # not the office's class
            AdoptionInput(upper_pub or 0, "exp", "single"),  # another office's publication
            None,
        ]

    def person(self, name: str) -> User:
        user = getattr(self.world, name)
        assert isinstance(user, User)
        return user

    def article(self, index: int) -> int:
        article_id = self.ids[index % len(self.ids)]
        self.touched.add(article_id)
        return article_id

    # -- calls -------------------------------------------------------------------------------------------------

    @initialize(
        secrecy_a=st.sampled_from(["none", "internal", "secret"]),
        secrecy_b=st.sampled_from(["none", "secret"]),
    )
    def two_drafts(self, secrecy_a: str, secrecy_b: str) -> None:
        """Each walk starts with a draft of each unit, so its steps act on articles from the first."""
        self.write("officer_a", "甲县推行组工干部下沉一线", "正文" * 60, secrecy_a)
        self.write("officer_b", "乙区探索“三级联动”机制", "正文" * 60, secrecy_b)
        assert len(self.ids) == 2

    @rule(
        who=st.sampled_from(PEOPLE),
        title=TITLES,
        body=BODIES,
        secrecy=st.sampled_from(["none", "internal", "secret", "x"]),
    )
    def write(self, who: str, title: str, body: str, secrecy: str) -> None:
        user = self.person(who)
        may = permissions.can_write(user, self.world.office.id)
        before = db.session.scalar(sa.select(sa.func.count(Article.id)))
        try:
            article = articles.create_draft(
                user,
                office_id=self.world.office.id,
                title=title,
                body=body,
                secrecy=secrecy,
                today=self.today,
            )
        except ServiceError:
            assert db.session.scalar(sa.select(sa.func.count(Article.id))) == before
            return
        assert may, f"{who} wrote an article"
        assert (article.state, article.unit_id, article.author_id) == ("draft", user.organisation_id, user.id)
        self.ids.append(article.id)
        self.touched.add(article.id)
        assert [row.event for row in trail_of("article", article.id)] == ["created"]

    @precondition(lambda self: bool(self.ids))
    @rule(who=st.sampled_from(PEOPLE), index=st.integers(0, 50), title=TITLES, body=BODIES)
    def revise(self, who: str, index: int, title: str, body: str) -> None:
        article_id = self.article(index)
        user, before = self.person(who), _seen(article_id)
        article = db.session.get(Article, article_id)
        may, visible = permissions.can_edit_text(user, article), permissions.can_view(user, article)
        try:
            articles.save_text(user, article_id, title=title, body=body, note="修改")
        except ServiceError as error:
            assert _seen(article_id) == before
            if not visible:
                assert isinstance(error, NotFound)
            return
        after = _seen(article_id)
        assert may, f"{who} revised an article in state {before.state}"
        changed = (after.title, after.body) != (before.title, before.body)
        assert after.revisions == before.revisions + changed and after.trail == before.trail + changed
        assert after.state == before.state

    @precondition(lambda self: bool(self.ids))
    @rule(
        who=st.sampled_from(PEOPLE),
        index=st.integers(0, 50),
        event=st.sampled_from(EVENTS),
        reason=REASONS,
        adoption=st.integers(0, 4),
        days=st.integers(0, 5),
    )
    def act(self, who: str, index: int, event: str, reason: str | None, adoption: int, days: int) -> None:
        article_id = self.article(index)
        self.today += timedelta(days=days)
        user, before = self.person(who), _seen(article_id)
        held = permissions.functions_on(user, db.session.get(Article, article_id))
        try:
            articles.fire(
                user, article_id, event, reason=reason, answer=reason, adoption=self.adoptions[adoption],
                today=self.today,
            )  # fmt: skip
        except ServiceError as error:
            assert _seen(article_id) == before, f"a refused {event} changed the article"
            if not held:
                assert isinstance(error, NotFound), f"{who} learnt that article {article_id} exists"
            if isinstance(error, Refused) and error.code not in ACCESS_CODES and error.rule:
                assert f"· {error.rule}" in error.message and error.message.startswith("依据")
            if isinstance(error, InvalidInput):
                assert error.field, error.message
            return
        after = _seen(article_id)
        [row] = PROCEDURE.rows_for(event, before.state)
        assert held & set(row.actors), f"{who} holding {set(held)} fired {event}"
        assert after.state == row.target and after.version > before.version
        last = trail_of("article", article_id)[-1]
        assert after.trail == before.trail + 1
        assert (last.event, last.from_state, last.to_state, last.rule_id) == (
            event, before.state, row.target, row.rule
        )  # fmt: skip
        assert last.actor_user_id == user.id
        if event in ("leader_return", "office_return"):
            assert (after.returns, after.open_returns) == (before.returns + 1, before.open_returns + 1)
        if event == "resubmit":
            assert after.open_returns == 0 and before.open_returns >= 1
        if event == "adopt":
            assert after.adoptions == before.adoptions + 1

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data(), index=st.integers(0, 50), steps=st.integers(2, 12))
    def take_steps_someone_may_take(self, data: st.DataObject, index: int, steps: int) -> None:
        """A few steps on one article, each fired by someone who may fire it now — mostly with a good reason and
        adoption, sometimes a bad one, mostly an event that moves the article on — so the walks reach returns,
        resubmissions and the office's decisions; each step is checked as in `act`."""
        for _ in range(steps):
            article = db.session.get(Article, self.article(index))
            facts, rules = facts_for(article), load_rules()
            open_to: dict[str, list[str]] = {}
            for name in PEOPLE:
                actor = domain.Actor(permissions.functions_on(self.person(name), article))
                for event in domain.allowed_events(facts, actor, self.today, rules):
                    open_to.setdefault(event, []).append(name)
            if not open_to:
                return
            onward = sorted(event for event in open_to if event in FORWARD)
            forward = data.draw(st.integers(0, 3), label="forward") > 0
            event = data.draw(
                st.sampled_from(onward if forward and onward else sorted(open_to)), label="event"
            )
            who = data.draw(st.sampled_from(open_to[event]), label="who")
            reason = data.draw(st.one_of(st.just("请补充具体做法和成效"), REASONS), label="reason")
            adoption = data.draw(st.one_of(st.just(0), st.just(1), st.integers(0, 4)), label="adoption")
            self.act(who, index, event, reason, adoption, data.draw(st.integers(0, 2), label="days"))

    @precondition(lambda self: bool(self.ids))
    @rule(who=st.sampled_from(PEOPLE), index=st.integers(0, 50))
    def delete(self, who: str, index: int) -> None:
        article_id = self.article(index)
        user, before = self.person(who), _seen(article_id)
        may = permissions.can_delete_draft(user, db.session.get(Article, article_id))
        try:
            articles.delete_draft(user, article_id)
        except ServiceError:
            assert _seen(article_id) == before
            return
        assert may and before.state == "draft"
        self.ids.remove(article_id)  # gone for everyone: no call reaches it again
        for name in PEOPLE:
            assert not permissions.functions_on(self.person(name), db.session.get(Article, article_id))

    # -- invariants --------------------------------------------------------------------------------------------

    @invariant()
    def the_articles_of_the_last_call_keep_the_invariants(self) -> None:
        self.every_trail_verifies_and_records_each_state_change()
        self.lists_show_what_the_article_page_shows()
        self.an_adopted_article_was_signed_off_and_received()
        self.touched.clear()

    def every_trail_verifies_and_records_each_state_change(self) -> None:
        for article_id in self.touched & set(self.ids):
            assert verify_chain("article", article_id)
            trail = trail_of("article", article_id)
            state = "draft"
            for row in trail:
                if row.to_state is not None and row.event != "created":
                    assert row.from_state == state, [(r.event, r.from_state, r.to_state) for r in trail]
                    assert PROCEDURE.rows_for(row.event, state)[0].rule == row.rule_id
                    state = row.to_state
            assert db.session.get(Article, article_id).state == state

    def lists_show_what_the_article_page_shows(self) -> None:
        """Compared again for an article whenever it changed (who sees it depends on its state only)."""
        now = {
            i: (a.state, a.version_id) for i in self.touched if (a := db.session.get(Article, i)) is not None
        }
        touched = sorted(i for i, seen in now.items() if self.compared.get(i) != seen)
        self.compared.update(now)
        if not touched:
            return
        for name in PEOPLE:
            user = self.person(name)
            listed = set(
                db.session.scalars(
                    sa.select(Article.id).where(Article.id.in_(touched), permissions.visible_clause(user))
                )
            )
            shown = {i for i in touched if permissions.functions_on(user, db.session.get(Article, i))}
            assert listed == shown, name

    def an_adopted_article_was_signed_off_and_received(self) -> None:
        for article_id in self.touched & set(self.ids):
            article = db.session.get(Article, article_id)
            if article.state == "adopted":
                assert article.signed_off_by_id is not None and article.received_by_id is not None
                assert article.signed_off_on <= article.received_on <= article.decided_on
                assert _seen(article_id).adoptions >= 1


def test_random_service_calls_by_random_people_keep_the_article_invariants(world: World) -> None:
    run_state_machine_as_test(
        lambda: ServiceWalk(world),
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
