"""Leaders' instructions (批示) on adopted articles (INF-2.7, ZG-4.5) and their follow-ups (落实反馈).

The office that adopted an article enters a leader's instruction on it (leader, level, text, date — not in the
future, not before the adoption); it may assign a follow-up to one of its units with a deadline and a request;
the unit's information officer or leader in charge files the report, which is late when filed after the
deadline. Each public function is one transaction and writes an audit row on the article citing INF-2.7.

`follow_ups_due(unit_id, today)` counts a unit's open follow-ups (total, overdue) for the worklists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from config.articles import load_rules
from webapp.articles.models import (
    INSTRUCTION_LEVEL_LABELS,
    INSTRUCTION_LEVELS,
    Adoption,
    Article,
    FollowUp,
    Instruction,
    IssueItem,
    OfficeUnit,
    PublicationIssue,
)
from webapp.articles.services import permissions
from webapp.articles.services.articles import load as load_article
from webapp.articles.services.articles import unit_of_work
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from workflow.errors import Refusal

SUBJECT = "article"
RULE = "INF-2.7"
PER_PAGE = 20
LEADER_MAX = 60
TEXT_MAX = 2000
REQUEST_MAX = 500
REPORT_MAX = 5000
#: A follow-up is due within a year (a later date is a typing error).
DUE_RANGE = timedelta(days=366)
#: An instruction is entered within five years of its date (older is a typing error).
PAST_RANGE = timedelta(days=5 * 366)


def _forbidden(message: str) -> Refused:
    return Refused(Refusal("forbidden", message, None))


def _text(value: str | None, *, field: str, what: str, limit: int, required: bool = True) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput(f"请填写{what}。", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{what}不超过{limit}字（现{len(text)}字）。", field=field)
    return text


def _first_adoption(article: Article, office_id: int) -> date | None:
    return db.session.scalar(
        sa.select(sa.func.min(Adoption.adopted_on)).where(
            Adoption.article_id == article.id,
            Adoption.office_id == office_id,
            Adoption.cancelled_at.is_(None),
        )
    )


@dataclass(frozen=True)
class FollowUpInput:
    """落实反馈 asked of a unit: which unit, by when, what."""

    unit_id: int | None
    due_on: date | None
    request: str = ""


def _check_follow_up(
    office_id: int, article: Article, data: FollowUpInput, today: date
) -> tuple[int, date, str]:
    if data.unit_id is None:
        raise InvalidInput("请选择落实反馈的单位。", field="unit_id")
    member = db.session.scalar(
        sa.select(OfficeUnit.id).where(
            OfficeUnit.office_id == office_id, OfficeUnit.unit_id == data.unit_id, OfficeUnit.active.is_(True)
        )
    )
    if member is None:
        raise InvalidInput("请选择向本办公室报送信息的单位。", field="unit_id")
    if article.secrecy == "secret" and data.unit_id != article.unit_id:
        raise InvalidInput("秘密稿件的批示只能交撰稿单位落实反馈。", field="unit_id")
    if data.due_on is None:
        raise InvalidInput("请填写反馈期限。", field="due_on")
    if data.due_on < today:
        raise InvalidInput("反馈期限不能早于今天。", field="due_on")
    if data.due_on > today + DUE_RANGE:
        raise InvalidInput("反馈期限应在一年之内。", field="due_on")
    request = _text(data.request, field="request", what="落实要求", limit=REQUEST_MAX, required=False)
    return data.unit_id, data.due_on, request


def _add_follow_up(
    user: User, instruction: Instruction, article: Article, data: FollowUpInput, today: date
) -> FollowUp:
    unit_id, due_on, request = _check_follow_up(instruction.office_id, article, data, today)
    follow_up = FollowUp(
        instruction=instruction, unit_id=unit_id, due_on=due_on, request=request, assigned_by_id=user.id
    )
    db.session.add(follow_up)
    db.session.flush()
    unit = db.session.get(Organisation, unit_id)
    append_event(
        SUBJECT,
        article.id,
        "follow_up_assigned",
        actor=user,
        comment=f"交{unit.name if unit else ''}落实{instruction.leader}批示，{due_on.isoformat()}前反馈"
        + (f"：{request[:200]}" if request else ""),
        rule_id=RULE,
    )
    return follow_up


def record(
    user: User,
    article_id: int,
    *,
    leader: str,
    level: str,
    text: str,
    instructed_on: date | None,
    follow_up: FollowUpInput | None = None,
    today: date | None = None,
) -> Instruction:
    """Enter a leader's instruction on an article the person's office adopted (and, optionally, its follow-up)."""
    today = today or clock.today()
    with unit_of_work():
        article = load_article(user, article_id)  # NotFound for articles the person may not see
        office = permissions.office_of(user)
        if office is None or not permissions.can_work_at_office(user, office):
            raise _forbidden("只有采用该稿件的办公室的信息编辑和信息科负责人可以录入领导批示。")
        if not permissions.can_record_instruction(user, article):
            raise Refused(load_rules().refusal("not_adopted", RULE, "稿件尚未被本办公室采用，不能录入批示"))
        leader = " ".join(_text(leader, field="leader", what="批示领导", limit=LEADER_MAX).split())
        if level not in INSTRUCTION_LEVELS:
            raise InvalidInput("请选择领导级别：国家、省、市或县（区）领导。", field="level")
        text = _text(text, field="text", what="批示内容", limit=TEXT_MAX)
        if instructed_on is None:
            raise InvalidInput("请填写批示日期。", field="instructed_on")
        if instructed_on > today:
            raise InvalidInput("批示日期不能晚于今天。", field="instructed_on")
        adopted_on = _first_adoption(article, office.id)
        if adopted_on is not None and instructed_on < adopted_on:
            raise InvalidInput(
                f"批示日期不能早于采用日期（{adopted_on.isoformat()}）。", field="instructed_on"
            )
        if instructed_on < today - PAST_RANGE:
            raise InvalidInput("批示日期过早，请核对。", field="instructed_on")
        instruction = Instruction(
            article_id=article.id,
            office_id=office.id,
            leader=leader,
            level=level,
            text=text,
            instructed_on=instructed_on,
            recorded_by_id=user.id,
        )
        db.session.add(instruction)
        db.session.flush()
        append_event(
            SUBJECT,
            article.id,
            "instruction_recorded",
            actor=user,
            comment=f"{INSTRUCTION_LEVEL_LABELS[level]}{leader}{instructed_on.isoformat()}批示：{text[:300]}",
            rule_id=RULE,
        )
        if follow_up is not None:
            _add_follow_up(user, instruction, article, follow_up, today)
    return instruction


def load(user: User | None, instruction_id: int) -> Instruction:
    """An instruction of the person's office on an article they may see; NotFound otherwise."""
    instruction = db.session.get(Instruction, instruction_id)
    if (
        instruction is None
        or not permissions.can_assign_follow_up(user, instruction)
        or not permissions.can_view(user, instruction.article)
    ):
        raise NotFound("批示不存在或您无权查看。")
    return instruction


def assign_follow_up(
    user: User, instruction_id: int, data: FollowUpInput, *, today: date | None = None
) -> FollowUp:
    """Ask a unit for a follow-up report on an instruction already entered."""
    today = today or clock.today()
    with unit_of_work():
        instruction = load(user, instruction_id)
        return _add_follow_up(user, instruction, instruction.article, data, today)


def load_follow_up(user: User | None, follow_up_id: int) -> FollowUp:
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or not permissions.can_view_follow_up(user, follow_up):
        raise NotFound("落实反馈不存在或您无权查看。")
    return follow_up


def is_late(follow_up: FollowUp) -> bool:
    """Reported after the deadline (a report on the day of the deadline is on time)."""
    local = clock.local(follow_up.reported_at)
    return local is not None and local.date() > follow_up.due_on


def report(user: User, follow_up_id: int, text: str, *, now: datetime | None = None) -> FollowUp:
    """The unit files what it did; after the deadline the report is marked late (逾期反馈)."""
    now = now or clock.now()
    with unit_of_work():
        follow_up = load_follow_up(user, follow_up_id)
        if follow_up.report is not None:
            raise Refused(Refusal("already_reported", "该落实反馈已报告，不能重复报告。", None))
        if not permissions.can_report_follow_up(user, follow_up):
            raise _forbidden("只有被交办单位的信息员或信息分管领导可以报告落实情况。")
        body = _text(text, field="report", what="落实情况", limit=REPORT_MAX)
        follow_up.report = body
        follow_up.reported_at = now
        follow_up.reported_by_id = user.id
        late = is_late(follow_up)
        days = (clock.local(now).date() - follow_up.due_on).days  # type: ignore[union-attr]
        append_event(
            SUBJECT,
            follow_up.instruction.article_id,
            "follow_up_reported",
            actor=user,
            comment=f"报告{follow_up.instruction.leader}批示落实情况"
            + (f"（逾期{days}天）" if late else "")
            + f"：{body[:300]}",
            rule_id=RULE,
        )
    return follow_up


# --- lists and counts ---------------------------------------------------------------------------------------


def office_instructions(user: User | None, *, page: int = 1, per_page: int = PER_PAGE) -> Any:
    """The instructions the person's office entered, newest first, with their articles and follow-ups (a
    Pagination; empty for anyone but the office's editors and head)."""
    office = permissions.office_of(user)
    allowed = office is not None and permissions.can_work_at_office(user, office)
    query = (
        sa.select(Instruction)
        .join(Article, Article.id == Instruction.article_id)
        .where(
            Instruction.office_id == (office.id if office is not None else -1),
            permissions.visible_clause(user) if allowed else sa.false(),
        )
        .options(
            joinedload(Instruction.article).joinedload(Article.unit),
            selectinload(Instruction.follow_ups).joinedload(FollowUp.unit),
        )
        .order_by(Instruction.instructed_on.desc(), Instruction.id.desc())
    )
    return db.paginate(query, page=page, per_page=min(max(per_page, 1), 100), error_out=False)


def unit_follow_ups(
    user: User | None, *, page: int = 1, per_page: int = PER_PAGE, open_only: bool = False
) -> Any:
    """The follow-ups asked of the person's unit: open ones first by deadline, then the reported ones."""
    allowed = (
        user is not None
        and user.is_authenticated
        and user.active
        and user.has_role(*permissions.UNIT_ROLES, "info_reader")
    )
    query = (
        sa.select(FollowUp)
        .where(FollowUp.unit_id == (user.organisation_id if allowed and user is not None else -1))
        .options(joinedload(FollowUp.instruction).joinedload(Instruction.article))
        .order_by(FollowUp.report.is_not(None), FollowUp.due_on, FollowUp.id)
    )
    if open_only:
        query = query.where(FollowUp.report.is_(None))
    return db.paginate(query, page=page, per_page=min(max(per_page, 1), 100), error_out=False)


def visible_article_ids(user: User | None, article_ids: Sequence[int]) -> set[int]:
    """Which of these articles ``user`` may see (one query): a follow-up names the article only for them."""
    if not article_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Article.id).where(Article.id.in_(list(article_ids)), permissions.visible_clause(user))
        )
    )


def follow_up_conditions(unit_id: int, today: date) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """(open, overdue) as WHERE clauses on `FollowUp`: not yet reported, and of those past their deadline on
    ``today`` — for a worklist that counts everything in one SELECT of scalar subqueries."""
    open_ = sa.and_(FollowUp.unit_id == unit_id, FollowUp.report.is_(None))
    return open_, sa.and_(open_, FollowUp.due_on < today)


def follow_ups_due(unit_id: int, today: date) -> tuple[int, int]:
    """A unit's follow-ups not yet reported: (total, overdue — past their deadline on ``today``), one query. For
    the worklists' counts."""
    open_, overdue = follow_up_conditions(unit_id, today)
    total, late = db.session.execute(
        sa.select(
            sa.select(sa.func.count(FollowUp.id)).where(open_).scalar_subquery(),
            sa.select(sa.func.count(FollowUp.id)).where(overdue).scalar_subquery(),
        )
    ).one()
    return int(total), int(late)


# --- the article page's part --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """An issue the article was printed in (the unit sees where its adoption appeared)."""

    publication: str
    number_label: str
    issue_id: int
    state_label: str
    withdrawn: bool


@dataclass(frozen=True)
class ArticleRecords:
    instructions: list[Instruction]
    placements: list[Placement]
    can_record: bool


def article_records(user: User | None, article: Article) -> ArticleRecords:
    """For the article page: its instructions with follow-ups, the issues it was printed in, and whether the
    person may enter an instruction. Three queries, whatever the article's history."""
    if not permissions.can_view(user, article):
        return ArticleRecords([], [], False)
    instructions = list(
        db.session.scalars(
            sa.select(Instruction)
            .where(Instruction.article_id == article.id)
            .options(selectinload(Instruction.follow_ups).joinedload(FollowUp.unit))
            .order_by(Instruction.instructed_on, Instruction.id)
        )
    )
    rows = db.session.execute(
        sa.select(IssueItem, PublicationIssue)
        .join(Adoption, Adoption.id == IssueItem.adoption_id)
        .join(PublicationIssue, PublicationIssue.id == IssueItem.issue_id)
        .where(Adoption.article_id == article.id)
        .options(joinedload(PublicationIssue.publication))
        .order_by(PublicationIssue.issued_on)
    ).all()
    placements = [
        Placement(
            publication=issue.publication.name,
            number_label=issue.number_label,
            issue_id=issue.id,
            state_label=issue.state_label,
            withdrawn=item.withdrawn_at is not None,
        )
        for item, issue in rows
    ]
    return ArticleRecords(instructions, placements, permissions.can_record_instruction(user, article))
