"""Translate between the models and the pure domain: `CaseFacts`, `OrganFacts`, `Grade`.

Building blocks for the services: they read, never commit. `facts_for` builds what the guards of
`workflow.grading` need from one case row (once per request); what `fire` changed reaches the row through the
fired row's declared effects (`cases.apply_effects`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from config.rulesets import load_ruleset
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditEvent, Organisation
from webapp.core.read_transactions import in_constants
from webapp.core.rulesets import selected_ruleset
from webapp.grading.models import Attachment, Case, Grade, Objection, SecurityIncident
from webapp.scoring.services.scoresheets.agreed import self_check_submitted
from workflow import calendar
from workflow.grading import TERMINAL_STATES, CaseFacts
from workflow.grading import grade as domain_grade
from workflow.grading.authority import Assignment, assignment
from workflow.grading.eligibility import OrganFacts
from workflow.ruleset import Ruleset

#: States in which a case is running (C1–C10): a recheck in one of them keeps the grade in force (GAP-4).
RUNNING_STATES = tuple(
    state
    for state in (
        "applied",
        "forwarded",
        "planned",
        "acceptance_requested",
        "prechecking",
        "returned",
        "in_notice",
        "objection_review",
        "in_review",
        "awaiting_approval",
    )
)


def ruleset_for(case: Case | None = None) -> Ruleset:
    """The ruleset a case started with (running instances finish on their version); without a case, the one
    selected for new cases (`kaoping ruleset use`)."""
    return load_ruleset(case.ruleset_id) if case is not None else selected_ruleset()


def current_grade(organ_id: int) -> Grade | None:
    """The organ's latest certificate that no later grade replaced (lapsed ones included: status derives it)."""
    return db.session.scalar(
        sa.select(Grade)
        .where(Grade.organ_id == organ_id, Grade.superseded_by_id.is_(None))
        .order_by(Grade.valid_from.desc(), Grade.id.desc())
        .limit(1)
    )


def domain_grade_of(grade: Grade | None) -> domain_grade.Grade | None:
    if grade is None:
        return None
    return domain_grade_from(
        level=grade.level,
        valid_from=grade.valid_from,
        valid_to=grade.valid_to,
        certificate_kind=grade.certificate_kind,
        lapsed_on=grade.lapsed_on,
        superseded_on=grade.superseded_by.valid_from if grade.superseded_by is not None else None,
    )


def domain_grade_from(
    *,
    level: str,
    valid_from: date,
    valid_to: date,
    certificate_kind: str,
    lapsed_on: date | None,
    superseded_on: date | None,
) -> domain_grade.Grade:
    """The domain's grade from a grade row's columns (`domain_grade_of`; the tick passes plain selected rows)."""
    if lapsed_on is not None and lapsed_on <= valid_to:
        # lapsed early (not the ordinary end of validity): the certificate stops the day before
        valid_to = calendar.shift(lapsed_on, -timedelta(days=1))
    return domain_grade.Grade(
        level=level,
        valid_from=valid_from,
        valid_to=max(valid_to, valid_from),
        certificate_kind=certificate_kind,
        superseded_on=superseded_on,
    )


def recheck_open(organ_id: int, *, excluding: int | None = None) -> bool:
    """A recheck case of the organ is running (C1–C10): its grade stays in force (GT-05, GAP-4)."""
    query = sa.select(Case.id).where(
        Case.organ_id == organ_id, Case.kind == "recheck", in_constants(Case.state, RUNNING_STATES)
    )
    if excluding is not None:
        query = query.where(Case.id != excluding)
    return db.session.scalar(query.limit(1)) is not None


@cache
def _organ_facts_query() -> sa.Select[Any]:
    """The statement of `organ_facts`, built once and bound to an organ by ``organ_id``."""
    newer = aliased(Grade)
    running = aliased(Case)
    current = (
        sa.select(newer.id)
        .where(newer.organ_id == Organisation.id, newer.superseded_by_id.is_(None))
        .order_by(newer.valid_from.desc(), newer.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    recheck = (
        sa.select(running.id)
        .where(
            running.organ_id == Organisation.id,
            running.kind == "recheck",
            in_constants(running.state, RUNNING_STATES),
        )
        .exists()
    )
    return (
        sa.select(recheck, Grade, SecurityIncident.occurred_on)
        .select_from(Organisation)
        .outerjoin(Grade, Grade.id == current)
        .outerjoin(SecurityIncident, SecurityIncident.organ_id == Organisation.id)
        .where(Organisation.id == sa.bindparam("organ_id"))
        .order_by(SecurityIncident.occurred_on)
    )


def organ_facts(organ: Organisation, *, recheck_running: bool | None = None) -> OrganFacts:
    """The organ's standing for the eligibility rules, in ONE statement: its current grade (as
    `current_grade` chooses it), its security incidents (one row each) and whether a recheck is running."""
    rows = db.session.execute(_organ_facts_query(), {"organ_id": organ.id}).all()
    first = rows[0] if rows else (False, None, None)
    return OrganFacts(
        tier=organ.tier or "",
        has_system_guidance=organ.has_system_guidance,
        grade=domain_grade_of(first[1]),
        incidents=tuple(row[2] for row in rows if row[2] is not None),
        recheck_open=bool(first[0]) if recheck_running is None else recheck_running,
    )


def assignment_for(case: Case, ruleset: Ruleset | None = None) -> Assignment:
    return assignment(ruleset or ruleset_for(case), case.level, case.kind, case.tier)


#: the attachment kind a submitted self-check sheet stands for (ARC-10.1.4)
SELF_CHECK_EVIDENCE = "self_check_sheet"


def open_objection_count(case_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Objection.id)).where(
                Objection.case_id == case_id, Objection.status == "open"
            )
        )
        or 0
    )


@dataclass(frozen=True)
class StoredFacts:
    """What the guards need from rows other than the case's own: read together, by `stored_facts` or with the
    case itself (`with_stored_facts`)."""

    other_recheck_running: bool
    open_objections: int
    grade: Grade | None
    incidents: tuple[date, ...]
    #: the kinds of the case's attachments, and whether its self-check sheet is submitted (ARC-10.1.4)
    attachment_kinds: frozenset[str]
    self_check_submitted: bool
    #: the case's last audit row (seq, MAC; ``(0, GENESIS_HASH)`` for none), read with the facts before an event
    #: (`stored_facts`), so the event's row chains to it without reading it again; None where not read
    last_row: tuple[int, str] | None = None


@cache
def _stored_parts() -> tuple[tuple[sa.ColumnElement[Any], ...], sa.ColumnElement[Any]]:
    """The stored facts as columns correlated to `Case` (the organ's other running recheck, the case's open
    objections, the organ's current grade, each of its security incidents' id and day, the case's attachment
    kinds and submitted self-check sheet), and the current grade's id the grade is joined on. Built once (building
    them costs more than running them)."""
    other = aliased(Case)
    newer = aliased(Grade)
    recheck = (
        sa.select(other.id)
        .where(
            other.organ_id == Case.organ_id,
            other.kind == "recheck",
            in_constants(other.state, RUNNING_STATES),
            other.id != Case.id,
        )
        .exists()
    )
    objections = (
        sa.select(sa.func.count(Objection.id))
        .where(Objection.case_id == Case.id, Objection.status == "open")
        .scalar_subquery()
    )
    current = (  # the same choice as `current_grade`
        sa.select(newer.id)
        .where(newer.organ_id == Case.organ_id, newer.superseded_by_id.is_(None))
        .order_by(newer.valid_from.desc(), newer.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    kinds = (  # a kind is an identifier (ATTACHMENT_KINDS): no comma in it
        sa.select(sa.func.aggregate_strings(Attachment.kind, ","))
        .where(Attachment.case_id == Case.id)
        .scalar_subquery()
    )
    columns = (
        recheck,
        objections,
        Grade,
        SecurityIncident.id,
        SecurityIncident.occurred_on,
        kinds,
        self_check_submitted(Case.id),
    )
    return columns, current


def _joined(query: sa.Select[Any], current: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """``query`` joined to the organ's current grade and (one row each) its security incidents."""
    return query.outerjoin_from(Case, Grade, Grade.id == current).outerjoin_from(
        Case, SecurityIncident, SecurityIncident.organ_id == Case.organ_id
    )


@cache
def _stored_facts_query() -> sa.Select[Any]:
    """The statement of `stored_facts`, built once and bound to a case by the ``case_id`` parameter: the stored
    facts, then the seq and MAC of the case's last audit row."""
    columns, current = _stored_parts()

    def last(column: Any) -> sa.ScalarSelect[Any]:
        return (
            sa.select(column)
            .where(AuditEvent.subject_type == "case", AuditEvent.subject_id == Case.id)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
            .scalar_subquery()
        )

    chain = (last(AuditEvent.seq), last(AuditEvent.hash))
    return _joined(sa.select(*columns, *chain), current).where(Case.id == sa.bindparam("case_id"))


def with_stored_facts(query: sa.Select[Any]) -> sa.Select[Any]:
    """``query``, a SELECT of one `Case` (its eager loads included), with the case's stored facts as the columns
    after it, so a page that reads the case reads them in the same statement (issue 12: one statement fewer for
    the case page, the API's case and an event's whole answer). Its rows: one per security incident of the organ
    (times the rows the eager loads join); `stored_from` reads them. Not for the statement that locks a case
    before an event: PostgreSQL evaluates a statement's subqueries with the snapshot taken before it waited for
    the lock, so the facts an event decides on are read after the lock, by `stored_facts`."""
    columns, current = _stored_parts()
    return _joined(query.add_columns(*columns), current)


def stored_from(rows: Sequence[Any], start: int = 0) -> StoredFacts:
    """The stored facts in ``rows`` (at least one), their columns from position ``start`` on."""
    first = rows[0]
    incidents = {row[start + 3]: row[start + 4] for row in rows if row[start + 3] is not None}
    return StoredFacts(
        other_recheck_running=bool(first[start]),
        open_objections=int(first[start + 1] or 0),
        grade=first[start + 2],
        incidents=tuple(sorted(incidents.values())),
        attachment_kinds=frozenset(kind for kind in (first[start + 5] or "").split(",") if kind),
        self_check_submitted=bool(first[start + 6]),
    )


def stored_facts(case: Case) -> StoredFacts:
    """ONE statement for the organ's other running recheck, the case's open objections, the organ's current
    grade, its security incidents (one row per incident, the rest repeated; one row when there is none), the
    case's attachment kinds and its submitted self-check sheet, instead of a statement each: the guards run on
    every transition and every case page. With them the case's last audit row, which an event's row chains to."""
    rows = db.session.execute(_stored_facts_query(), {"case_id": case.id}).all()
    seq, mac = rows[0][-2:]
    return replace(stored_from(rows), last_row=(seq, mac) if seq is not None else (0, GENESIS_HASH))


def facts_for(
    case: Case,
    ruleset: Ruleset | None = None,
    *,
    attachments: Iterable[Attachment] | None = None,
    stored: StoredFacts | None = None,
) -> CaseFacts:
    """Everything the guards of `workflow.grading` need about ``case``, read from the database in one statement
    (`stored_facts`, with the attachment kinds and the self-check sheet) and the panel unless loaded; a caller
    with the ``attachments`` loaded passes them (the page lists them anyway), one that read the ``stored`` facts
    with the case (`with_stored_facts`) passes those."""
    ruleset = ruleset or ruleset_for(case)
    if case.id is None:  # not stored yet: nothing of its own to read
        organ = organ_facts(case.organ)
        open_objections, kinds = 0, set()
    else:
        stored = stored if stored is not None else stored_facts(case)
        organ = OrganFacts(
            tier=case.organ.tier or "",
            has_system_guidance=case.organ.has_system_guidance,
            grade=domain_grade_of(stored.grade),
            incidents=stored.incidents,
            recheck_open=(case.kind == "recheck" and case.state in RUNNING_STATES)
            or stored.other_recheck_running,
        )
        open_objections = stored.open_objections
        kinds = (
            {attachment.kind for attachment in attachments}
            if attachments is not None
            else set(stored.attachment_kinds)
        )
        if stored.self_check_submitted:
            kinds.add(SELF_CHECK_EVIDENCE)
    # the tier the case was lodged with, not the organ's today (a re-organisation does not re-route it)
    organ = OrganFacts(
        tier=case.tier,
        has_system_guidance=organ.has_system_guidance,
        grade=organ.grade,
        incidents=organ.incidents,
        recheck_open=organ.recheck_open,
    )
    return CaseFacts(
        level=case.level,
        kind=case.kind,
        tier=case.tier,
        ruleset_id=case.ruleset_id,
        assignment=assignment_for(case, ruleset),
        organ=organ,
        state=case.state,
        preconditions={key: bool(value) for key, value in (case.preconditions or {}).items()},
        plan_year=case.plan_year,
        applied_on=case.applied_on,
        forwarded_on=case.forwarded_on,
        notice_start=case.notice_start,
        notice_closed_on=case.notice_closed_on,
        open_objections=open_objections,
        panel_size=len(case.panel) or None,
        attachments=kinds,
        total_score=float(case.total_score) if case.total_score is not None else None,
        conclusion=case.conclusion,
        decided_on=case.decided_on,
    )


def is_terminal(case: Case) -> bool:
    return case.state in TERMINAL_STATES


def year_of(day: date | None) -> int | None:
    return day.year if day is not None else None
