"""The case page's read model: facts, the actions this user may take now (and the blocked ones with their
reason), attachments, objections, the timeline, the sheets and the procedure diagram. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Organisation, Role, User, acting
from webapp.core.services.audit import ChainCheck, check_rows, trail_of
from webapp.core.services.diagram import procedure_svg
from webapp.core.services.errors import NotFound
from webapp.grading.models import Attachment, Case, PanelMember, SpotCheck
from webapp.grading.services import permissions
from webapp.grading.services.case_facts import (
    StoredFacts,
    facts_for,
    ruleset_for,
    stored_from,
    with_stored_facts,
)
from webapp.grading.services.cases import _today
from webapp.grading.services.objections import ObjectionView, objections_of
from webapp.scoring.permissions import sheet_access
from workflow import calendar, grading

#: Domain refusals about a value the person typed (not about the case): 400 with the field to show it beside.


@dataclass(frozen=True)
class Action:
    """One button on the case page: an event this user could fire now, or one shown disabled with why."""

    event: str
    label: str
    allowed: bool
    #: refusal reason (Chinese, quoting the rule) when not allowed
    reason: str = ""
    rule: str | None = None


@dataclass(frozen=True)
class BasisDocument:
    """One of the five approval basis documents (ARC-10.5.1) and whether the case has it."""

    id: str
    name: str
    present: bool


@dataclass
class CaseView:
    """Everything the case page and the API detail show, computed once per request."""

    case: Case
    #: case functions the viewer holds (empty for onlookers such as upper bureaus)
    functions: frozenset[str]
    actions: list[Action]
    timeline: list[AuditEvent]
    attachments: list[Attachment]
    #: as this viewer may see them: who objected only for the organising bureau (`permissions.can_see_objector`)
    objections: list[ObjectionView]
    basis_documents: list[BasisDocument]
    #: notice facts when a notice was published: start, last day, may close on, elapsed
    notice: dict[str, Any] | None
    #: the procedure as inline SVG with the current state highlighted (drawn on the server, cached per state)
    diagram: Markup
    #: what the viewer may do besides events: {"upload": [...kinds], "set_panel": bool, "spot_check": bool, ...}
    abilities: dict[str, Any] = field(default_factory=dict)
    read_only_reason: str = ""
    #: the check of the case's audit trail (chain, key, current state), for the bureau heads and the auditor; None
    #: for others
    chain: ChainCheck | None = None
    #: every organisation the page names (bureaus, filings, spot checks, the panel's), loaded in one statement
    organisations: list[Organisation] = field(default_factory=list)


def notice_facts(case: Case, today: date) -> dict[str, Any] | None:
    """Start, last day, first closing day and progress of the case's notice (ARC-10.3.2, GAP-10)."""
    if case.notice_start is None:
        return None
    ruleset = ruleset_for(case)
    last_day = calendar.notice_last_day(ruleset, case.notice_start)
    may_close = calendar.notice_may_close_on(ruleset, case.notice_start)
    return {
        "start": case.notice_start,
        "last_day": last_day,
        "may_close_on": may_close,
        "elapsed": today >= may_close,
        "days_elapsed": max(
            0, min((today - case.notice_start).days + 1, (last_day - case.notice_start).days + 1)
        ),
        "days": (last_day - case.notice_start).days + 1,
        "closed_on": case.notice_closed_on,
    }


def _actions(case: Case, functions: frozenset[str], today: date, facts: grading.CaseFacts) -> list[Action]:
    if not functions:
        return []
    ruleset = ruleset_for(case)
    actor = grading.Actor(functions)
    actions = []
    for event in grading.EVENTS:
        if event == "object":
            continue  # objections come from the public notice page
        # only asking: the panel's result is input the lead gives with the conclusion, not made up here
        refusal = grading.check(facts, event, actor, today, ruleset, asking=True)
        if refusal is None:
            actions.append(Action(event, grading.EVENT_LABELS[event], True))
        elif refusal.code not in ("invalid_transition", "forbidden"):
            actions.append(Action(event, grading.EVENT_LABELS[event], False, refusal.message, refusal.rule))
    return actions


def _read_only_reason(user: User, case: Case, functions: frozenset[str]) -> str:
    if functions:
        return ""
    if any(member.user_id == user.id for member in case.panel):
        return "您是评审组成员；评审结论由评审组组长录入。"
    if permissions.is_upper_bureau(user, case):
        return "上级档案局可查阅、抽查下级档案局组织的考评，但不能代为办理（ARC-9.6）。"
    if any(filing.bureau_id == user.organisation_id for filing in case.filings):
        return "本局为备案机关，只能查阅（ARC-9.3、ARC-9.5）。"
    return "您只能查阅本案件。"


def basis_documents(case: Case, facts: grading.CaseFacts | None = None) -> list[BasisDocument]:
    """The five approval basis documents (ARC-10.5.1) and whether the case has each."""
    ruleset = ruleset_for(case)
    facts = facts or facts_for(case, ruleset)
    review = grading.review_result_recorded(facts, grading.Actor(frozenset()), clock.today(), ruleset) is None
    fact_values = {"review_result": review, "notice_closed": case.notice_closed_on is not None}
    return [
        BasisDocument(
            document.id,
            document.name,
            all(kind in facts.attachments for kind in document.attachments)
            and all(fact_values[fact] for fact in document.facts),
        )
        for document in ruleset.basis_documents
    ]


#: audit rows of score sheets on the case's trail (written by scoring when a sheet is submitted or reopened)
SHEET_EVENTS = frozenset({"sheet_submitted", "sheet_reopened"})


#: the case row with what its page shows, joined in one statement (issue 12: two statements fewer than a SELECT
#: each for the panel and the spot checks). The joined rows are filings × panel × spot checks (× the organ's
#: security incidents, `with_stored_facts`): at most 3 × 9 × a few in practice; a case spot-checked 30 times with
#: a panel of 9 reads 540 narrow rows, still one statement.
PAGE_LOADS = (
    joinedload(Case.organ),
    joinedload(Case.filings),
    joinedload(Case.panel).joinedload(PanelMember.user),
    joinedload(Case.spot_checks).joinedload(SpotCheck.checked_by),
)


@cache
def _page_query() -> sa.Select[Any]:
    """The statement of `_load_for_page`'s case, built once (built for each page it cost ~0.4 ms of the page's ~8)
    and bound to a case by the ``case_id`` parameter."""
    return with_stored_facts(sa.select(Case).where(Case.id == sa.bindparam("case_id")).options(*PAGE_LOADS))


#: the organisations a case page names, and the case's attachments with who uploaded each, built once: a SELECT
#: built at each page costs its building and its cache key (~0.15 ms each)
_NAMED_ORGANISATIONS = sa.select(Organisation).where(Organisation.id.in_(sa.bindparam("ids", expanding=True)))
_ATTACHMENTS = (
    sa.select(Attachment)
    .where(Attachment.case_id == sa.bindparam("case_id"))
    .options(joinedload(Attachment.uploaded_by))
    .order_by(Attachment.id)
)


def _load_for_page(user: User, case_id: int) -> tuple[Case, list[Organisation], StoredFacts]:
    """The case with what its page shows, in a fixed handful of statements whatever the case holds: the case row
    with its organ, filings, panel and members, spot checks and who checked, and the guards' facts from other
    rows (`with_stored_facts`) in one statement; then (once it is known the user may see the case) every
    organisation the page names in one statement, so ``case.organizer``, ``filing.bureau``,
    ``member.user.organisation`` … come from the session, not a statement each. NotFound when ``user`` may not
    see it (no existence leak)."""
    rows = db.session.execute(_page_query(), {"case_id": case_id}).unique().all()
    case = rows[0][0] if rows else None
    if case is None or not permissions.can_view(user, case):
        raise NotFound("案件不存在或您无权查看。")
    stored = stored_from(rows, start=1)
    named = {
        case.lodged_with_id,
        case.planner_id,
        case.prechecker_id,
        case.organizer_id,
        case.approver_id,
        case.forwarder_id,
        case.summary_to_id,
        *(filing.bureau_id for filing in case.filings),
        *(check.bureau_id for check in case.spot_checks),
        *(member.user.organisation_id for member in case.panel),
    } - {None}
    # held by the view: the session's identity map keeps rows only while something refers to them
    organisations = list(db.session.scalars(_NAMED_ORGANISATIONS, {"ids": sorted(named)}))
    return case, organisations, stored


#: who is told on the case page that its audit trail does not verify
CHAIN_READERS = (Role.BUREAU_HEAD, Role.AUDITOR)


def case_view(user: User, case_id: int, *, today: date | None = None) -> CaseView:
    """The case page's data; raises NotFound when ``user`` may not see the case (no existence leak)."""
    user, today = acting(user), _today(today)
    case, organisations, stored = _load_for_page(user, case_id)
    functions = permissions.case_functions(user, case)
    timeline = trail_of("case", case.id)
    # the trail is loaded anyway: checking it costs no statement (docs/operations.md: the page reports a break)
    chain = check_rows(timeline, current_state=case.state) if user.has_role(*CHAIN_READERS) else None
    if not sheet_access(permissions.sheet_roles(user, case)).read_reviews:
        # who submitted a reviewer's or the agreed sheet (and its total) is for those who may read those sheets
        timeline = [row for row in timeline if row.event not in SHEET_EVENTS or row.rule_id == "ARC-10.1.4"]
    attachments = list(db.session.scalars(_ATTACHMENTS, {"case_id": case.id}))
    objections = objections_of(user, case)
    facts = facts_for(case, ruleset_for(case), attachments=attachments, stored=stored)
    abilities: dict[str, Any] = {
        "upload": permissions.upload_kinds(user, case, case.ruleset.attachment_names)
    }
    # ids of the attachments the viewer may delete or replace now, and whether it may delete the draft
    abilities["change_attachments"] = [
        a.id for a in attachments if permissions.can_change_attachment(user, case, a)
    ]
    abilities["delete_case"] = bool(permissions.can_delete_case(user, case))
    abilities["set_panel"] = bool(permissions.can_set_panel(user, case))
    abilities["spot_check"] = bool(permissions.can_spot_check(user, case))
    abilities["handle_objection"] = bool(permissions.can_handle_objection(user, case))
    abilities["download_letter"] = bool(permissions.can_download_letter(user, case))
    abilities["download_certificate"] = bool(permissions.can_download_certificate(user, case))
    return CaseView(
        case=case,
        functions=functions,
        actions=_actions(case, functions, today, facts),
        timeline=timeline,
        attachments=attachments,
        objections=objections,
        basis_documents=basis_documents(case, facts),
        notice=notice_facts(case, today),
        diagram=procedure_svg(grading.PROCEDURE, case.state),
        abilities=abilities,
        read_only_reason=_read_only_reason(user, case, functions),
        chain=chain,
        organisations=organisations,
    )
