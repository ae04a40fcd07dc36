"""Checked record rows of a ledger import (services/ledger_import.py) → the flow's own records: which rows are in
the system already (counted unchanged), which add an adoption or an instruction to an article imported before,
which make new articles; then all of it written with a few multi-row INSERTs and the articles' trail rows.

Runs inside the import's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from webapp.articles.models import (
    INSTRUCTION_LEVEL_LABELS,
    Adoption,
    Article,
    ArticleOffice,
    ArticleRevision,
    Instruction,
    LedgerImport,
    LedgerPeriod,
    Publication,
)
from webapp.articles.services import ledger, ledger_revision
from webapp.articles.services.ledger_import_files import ImportRefused, Problem
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditEvent, User
from webapp.core.services.audit import append_event
from webapp.core.services.errors import ServiceError

BODY = "（由台账导入）"
ADOPTION_NOTE = "台账导入"
LEADER = "（台账导入）"
INSTRUCTION_TEXT = "（台账导入，未录批示原文）"
#: the article trail's row; article_page.OTHER_EVENT_LABELS names the event (else 「其他记录」)
ARTICLE_EVENT = "imported"
OFFICE_SUBJECT = "article_office"


@dataclass
class Line:
    """One checked record row."""

    number: int
    unit_id: int
    unit: str
    article: str  # the number as stored
    title: str
    publication: Publication
    klass: str
    form: str
    day: date
    levels: list[str]  # the flow's levels


@dataclass
class Plan:
    #: (unit, stored number) → its rows: a new article with one adoption per row
    new_articles: dict[tuple[int, str], list[Line]] = field(default_factory=dict)
    #: existing article id → rows that add an adoption to it
    new_adoptions: dict[int, list[Line]] = field(default_factory=dict)
    #: existing article id → (flow level, day) of instructions it lacks
    new_levels: dict[int, list[tuple[str, date, int]]] = field(default_factory=dict)
    unchanged: int = 0


def existing_articles(office: ArticleOffice, keys: set[tuple[int, str]]) -> dict[tuple[int, str], Article]:
    numbers = sorted({number for _, number in keys})
    found: dict[tuple[int, str], Article] = {}
    for start in range(0, len(numbers), 500):  # keep the IN list under every database's parameter limit
        for article in db.session.scalars(
            sa.select(Article)
            .where(
                Article.office_id == office.id,
                Article.deleted_at.is_(None),
                Article.number.in_(numbers[start : start + 500]),
            )
            .order_by(Article.id)
        ):
            key = (article.unit_id, article.number or "")
            if key in keys:
                found.setdefault(key, article)
    return found


def plan(office: ArticleOffice, lines: list[Line], names: dict[tuple[str, str], str]) -> Plan:
    """Which rows are in the system already (unchanged), which add an adoption to an article imported before,
    which make new articles — refusing rows that contradict what is recorded."""
    result = Plan()
    existing = existing_articles(office, {(line.unit_id, line.article) for line in lines})
    ids = sorted(a.id for a in existing.values())
    adoptions: dict[int, dict[int, Adoption]] = {}
    levels: dict[int, set[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for adoption in db.session.scalars(
            sa.select(Adoption)
            .where(
                Adoption.article_id.in_(chunk),
                Adoption.office_id == office.id,
                Adoption.cancelled_at.is_(None),
            )
            .order_by(Adoption.id)
        ):
            adoptions.setdefault(adoption.article_id, {}).setdefault(adoption.publication_id, adoption)
        for article_id, level in db.session.execute(
            sa.select(Instruction.article_id, Instruction.level).where(
                Instruction.article_id.in_(chunk), Instruction.office_id == office.id
            )
        ):
            levels.setdefault(article_id, set()).add(level)
    problems: list[Problem] = []
    for line in lines:
        article = existing.get((line.unit_id, line.article))
        if article is None:
            result.new_articles.setdefault((line.unit_id, line.article), []).append(line)
            continue
        if article.import_id is None:
            problems.append(
                Problem(
                    line.number,
                    "稿件编号",
                    f"本单位经报送流程的稿件已用此编号（{article.number}），不能用导入修改，请核对",
                )
            )
            continue
        adoption = adoptions.get(article.id, {}).get(line.publication.id)
        if adoption is None:
            if article.submitted_on is not None and line.day < article.submitted_on:
                problems.append(
                    Problem(
                        line.number,
                        "刊发日期",
                        f"早于该稿件已导入的刊发日期（{article.submitted_on.isoformat()}），请核对",
                    )
                )
                continue
            result.new_adoptions.setdefault(article.id, []).append(line)
        elif (adoption.adopted_on, adoption.class_code, adoption.form_code) == (
            line.day,
            line.klass,
            line.form,
        ):
            result.unchanged += 1
        else:
            recorded = f"{adoption.adopted_on.isoformat()}刊发，{_kind_words(names, adoption.class_code, adoption.form_code)}"
            problems.append(
                Problem(
                    line.number,
                    "刊物",
                    f"该稿件在「{line.publication.name}」已有采用记录（{recorded}），与本行不同；"
                    "如需更正，请先在稿件页面撤销原采用记录后再导入",
                )
            )
            continue
        held = levels.setdefault(article.id, set())
        for level in line.levels:
            if level not in held:
                held.add(level)
                result.new_levels.setdefault(article.id, []).append((level, line.day, line.number))
    if problems:
        raise ImportRefused(problems)
    return result


def _kind_words(names: dict[tuple[str, str], str], klass: str, form: str) -> str:
    """「经验类·专期」 in the office's words."""
    return f"{names.get(('class', klass), klass)}·{names.get(('form', form), form)}"


def rows_text(numbers: Iterable[int]) -> str:
    shown = sorted(set(numbers))
    text = "、".join(str(n) for n in shown[:10])
    return f"第{text}{'等' if len(shown) > 10 else ''}行"


def write(
    user: User, office: ArticleOffice, record: LedgerImport, plan: Plan, names: dict[tuple[str, str], str]
) -> tuple[int, int]:
    """Add what the plan says with a few multi-row INSERTs; returns (adoptions created, instructions created).

    The rows go in as bulk inserts, not one ORM object each: a 20,000-row file otherwise spends minutes in the
    unit of work. That also leaves out the duplicate detector's fingerprints (duplicates.py, written on the
    ORM's flush): an imported article is a title without a text and never changes, and the detector reads the
    text itself when an article has no fingerprint."""
    now = clock.now()
    new = list(plan.new_articles.items())
    ids: list[int] = []
    if new:
        ids = list(
            db.session.scalars(
                sa.insert(Article).returning(Article.id, sort_by_parameter_order=True),
                [
                    _article_row(user, office, record, number, unit_id, lines, now)
                    for (unit_id, number), lines in new
                ],
            )
        )
    revisions, adoptions, instructions = [], [], []
    said: dict[int, list[str]] = {}
    rows: dict[int, list[int]] = {}

    def adopt(article_id: int, line: Line) -> None:
        adoptions.append(
            {
                "article_id": article_id,
                "office_id": office.id,
                "publication_id": line.publication.id,
                "class_code": line.klass,
                "form_code": line.form,
                "adopted_on": line.day,
                "editor_id": user.id,
                "note": ADOPTION_NOTE,
                "created_at": now,
            }
        )
        said.setdefault(article_id, []).append(
            f"{line.publication.name}{_kind_words(names, line.klass, line.form)}，{line.day}刊发"
        )
        rows.setdefault(article_id, []).append(line.number)

    def instruct(article_id: int, level: str, day: date, number: int) -> None:
        instructions.append(
            {
                "article_id": article_id,
                "office_id": office.id,
                "leader": LEADER,
                "level": level,
                "text": INSTRUCTION_TEXT,
                "instructed_on": day,
                "recorded_by_id": user.id,
                "created_at": now,
            }
        )
        said.setdefault(article_id, []).append(f"{INSTRUCTION_LEVEL_LABELS[level]}批示")
        rows.setdefault(article_id, []).append(number)

    for article_id, (_, lines) in zip(ids, new, strict=True):
        revisions.append(
            {
                "article_id": article_id,
                "no": 1,
                "title": lines[0].title,
                "body": BODY,
                "note": "由台账导入",
                "author_id": user.id,
                "state": "adopted",
                "at": now,
            }
        )
        seen: set[str] = set()
        for line in lines:
            adopt(article_id, line)
            for level in line.levels:
                if level not in seen:
                    seen.add(level)
                    instruct(article_id, level, line.day, line.number)
    for article_id, lines in plan.new_adoptions.items():
        for line in lines:
            adopt(article_id, line)
    for article_id, wanted in plan.new_levels.items():
        for level, day, number in wanted:
            instruct(article_id, level, day, number)
    for model, values in ((ArticleRevision, revisions), (Adoption, adoptions), (Instruction, instructions)):
        if values:
            db.session.execute(sa.insert(model), values)
    if ids or adoptions or instructions:  # bulk rows bypass the flush: the ledger's revision is told here
        ledger_revision.note(db.session, offices=[office.id])

    # the article's timeline: a new article starts with 「由台账导入」; one imported before says what was added
    source = f"「{record.filename}」"
    _opening_events(
        user, {a: f"由台账导入（{source}{rows_text(rows[a])}）：" + "；".join(said[a]) for a in ids}
    )
    for article_id in sorted(set(plan.new_adoptions) | set(plan.new_levels)):
        comment = f"由台账导入（{source}{rows_text(rows[article_id])}）增加：" + "；".join(said[article_id])
        append_event(
            "article",
            article_id,
            ARTICLE_EVENT,
            actor=user,
            from_state="adopted",
            to_state="adopted",
            comment=comment[:2000],
        )
    return len(adoptions), len(instructions)


def _opening_events(user: User, comments: dict[int, str]) -> None:
    """The first row of each new article's trail, written together: what `append_event` writes for a subject
    without rows (seq 1 after the genesis hash). One `append_event` each — a query and a flush per article —
    took most of a 20,000-row import. An id that has rows already (none should) goes through `append_event`."""
    had: set[int] = set()
    ids = sorted(comments)
    for start in range(0, len(ids), 500):
        had.update(
            db.session.scalars(
                sa.select(AuditEvent.subject_id).where(
                    AuditEvent.subject_type == "article", AuditEvent.subject_id.in_(ids[start : start + 500])
                )
            )
        )
    at = clock.now().replace(microsecond=0)
    org = user.organisation
    rows = []
    for article_id in ids:
        if article_id in had:
            append_event(
                "article",
                article_id,
                ARTICLE_EVENT,
                actor=user,
                to_state="adopted",
                comment=comments[article_id][:2000],
            )
            continue
        row = AuditEvent(
            subject_type="article",
            subject_id=article_id,
            seq=1,
            actor_user_id=user.id,
            actor_name=user.display_name,
            actor_org_id=org.id if org is not None else None,
            actor_org_name=org.name if org is not None else "",
            at=at,
            event=ARTICLE_EVENT,
            from_state=None,
            to_state="adopted",
            comment=comments[article_id][:2000],
            rule_id=None,
            ruleset_id=None,
            prev_hash=GENESIS_HASH,
        )
        row.hash = row.compute_hash()
        rows.append(row)
    db.session.add_all(rows)
    db.session.flush()


def _article_row(
    user: User,
    office: ArticleOffice,
    record: LedgerImport,
    number: str,
    unit_id: int,
    lines: list[Line],
    now: Any,
) -> dict[str, Any]:
    """An adopted article as the flow leaves one: sent, received and decided on its first adoption's day."""
    day = min(line.day for line in lines)
    return {
        "office_id": office.id,
        "unit_id": unit_id,
        "author_id": user.id,
        "kind": "normal",
        "secrecy": "none",
        "title": lines[0].title,
        "body": BODY,
        "revision_no": 1,
        "number": number,
        "state": "adopted",
        "state_since": day,
        "submitted_on": day,
        "received_on": day,
        "decided_on": day,
        "import_id": record.id,
        "version_id": 1,
        "created_at": now,
        "updated_at": now,
    }


def changed_days(plan: Plan) -> list[date]:
    """The days of what the import adds (adoptions and instructions), not of what was there already."""
    lines = [
        *(x for xs in plan.new_articles.values() for x in xs),
        *(x for xs in plan.new_adoptions.values() for x in xs),
    ]
    return [line.day for line in lines] + [day for wanted in plan.new_levels.values() for _, day, _ in wanted]


def closed_period_notes(office: ArticleOffice, days: list[date]) -> list[str]:
    """Records dated inside a closed period: its frozen result does not change until the head recomputes it."""
    notes = []
    for closed in db.session.scalars(
        sa.select(LedgerPeriod).where(LedgerPeriod.office_id == office.id).order_by(LedgerPeriod.period)
    ):
        try:
            period = ledger.period_from(closed.period)
        except ServiceError:
            continue
        first, last = ledger.first_day(period), ledger.last_day(period)
        count = sum(1 for day in days if first <= day <= last)
        if count:
            notes.append(
                f"其中{count}条的刊发日期在已结算的{period.chinese}内：已结算的结果不变，"
                "如需计入，请在计分页面重新计算该期。"
            )
    return notes
