"""Random calls on a publication's issues and on incidents, by random people — the right ones and the wrong ones
— on the `world` (hypothesis), around adopted articles and urgent events made through the services.

Invariants, after every call:
- a locked issue never changes (number, date, note, items, their titles and texts) except by a recorded
  correction (勘误), which changes exactly what it says, is made by the office's head and is audited under
  PUB-5.3; every other change to a locked issue is refused, quoting the rule; an adoption printed in an issue
  cannot be withdrawn;
- every incident names its article — or, for an omitted report (漏报), its urgent event — of the unit it is
  recorded against, was recorded by the office's staff and has its audit row citing ZG-4.9 / ZG-4.10.
"""

from __future__ import annotations

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

from tests.webapp.articles.conftest import World
from tests.webapp.articles.test_articles_stateful import PEOPLE, REASONS
from webapp.articles.models import Adoption, Incident, IssueCorrection, IssueItem, PublicationIssue
from webapp.articles.services import (
    adoption_changes,
    articles,
    incidents,
    issue_corrections,
    issues,
    urgent,
)
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.articles.services.issue_corrections import CorrectionInput
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import InvalidInput, ServiceError


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
