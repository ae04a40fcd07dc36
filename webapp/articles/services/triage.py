"""Keyboard triage of the intake queue: one screen per article (its text, possible duplicates, one form) and the
four decisions — receive (接收编辑), return with a reason (退回修改), adopt with publication/class/form/date (采用),
decline with a reason (不予采用).

Every decision goes through the procedure (`articles.fire_checked`: permission → guards → state → effects →
audit row); this module never sets a state. Adopting or declining an article still in 已报送 receives it first in
the same transaction (two audit rows, AT-06 then AT-08/AT-09): the editor decided on reading it, and a refusal
of the second step leaves nothing half-done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from webapp.articles.models import Adoption, Article, ArticleOffice, Forwarding
from webapp.articles.services import adoptions, articles, duplicates, intake, permissions
from webapp.articles.services.adoptions import AdoptionInput, Choices
from webapp.articles.services.duplicates import Duplicate
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import NotFound
from workflow.articles import EVENT_LABELS
from workflow.errors import Refusal

ACTIONS = ("receive", "return", "adopt", "decline")
ACTION_LABELS = {"receive": "接收编辑", "return": "退回修改", "adopt": "采用", "decline": "不予采用"}
#: the procedure's event behind each action
ACTION_EVENTS = {"receive": "receive", "return": "office_return", "adopt": "adopt", "decline": "decline"}
#: keys of the keyboard shortcuts (templates and static/js/triage.js read the same letters)
ACTION_KEYS = {"receive": "R", "return": "T", "adopt": "A", "decline": "D"}
#: duplicates shown on the triage screen (the rest on the duplicates page)
DUPLICATES_SHOWN = 5


@dataclass
class TriageView:
    article: Article
    functions: frozenset[str]
    office: ArticleOffice | None
    #: action → None when the person may take it now, else the refusal (with the rule) that blocks it
    actions: dict[str, Refusal | None]
    choices: Choices
    duplicates: list[Duplicate]
    duplicates_total: int
    #: adoptions and forwardings, and what the person may do with them
    records: OfficePanel
    previous_id: int | None = None
    next_id: int | None = None

    @property
    def forwarding(self) -> Forwarding | None:
        """The pending forwarding to the person's office (they decide as the upper office, INF-2.5)."""
        return self.records.forwarding

    @property
    def adoptions(self) -> list[Adoption]:
        return self.records.adoptions

    @property
    def can_act(self) -> bool:
        return any(refusal is None for refusal in self.actions.values())


def _actions(user: User, article: Article, today: date) -> dict[str, Refusal | None]:
    open_events, blocked_events = articles.open_and_blocked_events(user, article, today)
    allowed, blocked = set(open_events), dict(blocked_events)
    out: dict[str, Refusal | None] = {}
    for action in ACTIONS:
        event = ACTION_EVENTS[action]
        through_receive = (
            action in ("adopt", "decline") and article.state == "submitted" and "receive" in allowed
        )
        if event in allowed or through_receive:
            out[action] = None
        else:
            out[action] = (
                blocked.get(event)
                or blocked.get("receive")
                or Refusal(
                    "not_now", f"稿件当前状态为“{article.state_label}”，不能{EVENT_LABELS[event]}。", None
                )
            )
    return out


def triage_view(user: User, article_id: int, *, today: date | None = None) -> TriageView:
    """The triage screen of one article for an editor or head of its office, or of an office it was passed up
    to (404 if the person may not see it, 403 if they see it but do not decide on it)."""
    today = today or clock.today()
    article = articles.load(user, article_id)
    functions = permissions.functions_on(user, article)
    if not functions & (permissions.OFFICE_FUNCTIONS | {"upper_editor"}):
        raise Refused(Refusal("forbidden", "只有收稿办公室的信息编辑和负责人可以处理来稿。", None))
    office = permissions.office_of(user)
    records = panel(user, article, functions)
    assert records is not None
    found = duplicates.find(user, article, today=today)
    view = TriageView(
        article=article,
        functions=functions,
        office=office,
        actions=_actions(user, article, today) if functions & permissions.OFFICE_FUNCTIONS else {},
        choices=records.choices,
        duplicates=found[:DUPLICATES_SHOWN],
        duplicates_total=len(found),
        records=records,
    )
    if office is not None and office.id == article.office_id:
        view.previous_id, view.next_id = intake.neighbours(user, office, article)
    return view


def act(
    user: User,
    article_id: int,
    action: str,
    *,
    reason: str | None = None,
    adoption: AdoptionInput | None = None,
    comment: str = "",
    expected_version: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Article:
    """Take one triage decision in one transaction; adopting or declining from 已报送 receives first."""
    if action not in ACTIONS:
        raise NotFound("没有这个操作。")
    today = today or clock.today()
    now = now or clock.now()
    event = ACTION_EVENTS[action]
    with articles.unit_of_work():
        article = articles.load(user, article_id, lock=True)
        articles.check_version(article, expected_version)
        if action in ("adopt", "decline") and article.state == "submitted":
            articles.fire_checked(
                user, article, "receive", today, now, comment=f"分拣时接收并{ACTION_LABELS[action]}"
            )
        articles.fire_checked(
            user,
            article,
            event,
            today,
            now,
            comment=comment,
            inputs={"reason": reason},
            adoption=adoption if action == "adopt" else None,
        )
    return article


@dataclass
class OfficePanel:
    """The office's part of the article page (templates/articles/article/_office_actions.html)."""

    article: Article
    can_triage: bool
    can_forward: bool
    can_adopt_again: bool
    choices: Choices
    adoptions: list[Adoption]
    #: ids of the adoptions this person may withdraw
    cancellable: set[int]
    forwardings: list[Forwarding]
    #: the pending forwarding to this person's office (they decide on the triage screen)
    forwarding: Forwarding | None


def panel(user: User, article: Article, functions: frozenset[str]) -> OfficePanel | None:
    """None unless ``user`` decides on the article (its office's editors and head, or an upper office's)."""
    if not functions & (permissions.OFFICE_FUNCTIONS | {"upper_editor"}):
        return None
    office = permissions.office_of(user)
    records = list(
        db.session.scalars(sa.select(Adoption).where(Adoption.article_id == article.id).order_by(Adoption.id))
    )
    passed = list(
        db.session.scalars(
            sa.select(Forwarding).where(Forwarding.article_id == article.id).order_by(Forwarding.id)
        )
    )
    pending = next(
        (f for f in passed if office is not None and f.to_office_id == office.id and f.status == "pending"),
        None,
    )
    return OfficePanel(
        article=article,
        can_triage=permissions.can_triage(user, article),
        can_forward=permissions.can_forward(user, article),
        can_adopt_again=permissions.can_adopt_again(user, article),
        choices=adoptions.choices(office.id) if office is not None else Choices([], [], []),
        adoptions=records,
        cancellable={a.id for a in records if permissions.can_cancel_adoption(user, a)},
        forwardings=passed,
        forwarding=pending,
    )
