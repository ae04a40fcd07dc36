"""Article use cases: write a draft, save a new version of the text, fire an event of the procedure (and apply
the row's declared effects in one place), delete a draft.

Each public function is one transaction (commits whole or not at all) and, for every change, appends the audit
row (who, which organisation, when, from → to, event, comment, rule) to the article's hash-chained trail.
Refusals raise `Refused` with the domain's reason code and Chinese message quoting the rule. ``today`` /
``now`` default to `webapp.core.clock`; tests pass them explicitly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from config.articles import load_rules
from webapp.articles.models import (
    Article,
    ArticleOffice,
    ArticleReturn,
    ArticleRevision,
    CommissionTarget,
    UrgentEvent,
)
from webapp.articles.services import adoptions, commissions, permissions, urgent_timers
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused, Stale
from webapp.articles.services.facts import facts_for
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import sequences, unit_of_work
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from workflow import articles as domain
from workflow.articles.guards import BODY_MAX, TITLE_MAX
from workflow.errors import Refusal, WorkflowError
from workflow.procedure import Effect

SUBJECT = "article"
#: Inputs each event takes from the person (besides ``comment``); adoption fields go to `adoptions`.
EVENT_INPUTS: dict[str, tuple[str, ...]] = {
    "leader_return": ("reason",),
    "office_return": ("reason",),
    "decline": ("reason",),
    "resubmit": ("answer",),
}


def _forbidden(message: str, rule: str | None = None) -> Refused:
    return Refused(Refusal("forbidden", message, rule))


def load(user: User | None, article_id: int, *, lock: bool = False) -> Article:
    """The article if ``user`` may see it; NotFound otherwise (no existence leak)."""
    query = sa.select(Article).where(Article.id == article_id)
    if lock:
        query = query.with_for_update()
    article = db.session.scalar(query)
    if article is None or not permissions.can_view(user, article):
        raise NotFound("稿件不存在或您无权查看。")
    return article


def check_version(article: Article, expected_version: int | None) -> None:
    if expected_version is not None and article.version_id != expected_version:
        raise Stale()


def actor_of(user: User | None, article: Article) -> domain.Actor:
    return domain.Actor(permissions.functions_on(user, article))


def _clean_text(title: str | None, body: str | None) -> tuple[str, str]:
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise InvalidInput("请填写标题。", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"标题不超过{TITLE_MAX}字（现{len(title)}字）。", field="title")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"正文不超过{BODY_MAX}字（现{len(body)}字）。", field="body")
    return title, body


def _secrecy(value: str | None) -> str:
    value = value or "none"
    if value not in domain.SECRECY_LEVELS:
        raise InvalidInput("密级只能是非密、内部或秘密。", field="secrecy")
    return value


def _add_revision(
    user: User, article: Article, title: str, body: str, note: str, *, no: int
) -> ArticleRevision:
    revision = ArticleRevision(
        article=article,
        no=no,
        title=title,
        body=body,
        note=(note or "").strip()[:500],
        author_id=user.id,
        state=article.state,
        at=clock.now(),
    )
    db.session.add(revision)
    return revision


def _kind_for(
    user: User,
    office: ArticleOffice,
    kind: str,
    commission_target_id: int | None,
    urgent_event_id: int | None,
) -> str:
    """An answer to a commission names a target of the writer's unit at this office; an urgent report names an
    urgent event of the writer's unit at this office. Anything else is an ordinary article."""
    if commission_target_id is not None:
        target = db.session.get(CommissionTarget, commission_target_id)
        if (
            target is None
            or target.unit_id != user.organisation_id
            or target.commission.office_id != office.id
            or target.commission.cancelled_at is not None
        ):
            raise InvalidInput("约稿任务不存在或不是给本单位的。", field="commission_target_id")
        return "commissioned"
    if urgent_event_id is not None:
        event = db.session.get(UrgentEvent, urgent_event_id)
        if event is None or event.unit_id != user.organisation_id or event.office_id != office.id:
            raise InvalidInput("紧急事件不存在或不是本单位的。", field="urgent_event_id")
        return "urgent"
    if kind not in ("normal", "urgent"):
        raise InvalidInput("稿件类型不正确。", field="kind")
    return kind


def create_draft(
    user: User,
    *,
    office_id: int,
    title: str,
    body: str,
    secrecy: str = "none",
    kind: str = "normal",
    commission_target_id: int | None = None,
    urgent_event_id: int | None = None,
    today: date | None = None,
) -> Article:
    """A new draft by an information officer of the unit, to one of the offices the unit writes to."""
    today = today or clock.today()
    with unit_of_work():
        if not permissions.can_write(user, office_id):
            raise _forbidden("只有向该办公室报送信息的单位的信息员可以撰写稿件。")
        office = db.session.get(ArticleOffice, office_id)
        assert office is not None
        title, body = _clean_text(title, body)
        kind = _kind_for(user, office, kind, commission_target_id, urgent_event_id)
        article = Article(
            office_id=office.id,
            unit_id=user.organisation_id,
            author_id=user.id,
            kind=kind,
            secrecy=_secrecy(secrecy),
            title=title,
            body=body,
            revision_no=1,
            state="draft",
            state_since=today,
            commission_target_id=commission_target_id,
            urgent_event_id=urgent_event_id,
        )
        db.session.add(article)
        db.session.flush()
        _add_revision(user, article, title, body, "初稿", no=1)
        append_event(
            SUBJECT, article.id, "created", actor=user, to_state="draft", comment=f"撰写稿件《{title}》"
        )
    return article


def save_text(
    user: User,
    article_id: int,
    *,
    title: str,
    body: str,
    note: str = "",
    secrecy: str | None = None,
    expected_version: int | None = None,
) -> Article:
    """Save the text: a new revision when title or body changed (every revision is kept); the 密级 may change
    while the unit holds the article."""
    with unit_of_work():
        article = load(user, article_id, lock=True)
        check_version(article, expected_version)
        if not permissions.can_edit_text(user, article):
            raise _forbidden(f"稿件当前状态为“{article.state_label}”，您不能修改正文。")
        title, body = _clean_text(title, body)
        changes = []
        if secrecy is not None and _secrecy(secrecy) != article.secrecy:
            if article.state not in domain.EDITABLE_STATES:
                raise InvalidInput("密级由撰稿单位确定，办公室编辑时不能更改。", field="secrecy")
            old = domain.SECRECY_LABELS[article.secrecy]
            article.secrecy = secrecy
            changes.append(f"密级：{old} → {domain.SECRECY_LABELS[secrecy]}")
        if (title, body) != (article.title, article.body):
            article.revision_no += 1
            _add_revision(user, article, title, body, note, no=article.revision_no)
            article.title, article.body = title, body
            changes.append(
                f"保存第{article.revision_no}稿" + (f"：{note.strip()[:100]}" if note.strip() else "")
            )
        if not changes:
            return article
        append_event(SUBJECT, article.id, "text_saved", actor=user, comment="；".join(changes))
    return article


def delete_draft(user: User, article_id: int, *, expected_version: int | None = None) -> None:
    """A draft never sent is hidden for good (the row and its trail stay: audit rows are append-only)."""
    with unit_of_work():
        article = load(user, article_id, lock=True)
        check_version(article, expected_version)
        if not permissions.can_delete_draft(user, article):
            raise _forbidden("只有本单位信息员可以删除尚未送审的草稿。")
        article.deleted_at = clock.now()
        append_event(SUBJECT, article.id, "draft_deleted", actor=user, from_state="draft", comment="删除草稿")


def _number(article: Article, year: int) -> str:
    prefix = f"{year}-"
    series = f"article-{article.office_id}"

    def highest() -> int:
        numbers = db.session.scalars(
            sa.select(Article.number).where(
                Article.office_id == article.office_id, Article.number.like(f"{prefix}%")
            )
        )
        return max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)

    return f"{prefix}{sequences.next_value(series, year, highest_stored=highest):04d}"


def apply_effects(
    user: User,
    article: Article,
    effects: tuple[Effect, ...],
    facts: domain.ArticleFacts,
    inputs: dict[str, Any],
    now: datetime,
    adoption: AdoptionInput | None,
) -> str:
    """Apply the fired row's declared effects — the one place they are applied. Returns words for the trail."""
    notes: list[str] = []
    for effect in effects:
        if effect.on_facts:
            setattr(article, effect.field, getattr(facts, effect.field))
        elif effect.kind == "open_return":
            db.session.add(
                ArticleReturn(
                    article=article,
                    returned_by_side=effect.field,
                    reason=inputs["reason"].strip(),
                    returned_by_id=user.id,
                    returned_at=now,
                    revision_no=article.revision_no,
                )
            )
        elif effect.kind == "answer_return":
            for open_return in article.returns:
                if open_return.answered_at is None:
                    open_return.answer = inputs["answer"].strip()
                    open_return.answered_by_id = user.id
                    open_return.answered_at = now
        elif effect.kind == "record_adoption":
            if adoption is None:
                raise InvalidInput("采用须选择刊物、类别和形式。", field="publication_id")
            record = adoptions.record(
                user, article, article.office, adoption, today=facts.decided_on or now.date()
            )
            notes.append(adoptions.describe(record))
        else:  # pragma: no cover - the table's effects are all handled above
            raise ValueError(f"unknown effect {effect.kind}")
    return "；".join(notes)


def fire_checked(
    user: User,
    article: Article,
    event: str,
    today: date,
    now: datetime,
    *,
    comment: str = "",
    inputs: dict[str, Any] | None = None,
    adoption: AdoptionInput | None = None,
) -> domain.TransitionRecord:
    """Inside the caller's transaction: check, fire, apply effects, write the audit row."""
    inputs = {name: value for name, value in (inputs or {}).items() if name in EVENT_INPUTS.get(event, ())}
    for name in EVENT_INPUTS.get(event, ()):
        inputs.setdefault(name, None)
    facts = facts_for(article)
    actor = actor_of(user, article)
    try:
        record = domain.fire(facts, event, actor, today, load_rules(), **inputs)
    except WorkflowError as exc:
        raise Refused(exc.refusal) from exc
    before = article.state
    article.state = facts.state
    article.state_since = today
    if event == "sign_off":
        article.signed_off_by_id = user.id
        article.submitted_at = now
        if article.number is None:
            article.number = _number(article, today.year)
    if event == "receive":
        article.received_by_id = user.id
    extra = apply_effects(user, article, record.effects, facts, inputs, now, adoption)
    words = [part for part in (inputs.get("reason"), inputs.get("answer"), extra, comment.strip()) if part]
    append_event(
        SUBJECT,
        article.id,
        event,
        actor=user,
        from_state=before,
        to_state=article.state,
        comment="；".join(str(w).strip() for w in words)[:2000],
        rule_id=record.rule,
    )
    if event == "sign_off":
        commissions.on_signed_off(article, today)
        urgent_timers.on_signed_off(user, article, now)
    return record


def fire(
    user: User,
    article_id: int,
    event: str,
    *,
    comment: str = "",
    reason: str | None = None,
    answer: str | None = None,
    adoption: AdoptionInput | None = None,
    expected_version: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Article:
    """Fire ``event``: permission → domain guards → state change → effects → audit row → commit.

    ``leader_return``, ``office_return`` and ``decline`` take ``reason``; ``resubmit`` takes ``answer``;
    ``adopt`` takes ``adoption`` (publication, class, form, date). ``expected_version`` guards against two people
    acting on the same article at once (409 ``stale``: 已被他人处理，请刷新)."""
    today = today or clock.today()
    now = now or clock.now()
    if event not in domain.EVENTS:
        raise NotFound("没有这个操作。")
    with unit_of_work():
        article = load(user, article_id, lock=True)
        check_version(article, expected_version)
        fire_checked(
            user,
            article,
            event,
            today,
            now,
            comment=comment,
            inputs={"reason": reason, "answer": answer},
            adoption=adoption,
        )
    return article


def allowed_events(user: User | None, article: Article, today: date | None = None) -> list[str]:
    """Events ``user`` may fire on ``article`` now (for the buttons), in table order."""
    return domain.allowed_events(
        facts_for(article), actor_of(user, article), today or clock.today(), load_rules()
    )


def blocked_events(
    user: User | None, article: Article, today: date | None = None
) -> list[tuple[str, Refusal]]:
    return domain.blocked_events(
        facts_for(article), actor_of(user, article), today or clock.today(), load_rules()
    )


def open_and_blocked_events(
    user: User | None,
    article: Article,
    today: date | None = None,
    *,
    facts: domain.ArticleFacts | None = None,
) -> tuple[list[str], list[tuple[str, Refusal]]]:
    """`allowed_events` and `blocked_events` from one reading of the article's facts and the person's functions
    (the article page shows both: each reading is ~10 statements). ``facts``: already gathered by the caller
    (`facts.facts_from` the rows a page reads anyway)."""
    facts, actor, rules = facts or facts_for(article), actor_of(user, article), load_rules()
    today = today or clock.today()
    return (
        domain.allowed_events(facts, actor, today, rules),
        domain.blocked_events(facts, actor, today, rules),
    )
