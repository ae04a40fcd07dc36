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
from typing import Any

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
    Incident,
    IssueCorrection,
    IssueItem,
    Publication,
    PublicationIssue,
)
from webapp.articles.services import (
    adoption_changes,
    articles,
    incidents,
    issue_corrections,
    issues,
    permissions,
    urgent,
)
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.articles.services.facts import facts_for
from webapp.articles.services.issue_corrections import CorrectionInput
from webapp.core import clock
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


# -- issues and incidents ------------------------------------------------------------------------------------------


def _printed(issue_id: int) -> tuple[Any, ...]:
    """What an issue says, as printed: its number, date, note, distribution, 密级 and every item."""
    db.session.expire_all()
    issue = db.session.get(PublicationIssue, issue_id)
    assert issue is not None
    items = tuple(
        (i.id, i.adoption_id, i.position, i.title, i.body, i.withdrawn_at is not None)
        for i in sorted(issue.items, key=lambda i: i.id)
    )
    head = (issue.state, issue.year, issue.number, issue.total, issue.issued_on, issue.editor_note)
    return (*head, issue.distribution, issue.copies, issue.secrecy, items)


def _corrections(issue_id: int) -> list[IssueCorrection]:
    return list(
        db.session.scalars(
            sa.select(IssueCorrection)
            .where(IssueCorrection.issue_id == issue_id)
            .order_by(IssueCorrection.id)
        )
    )


NOTES = st.sampled_from(["编者按：本期刊发基层经验", "", "好", "勘误：数据有误", "长" * 501, None])
ISSUE_OPS = ("details", "add", "move", "remove", "edit", "lock", "correct")
OFFICE_PEOPLE = st.sampled_from(["editor", "head", "head", *PEOPLE])


class IssueWalk(RuleBasedStateMachine):
    """Random calls on issues of the office's own publication and on incidents, by random people."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.today = date(2027, 1, 5)
        self.issues: list[int] = []
        #: locked issue → (what it printed when last seen, its corrections then)
        self.locked: dict[int, tuple[tuple[Any, ...], int]] = {}
        self.articles: list[int] = []
        self.events: list[int] = []
        self.first_incident = int(db.session.scalar(sa.select(sa.func.max(Incident.id))) or 0) + 1

    def person(self, name: str) -> User:
        user = getattr(self.world, name)
        assert isinstance(user, User)
        return user

    def _adopted(self, officer: str, signer: str, title: str, secrecy: str = "none") -> int:
        w = self.world
        article = articles.create_draft(
            self.person(officer), office_id=w.office.id, title=title, body="正文" * 80, secrecy=secrecy
        )
        articles.fire(self.person(officer), article.id, "submit", today=self.today)
        articles.fire(self.person(signer), article.id, "sign_off", today=self.today)
        articles.fire(w.editor, article.id, "receive", today=self.today)
        pub = w.own_publication.id
        adoption = AdoptionInput(pub, "exp", "single")
        articles.fire(w.editor, article.id, "adopt", adoption=adoption, today=self.today)
        return article.id

    @initialize(secret=st.booleans())
    def adopted_articles_and_an_urgent_event(self, secret: bool) -> None:
        """Three adopted articles (one perhaps 秘密), an urgent event the office registered, a unit's urgent
        event with its first report signed off, and a locked issue of two of the adopted articles."""
        self.articles += [
            self._adopted(
                "officer_a", "signer_a", "甲县推行组工干部下沉一线", "secret" if secret else "none"
            ),
            self._adopted("officer_b", "signer_b", "乙区探索“三级联动”机制"),
            self._adopted("officer_a", "signer_a", "甲县开展党员冬训"),
        ]
        now = clock.now()
        self.events.append(
            urgent.register_by_office(
                self.world.editor, unit_id=self.world.unit_b.id, title="乙区突发强降雨", occurred_at=now
            ).id
        )
        event, report = urgent.register_by_unit(
            self.world.officer_a, office_id=self.world.office.id, title="甲县山体滑坡", occurred_at=now,
            report_title="甲县山体滑坡首报", report_body="正文" * 30,
        )  # fmt: skip
        articles.fire(self.world.officer_a, report.id, "submit", today=self.today)
        articles.fire(self.world.signer_a, report.id, "sign_off", today=self.today)
        self.events.append(event.id)
        self.articles.append(report.id)
        self.assemble_an_issue(lock=True, size=2)  # a locked issue from the first step

    # -- issues ----------------------------------------------------------------------------------------------

    @rule(who=OFFICE_PEOPLE, days=st.integers(-400, 400))
    def create_issue(self, who: str, days: int) -> None:
        try:
            issue = issues.create(
                self.person(who), self.world.own_publication.id,
                issued_on=self.today + timedelta(days=days), today=self.today,
            )  # fmt: skip
        except ServiceError:
            return
        assert who in ("editor", "head") and abs(days) <= 366
        self.issues.append(issue.id)

    @precondition(lambda self: bool(self.issues))
    @rule(
        who=OFFICE_PEOPLE,
        index=st.integers(0, 20),
        op=st.sampled_from(ISSUE_OPS),
        pick=st.integers(0, 20),
        text=NOTES,
        kind=st.sampled_from(["edit", "withdraw", "note", "x"]),
    )
    def change_issue(self, who: str, index: int, op: str, pick: int, text: str | None, kind: str) -> None:
        issue_id = self.issues[index % len(self.issues)]
        user = self.person(who)
        issue = db.session.get(PublicationIssue, issue_id)
        assert issue is not None
        items = sorted(issue.items, key=lambda i: i.position)
        item_id = items[pick % len(items)].id if items else 10**6
        candidates = self._candidates()
        try:
            if op == "details":
                issues.update_details(
                    user, issue_id, issued_on=issue.issued_on, editor_note=text or "", today=self.today
                )
            elif op == "add":
                issues.add_items(user, issue_id, candidates[: 1 + pick % 3] or [10**6])
            elif op == "move":
                issues.move(user, issue_id, item_id, "up" if pick % 2 else "down")
            elif op == "remove":
                issues.remove(user, issue_id, item_id)
            elif op == "edit":
                issues.edit_item(user, issue_id, item_id, title="改后的标题", body=text)
            elif op == "lock":
                issues.lock(user, issue_id)
            else:
                data = CorrectionInput(kind, text or "", item_id, "更正后的标题", "更正后的正文" * 3, text)
                issue_corrections.correct(user, issue_id, data)
        except ServiceError:
            return
        if op == "lock":
            assert who == "head"
        if op == "correct":
            assert who == "head" and issue_id in self.locked

    @precondition(lambda self: bool(self.issues))
    @rule(who=st.sampled_from(["editor", "head"]), index=st.integers(0, 20), reason=REASONS)
    def cancel_a_printed_adoption(self, who: str, index: int, reason: str | None) -> None:
        """An adoption printed in an issue is the issue's to correct: withdrawing it is refused."""
        printed = list(
            db.session.scalars(
                sa.select(IssueItem.adoption_id)
                .join(PublicationIssue)
                .where(PublicationIssue.id.in_(self.issues))
            )
        )
        if not printed:
            return
        adoption_id = printed[index % len(printed)]
        try:
            adoption_changes.cancel(self.person(who), adoption_id, reason=reason)
        except ServiceError:
            return
        raise AssertionError("an adoption printed in an issue was withdrawn")

    @rule(lock=st.booleans(), size=st.integers(1, 3))
    def assemble_an_issue(self, lock: bool, size: int) -> None:
        """The editor assembles an issue of what was adopted (adopting one more article if nothing is left) and
        the head often locks it — so the walks hold locked issues to correct and to try to change."""
        w = self.world
        candidates = self._candidates()
        if not candidates:
            self.articles.append(self._adopted("officer_b", "signer_b", f"乙区经验第{len(self.articles)}篇"))
            candidates = self._candidates()
        issue = issues.create(w.editor, w.own_publication.id, issued_on=self.today, today=self.today)
        self.issues.append(issue.id)
        issues.add_items(w.editor, issue.id, candidates[:size])
        if lock:
            issues.lock(w.head, issue.id)

    @precondition(lambda self: bool(self.locked))
    @rule(who=st.sampled_from(["editor", "head"]), index=st.integers(0, 20), pick=st.integers(0, 20))
    def the_office_tries_to_change_a_locked_issue(self, who: str, index: int, pick: int) -> None:
        """Every change but a correction, with good values, by the people who assembled it: each is refused,
        quoting the rule (PUB-5.3); the invariant then finds the issue as it was."""
        issue_id = sorted(self.locked)[index % len(self.locked)]
        issue = db.session.get(PublicationIssue, issue_id)
        assert issue is not None
        user, item_id = self.person(who), sorted(issue.items, key=lambda i: i.id)[pick % len(issue.items)].id
        attempts = [
            lambda: issues.update_details(user, issue_id, issued_on=issue.issued_on, editor_note=f"新编者按{pick}",
                                          today=self.today),
            lambda: issues.add_items(user, issue_id, self._candidates()[:1] or [10**6]),
            lambda: issues.move(user, issue_id, item_id, "up" if pick % 2 else "down"),
            lambda: issues.remove(user, issue_id, item_id),
            lambda: issues.edit_item(user, issue_id, item_id, title=f"改后的标题{pick}", body="改后的正文" * 5),
            lambda: issues.lock(user, issue_id),
        ]  # fmt: skip
        for attempt in attempts:
            try:
                attempt()
            except Refused as refused:
                assert refused.code == "issue_locked" and "· PUB-5.3" in refused.message
                continue
            raise AssertionError("a locked issue took a change that is not a correction")

    @precondition(lambda self: bool(self.locked))
    @rule(
        index=st.integers(0, 20), pick=st.integers(0, 20), kind=st.sampled_from(["edit", "withdraw", "note"])
    )
    def correct_a_locked_issue(self, index: int, pick: int, kind: str) -> None:
        """The head records a correction (勘误) with a reason, as the rule asks."""
        issue_id = sorted(self.locked)[index % len(self.locked)]
        issue = db.session.get(PublicationIssue, issue_id)
        assert issue is not None
        open_items = [i for i in sorted(issue.items, key=lambda i: i.position) if i.withdrawn_at is None]
        item_id = open_items[pick % len(open_items)].id if open_items else None
        data = CorrectionInput(
            kind, "原稿数据有误，予以更正", item_id, f"更正后的标题{pick}", f"更正后的正文{pick}" * 3,
            f"编者按（更正{pick}）",
        )  # fmt: skip
        try:
            issue_corrections.correct(self.world.head, issue_id, data)
        except ServiceError as error:  # nothing left to withdraw or edit, or no change
            assert item_id is None or isinstance(error, InvalidInput), error.message

    def _candidates(self) -> list[int]:
        return list(
            db.session.scalars(
                sa.select(Adoption.id).where(
                    Adoption.publication_id == self.world.own_publication.id,
                    ~sa.exists().where(IssueItem.adoption_id == Adoption.id),
                    Adoption.cancelled_at.is_(None),
                )
            )
        )

    # -- incidents -------------------------------------------------------------------------------------------

    @rule(kind=st.sampled_from(["late", "omitted", "concealed", "false_info"]), serious=st.booleans())
    def the_office_records_an_incident(self, kind: str, serious: bool) -> None:
        """An incident recorded as the rules ask: 漏报 on the event, 迟报/瞒报 on the urgent report, 信息失实 on an
        article that reached the office."""
        report, omitted = self.articles[3], self.events[0]
        named = {"omitted": (None, omitted), "late": (report, None), "concealed": (report, None)}
        article_id, event_id = named.get(kind, (self.articles[1], None))
        incident = incidents.create(
            self.world.editor, kind=kind, occurred_on=self.today, note="核实后记录在案", serious=serious,
            article_id=article_id, urgent_event_id=event_id, today=self.today,
        )  # fmt: skip
        assert incident.unit_id == (
            self.world.unit_b.id if kind in ("omitted", "false_info") else self.world.unit_a.id
        )

    @rule(
        who=OFFICE_PEOPLE,
        kind=st.sampled_from(["late", "omitted", "concealed", "false_info", "x"]),
        article=st.one_of(st.none(), st.integers(0, 10), st.just(-1)),
        event=st.one_of(st.none(), st.integers(0, 10), st.just(-1)),
        note=REASONS,
        serious=st.booleans(),
    )
    def record_incident(
        self, who: str, kind: str, article: int | None, event: int | None, note: str | None, serious: bool
    ) -> None:
        def pick(ids: list[int], index: int | None) -> int | None:
            if index is None:
                return None
            return ids[index % len(ids)] if index >= 0 and ids else 10**6

        try:
            incidents.create(
                self.person(who), kind=kind, occurred_on=self.today, note=note or "", serious=serious,
                article_id=pick(self.articles, article), urgent_event_id=pick(self.events, event),
                today=self.today,
            )  # fmt: skip
        except ServiceError:
            return
        assert who in ("editor", "head")

    # -- invariants ------------------------------------------------------------------------------------------

    @invariant()
    def a_locked_issue_changes_only_by_a_recorded_correction(self) -> None:
        for issue_id in self.issues:
            now, corrections = _printed(issue_id), _corrections(issue_id)
            if issue_id not in self.locked:
                if now[0] == "locked":
                    self.locked[issue_id] = (now, len(corrections))
                continue
            before, seen = self.locked[issue_id]
            assert now[0] == "locked"
            if len(corrections) == seen:
                assert now == before, "a locked issue changed without a correction"
                continue
            assert len(corrections) == seen + 1  # one call, at most one correction
            self._check_correction(issue_id, before, now, corrections[-1])
            self.locked[issue_id] = (now, len(corrections))

    def _check_correction(
        self, issue_id: int, before: tuple[Any, ...], now: tuple[Any, ...], correction: IssueCorrection
    ) -> None:
        """The correction changed what it says it changed, and nothing else; its audit row cites the rule."""
        assert correction.reason.strip() and correction.change and correction.by_id == self.world.head.id
        items_before, items_now = {i[0]: i for i in before[-1]}, {i[0]: i for i in now[-1]}
        assert items_before.keys() == items_now.keys()
        changed_items = {i for i in items_now if items_now[i] != items_before[i]}
        if correction.kind == "note":
            assert not changed_items and now[5] != before[5]
        else:
            assert changed_items == {correction.item_id} and now[5] == before[5]
        assert now[:5] == before[:5] and now[6:8] == before[6:8]  # number, date, distribution never change
        last = trail_of("publication_issue", issue_id)[-1]
        assert (last.event, last.rule_id) == ("corrected", "PUB-5.3")
        assert verify_chain("publication_issue", issue_id)

    @invariant()
    def every_incident_names_its_article_or_urgent_event(self) -> None:
        office = self.world.office
        for incident in db.session.scalars(sa.select(Incident).where(Incident.id >= self.first_incident)):
            assert incident.article_id is not None or incident.urgent_event_id is not None
            if incident.kind == "omitted":
                assert incident.article_id is None and incident.urgent_event is not None
                assert incident.unit_id == incident.urgent_event.unit_id
            else:
                article = incident.article
                assert article is not None and article.office_id == office.id and article.submitted_on
                assert incident.unit_id == article.unit_id
                if incident.kind in ("late", "concealed"):
                    assert article.kind == "urgent"
            if incident.urgent_event is not None:
                assert incident.urgent_event.unit_id == incident.unit_id
            assert incident.recorded_by_id in (self.world.editor.id, self.world.head.id)
            [recorded] = trail_of("incident", incident.id)
            assert recorded.event == "recorded" and recorded.rule_id in ("ZG-4.9", "ZG-4.10")


def test_a_locked_issue_never_changes_but_by_a_correction_and_every_incident_names_its_record(world: World):
    run_state_machine_as_test(
        lambda: IssueWalk(world),
        settings=settings(
            max_examples=6,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
