"""The review panel beyond its members (ARC-10.4): the on-site review date (评审日期) and each member's
conflict-of-interest declaration (回避声明), recorded and audited. Members are chosen in `panel.set_panel`."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.services.audit import append_case_event
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.grading.models import (
    Case,
    PanelMember,
)
from webapp.grading.services import permissions
from webapp.grading.services.case_facts import (
    assignment_for,
    ruleset_for,
)
from webapp.grading.services.cases import _check_version, _load, _today, _unit_of_work
from webapp.grading.services.errors import Refused
from webapp.grading.services.permissions import Decision
from workflow import calendar

#: Domain refusals about a value the person typed (not about the case): 400 with the field to show it beside.

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


def set_panel(
    user: User,
    case_id: int,
    usernames: list[str],
    *,
    lead: str | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Form the review panel (organizer): reviewers with the ``reviewer`` role, none from the applicant organ,
    size within the case's range (ARC-10.4.2–10.4.4); the lead (default the first) concludes the review.
    ``expected_version``, when given, must be the case's current version (409 ``stale`` otherwise)."""
    today = _today(today)
    names = [name.strip() for name in usernames if isinstance(name, str) and name.strip()]
    if len(set(names)) != len(names):
        raise ServiceError("评审组成员不能重复。", code="invalid_input", field="reviewers")
    with _unit_of_work():
        case = _load(user, case_id)
        _check_version(case, expected_version)
        decision = permissions.can_set_panel(user, case)
        if not decision:
            raise Refused(decision)
        ruleset = ruleset_for(case)
        asg = assignment_for(case, ruleset)
        low, high = asg.panel
        if not low <= len(names) <= high:
            refusal = ruleset.refusal(
                "panel_size_out_of_range", asg.panel_rule, f"评审组应为{low}–{high}人，实际{len(names)}人"
            )
            raise Refused(Decision.from_refusal(refusal))
        users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(names)))}
        missing = [name for name in names if name not in users]
        if missing:
            raise ServiceError(
                f"找不到评审专家：{'、'.join(missing)}", code="invalid_input", field="reviewers"
            )
        not_reviewers = [
            name for name in names if not users[name].active or not users[name].has_role(Role.REVIEWER)
        ]
        if not_reviewers:
            raise ServiceError(
                f"以下用户不是在岗的评审专家：{'、'.join(not_reviewers)}",
                code="invalid_input",
                field="reviewers",
            )
        conflicted = [
            users[name].display_name for name in names if permissions.reviewer_conflict(users[name], case)
        ]
        if conflicted:
            raise Refused(
                Decision(
                    False,
                    "reviewer_conflict",
                    f"评审专家不得来自申报单位（回避）：{'、'.join(conflicted)}",
                    "ARC-10.4.1",
                )
            )
        lead_name = lead or names[0]
        if lead_name not in names:
            raise ServiceError("评审组组长须是评审组成员。", code="invalid_input", field="lead")
        # a member who stays keeps their conflict-of-interest declaration (回避声明, services/panel.py)
        declared = {m.user_id: (m.declaration, m.declaration_note, m.declared_at) for m in case.panel}
        case.panel.clear()
        db.session.flush()
        for name in names:
            declaration, note, at = declared.get(users[name].id, (None, None, None))
            case.panel.append(
                PanelMember(
                    user_id=users[name].id,
                    is_lead=name == lead_name,
                    declaration=declaration,
                    declaration_note=note,
                    declared_at=at,
                )
            )
        db.session.flush()
        members = "、".join(
            users[name].display_name + ("（组长）" if name == lead_name else "") for name in names
        )
        append_case_event(
            case,
            "set_panel",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            comment=f"评审组{len(names)}人：{members}",
            rule_id=asg.panel_rule,
        )
    return case
