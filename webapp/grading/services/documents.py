"""PDF documents of a case, rendered by ``webapp/grading/documents`` after the permission check.

Each function imports its renderer when it is called: the renderers load ReportLab, which starting the app does
not pay for (docs/architecture.md, "Documents").

- `confirmation_letter`: 确认函 from the approving bureau (ARC-10.5.4), once approved
- `certificate`: 等级证书 / 复查合格证书 issued by the provincial bureau (ARC-10.5.5, ARC-11.4), once approved
- `review_conclusion`: 评审结论 of the panel (ARC-10.4.5), once the review is concluded
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.grading.models import Case, Grade
from webapp.grading.services import permissions
from webapp.grading.services.case_facts import ruleset_for
from webapp.grading.services.cases import get_case
from webapp.grading.services.errors import Refused
from webapp.grading.services.permissions import Decision


def _load(user: User, case_id: int, may: Callable[[User, Case], Decision]) -> Case:

    case = get_case(user, case_id)  # NotFound for cases the user may not see
    decision = may(user, case)
    if not decision:
        raise Refused(decision)
    return case


def _granted(case: Case) -> Grade:

    grade = db.session.scalar(sa.select(Grade).where(Grade.case_id == case.id))
    if grade is None:
        raise Refused(Decision(False, "not_approved", "该案件尚未形成等级证书。", "ARC-10.5.5"))
    return grade


def _event_day(case: Case, *events: str) -> date | None:
    row = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.about("case", case.id), AuditEvent.event.in_(events))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    local = clock.local(row.at) if row is not None else None
    return local.date() if local is not None else None


def _province_name(case: Case) -> str:
    """The top bureau of the organ's chain, or the ruleset's name for it when the tree has none."""
    chain = case.organ.bureau_chain()
    return chain[-1].name if chain else ruleset_for(case).documents.province_bureau


def confirmation_letter(user: User, case_id: int) -> bytes:
    case = _load(user, case_id, permissions.can_download_letter)
    grade = _granted(case)
    issued_on = case.decided_on or grade.valid_from
    filed = [filing.bureau.name for filing in case.filings]
    from webapp.grading.documents.letters import LetterData, confirmation_letter_pdf

    data = LetterData(
        bureau_name=case.approver.name if case.approver else "",
        document_number=case.letter_no or "",
        organ_name=case.organ.name,
        ruleset=ruleset_for(case),
        level=case.level,
        kind=case.kind,
        passed_on=_event_day(case, "conclude_review") or issued_on,
        valid_from=grade.valid_from,
        valid_until=grade.valid_to,
        issued_on=issued_on,
        review_score=case.total_score,
        filed_with=filed[0] if filed else None,
        copy_to=tuple(filed[1:]),
        certificate_issuer=_province_name(case),
    )
    return confirmation_letter_pdf(data)


def certificate(user: User, case_id: int) -> bytes:
    case = _load(user, case_id, permissions.can_download_certificate)
    grade = _granted(case)
    issuer = _province_name(case)
    approver = case.approver.name if case.approver else None
    from webapp.grading.documents.certificates import CertificateData, certificate_pdf

    data = CertificateData(
        organ_name=case.organ.name,
        ruleset=ruleset_for(case),
        level=case.level,
        kind=case.kind,
        certificate_number=grade.certificate_no or case.certificate_no or "",
        valid_from=grade.valid_from,
        valid_until=grade.valid_to,
        issued_on=case.decided_on or grade.valid_from,
        issuer=issuer,
        approved_by=approver if approver != issuer else None,
    )
    return certificate_pdf(data)


def review_conclusion(user: User, case_id: int) -> bytes:
    """The panel's conclusion (total or pass/fail); item-by-item sections come with the score sheets."""

    case = get_case(user, case_id)
    if case.total_score is None and case.conclusion is None:
        raise Refused(Decision(False, "review_result_missing", "评审组尚未形成评审结论。", "ARC-10.4.5"))
    level = ruleset_for(case).level(case.level)
    panel = sorted(case.panel, key=lambda member: (not member.is_lead, member.id))
    reviewed_on = _event_day(case, "conclude_review") or clock.today()
    passed = None
    if case.total_score is None:
        passed = case.conclusion == "pass"
    from webapp.grading.documents.review import PanelMember, ReviewData, review_conclusion_pdf

    data = ReviewData(
        organ_name=case.organ.name,
        ruleset=ruleset_for(case),
        level=case.level,
        kind=case.kind,
        organizer=case.organizer.name if case.organizer else "",
        reviewed_on=reviewed_on,
        sections=(),
        panel=[
            PanelMember(
                member.user.display_name,
                "组长" if member.is_lead else "成员",
                member.user.organisation.name if member.user.organisation else "",
            )
            for member in panel
        ],
        pass_line=level.pass_line,
        total=case.total_score,
        passed=passed,
    )
    return review_conclusion_pdf(data)
