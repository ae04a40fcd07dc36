"""Spot checks of a lower bureau's grading work (ARC-9.6): what was found, the outcome, the day — audited."""

from __future__ import annotations

from datetime import date, timedelta

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import append_case_event
from webapp.core.services.errors import ServiceError
from webapp.grading.models import SPOT_CHECK_OUTCOMES, SpotCheck
from webapp.grading.services import permissions
from webapp.grading.services.cases import _load, _unit_of_work
from webapp.grading.services.errors import Refused

FINDINGS_MAX = 4000
#: a check is recorded after it happened, but not a year later, and never before it happens
RECORD_WITHIN_DAYS = 365


def record_spot_check(
    user: User,
    case_id: int,
    *,
    outcome: str,
    findings: str,
    checked_on: date | None,
    today: date | None = None,
) -> SpotCheck:
    """An upper bureau records a spot check of ``case`` (ARC-9.6); the case's state does not change."""
    today = today or clock.today()
    findings = (findings or "").strip()
    if outcome not in SPOT_CHECK_OUTCOMES:
        raise ServiceError("请选择抽查结论。", code="invalid_input", field="outcome")
    if not findings:
        raise ServiceError("请填写抽查发现的情况。", code="invalid_input", field="findings")
    if len(findings) > FINDINGS_MAX:
        raise ServiceError(f"抽查情况不能超过{FINDINGS_MAX}字。", code="invalid_input", field="findings")
    if checked_on is None:
        raise ServiceError("请填写抽查日期。", code="invalid_input", field="checked_on")
    earliest = today - timedelta(days=RECORD_WITHIN_DAYS)
    if not earliest <= checked_on <= today:
        raise ServiceError(
            f"抽查日期须在 {earliest.isoformat()} 至 {today.isoformat()} 之间（不能晚于今天）。",
            code="invalid_input",
            field="checked_on",
        )
    with _unit_of_work():
        case = _load(user, case_id)
        decision = permissions.can_spot_check(user, case)
        if not decision:
            raise Refused(decision)
        check = SpotCheck(
            case=case,
            bureau_id=user.organisation_id,
            checked_by_id=user.id,
            checked_on=checked_on,
            outcome=outcome,
            findings=findings,
        )
        db.session.add(check)
        case.spot_check = True
        case.spot_checked_by_id = user.id
        case.spot_checked_at = clock.now()
        append_case_event(
            case,
            "spot_check",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            comment=f"抽查（{checked_on.isoformat()}）：{SPOT_CHECK_OUTCOMES[outcome]}。{findings}",
            rule_id="ARC-9.6",
        )
    return check
