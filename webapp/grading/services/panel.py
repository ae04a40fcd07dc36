"""The review panel beyond its members (ARC-10.4): the on-site review date (评审日期) and each member's
conflict-of-interest declaration (回避声明), recorded and audited. Members are chosen in `cases.set_panel`."""

from __future__ import annotations

from datetime import date, timedelta

from webapp.core import clock
from webapp.core.models import User
from webapp.core.services import Conflict, NotFound, ServiceError
from webapp.core.services.audit import append_case_event
from webapp.grading.models import Case, PanelMember
from webapp.grading.services import permissions
from webapp.grading.services.case_facts import ruleset_for
from webapp.grading.services.cases import Refused, _load, _unit_of_work
from workflow import calendar

#: what a member affirms by ticking the box; recorded word for word with the declaration
NO_CONFLICT_STATEMENT = (
    "本人与申报单位不存在亲属、隶属、经济利益等利害关系，也没有其他可能影响评审公正的情形，"
    "承诺客观公正评审。如出现上述情形，本人将主动申请回避。"
)
STATEMENT_MAX = 1000
DECLARATION_LABELS = {None: "未声明", "none": "无利害关系", "conflict": "申请回避"}


def review_date_range(case: Case, today: date) -> tuple[date, date]:
    """Earliest and latest review day the organizer may set: within the ruleset's window around today, and not
    before the notice may close (the review follows the notice, ARC-10.3.2)."""
    rules = ruleset_for(case)
    low = today - timedelta(days=rules.deadlines.review_date_past_days)
    high = today + timedelta(days=rules.deadlines.review_date_ahead_days)
    if case.notice_start is not None:
        low = max(low, calendar.notice_may_close_on(rules, case.notice_start))
    return low, high


def set_review_date(user: User, case_id: int, review_date: date | None, *, today: date | None = None) -> Case:
    """The organizer sets (or moves) the panel's on-site review day; every member sees it in /review/."""
    today = today or clock.today()
    with _unit_of_work():
        case = _load(user, case_id)
        decision = permissions.can_set_panel(user, case)
        if not decision:
            raise Refused(decision)
        if review_date is None:
            raise ServiceError("请填写评审日期。", code="invalid_input", field="review_date")
        low, high = review_date_range(case, today)
        if not low <= review_date <= high:
            raise ServiceError(
                f"评审日期须在 {low.isoformat()} 至 {high.isoformat()} 之间（公示期满后方可评审）。",
                code="invalid_input",
                field="review_date",
            )
        if case.review_date == review_date:
            return case
        previous = case.review_date
        case.review_date = review_date
        append_case_event(
            case,
            "set_review_date",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            comment=f"评审日期：{review_date.isoformat()}"
            + (f"（原定 {previous.isoformat()}）" if previous else ""),
            rule_id="ARC-10.4.1",
        )
    return case


def _member(case: Case, user: User) -> PanelMember:
    member = next((m for m in case.panel if m.user_id == user.id), None)
    if member is None:
        raise NotFound("您不是该案件评审组的成员。")
    return member


def declare(
    user: User,
    case_id: int,
    *,
    conflict: bool,
    confirmed: bool = False,
    reason: str = "",
    today: date | None = None,
) -> PanelMember:
    """A panel member's 回避声明: no conflict (``confirmed`` ticks the statement) or a conflict with its reason.

    Once made it stands (it is evidence); a member who declares a conflict is flagged to the organizer, who
    replaces them on the panel page. Scoring needs a no-conflict declaration first (`permissions.declared_no_conflict`).
    """
    today = today or clock.today()
    reason = (reason or "").strip()
    with _unit_of_work():
        case = _load(user, case_id)
        member = _member(case, user)
        decision = permissions.can_declare_interest(user, case)
        if not decision:
            raise Refused(decision)
        if member.declaration is not None:
            raise Conflict(f"您已于本案作出回避声明（{DECLARATION_LABELS[member.declaration]}），不能更改。")
        if conflict:
            if not reason:
                raise ServiceError("请说明需要回避的情形。", code="invalid_input", field="reason")
            if len(reason) > STATEMENT_MAX:
                raise ServiceError(f"说明不能超过{STATEMENT_MAX}字。", code="invalid_input", field="reason")
            member.declaration, member.declaration_note = "conflict", reason
            comment = f"{user.display_name}申请回避：{reason}"
        else:
            if not confirmed:
                raise ServiceError("请勾选确认无利害关系声明。", code="invalid_input", field="confirmed")
            member.declaration, member.declaration_note = "none", NO_CONFLICT_STATEMENT
            comment = f"{user.display_name}声明与申报单位无利害关系"
        member.declared_at = clock.now()
        append_case_event(
            case,
            "declare_interest",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            comment=comment,
            rule_id="ARC-10.4.1",
        )
    return member
