"""The one place that decides who may do what: role × jurisdiction × state. Deny by default.

Every view and API endpoint that touches a case asks here (directly or through the grading services);
nothing else in webapp/ compares organisation ids or role names to decide access.

- *Role × jurisdiction* → the case functions a user holds (``applicant``, ``forwarder``, ``planner``,
  ``prechecker``, ``organizer``, ``approver``, ``panel``): a bureau user (``bureau_staff``/``bureau_head``) holds
  a function when their organisation is the bureau resolved for it on the case; an organ user
  (``unit_applicant``/``unit_leader``) is the ``applicant`` of their own organ's cases; the panel lead holds
  ``panel``. Approval (``approver``) needs ``bureau_head``.
- *State* (and every other guard) is the domain's: ``workflow.grading.check``.
- Reading is wider than acting: bureaus above a case's bureaus may read it and mark a spot-check (ARC-9.6), and
  filing recipients (备案, ARC-9.3/9.5) may read it, but neither may act in the lower bureau's place.

Every question is a named function (`can_view`, `can_fire`, `can_conclude_review`, `can_upload`,
`can_set_panel`, `can_declare_interest`, `can_spot_check`, `can_handle_objection`, `can_download_letter`, …);
transitions are asked through `can_fire` with the event of the procedure's table. Asking never invents input:
without the panel's result `can_fire` asks the domain with ``asking=True``, and the result is checked when it is
really given. The score sheets' access is scoring's (``webapp.scoring.permissions``); `sheet_roles` hands it
what grading knows about the user on the case. The reviewer-conflict rule (回避, ARC-10.4.1) is written once,
here: `reviewer_conflict` (who may not sit on the panel) and `declared_no_conflict` (who may score).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from webapp.core import request_cache
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User
from webapp.core.services.organisations import subtree_bureau_ids
from webapp.grading.models import Attachment, Case, CaseFiling, PanelMember
from webapp.grading.services.case_facts import facts_for, ruleset_for
from webapp.grading.services.case_rows import CaseRecord
from webapp.scoring.permissions import SheetRoles
from workflow import grading
from workflow.errors import Refusal


@dataclass(frozen=True)
class Decision:
    """An answer with its reason: ``code`` is stable for the API, ``message`` Chinese for people (quoting the
    rule where one applies), ``rule`` the rule ID (e.g. ``ARC-10.3.2``)."""

    allowed: bool
    code: str = "ok"
    message: str = ""
    rule: str | None = None

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def from_refusal(cls, refusal: Refusal | None) -> Decision:
        if refusal is None:
            return ALLOWED
        return cls(False, refusal.code, refusal.message, refusal.rule)


ALLOWED = Decision(True)

#: Roles that make a user act for their organ (申报单位).
ORGAN_ROLES = (Role.UNIT_APPLICANT, Role.UNIT_LEADER)
#: Roles that make a user act for their bureau.
BUREAU_ROLES = (Role.BUREAU_STAFF, Role.BUREAU_HEAD)
#: Case columns naming the bureau that holds each function (approver needs a bureau head).
BUREAU_FUNCTION_COLUMNS: dict[str, str] = {
    "lodged_with": "lodged_with_id",
    "forwarder": "forwarder_id",
    "planner": "planner_id",
    "prechecker": "prechecker_id",
    "organizer": "organizer_id",
    "approver": "approver_id",
}
#: Attachment kinds each function may upload (ARC-10.1.4, ARC-10.5.1; ARC-10.2.2 for the pre-checker).
UPLOAD_KINDS: dict[str, tuple[str, ...]] = {
    "applicant": ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice", "other"),
    "prechecker": ("precheck_opinion", "other"),
}


def _states_up_to(event: str) -> frozenset[str]:
    """The source states of ``event`` and every state the procedure passes through before them."""
    return grading.PROCEDURE.states_up_to(event)


def _sources(event: str) -> frozenset[str]:
    return grading.PROCEDURE.sources(event)


#: States in which an applicant may still delete or replace the materials it uploaded: up to its acceptance
#: request, which lodges them with the bureau (CT-06, ARC-10.1.4: draft, applied, forwarded, planned), and while
#: its case is returned for completion, which it answers by lodging them again (CT-10, GAP-8: returned).
APPLICANT_CHANGE_STATES = _states_up_to("request_acceptance") | _sources("resubmit")
#: States in which the pre-checker may delete or replace its own written opinion: while it pre-checks (C5),
#: before it passes or returns the case (CT-08/09, ARC-10.2.1/10.2.2).
PRECHECKER_CHANGE_STATES = _sources("pass_precheck") | _sources("return_for_completion")
#: Rule each function's change window rests on (cited when refused, audited when done).
CHANGE_RULES = {"applicant": "ARC-10.1.4", "prechecker": "ARC-10.2.1"}
#: The state a case may be deleted in: never applied (CT-01 has not fired, ARC-10.1.1).
DELETABLE_STATES = _sources("apply")
#: States in which the organizer may (re)form the review panel (ARC-10.4).
PANEL_STATES = ("in_notice", "objection_review", "in_review")
#: The applicant fills its self-check under the plan, before requesting acceptance (ARC-10.1.4).
SELF_CHECK_STATES = ("planned", "returned")
#: Panel members score on site while the case is in review (ARC-10.4.5).
REVIEW_STATES = ("in_review",)
#: The review has a conclusion: the agreed sheet is shown to everyone who may see the case.
CONCLUDED_STATES = ("awaiting_approval", "approved", "rejected")


def _deny(message: str, rule: str | None = None, code: str = "forbidden") -> Decision:
    return Decision(False, code, message, rule)


def _is_organ_user(user: User) -> bool:
    return user.has_role(*ORGAN_ROLES) and user.organisation is not None and user.organisation.is_organ


def _is_bureau_user(user: User) -> bool:
    return user.has_role(*BUREAU_ROLES) and user.organisation is not None and user.organisation.is_bureau


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.active)


def organ_of(user: User) -> Organisation | None:
    """The organ (申报单位) ``user`` acts for, or None: who may apply and see the organ's own standing."""
    return user.organisation if _signed_in(user) and _is_organ_user(user) else None


def bureau_of(user: User) -> Organisation | None:
    """The bureau ``user`` acts for (staff or head), or None: whose worklist and summary they see."""
    return user.organisation if _signed_in(user) and _is_bureau_user(user) else None


def can_read_organ(user: User, organ: Organisation) -> bool:
    """An organ's grade: its own users and the bureaus in its chain (county → city → province). The auditor
    reads the audit trail only (三员分立, webapp/core/services/roles.py), not the procedures."""
    own = organ_of(user)
    if own is not None and own.id == organ.id:
        return True
    bureau = bureau_of(user)
    return bureau is not None and bureau.id in {b.id for b in organ.bureau_chain()}


def bureau_functions(org_id: int, case: Case | CaseRecord) -> frozenset[str]:
    """Functions a bureau holds in ``case`` (all of them, whoever of its staff acts)."""
    return frozenset(
        function
        for function, column in BUREAU_FUNCTION_COLUMNS.items()
        if getattr(case, column) is not None and getattr(case, column) == org_id
    )


def lower_bureau_ids(org: Organisation) -> set[int]:
    """Bureaus below ``org`` in the tree: one indexed lookup in the closure table (`subtree_bureau_ids`).

    A province has ~120 bureaus, so the set is small; it is remembered for the request (a case page asks for
    each of its actions). List queries use `below_ids` as a subquery instead and never fetch the ids."""
    return set(_lower_bureaus(org.id))


def _lower_bureaus(org_id: int) -> frozenset[int]:
    return request_cache.once(
        "lower_bureau_ids",
        org_id,
        lambda: frozenset(db.session.scalars(subtree_bureau_ids(org_id, strictly_below=True))),
    )


def _any_below(org_id: int, ids: Iterable[int | None]) -> bool:
    """Is any of ``ids`` (a case's few bureaus) strictly below ``org_id``? One read of the bureaus below per
    request, whichever ids are asked about; none when the ids are only ``org_id`` itself (a bureau is never below
    itself: the bureau that organises a case asking whether it may spot-check it, ARC-9.6)."""
    others = {i for i in ids if i is not None and i != org_id}
    return bool(others) and not _lower_bureaus(org_id).isdisjoint(others)


def case_functions(user: User, case: Case) -> frozenset[str]:
    """Case functions ``user`` holds in ``case`` (role × jurisdiction); empty for onlookers."""
    if not _signed_in(user):
        return frozenset()
    functions: set[str] = set()
    if _is_organ_user(user) and user.organisation_id == case.organ_id:
        functions.add("applicant")
    if _is_bureau_user(user):
        held = set(bureau_functions(user.organisation_id, case))
        if not user.has_role(Role.BUREAU_HEAD):
            held.discard("approver")  # ARC-10.5.2: approval is signed by the bureau's head
        functions |= held
    if user.has_role(Role.REVIEWER) and any(
        member.user_id == user.id and member.is_lead for member in case.panel
    ):
        functions.add("panel")
    return frozenset(functions)


def _bureaus_with_standing(case: Case) -> set[int]:
    """Bureaus holding a function or a filing in ``case``."""
    ids = {getattr(case, column) for column in BUREAU_FUNCTION_COLUMNS.values()}
    ids |= {filing.bureau_id for filing in case.filings}
    return {i for i in ids if i is not None}


def is_upper_bureau(user: User, case: Case) -> bool:
    """``user``'s bureau is above one of the case's bureaus (ARC-9.6: may read and spot-check, not act)."""
    if not _is_bureau_user(user):
        return False
    return _any_below(user.organisation_id, _bureaus_with_standing(case))


def can_view(user: User, case: Case) -> Decision:
    """Applicant organ users, bureaus holding a function or a filing, their upper bureaus, panel members."""
    if not _signed_in(user):
        return _deny("请先登录。", code="unauthorized")
    if case.deleted_at is not None:
        return _deny("案件不存在或您无权查看。", code="not_found")  # a deleted draft is gone for everyone
    if _is_organ_user(user) and user.organisation_id == case.organ_id:
        return ALLOWED
    if user.has_role(Role.REVIEWER) and any(member.user_id == user.id for member in case.panel):
        return ALLOWED
    # a draft is the organ's own until it applies
    if (
        case.state != "draft"
        and _is_bureau_user(user)
        and (user.organisation_id in _bureaus_with_standing(case) or is_upper_bureau(user, case))
    ):
        return ALLOWED
    return _deny("您无权查看该案件。")


def can_see_objector(user: User | None, case: Case) -> bool:
    """Who objected and how to reach them (姓名、联系方式): only the staff of the bureau that organises the
    case's evaluation, who verify objections (GAP-9). The public form promises the contact is not published;
    the applying unit, reviewers, upper and filing bureaus see reference, date, status and
    substance only. Not tied to the state: the organiser keeps the record after deciding."""
    if user is None or not _signed_in(user) or not _is_bureau_user(user):
        return False
    return case.organizer_id is not None and user.organisation_id == case.organizer_id


def _actor(functions: frozenset[str]) -> grading.Actor:
    return grading.Actor(functions)


def can_fire(
    user: User,
    case: Case,
    event: str,
    today: date,
    *,
    notice_start: date | None = None,
    opinion: str | None = None,
    total_score: float | Decimal | None = None,
    conclusion: str | None = None,
) -> Decision:
    """May ``user`` fire the transition ``event`` (an event of the procedure's table) now? Functions from
    `case_functions`, then the domain's transition → actor → guards.

    Input given with the event is checked: ``notice_start`` and ``opinion`` (pre-check), the panel's
    ``total_score`` or ``conclusion`` (``conclude_review``, checked as the facts the review records). Without the
    panel's result this only asks whether the review can be concluded (``asking=True``): the domain skips the
    check of that input — nothing is made up — and the caller checks the result when it is given.
    """
    if not can_view(user, case):
        return _deny("您无权查看该案件。")
    functions = case_functions(user, case)
    if not functions:
        label = grading.EVENT_LABELS.get(event, event)
        if is_upper_bureau(user, case):
            return _deny(f"上级档案局可查阅、抽查下级档案局组织的考评，但不能代为“{label}”", "ARC-9.6")
        return _deny(f"您在本案件中没有“{label}”的职权")
    ruleset = ruleset_for(case)
    facts = facts_for(case, ruleset)
    asking_review = event == "conclude_review" and total_score is None and conclusion is None
    if event == "conclude_review" and not asking_review:
        facts.total_score = float(total_score) if total_score is not None else None
        facts.conclusion = conclusion
    ctx: dict[str, Any] = {}
    if notice_start is not None:
        ctx["notice_start"] = notice_start
    if opinion is not None:
        ctx["opinion"] = opinion
    refusal = grading.check(
        facts,
        event,
        _actor(functions),
        today,
        ruleset,
        asking=asking_review,
        **ctx,
    )
    return Decision.from_refusal(refusal)


def can_conclude_review(
    user: User,
    case: Case,
    today: date,
    *,
    total_score: float | Decimal | None = None,
    conclusion: str | None = None,
) -> Decision:
    """The panel lead records the review's result (ARC-10.4.5): without the result, whether they may now."""
    return can_fire(user, case, "conclude_review", today, total_score=total_score, conclusion=conclusion)


def can_upload(user: User, case: Case, kind: str | None = None) -> Decision:
    """Attachments: the applicant its materials, the pre-checker its opinion (``kind`` one of them, or any)."""
    seen = can_view(user, case)
    if not seen:
        return seen
    return _upload_decision(_kinds_held(user, case), case, kind)


def upload_kinds(user: User, case: Case, kinds: Iterable[str]) -> list[str]:
    """Those of ``kinds`` that `can_upload` allows ``user`` to upload now, in their order: the case page's upload
    choices, with the user's standing in the case decided once rather than once per kind."""
    if not can_view(user, case):
        return []
    allowed = _kinds_held(user, case)
    return [kind for kind in kinds if _upload_decision(allowed, case, kind)]


def _kinds_held(user: User, case: Case) -> set[str]:
    return {k for function in case_functions(user, case) for k in UPLOAD_KINDS.get(function, ())}


def _upload_decision(allowed_kinds: set[str], case: Case, kind: str | None) -> Decision:
    if not allowed_kinds:
        return _deny("您在本案件中不能上传材料。")
    if kind is not None and kind not in allowed_kinds:
        return _deny("您不能上传该类材料。", "ARC-10.1.4")
    if case.state in grading.TERMINAL_STATES:
        return _deny("案件已办结，不能再上传材料。", code="case_closed")
    return ALLOWED


def can_set_panel(user: User, case: Case) -> Decision:
    """The organizer forms the review panel while the case is in notice / objection review / review (ARC-10.4)."""
    seen = can_view(user, case)
    if not seen:
        return seen
    if "organizer" not in case_functions(user, case):
        return _deny("评审组由组织考评的档案局组建（ARC-10.4.1）。", "ARC-10.4.1")
    if case.state not in PANEL_STATES:
        state = grading.STATE_LABELS.get(case.state, case.state)
        return _deny(f"案件当前状态为“{state}”，不能组建评审组。", "ARC-10.4.1", code="invalid_transition")
    return ALLOWED


def reviewer_conflict(reviewer: User, case: Case) -> bool:
    """回避 (ARC-10.4.1): a reviewer from the applying organ may not sit on its panel."""
    return reviewer.organisation_id == case.organ_id


def _seat(user: User, case: Case) -> PanelMember | None:
    return next((member for member in case.panel if member.user_id == user.id), None)


def declared_no_conflict(user: User, case: Case) -> bool:
    """回避声明 (ARC-10.4.1): a member scores only after declaring no conflict of interest."""
    seat = _seat(user, case)
    return seat is not None and seat.declaration == "none"


def must_declare(member: PanelMember | None, case: Case) -> bool:
    """A member of an open panel who has not declared yet: they declare before scoring."""
    return member is not None and member.declaration is None and case.state in PANEL_STATES


def can_declare_interest(user: User, case: Case) -> Decision:
    """A panel member makes their 回避声明 once, while the panel is open (ARC-10.4.1)."""
    seen = can_view(user, case)
    if not seen:
        return seen
    if _seat(user, case) is None:
        return _deny("您不是本案评审组成员。", "ARC-10.4.1")
    if case.state not in PANEL_STATES:
        return _deny("评审已结束，不能再作回避声明。", "ARC-10.4.1", code="invalid_transition")
    return ALLOWED


def can_spot_check(user: User, case: Case) -> Decision:
    """An upper bureau marks a case organised below it for a spot-check (ARC-9.6)."""
    seen = can_view(user, case)
    if not seen:
        return seen
    if (
        _is_bureau_user(user)
        and case.organizer_id is not None
        and _any_below(user.organisation_id, (case.organizer_id,))
    ):
        return ALLOWED
    return _deny("只有上级档案局可以抽查下级档案局组织的考评工作（ARC-9.6）。", "ARC-9.6")


def can_handle_objection(user: User, case: Case) -> Decision:
    """The organizer verifies objections while the case is in objection review (GAP-9)."""
    seen = can_view(user, case)
    if not seen:
        return seen
    if "organizer" not in case_functions(user, case):
        return _deny("异议由组织考评的档案局核实处理。", "GAP-9")
    if case.state != "objection_review":
        return _deny("案件当前没有待核实的异议。", "GAP-9", code="invalid_transition")
    return ALLOWED


def _approved(user: User, case: Case, rule: str) -> Decision:
    seen = can_view(user, case)
    if not seen:
        return seen
    if case.state != "approved":
        return _deny("案件批准后方可下载确认函和证书。", rule, code="not_approved")
    return ALLOWED


def can_download_letter(user: User, case: Case) -> Decision:
    """确认函, once approved (ARC-10.5.4)."""
    return _approved(user, case, "ARC-10.5.4")


def can_download_certificate(user: User, case: Case) -> Decision:
    """证书, once approved (ARC-10.5.5)."""
    return _approved(user, case, "ARC-10.5.5")


def sheet_roles(user: User, case: Case) -> SheetRoles:
    """What scoring needs to decide sheet access: the user's standing on ``case`` and which sheets its state
    opens. A panel seat counts only while the user still holds the reviewer role; the lead is the one
    `case_functions` names ("panel"), never a stale ``is_lead`` flag on its own."""
    if not can_view(user, case):
        return SheetRoles()
    functions = case_functions(user, case)
    member = user.has_role(Role.REVIEWER) and _seat(user, case) is not None
    return SheetRoles(
        visible=True,
        applicant="applicant" in functions,
        member=member,
        lead=member and "panel" in functions,
        declared=member and declared_no_conflict(user, case),
        overseer=bool(functions - {"applicant", "panel"}),
        self_check_open=case.state in SELF_CHECK_STATES,
        review_open=case.state in REVIEW_STATES,
        concluded=case.state in CONCLUDED_STATES,
    )


def _cite(case: Case, rule: str, detail: str) -> str:
    try:
        return ruleset_for(case).cite(rule, detail)
    except KeyError:  # a ruleset without the rule's text: say what is wrong without the quote
        return f"{detail}（{rule}）"


def can_change_attachment(user: User, case: Case, attachment: Attachment) -> Decision:
    """May ``user`` delete or replace ``attachment`` now? Only a function that may upload its kind, only what
    its own organisation uploaded, and only while that function's step allows it: the applicant up to its
    acceptance request and while returned for completion (`APPLICANT_CHANGE_STATES`, ARC-10.1.4 / GAP-8), the
    pre-checker its opinion while pre-checking (`PRECHECKER_CHANGE_STATES`, ARC-10.2.1). ``rule`` of an allowed
    decision is the rule the change rests on (for the audit row)."""
    seen = can_view(user, case)
    if not seen:
        return seen
    if attachment.case_id != case.id:
        return _deny("材料不存在或您无权查看。", code="not_found")
    functions = case_functions(user, case)
    owners = {"applicant": case.organ_id, "prechecker": case.prechecker_id}
    uploader = attachment.uploaded_by.organisation_id if attachment.uploaded_by is not None else None
    mine = [
        function
        for function in ("applicant", "prechecker")
        if function in functions
        and attachment.kind in UPLOAD_KINDS[function]
        and uploader is not None
        and uploader == owners[function]
    ]
    if not mine:
        return _deny("只能删除或替换本单位上传的材料。")
    state = grading.STATE_LABELS.get(case.state, case.state)
    for function in mine:
        states = APPLICANT_CHANGE_STATES if function == "applicant" else PRECHECKER_CHANGE_STATES
        if case.state in states:
            rule = "GAP-8" if function == "applicant" and case.state == "returned" else CHANGE_RULES[function]
            return Decision(True, rule=rule)
    if "applicant" in mine:
        rule = CHANGE_RULES["applicant"]
        detail = f"案件当前为“{state}”：提出验收申请后材料已报送档案局，不能删除或替换；退回补充时可以修改"
    else:
        rule = CHANGE_RULES["prechecker"]
        detail = f"案件当前为“{state}”：预检意见只能在预检中删除或替换"
    return _deny(_cite(case, rule, detail), rule, code="attachment_locked")


def can_delete_case(user: User, case: Case) -> Decision:
    """May ``user`` delete ``case``? Only the applicant organ's own users, and only a draft that was never
    applied for (`DELETABLE_STATES`): once applied, the application is the bureau's record (ARC-10.1.1) and
    the unit withdraws it instead."""
    seen = can_view(user, case)
    if not seen:
        return seen
    if "applicant" not in case_functions(user, case):
        return _deny("只有申报单位可以删除本单位的申报草稿。")
    if case.state not in DELETABLE_STATES:
        state = grading.STATE_LABELS.get(case.state, case.state)
        detail = f"案件当前为“{state}”，已提出申报，不能删除；如不再申报，可以撤回"
        return _deny(_cite(case, "ARC-10.1.1", detail), "ARC-10.1.1", code="not_a_draft")
    return Decision(True, rule="ARC-10.1.1")


@lru_cache(maxsize=1024)
def standing_within(org_id: int) -> sa.ColumnElement[bool]:
    """SQL: the case has a bureau (a function or a filing) that is ``org_id`` or below it — the bureau side of
    `can_view`, written against the closure table so the database never receives a list of ids (built once per
    bureau, as `subtree_bureau_ids` says why)."""
    bureaus = subtree_bureau_ids(org_id)
    standing = [getattr(Case, column).in_(bureaus) for column in BUREAU_FUNCTION_COLUMNS.values()]
    standing.append(Case.id.in_(sa.select(CaseFiling.case_id).where(CaseFiling.bureau_id.in_(bureaus))))
    return sa.or_(*standing)


def visible_cases(user: User) -> sa.Select[tuple[Case]]:
    """A SELECT of the cases ``user`` may read (for lists and the API); same rule as `can_view`."""
    query = sa.select(Case).where(Case.deleted_at.is_(None))
    if not _signed_in(user):
        return query.where(sa.false())
    conditions: list[sa.ColumnElement[bool]] = []
    if _is_organ_user(user):
        conditions.append(Case.organ_id == user.organisation_id)
    if user.has_role(Role.REVIEWER):
        conditions.append(Case.id.in_(sa.select(PanelMember.case_id).where(PanelMember.user_id == user.id)))
    if _is_bureau_user(user):
        conditions.append(sa.and_(Case.state != "draft", standing_within(user.organisation_id)))
    if not conditions:
        return query.where(sa.false())
    return query.where(sa.or_(*conditions))
