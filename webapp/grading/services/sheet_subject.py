"""Grading's score sheets: the case as the sheets' subject, who reads and fills which sheet when, and the
printable review conclusion (评审结论) from the agreed sheet.

- The applicant fills the self-check (自查评分 with 扣分原因) while the case is planned or returned, before it
  requests acceptance; a submitted self-check counts as the 自查评分表 the request needs (ARC-10.1.4).
- Each panel member fills their own sheet while the case is in review, after declaring no conflict of interest
  (ARC-10.4.5 step 3: 「逐项评议(评分)」); the lead keeps the agreed sheet (GAP-12).
- Reading: the bureaus holding a function in the case and the panel read every sheet; the applicant reads its
  self-check, and everyone who may see the case reads the agreed sheet once the review is concluded.

The sheet code (`webapp.scoring.services.scoresheets`) knows none of this: `GradingSheets` hands it over.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.services.audit import append_case_event
from webapp.grading.models import Case
from webapp.grading.services import permissions
from webapp.scoring.models import CASE_SUBJECT, ScoreSheet, SheetKind
from webapp.scoring.permissions import SheetAccess, sheet_access
from webapp.scoring.services.schemes import active_scheme_for, get_scheme
from webapp.scoring.services.scoresheets.agreed import (
    ReviewOutcome,
    agreed_result,
    plain_reason,
    review_outcome,
)
from webapp.scoring.services.scoresheets.errors import SheetRefused
from webapp.scoring.services.scoresheets.exports import filename
from webapp.scoring.services.scoresheets.store import find, scheme_of
from webapp.scoring.services.scoresheets.subject import (
    Closed,
    PanelSeat,
    SheetSubject,
    SheetWords,
    SubjectPage,
    visible_subject,
)
from workflow.scoring.scheme import Scheme

#: The applicant fills its self-check under the plan, before requesting acceptance (ARC-10.1.4).
SELF_CHECK_STATES = ("planned", "returned")
#: Panel members score on site while the case is in review (ARC-10.4.5).
REVIEW_STATES = ("in_review",)
#: The review has a conclusion: the agreed sheet is shown to everyone who may see the case.
CONCLUDED_STATES = ("awaiting_approval", "approved", "rejected")
#: Rule cited when the review conclusion comes from the sheet.
REVIEW_RULE = "ARC-10.4.5"


def access(user: User, case: Case) -> SheetAccess:
    """What ``user`` may do with the case's sheets: grading says who the user is on the case
    (`permissions.sheet_roles`), scoring's `sheet_access` says what follows for the sheets."""
    return sheet_access(permissions.sheet_roles(user, case))


def scheme_for_case(case: Case) -> Scheme | None:
    """The scheme version the case records (or, for a case opened before it recorded one, the active one)."""
    if case.scheme_id and case.scheme_version:
        return get_scheme(case.scheme_id, case.scheme_version)
    ref = active_scheme_for(case.ruleset_id)
    return get_scheme(*ref) if ref else None


def pin_scheme(case: Case) -> Scheme | None:
    """Record the active scheme on a case that has none yet (inside the caller's transaction, no commit)."""
    if case.scheme_id and case.scheme_version:
        return get_scheme(case.scheme_id, case.scheme_version)
    ref = active_scheme_for(case.ruleset_id)
    if ref is None:
        return None
    case.scheme_id, case.scheme_version = ref
    return get_scheme(*ref)


def paper_review_allowed(case: Case) -> bool:
    """The ruleset lets the panel record a total scored on paper (`procedure.allow_paper_review`)."""
    return load_ruleset(case.ruleset_id).procedure.allow_paper_review


def sheet_subject(case: Case) -> SheetSubject:
    """The case as its score sheets see it."""
    ruleset = load_ruleset(case.ruleset_id)
    line = ruleset.level(case.level).pass_line
    state = f"案件当前为「{case.state_label}」。"
    review = Closed(f"评审评分在评审阶段填写（ARC-10.4.5），{state}", REVIEW_RULE)
    return SheetSubject(
        id=case.id,
        type=CASE_SUBJECT,
        record=case,
        title=f"{case.organ.name}-{case.level_label}{case.kind_label}",
        level=case.level,
        level_label=case.level_label,
        scheme=scheme_for_case(case),
        closed={
            SheetKind.SELF: Closed(
                f"自查评分在下达考评计划后、提出验收申请前填写（ARC-10.1.4），{state}", "ARC-10.1.4"
            ),
            SheetKind.REVIEWER: review,
            SheetKind.AGREED: review,
        },
        not_scored_message=f"{case.level_label}不采用打分方式，由评审组作出达标结论（依据第六条）。",
        panel=tuple(
            PanelSeat(pm.user_id, pm.user.display_name, pm.user.organisation.name, pm.is_lead)
            for pm in sorted(case.panel, key=lambda p: (not p.is_lead, p.id))
        ),
        pass_line=Decimal(str(line)) if line is not None else None,
        paper_review=ruleset.procedure.allow_paper_review,
        page=SubjectPage("cases.show", {"case_id": case.id}),
        name=case.organ.name,
        summary=f"{case.organ.name} · {case.level_label}{case.kind_label} · {case.state_label}",
        words=WORDS,
    )


#: grading's words on its sheets (the sheet code's defaults): 案件, 申报单位 / 评审组成员 / 评审组组长
WORDS = SheetWords()


class GradingSheets:
    """The `SheetProcedure` of grading: a sheet's subject is a case (subject type "case")."""

    words = WORDS

    def subject(self, subject_id: int) -> SheetSubject | None:
        case = db.session.get(Case, subject_id)
        return sheet_subject(case) if case is not None else None

    def access(self, user: User, subject: SheetSubject) -> SheetAccess:
        return access(user, subject.record)

    def pin_scheme(self, subject: SheetSubject) -> Scheme | None:
        return pin_scheme(subject.record)

    def scheme_users(self) -> dict[tuple[str, str], int]:
        grouped = sa.select(Case.scheme_id, Case.scheme_version, sa.func.count(Case.id)).group_by(
            Case.scheme_id, Case.scheme_version
        )
        return {(scheme_id, version): n for scheme_id, version, n in db.session.execute(grouped) if scheme_id}

    def record(self, subject: SheetSubject, sheet: ScoreSheet, event: str, actor: User, comment: str) -> None:
        case = subject.record
        rule = "ARC-10.1.4" if sheet.kind == SheetKind.SELF else REVIEW_RULE
        append_case_event(
            case,
            event,
            actor=actor,
            from_state=case.state,
            to_state=case.state,
            comment=comment,
            rule_id=rule,
        )


def review_outcome_of(case: Case) -> ReviewOutcome | None:
    """The conclusion the submitted agreed sheet gives the case (`agreed.review_outcome`)."""
    return review_outcome(sheet_subject(case))


def review_pdf(user: User, case_id: int, *, reviewed_on: date | None = None) -> tuple[str, bytes]:
    """The printable agreed sheet and review conclusion (评审结论, ARC-10.4.5) from the submitted agreed sheet."""
    # The renderer loads ReportLab: on first use, not at start-up (docs/architecture.md, "Documents")
    from webapp.grading.documents.review import PanelMember as PdfPanelMember
    from webapp.grading.documents.review import ReviewData, ReviewItem, ReviewSection, review_conclusion_pdf

    subject, acc = visible_subject(user, case_id)
    case: Case = subject.record
    if not acc.read_agreed:
        raise SheetRefused("评审结论在评审结束后公开；您现在无权查看合议评分表。")
    sheet = find(subject.ref, SheetKind.AGREED)
    result = agreed_result(subject)
    if sheet is None or result is None:
        raise SheetRefused(
            "评审组合议评分表尚未提交。", status=409, code="agreed_sheet_missing", rule=REVIEW_RULE
        )
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    entries = sheet.entries
    sections = []
    for section in scheme.sections:
        if not section.applies_to(level):
            continue
        rows = []
        for position, item in enumerate((i for i in section.items if i.applies_to(level)), 1):
            number = item.no or str(position)  # as the table numbers it; never an internal code
            leaves = [(p, f"{number}（{p.no or n}）") for n, p in enumerate(item.parts, 1)] or [
                (item, number)
            ]
            for leaf, leaf_number in leaves:
                scored = result.item(leaf.id)
                reason = str((entries.get(leaf.id) or {}).get("reason") or "").strip() or "；".join(
                    r for r in (plain_reason(x, leaf.id) for x in scored.reasons) if r
                )
                title = leaf.name if leaf is item else f"{item.name}：{leaf.name}"
                rows.append(
                    ReviewItem(
                        number=leaf_number,
                        title=title + ("（加分）" if leaf.bonus else ""),
                        max_points=leaf.max,
                        score=scored.score,
                        reason=reason,
                    )
                )
        sections.append(ReviewSection(section.no, section.name, rows))
    panel = [
        PdfPanelMember(seat.name, "组长" if seat.lead else "成员", seat.organisation)
        for seat in subject.panel
    ]
    outcome = review_outcome(subject)
    day = reviewed_on or (clock.local(sheet.submitted_at).date() if sheet.submitted_at else clock.today())
    data = ReviewData(
        organ_name=case.organ.name,
        ruleset=case.ruleset,
        level=case.level,
        kind=case.kind,
        organizer=case.organizer.name if case.organizer else "",
        reviewed_on=day,
        sections=sections,
        panel=panel,
        pass_line=outcome.result.pass_line if outcome else result.pass_line,
        total=result.total,
        vetoes=list(result.veto_reasons),
        failures=list(result.section_failures),
        passed=outcome.passed if outcome else result.passed,
        remarks=(sheet.opinion or "").strip() or _lead_comment(case, outcome),
        note="本评分表为示例表，正式评分标准以省档案局发布的附件为准。" if scheme.sample else "",
    )
    return filename(subject, "评审结论", "pdf"), review_conclusion_pdf(data)


def _lead_comment(case: Case, outcome: ReviewOutcome | None) -> str:
    """What the lead wrote when concluding the review from the sheet (the conclusion's comment without the
    sentence the system adds from the agreed sheet); "" before the conclusion or when they wrote nothing."""
    comment = db.session.scalar(
        sa.select(AuditEvent.comment)
        .where(
            AuditEvent.subject_type == "case",
            AuditEvent.subject_id == case.id,
            AuditEvent.event == "conclude_review",
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    if not comment or outcome is None or not comment.endswith(outcome.comment):
        return ""
    return comment.removesuffix(outcome.comment).rstrip("；").strip()
