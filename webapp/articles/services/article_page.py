"""The article page's read model (and the API's detail): the article, what this person may do with it now (and
what is blocked, with the rule quoted), its versions, returns, attachments, the records hanging off it —
adoptions, forwardings, instructions (批示) with follow-ups, incidents, the commission it answers or the urgent
event it reports — its timeline with the rule of each step quoted for people, the chain check of that timeline
and the procedure diagram with the current state highlighted. Reads only.

The records are read straight from their models here (one query each), so the page shows what other parts of
the feature record on the article without depending on their pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from config.articles import load_rules
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleAttachment,
    ArticleOffice,
    ArticleReturn,
    ArticleRevision,
    CommissionTarget,
    FollowUp,
    Forwarding,
    Incident,
    Instruction,
    UrgentEvent,
)
from webapp.articles.services import adoptions, articles, attachments, permissions, revisions
from webapp.articles.services.adoptions import Choices
from webapp.articles.services.facts import facts_from
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.services.audit import ChainCheck, check_rows, trail_of
from webapp.core.services.diagram import procedure_svg
from workflow import articles as domain

#: What the timeline calls each audit event; transitions use the procedure's labels. Records other parts of the
#: feature add to the article's trail are named here too, and anything unknown reads 「其他记录」.
OTHER_EVENT_LABELS: dict[str, str] = {
    "created": "撰写稿件",
    "text_saved": "保存修改",
    "draft_deleted": "删除草稿",
    "attachment_added": "上传附件",
    "attachment_removed": "删除附件",
    "adoption_added": "增加采用记录",
    "adoption_cancelled": "撤销采用记录",
    "forward_up": "上报上级",
    "forward_to_leaders": "转送领导",
    "forward_adopted": "上级采用",
    "forward_declined": "上级未采用",
    "instruction_recorded": "录入批示",
    "imported": "由台账导入",
    "follow_up_assigned": "交办落实反馈",
    "follow_up_reported": "报送落实情况",
}
TIMELINE_LABELS: dict[str, str] = {**OTHER_EVENT_LABELS, **domain.EVENT_LABELS}
#: events that send the article back or end it: drawn in red so a slip of the mouse is less likely
NEGATIVE_EVENTS = frozenset({"leader_return", "office_return", "decline", "withdraw"})


@dataclass(frozen=True)
class Action:
    """An event this person could fire now, or one open to them that a rule blocks (with the rule quoted)."""

    event: str
    label: str
    allowed: bool
    reason: str = ""
    rule: str | None = None
    #: what the person types with it: ``reason``, ``answer`` or the adoption's fields (``adoption``)
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineRow:
    row: AuditEvent
    label: str
    #: the rule as people read it 「依据《…》…：… · ZG-6.1」, or "" when the row cites none (or one unknown)
    quote: str


@dataclass(frozen=True)
class AdoptionRow:
    adoption: Adoption
    text: str


@dataclass
class ArticlePage:
    article: Article
    #: the article functions the viewer holds (author, signer, editor, head, upper_editor, reader)
    functions: frozenset[str]
    actions: list[Action]
    revisions: list[ArticleRevision]
    returns: list[ArticleReturn]
    attachments: list[ArticleAttachment]
    adoptions: list[AdoptionRow]
    forwardings: list[Forwarding]
    instructions: list[Instruction]
    incidents: list[Incident]
    commission_target: CommissionTarget | None
    urgent_event: UrgentEvent | None
    timeline: list[TimelineRow]
    chain: ChainCheck
    #: the procedure as inline SVG with the current state highlighted
    diagram: Markup
    #: what the viewer may do besides events: edit_text, delete_draft, attach
    abilities: dict[str, bool] = field(default_factory=dict)
    #: the office's publications, classes and forms when the viewer may adopt now
    adoption_choices: Choices | None = None
    read_only_reason: str = ""

    @property
    def allowed(self) -> list[Action]:
        return [a for a in self.actions if a.allowed]

    @property
    def blocked(self) -> list[Action]:
        return [a for a in self.actions if not a.allowed]


def _inputs(event: str) -> tuple[str, ...]:
    if event == "adopt":
        return ("adoption",)
    return articles.EVENT_INPUTS.get(event, ())


def actions_for(
    user: User, article: Article, today: date, facts: domain.ArticleFacts | None = None
) -> list[Action]:
    """The events ``user`` may fire now (in table order), then those open to them but blocked by a rule."""
    open_events, blocked_events = articles.open_and_blocked_events(user, article, today, facts=facts)
    allowed = [Action(e, domain.EVENT_LABELS[e], True, inputs=_inputs(e)) for e in open_events]
    blocked = [
        Action(e, domain.EVENT_LABELS[e], False, refusal.message, refusal.rule, _inputs(e))
        for e, refusal in blocked_events
    ]
    return allowed + blocked


def quote(rule: str | None) -> str:
    """「依据《…》六、相关工作要求：… · ZG-6.1」 for a rule of the article procedure; "" for none or an unknown id."""
    rules = load_rules()
    return rules.cite(rule) if rule and rule in rules.texts else ""


def timeline_of(trail: list[AuditEvent]) -> list[TimelineRow]:
    """The article's trail as its timeline's rows (the trail read once: the chain check reads the same rows)."""
    return [TimelineRow(row, TIMELINE_LABELS.get(row.event, "其他记录"), quote(row.rule_id)) for row in trail]


def _read_only_reason(article: Article, functions: frozenset[str]) -> str:
    if functions == {"reader"}:
        return "您以领导阅览身份查看本稿件，只能查阅。"
    if "upper_editor" in functions and not functions & {"editor", "head", "author", "signer"}:
        return "本稿件由下级办公室上报，上级的采用情况记录在下方。"
    return ""


def _records(article: Article) -> dict[str, Any]:
    adoption_rows = list(
        db.session.scalars(
            sa.select(Adoption)
            .where(Adoption.article_id == article.id)
            .options(
                selectinload(Adoption.publication),
                selectinload(Adoption.editor),
                selectinload(Adoption.office).selectinload(ArticleOffice.organisation),
            )
            .order_by(Adoption.adopted_on, Adoption.id)
        )
    )
    forwardings = list(
        db.session.scalars(
            sa.select(Forwarding)
            .where(Forwarding.article_id == article.id)
            .options(
                selectinload(Forwarding.from_office).selectinload(ArticleOffice.organisation),
                selectinload(Forwarding.to_office).selectinload(ArticleOffice.organisation),
                selectinload(Forwarding.forwarded_by),
            )
            .order_by(Forwarding.forwarded_on, Forwarding.id)
        )
    )
    instructions = list(
        db.session.scalars(
            sa.select(Instruction)
            .where(Instruction.article_id == article.id)
            .options(selectinload(Instruction.follow_ups).selectinload(FollowUp.unit))
            .order_by(Instruction.instructed_on, Instruction.id)
        )
    )
    incidents = list(
        db.session.scalars(
            sa.select(Incident)
            .where(Incident.article_id == article.id)
            .options(selectinload(Incident.unit))
            .order_by(Incident.occurred_on, Incident.id)
        )
    )
    target = (
        db.session.get(CommissionTarget, article.commission_target_id)
        if article.commission_target_id
        else None
    )
    event = db.session.get(UrgentEvent, article.urgent_event_id) if article.urgent_event_id else None
    return {
        "adoptions": [AdoptionRow(a, adoptions.describe(a)) for a in adoption_rows],
        "forwardings": forwardings,
        "instructions": instructions,
        "incidents": incidents,
        "commission_target": target,
        "urgent_event": event,
    }


def build(user: User, article_id: int, *, today: date | None = None) -> ArticlePage:
    """The article page's data; NotFound when ``user`` may not see the article (no existence leak)."""
    today = today or clock.today()
    article = articles.load(user, article_id)
    functions = permissions.functions_on(user, article)
    returns = list(
        db.session.scalars(
            sa.select(ArticleReturn)
            .where(ArticleReturn.article_id == article.id)
            .options(selectinload(ArticleReturn.returned_by), selectinload(ArticleReturn.answered_by))
            .order_by(ArticleReturn.id)
        )
    )
    records = _records(article)
    # the guards' facts from the returns and adoptions just read, not counted again
    facts = facts_from(article, returns, (row.adoption for row in records["adoptions"]))
    actions = actions_for(user, article, today, facts)
    can_adopt = any(a.allowed and a.event == "adopt" for a in actions)
    trail = trail_of(articles.SUBJECT, article.id)
    return ArticlePage(
        article=article,
        functions=functions,
        actions=actions,
        revisions=revisions.revisions_of(article.id),
        returns=returns,
        attachments=attachments.attachments_of(article.id),
        timeline=timeline_of(trail),
        chain=check_rows(trail),
        diagram=procedure_svg(domain.PROCEDURE, article.state),
        abilities={
            "edit_text": permissions.can_edit_text(user, article),
            "delete_draft": permissions.can_delete_draft(user, article),
            "attach": permissions.can_attach(user, article),
        },
        adoption_choices=adoptions.choices(article.office_id) if can_adopt else None,
        read_only_reason=_read_only_reason(article, functions),
        **records,
    )
