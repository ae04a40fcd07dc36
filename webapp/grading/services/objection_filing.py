"""Objections to a public notice (ARC-10.3.3): filed by anyone during the notice (idempotent by the form's
one-time key), verified by the organising bureau. One transaction per function; the case's trail records the
reference only (who objected is for the organiser, `permissions.can_see_objector`)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import append_case_event
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.grading.models import (
    Case,
    Objection,
)
from webapp.grading.services import objection_limits, permissions
from webapp.grading.services.case_facts import (
    open_objection_count,
    ruleset_for,
)
from webapp.grading.services.cases import (
    OBJECTION_EVENTS,
    OBJECTION_OUTCOMES,
    PUBLIC_ACTOR,
    _close_objections,
    _load,
    _next_number,
    _today,
    _transition,
    _unit_of_work,
)
from webapp.grading.services.errors import Refused
from webapp.grading.services.objections import REFERENCE_PREFIX
from webapp.grading.services.permissions import Decision
from workflow import calendar, grading

#: Domain refusals about a value the person typed (not about the case): 400 with the field to show it beside.


def _next_objection_reference(year: int) -> str:
    prefix = REFERENCE_PREFIX.format(year=year)
    return f"{prefix}{_next_number('objection', year, Objection.reference, prefix, suffix=''):04d}"


#: A one-time submission key: the form's hidden token or an API client's ``Idempotency-Key``.
SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _by_submission_key(key: str) -> Objection | None:
    return db.session.scalar(
        sa.select(Objection).where(Objection.submission_key == key).execution_options(populate_existing=True)
    )


def _repeated(existing: Objection, case_id: int, content: str) -> Objection:
    """The objection a repeated submission asked for, or a conflict when the key was used for another one."""
    if existing.case_id != case_id or existing.content != content:
        raise Conflict(
            f"该表单已提交过（受理编号 {existing.reference}）；如需提出新的异议，请重新打开异议表单。",
            field="content",
        )
    return existing


class _AlreadyFiled(Exception):
    """Rolls back the numbering of a submission that turned out to be a repeat."""

    def __init__(self, objection: Objection) -> None:
        self.objection = objection


def submit_objection(
    case_id: int,
    *,
    content: str,
    name: str = "",
    contact: str = "",
    submission_key: str | None = None,
    today: date | None = None,
    address: str = "",
    challenge_passed: bool = False,
) -> Objection:
    """Public objection during the notice (GAP-9): returns the objection with its reference number; moves the
    case to ``objection_review`` (or just records it when already there).

    ``submission_key`` makes the call idempotent: sent again (a reloaded page, a retried request), it returns
    the objection already filed under it instead of filing a second one (and counts nothing).

    The rate limits (`objection_limits`) count it, in the same transaction, against the case and against
    ``address`` (the form's and the API's client; "" for calls from the code itself, which only the per-case
    limit applies to); ``challenge_passed`` says the person answered the form's question."""
    today = _today(today)
    content = (content or "").strip()
    if not content:
        raise ServiceError("请填写异议内容。", code="invalid_input", field="content")
    if len(content) > 5000:
        raise ServiceError("异议内容不超过5000字。", code="invalid_input", field="content")
    key = (submission_key or "").strip() or None
    if key is not None and not SUBMISSION_KEY_RE.match(key):
        raise ServiceError(
            "提交标识应为8至64位字母、数字或 _.:- 符号。", code="invalid_input", field="submission_key"
        )
    name, contact = (name or "").strip()[:64], (contact or "").strip()[:120]
    if key is not None and (existing := _by_submission_key(key)) is not None:
        return _repeated(existing, case_id, content)
    try:
        with _unit_of_work():
            # The number first: its UPDATE takes the lock that serialises concurrent submissions, so what is
            # read below (a repeat of this key, the case's state) is what the previous submission committed.
            reference = _next_objection_reference(today.year)
            if key is not None and (existing := _by_submission_key(key)) is not None:
                raise _AlreadyFiled(existing)
            case = db.session.scalar(
                sa.select(Case)
                .where(Case.id == case_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if (
                case is None
                or case.state not in ("in_notice", "objection_review")
                or case.notice_start is None
            ):
                raise NotFound("该案件不在公示中。")
            ruleset = ruleset_for(case)
            last_day = calendar.notice_last_day(ruleset, case.notice_start)
            if not case.notice_start <= today <= last_day:
                refusal = ruleset.refusal(
                    "outside_notice_period",
                    "notice_period",
                    f"公示期为{case.notice_start}至{last_day}，今天是{today}",
                )
                raise Refused(Decision.from_refusal(refusal))
            objection_limits.record(case.id, address, now=clock.now(), challenge_passed=challenge_passed)
            objection = Objection(
                case_id=case.id,
                reference=reference,
                name=name or None,
                contact=contact or None,
                content=content,
                status="open",
                received_at=clock.now(),
                submission_key=key,
            )
            db.session.add(objection)
            db.session.flush()
            # the audit trail names the reference only: who objected stays with the organising bureau
            note = f"收到异议 {objection.reference}"
            if case.state == "in_notice":
                _transition(
                    case,
                    "object",
                    grading.Actor(frozenset({"public"})),
                    today,
                    user=None,
                    comment=note,
                    actor_name=PUBLIC_ACTOR,
                )
            else:
                append_case_event(
                    case,
                    "objection_received",
                    actor=None,
                    actor_name=PUBLIC_ACTOR,
                    from_state=case.state,
                    to_state=case.state,
                    comment=note,
                    rule_id="GAP-9",
                )
    except _AlreadyFiled as repeat:
        return _repeated(repeat.objection, case_id, content)
    return objection


def handle_objection(
    user: User, objection_id: int, outcome: str, *, note: str, today: date | None = None
) -> Case:
    """Organizer decides an objection: ``dismiss`` / ``uphold`` (return for completion) / ``reject``."""
    today = _today(today)
    if outcome not in OBJECTION_OUTCOMES:
        raise ServiceError("请选择处理结果。", code="invalid_input", field="outcome")
    note = (note or "").strip()
    if not note:
        raise ServiceError("请填写核实意见。", code="invalid_input", field="note")
    event = OBJECTION_OUTCOMES[outcome]
    status = OBJECTION_EVENTS[event]
    with _unit_of_work():
        objection = db.session.get(Objection, objection_id)
        if objection is None:
            raise NotFound("异议不存在或您无权查看。")
        case = _load(user, objection.case_id)
        decision = permissions.can_handle_objection(user, case)
        if not decision:
            raise Refused(decision)
        if objection.status != "open":
            raise Conflict("该异议已处理。")
        if outcome == "dismiss" and open_objection_count(case.id) > 1:
            # others still wait: this objection alone is decided and the case stays where it is
            _close_objections(case, user, status, note, only=objection)
            remaining = open_objection_count(case.id)
            append_case_event(
                case,
                "objection_handled",
                actor=user,
                from_state=case.state,
                to_state=case.state,
                comment=f"异议 {objection.reference} 不成立：{note}（尚有{remaining}件待核实）",
                rule_id="GAP-9",
            )
            return case
        # the event's row closes the open objections (its declared effect, applied in `apply_effects`)
        _transition(
            case,
            event,
            grading.Actor(permissions.case_functions(user, case)),
            today,
            user=user,
            comment=f"核实意见：{note}",
            objection_note=note,
        )
    return case
