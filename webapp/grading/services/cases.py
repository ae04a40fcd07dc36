"""Case use cases: open, fire an event (alone or in a batch) and apply its declared effects, store uploads.

Beside it, by job: `attachments` (upload, replace, delete), `panel` (form the panel, declarations, review
date), `objection_filing` (file and verify objections), `spot_checks`, and the read model `case_page`.

Each public function is one transaction (commits whole or not at all) and, for every change, writes the audit
row (who, which organisation, when, from → to, event, comment, rule, ruleset). Refusals raise `Refused` with
the domain's reason code and Chinese message quoting the rule; views show it, the API returns it as JSON.
`today` defaults to `webapp.core.clock.today()`; tests pass it explicitly.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User, acting
from webapp.core.services import one_writer_at_a_time, sequences, unit_of_work, uploads
from webapp.core.services.audit import append_case_event
from webapp.core.services.errors import NotFound, ServiceError
from webapp.core.services.locks import lock_row
from webapp.core.services.rulesets import ruleset_for_new_case
from webapp.grading.models import (
    ATTACHMENT_KINDS,
    CONCLUSION_LABELS,
    Attachment,
    Case,
    CaseFiling,
    Grade,
    Objection,
)
from webapp.grading.services import case_facts, permissions, sheet_subject
from webapp.grading.services.case_facts import (
    assignment_for,
    current_grade,
    domain_grade_of,
    facts_for,
    organ_facts,
    ruleset_for,
)
from webapp.grading.services.errors import BatchRefused, Refused, Stale
from webapp.grading.services.permissions import Decision
from webapp.scoring.services.schemes import active_scheme_for
from workflow import grading
from workflow.errors import WorkflowError
from workflow.grading import grade as domain_grade
from workflow.grading.authority import Assignment, BureauRef, assignment, resolve_bureaus
from workflow.grading.eligibility import candidate_refusals
from workflow.procedure import Effect
from workflow.ruleset import Ruleset
from workflow.scoring.numbers import fmt_points

T = TypeVar("T")

#: The organizer's decision on an objection → the event it fires (GAP-9).
OBJECTION_OUTCOMES: dict[str, str] = {
    "dismiss": "dismiss_objection",
    "uphold": "uphold_objection",
    "reject": "reject_on_objection",
}
#: Events that decide objections → the status their rows' declared effect gives the objections (GAP-9).
OBJECTION_EVENTS: dict[str, str] = {
    row.event: effect.field
    for row in grading.TRANSITIONS
    for effect in row.effects
    if effect.kind == "close_objections"
}
#: Rule cited in the audit row of each upload kind.
UPLOAD_RULES: dict[str, str] = {
    "application_form": "ARC-10.1.4",
    "self_check_sheet": "ARC-10.1.4",
    "acceptance_report": "ARC-10.1.4",
    "integrity_notice": "ARC-10.5.1",
    "precheck_opinion": "ARC-10.2.2",
    "other": "ARC-10.1.4",
}
#: Public objector shown in the audit trail.
PUBLIC_ACTOR = "社会公众"
MAX_SCORE = Decimal("999.99")


def _today(today: date | None) -> date:
    return today or clock.today()


def _forbidden(message: str, rule: str | None = None) -> Refused:
    return Refused(Decision(False, "forbidden", message, rule))


#: a case with what the permission check and the guards' facts read (organ, filings, panel): one statement, not
#: three lazy loads on every transition; built once (building and keying it at each event cost ~0.15 ms)
_LOADED = (
    sa.select(Case)
    .where(Case.id == sa.bindparam("case_id"))
    .options(joinedload(Case.organ), joinedload(Case.filings), joinedload(Case.panel))
)
_LOCKED = _LOADED.with_for_update(of=Case)  # PostgreSQL locks no outer-joined side


def _load(user: User | None, case_id: int, *, lock: bool = False) -> Case:
    """The case if ``user`` may read it; NotFound otherwise (no existence leak)."""
    case = db.session.scalars(_LOCKED if lock else _LOADED, {"case_id": case_id}).unique().first()
    if case is None or user is None or not permissions.can_view(user, case):
        raise NotFound("案件不存在或您无权查看。")
    return case


def _unit_of_work() -> AbstractContextManager[object]:
    """`transaction()` that turns a lost optimistic-lock race into grading's `Stale`."""
    return unit_of_work(Stale)


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version_id != expected_version:
        raise Stale()


def _bureau_chain(organ: Organisation) -> list[BureauRef]:
    return [
        BureauRef(str(bureau.id), bureau.bureau_tier or "", bureau.authority_status in (None, "active"))
        for bureau in organ.bureau_chain()
    ]


def _resolved(case_or_organ: Organisation, asg: Assignment, ruleset: Ruleset) -> dict[str, Any]:
    try:
        return resolve_bureaus(asg, _bureau_chain(case_or_organ), ruleset)
    except WorkflowError as exc:
        raise Refused(Decision.from_refusal(exc.refusal)) from exc


def _transition(
    case: Case,
    event: str,
    actor: grading.Actor,
    today: date,
    *,
    user: User | None,
    comment: str = "",
    inputs: dict[str, Any] | None = None,
    objection_note: str = "",
    actor_name: str | None = None,
) -> grading.TransitionRecord:
    """Fire ``event`` on the row inside the caller's transaction: facts gathered once → the domain checks (each
    guard once) and fires → the row's declared effects → audit. Raises `Refused` with the domain's reason."""
    ruleset = ruleset_for(case)
    # the event's input already set on the row (a pre-check opinion, a review total) is read from the object:
    # not flushed before the facts' query, it is written by the transition's one UPDATE (one version step)
    with db.session.no_autoflush:
        stored = case_facts.stored_facts(case)
        facts = facts_for(case, ruleset, stored=stored)
    try:
        record = grading.fire(facts, event, actor, today, ruleset, **(inputs or {}))
    except WorkflowError as exc:
        raise Refused(Decision.from_refusal(exc.refusal)) from exc
    case.state = record.dest
    if record.source != record.dest:
        case.state_since = today  # overdue waits count from here (workflow/grading/deadlines.py)
    notes = apply_effects(case, record, facts, today, ruleset, user=user, objection_note=objection_note)
    append_case_event(
        case,
        event,
        actor=user,
        actor_name=actor_name,
        from_state=record.source,
        to_state=record.dest,
        comment="；".join(part for part in (comment, *notes) if part),
        rule_id=record.rule,
        chained_to=stored.last_row,  # read with the facts (a row an effect added since comes first)
    )
    return record


# -- the effects declared on the procedure's rows ------------------------------------------------------------------

#: How the audit trail words an objection closed with each status (GAP-9).
OBJECTION_VERDICTS = {"dismissed": "不成立", "upheld": "成立", "rejected_case": "成立"}


@dataclass(frozen=True)
class _Fired:
    """What an effect handler may use: the case row, the facts the domain changed, the day, who acted."""

    case: Case
    facts: grading.CaseFacts
    today: date
    ruleset: Ruleset
    user: User | None
    objection_note: str


def _copy_fact(fired: _Fired, effect: Effect) -> str | None:
    """A date the domain set on the facts (applied there by the procedure core) goes onto the row."""
    setattr(fired.case, effect.field, getattr(fired.facts, effect.field))
    return None


def _grant_effect(fired: _Fired, effect: Effect) -> str | None:
    _grant(fired.case, fired.today, fired.ruleset)
    return None


def _close_objections_effect(fired: _Fired, effect: Effect) -> str | None:
    if fired.user is None:  # only the public objects without an account, and objecting closes nothing
        raise ValueError("closing objections needs the deciding user")
    references = _close_objections(fired.case, fired.user, effect.field, fired.objection_note)
    return f"异议 {'、'.join(references)} {OBJECTION_VERDICTS[effect.field]}" if references else None


#: Effect kind → its handler; a fact effect (`Effect.on_facts`) is copied from the facts onto the row.
EFFECT_HANDLERS: dict[str, Callable[[_Fired, Effect], str | None]] = {
    "grant_grade": _grant_effect,
    "close_objections": _close_objections_effect,
}


def apply_effects(
    case: Case,
    record: grading.TransitionRecord,
    facts: grading.CaseFacts,
    today: date,
    ruleset: Ruleset,
    *,
    user: User | None,
    objection_note: str = "",
) -> list[str]:
    """The one place the fired row's declared effects reach the database, in the row's order: dates the domain
    set are copied onto the row, a grade is granted (CT-19), objections are closed (CT-14/15/16). Returns what the
    audit comment adds (the objections decided)."""
    fired = _Fired(case, facts, today, ruleset, user, objection_note)
    notes = []
    for effect in record.effects:
        handler = _copy_fact if effect.on_facts else EFFECT_HANDLERS[effect.kind]
        note = handler(fired, effect)
        if note:
            notes.append(note)
    return notes


# -- approval side effects (CT-19) -----------------------------------------------------------------------------


def _next_number(series: str, year: int, column: Any, prefix: str, suffix: str = "号") -> int:
    """Next number of ``series`` in ``year`` from its collision-free counter (seeded from the highest stored
    ``column`` value ``{prefix}{n}{suffix}`` when the counter is new)."""
    return sequences.next_value(
        series, year, highest_stored=lambda: sequences.highest_number(column, prefix, suffix)
    )


def certificate_prefix(ruleset: Ruleset, year: int) -> str:
    """The ruleset's certificate number prefix for ``year`` (ARC-10.5.5)."""
    return ruleset.documents.certificate_number_prefix(year)


def letter_prefix(ruleset: Ruleset, bureau: Organisation, year: int) -> str:
    """The ruleset's letter number prefix: the top bureau's short name from the ruleset, any other bureau's
    first character (宜档函〔2027〕 for a city bureau in hubei-2011)."""
    short = ruleset.documents.top_bureau_short if bureau.parent_id is None else bureau.name[0]
    return ruleset.documents.letter_number_prefix(short, year)


def _series(kind: str, prefix: str) -> str:
    """The counter of one number prefix: numbers are unique per prefix, whichever ruleset printed it."""
    name = f"{kind}:{prefix}"
    return name if len(name) <= 40 else f"{kind}:{hashlib.sha1(prefix.encode()).hexdigest()[:20]}"


def _grant(case: Case, today: date, ruleset: Ruleset) -> Grade:
    """Grade (GT-01/03/04/06), certificate and letter numbers, filings (ARC-9.3/9.5, ARC-10.5.4/10.5.5)."""
    previous = current_grade(case.organ_id)
    granted = domain_grade.grade_after_approval(
        ruleset, domain_grade_of(previous), case.level, case.kind, today
    )
    prefix = certificate_prefix(ruleset, today.year)
    serial = _next_number(_series("certificate", prefix), today.year, Grade.certificate_no, prefix)
    certificate_no = f"{prefix}{serial:04d}号"
    grade = Grade(
        organ_id=case.organ_id,
        level=granted.level,
        valid_from=granted.valid_from,
        valid_to=granted.valid_to,
        certificate_kind=granted.certificate_kind,
        certificate_no=certificate_no,
        case_id=case.id,
    )
    db.session.add(grade)
    db.session.flush()
    if previous is not None:
        # GT-03/04 (GAP-22): a higher level replaces the lower one; GT-06: a recheck renews the same level
        previous.superseded_by_id = grade.id
    case.certificate_no = certificate_no
    if case.approver is not None:
        letter = letter_prefix(ruleset, case.approver, today.year)
        serial = _next_number(_series("letter", letter), today.year, Case.letter_no, letter)
        case.letter_no = f"{letter}{serial}号"
    asg = assignment_for(case, ruleset)
    if asg.filings:
        filings = _resolved(case.organ, asg, ruleset)["filings"]
        rule = "ARC-9.3" if case.level == "special" else "ARC-9.5"
        present = {filing.bureau_id: filing for filing in case.filings}
        for bureau_id in dict.fromkeys(int(i) for i in filings):
            filing = present.get(bureau_id)
            if filing is None:
                case.filings.append(CaseFiling(bureau_id=bureau_id, rule_id=rule, filed_on=today))
            else:
                filing.filed_on, filing.rule_id = today, rule
    return grade


# -- use cases ---------------------------------------------------------------------------------------------------


def list_cases(
    user: User, *, state: str | None = None, level: str | None = None, kind: str | None = None
) -> list[Case]:
    """The cases ``user`` may read, newest first, optionally filtered."""
    query = permissions.visible_cases(user)
    if state:
        query = query.where(Case.state == state)
    if level:
        query = query.where(Case.level == level)
    if kind:
        query = query.where(Case.kind == kind)
    return list(db.session.scalars(query.order_by(Case.id.desc())))


def get_case(user: User, case_id: int) -> Case:
    """The case if ``user`` may read it; NotFound otherwise."""
    return _load(user, case_id)


def open_case(
    user: User, *, level: str, kind: str, preconditions: dict[str, bool], today: date | None = None
) -> Case:
    """A draft case for the user's organ: resolves the authority row and the concrete bureaus (ARC-9, §6).
    Raises `Refused` for combinations nobody may apply for (ARC-4.2, GAP-20)."""
    today = _today(today)
    organ = permissions.organ_of(user)
    if organ is None:
        raise _forbidden("只有申报单位的用户可以提出考评或复查申请。", "ARC-5.0")
    ruleset = ruleset_for_new_case()  # the selected ruleset; the case keeps it to the end
    if level not in {item.id for item in ruleset.levels}:
        raise ServiceError("请选择申报等级。", code="invalid_input", field="level")
    if kind not in {item.id for item in ruleset.kinds}:
        raise ServiceError("请选择申报类别（考评或复查）。", code="invalid_input", field="kind")
    known = {item.id for item in ruleset.preconditions}
    if not isinstance(preconditions, dict) or not set(preconditions) <= known:
        unknown = (
            "、".join(sorted(set(preconditions or {}) - known)) if isinstance(preconditions, dict) else ""
        )
        raise ServiceError(
            f"前提条件只能是 {', '.join(sorted(known))}" + (f"（未知：{unknown}）" if unknown else ""),
            code="invalid_input",
            field="preconditions",
        )
    try:
        asg = assignment(ruleset, level, kind, organ.tier or "")
    except WorkflowError as exc:
        raise Refused(Decision.from_refusal(exc.refusal)) from exc
    refusals = candidate_refusals(ruleset, organ_facts(organ), level, kind)
    if refusals:
        raise Refused(Decision.from_refusal(refusals[0]))
    bureaus = _resolved(organ, asg, ruleset)
    # the scoring scheme version the case keeps to the end (running cases finish on their version)
    scheme_ref = active_scheme_for(ruleset.id) or (None, None)
    with _unit_of_work():
        # one running case per organ: two applications at once (two applicants, a double click) must not both
        # pass the check below, so the organ's row is held until this transaction ends and the second waits
        lock_row(Organisation.__table__, organ.id)
        running = db.session.scalar(
            sa.select(Case.id).where(
                Case.organ_id == organ.id,
                Case.state.not_in(tuple(grading.TERMINAL_STATES)),
                Case.deleted_at.is_(None),
            )
        )
        if running is not None:
            raise Refused(
                Decision(
                    False,
                    "case_already_open",
                    f"本机关已有办理中的案件（编号 {running}），请办结或撤回后再申请。",
                )
            )
        case = Case(
            organ_id=organ.id,
            level=level,
            kind=kind,
            tier=organ.tier,
            ruleset_id=ruleset.id,
            scheme_id=scheme_ref[0],
            scheme_version=scheme_ref[1],
            state="draft",
            state_since=today,
            lodged_with_id=int(bureaus["lodged_with"]),
            forwarder_id=int(bureaus["forwarder"]) if "forwarder" in bureaus else None,
            planner_id=int(bureaus["planner"]),
            prechecker_id=int(bureaus["prechecker"]),
            organizer_id=int(bureaus["organizer"]),
            approver_id=int(bureaus["approver"]),
            summary_to_id=int(bureaus["summary_to"]) if "summary_to" in bureaus else None,
            panel_min=asg.panel[0],
            panel_max=asg.panel[1],
            in_city_summary=asg.in_city_summary,
            preconditions={key: bool(value) for key, value in preconditions.items()},
        )
        db.session.add(case)
        db.session.flush()
        level_name, kind_name = ruleset.level(level).name, ruleset.kind(kind).name
        append_case_event(
            case,
            "open",
            actor=user,
            from_state=None,
            to_state="draft",
            comment=f"新建{level_name}{kind_name}申请",
            rule_id="ARC-10.1.1",
        )
    return case


def _review_from_sheet(case: Case) -> str:
    """conclude_review without a manual total: the submitted agreed score sheet decides (GAP-12) — its total
    against the pass line, and any veto or section minimum fails it; the reasons go into the audit row."""
    outcome = sheet_subject.review_outcome_of(case)
    if outcome is None:
        raise Refused(
            Decision(
                False,
                "review_result_missing",
                "尚无评审结果：请录入评审总分，或由评审组组长先提交合议评分表（ARC-10.4.5）。",
                "ARC-10.4.5",
            )
        )
    case.total_score, case.conclusion = outcome.total.quantize(Decimal("0.01")), outcome.conclusion
    return outcome.comment


def _score_ceiling(case: Case) -> Decimal:
    """The highest total the case's score table allows (its maximum plus the bonus cap for the level)."""
    scheme = sheet_subject.scheme_for_case(case)
    if scheme is None:
        return MAX_SCORE
    return min(MAX_SCORE, scheme.max_for(case.level) + scheme.bonus_max(case.level))


#: A review total as a person writes it: digits, optionally a point and one or two decimals (85, 85.5, 85.25).
PLAIN_TOTAL = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")


def review_total(value: str | Decimal | float | None) -> Decimal:
    """The panel's total from what was typed (form text, the API's number token as sent) or given (a number).

    Only a plain decimal with at most two decimals is a total: scientific notation (``1e-400`` would round to a
    silent 0 and reject the case), NaN, infinity, a sign or a third decimal are refused naming the field.
    """
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise ServiceError("请填写评审总分。", code="invalid_input", field="total_score")
    # a float is shown as Python writes it (1e-05 stays scientific and is refused, like typed text)
    text = (
        value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    )
    if not PLAIN_TOTAL.fullmatch(text):
        raise ServiceError(
            f"评审总分须为不超过两位小数的数字（如 85 或 85.5），不能写成「{text[:20]}」。",
            code="invalid_input",
            field="total_score",
        )
    return Decimal(text).quantize(Decimal("0.01"))


def _review_input(
    case: Case, ruleset: Ruleset, total_score: Decimal | float | str | None, conclusion: str | None
) -> str:
    """Validate and record the panel's result on the row (rolled back with the transaction if refused)."""
    level = ruleset.level(case.level)
    if level.scored:
        if total_score is None and conclusion is None:
            return _review_from_sheet(case)
        if not ruleset.procedure.allow_paper_review:
            raise Refused(
                Decision(
                    False,
                    "paper_review_not_allowed",
                    "本考评办法不允许录入纸质评分总分，评审结论须依据评审组合议评分表形成（ARC-10.4.5）。",
                    "ARC-10.4.5",
                )
            )
        score = review_total(total_score)
        ceiling = _score_ceiling(case)
        if not Decimal(0) <= score <= ceiling:
            raise ServiceError(
                f"评审总分须在 0 至 {fmt_points(ceiling)} 之间（本案评分表满分，含加分上限）。",
                code="invalid_input",
                field="total_score",
            )
        case.total_score, case.conclusion = score, None
        return f"评审总分 {fmt_points(score)}"
    if conclusion not in ("pass", "fail"):
        raise ServiceError(
            f"{level.name}不计分，请选择评审结论：达标（pass）或不达标（fail）。",
            code="invalid_input",
            field="conclusion",
        )
    case.total_score, case.conclusion = None, conclusion
    return "评审结论：" + CONCLUSION_LABELS[conclusion]


def _close_objections(
    case: Case, user: User, status: str, note: str, *, only: Objection | None = None
) -> list[str]:
    """Decide open objections (all of the case's, or ``only``); returns their references."""
    rows = (
        [only]
        if only is not None
        else list(
            db.session.scalars(
                sa.select(Objection).where(Objection.case_id == case.id, Objection.status == "open")
            )
        )
    )
    for row in rows:
        row.status = status
        row.handled_by_id = user.id
        row.handled_at = clock.now()
        row.handling_note = note
    db.session.flush()
    return [row.reference for row in rows]


def _fire_checked(
    user: User,
    case: Case,
    event: str,
    today: date,
    *,
    comment: str,
    notice_start: date | None = None,
    opinion: str | None = None,
    total_score: Decimal | float | str | None = None,
    conclusion: str | None = None,
) -> grading.TransitionRecord:
    """Permission → input → domain (each guard once) → effects → audit, inside the caller's transaction."""
    if event not in grading.EVENTS:
        raise ServiceError(f"未知的操作：{event}", code="invalid_input", field="event")
    if event == "object":
        raise _forbidden("异议由社会公众通过公示页面提出。", "GAP-9")
    functions = permissions.case_functions(user, case)
    if not functions:
        raise Refused(permissions.can_fire(user, case, event, today))  # says why an onlooker may not act
    actor = grading.Actor(functions)
    # state and function before any input is validated, so an onlooker learns nothing from it; no guard runs here
    access = grading.PROCEDURE.access(case.state, event, actor)
    if access is not None:
        raise Refused(Decision.from_refusal(access))
    ruleset = ruleset_for(case)
    notes = [comment.strip()] if comment and comment.strip() else []
    inputs: dict[str, Any] = {}
    takes = grading.PROCEDURE.inputs_of(event)
    if "opinion" in takes:
        # the domain refuses an empty written opinion (ARC-10.2.1); "" is passed on, never dropped as None
        inputs["opinion"] = opinion = (opinion or "").strip()
        if opinion:
            case.precheck_opinion = opinion  # rolled back with the transaction if the domain refuses
            notes.append(f"预检意见：{opinion.rstrip('。；;')}")  # joined with 「；」 below: no 「。；」
    if "notice_start" in takes:
        inputs["notice_start"] = notice_start = notice_start or today
        notes.append(f"公示自{notice_start}起")
    if event == "conclude_review":
        # the result is validated and recorded on the row, then checked as given (never a made-up total)
        notes.append(_review_input(case, ruleset, total_score, conclusion))
    return _transition(
        case,
        event,
        actor,
        today,
        user=user,
        comment="；".join(notes),
        inputs=inputs,
        objection_note=comment or "",
    )


def _the_case(case: Case) -> Case:
    return case


def fire_event(
    user: User,
    case_id: int,
    event: str,
    *,
    comment: str = "",
    today: date | None = None,
    expected_version: int | None = None,
    notice_start: date | None = None,
    opinion: str | None = None,
    total_score: Decimal | float | str | None = None,
    conclusion: str | None = None,
    answer: Callable[[Case], T] = _the_case,  # type: ignore[assignment]  # T is Case when not given
) -> T:
    """Fire ``event``: permission → domain guards → state change → side effects → audit row → commit.

    Event-specific input: ``pass_precheck`` takes ``notice_start`` (default today) and ``opinion``;
    ``return_for_completion`` takes ``opinion``; ``conclude_review`` takes ``total_score`` (scored levels) or
    ``conclusion`` ``pass``/``fail`` (unscored, e.g. 省特级). ``approve`` creates the grade (superseding a lower
    one), numbers the letter and certificate and records the filings (ARC-9.3/9.5). ``expected_version`` guards
    against two people acting on the same case at once (409 ``stale``).

    Returns ``answer(case)``, the case itself by default (the API answers with the case page's data). Where
    transactions lock only the rows they write (PostgreSQL), ``answer`` runs inside the transaction, after the event
    and before the commit: it reads the case as this transaction leaves it without a second transaction (issue 12:
    4 round trips fewer), its result is returned only if the commit succeeds, and whatever it raises rolls the event
    back. On SQLite, whose write lock holds the whole database until the commit, it runs after the commit instead,
    in a transaction of its own, so the next writer does not wait while it reads (measured: the bench's POST p50
    70-76 → 101-110 ms with the answer read inside).
    """
    user, today = acting(user), _today(today)
    inside = not one_writer_at_a_time()
    with _unit_of_work():
        case = _load(user, case_id)
        _check_version(case, expected_version)
        _fire_checked(
            user,
            case,
            event,
            today,
            comment=comment,
            notice_start=notice_start,
            opinion=opinion,
            total_score=total_score,
            conclusion=conclusion,
        )
        if inside:
            answered = answer(case)
    return answered if inside else answer(case)


def settled(case: Case) -> Case:
    """``case`` with what an event changed flushed, so its version is the one the commit keeps (for an ``answer``
    of `fire_event` that reads the case row only; after the commit there is nothing left to flush)."""
    db.session.flush()
    return case


def batch_fire(
    user: User,
    case_ids: list[int],
    event: str,
    *,
    comment: str = "",
    today: date | None = None,
    notice_start: date | None = None,
    opinion: str | None = None,
) -> list[Case]:
    """The same event on several cases (issue the year's plan, forward 特级 applications, publish a notice
    list): all or nothing — raises `BatchRefused` listing every refusal and writes nothing. ``opinion`` is
    the written pre-check opinion for ``pass_precheck`` / ``return_for_completion``."""
    today = _today(today)
    ids = list(dict.fromkeys(int(case_id) for case_id in case_ids))
    if not ids:
        raise ServiceError("请至少选择一个案件。", code="invalid_input", field="case_ids")
    if event in ("conclude_review", "object") or event in OBJECTION_EVENTS:
        raise ServiceError("该操作不能批量办理。", code="invalid_input", field="event")
    with _unit_of_work():
        cases: list[Case] = []
        refusals: dict[int, Decision] = {}
        for case_id in ids:
            case = db.session.get(Case, case_id)
            if case is None or not permissions.can_view(user, case):
                refusals[case_id] = Decision(False, "not_found", "案件不存在或您无权查看。")
                continue
            # each case is fired once (its guards run once); one refusal rolls the whole batch back below
            try:
                _fire_checked(
                    user, case, event, today, comment=comment, notice_start=notice_start, opinion=opinion
                )
            except Refused as refused:
                refusals[case_id] = Decision(False, refused.code, refused.message, refused.rule)
            cases.append(case)
        if refusals:
            raise BatchRefused(refusals)
    return cases


def store_attachment(user: User, case: Case, kind: str, file: FileStorage, written: list[Path]) -> Attachment:
    """Check ``file`` by its content (`uploads.check_upload`), write it under UPLOAD_FOLDER, add its row and the
    audit row. Runs inside the caller's transaction; appends the written path to ``written`` so the caller
    removes it if the transaction does not commit."""
    data = file.read()
    checked = uploads.check_upload(file.filename or "", data, current_app.config["ALLOWED_UPLOAD_EXTENSIONS"])
    digest = hashlib.sha256(data).hexdigest()
    # content-derived, never from user input; the random tail keeps re-uploads of one file distinct rows
    stored = f"{digest[:40]}-{secrets.token_hex(8)}"
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored
    written.append(path)
    path.write_bytes(data)
    attachment = Attachment(
        case_id=case.id,
        kind=kind,
        original_filename=checked.filename,
        stored_filename=stored,
        size=len(data),
        sha256=digest,
        content_type=checked.mime,  # the checked type, never the browser's
        uploaded_by_id=user.id,
        at=clock.now(),
    )
    db.session.add(attachment)
    db.session.flush()
    append_case_event(
        case,
        "upload",
        actor=user,
        from_state=case.state,
        to_state=case.state,
        comment=f"上传{case.ruleset.attachment_name(kind)}：{checked.filename}",
        rule_id=UPLOAD_RULES[kind],
    )
    return attachment


def check_upload_input(kind: str, file: FileStorage | None) -> None:
    """The kind is known and a file was chosen (`ServiceError` naming the field otherwise)."""
    if kind not in ATTACHMENT_KINDS:
        raise ServiceError("请选择材料类别。", code="invalid_input", field="kind")
    if file is None or not getattr(file, "filename", None):
        raise ServiceError("请选择要上传的文件。", code="invalid_input", field="file")


def remove_files(paths: list[Path]) -> None:
    """Delete files whose rows are gone (after the commit) or were never committed; a file already gone is
    fine."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - a locked or read-only file: leave it, never fail the request
            current_app.logger.warning("could not remove upload %s", path.name)


# -- the case page -----------------------------------------------------------------------------------------------
