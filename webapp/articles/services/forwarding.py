"""Forwarding (INF-2.5, INF-2.6): the receiving office passes an article it has received or adopted up to its
parent office (上报), or sends it on to the government's leaders (转送); the upper office adopts it into its own
publications — an `Adoption` with its office and the forwarding, so the credit flows to the authoring unit —
or declines it with a reason. All of it is recorded on the article's trail citing the rule.

Each public function is one transaction.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from config.articles import load_rules
from webapp.articles.models import (
    FORWARD_KIND_LABELS,
    FORWARD_KINDS,
    FORWARD_STATUS_LABELS,
    Article,
    ArticleOffice,
    Forwarding,
)
from webapp.articles.services import adoptions, articles, ledger_revision, permissions
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused, Stale
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import append_event
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.articles.guards import TEXT_MAX, TEXT_MIN
from workflow.errors import Refusal

SUBJECT = articles.SUBJECT
#: the rule each kind of forwarding is recorded under
FORWARD_RULES = {"up": "INF-2.5", "to_leaders": "INF-2.6"}
NOTE_MAX = 500
#: what the article's timeline calls the audit rows written here
EVENT_LABELS = {
    "forward_up": "上报上级",
    "forward_to_leaders": "转送领导",
    "forward_adopted": "上级采用上报信息",
    "forward_declined": "上级未采用上报信息",
}


def _refused(code: str, rule: str, detail: str) -> Refused:
    return Refused(load_rules().refusal(code, rule, detail))


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"附言不超过{NOTE_MAX}字（现{len(text)}字）。", field="note")
    return text


def forward(
    user: User, article_id: int, kind: str, *, note: str = "", today: date | None = None
) -> Forwarding:
    """上报 the article to the office's parent office (``up``) or 转送 it to the leaders (``to_leaders``)."""
    if kind not in FORWARD_KINDS:
        raise InvalidInput("报送方式只能是上报上级或转送领导。", field="kind")
    today = today or clock.today()
    rule = FORWARD_RULES[kind]
    with articles.unit_of_work():
        article = articles.load(user, article_id, lock=True)
        if not permissions.functions_on(user, article) & permissions.OFFICE_FUNCTIONS:
            raise Refused(Refusal("forbidden", "只有收稿办公室的信息编辑和负责人可以上报或转送稿件。", rule))
        if not permissions.can_forward(user, article):
            raise _refused("not_forwardable", rule, f"稿件须已接收或已采用，当前为“{article.state_label}”")
        office = article.office
        to_office: ArticleOffice | None = None
        if kind == "up":
            to_office = office.parent
            if to_office is None or not to_office.active:
                raise _refused("no_parent_office", rule, "本办公室未设上级信息报送办公室")
        earlier = db.session.scalar(
            sa.select(Forwarding.id).where(
                Forwarding.article_id == article.id,
                Forwarding.kind == kind,
                Forwarding.status != "declined",
            )
        )
        if earlier is not None:
            raise Conflict(f"该稿件已{FORWARD_KIND_LABELS[kind]}，不重复办理。")
        forwarding = Forwarding(
            article_id=article.id,
            kind=kind,
            from_office_id=office.id,
            to_office_id=to_office.id if to_office is not None else None,
            status="pending" if kind == "up" else "sent",
            note=_note(note),
            forwarded_by_id=user.id,
            forwarded_on=today,
            decided_on=None if kind == "up" else today,
        )
        db.session.add(forwarding)
        db.session.flush()
        where = f"报{to_office.name}" if to_office is not None else "送政府领导"
        append_event(
            SUBJECT,
            article.id,
            "forward_up" if kind == "up" else "forward_to_leaders",
            actor=user,
            comment=f"{FORWARD_KIND_LABELS[kind]}：{where}"
            + (f"；附言：{forwarding.note}" if forwarding.note else ""),
            rule_id=rule,
        )
    return forwarding


def _pending(user: User, forwarding_id: int) -> tuple[Forwarding, Article]:
    forwarding = db.session.get(Forwarding, forwarding_id)
    if forwarding is None:
        raise NotFound("上报记录不存在或您无权查看。")
    try:
        article = articles.load(user, forwarding.article_id, lock=True)
    except NotFound:
        raise NotFound("上报记录不存在或您无权查看。") from None
    if forwarding.to_office is None or not permissions.can_work_at_office(user, forwarding.to_office):
        raise Refused(Refusal("forbidden", "只有接收上报的办公室的信息编辑和负责人可以处理。", "INF-2.5"))
    if forwarding.status != "pending":
        raise Conflict(
            f"该上报信息已处理（{FORWARD_STATUS_LABELS.get(forwarding.status, forwarding.status)}）。"
        )
    if not permissions.can_decide_forwarding(user, forwarding):
        raise Refused(Refusal("forbidden", "只有接收上报的办公室的信息编辑和负责人可以处理。", "INF-2.5"))
    return forwarding, article


def _close(forwarding: Forwarding, status: str, user: User, today: date, reason: str | None = None) -> None:
    """Pending → ``status``, only if nobody decided meanwhile (a conditional UPDATE, not a read-then-write)."""
    done = db.session.execute(
        sa.update(Forwarding)
        .where(Forwarding.id == forwarding.id, Forwarding.status == "pending")
        .values(status=status, decided_on=today, decided_by_id=user.id, decline_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Stale()
    if forwarding.to_office_id:  # a bulk UPDATE, which the flush does not see: the receiving office's intake
        ledger_revision.note(db.session, offices=[forwarding.to_office_id])


def adopt(user: User, forwarding_id: int, data: AdoptionInput, *, today: date | None = None) -> Forwarding:
    """The upper office adopts a forwarded article into one of ITS publications (INF-2.5): the adoption is
    recorded with that office and the forwarding, and counts for the unit that wrote the article."""
    today = today or clock.today()
    with articles.unit_of_work():
        forwarding, article = _pending(user, forwarding_id)
        if data.adopted_on is not None and data.adopted_on < forwarding.forwarded_on:
            raise InvalidInput(f"采用日期不能早于上报日期（{forwarding.forwarded_on}）。", field="adopted_on")
        assert forwarding.to_office is not None
        adoption = adoptions.record(user, article, forwarding.to_office, data, today=today)
        adoption.forwarding_id = forwarding.id
        _close(forwarding, "adopted", user, today)
        append_event(
            SUBJECT,
            article.id,
            "forward_adopted",
            actor=user,
            comment=f"{forwarding.to_office.name}采用上报信息：{adoptions.describe(adoption)}；"
            f"计入撰稿单位{article.unit.name}",
            rule_id="INF-2.5",
        )
    return forwarding


def decline(user: User, forwarding_id: int, *, reason: str | None, today: date | None = None) -> Forwarding:
    """The upper office does not adopt a forwarded article, saying why (the lower office reads it)."""
    today = today or clock.today()
    text = (reason or "").strip() if isinstance(reason, str) or reason is None else ""
    if not TEXT_MIN <= len(text) <= min(TEXT_MAX, 500):
        raise Refused(
            load_rules().refusal("reason_missing", "INF-2.5", f"须写明不采用的理由（{TEXT_MIN}至500字）"),
            field="reason",
        )
    with articles.unit_of_work():
        forwarding, article = _pending(user, forwarding_id)
        assert forwarding.to_office is not None
        _close(forwarding, "declined", user, today, text)
        append_event(
            SUBJECT,
            article.id,
            "forward_declined",
            actor=user,
            comment=f"{forwarding.to_office.name}未采用上报信息：{text}",
            rule_id="INF-2.5",
        )
    return forwarding
