"""The city bureau's annual approvals summary (审批情况汇总表, ARC-10.5.3, GAP-19): built from the approvals,
submitted to the province inside the system (then locked), and the province's list of summaries received."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from webapp.core import clock, request_cache
from webapp.core.extensions import db
from webapp.core.models import Organisation, OrgKind, User
from webapp.core.rulesets import selected_ruleset
from webapp.core.services import transaction
from webapp.core.services.audit import append_case_event
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.grading.documents.summary import SummaryData, SummaryRow
from webapp.grading.models import Case, CaseFiling, Grade, SummarySubmission
from webapp.grading.services import permissions
from webapp.grading.services.case_revision import kept
from webapp.grading.services.errors import Refused
from webapp.grading.services.permissions import Decision
from workflow.grading import deadlines
from workflow.ruleset import Ruleset


def _not_the_summary_bureau(rules: Ruleset) -> str:
    """「审批情况汇总表由市州级档案局于每年12月20日前报省档案局」, in the ruleset's words (ARC-10.5.3)."""
    month, day = rules.calendar.summary_due_before
    bureau = rules.tier_name(rules.procedure.summary_bureau)
    return (
        f"审批情况汇总表由{bureau}于每年{month}月{day}日前报{rules.documents.province_bureau}"
        f"（{rules.procedure.summary_rule}）；您所在单位不是{bureau}。"
    )


def _not_the_province(rules: Ruleset) -> str:
    return (
        f"各{rules.tier_name(rules.procedure.summary_bureau)}报送的审批情况汇总表由{rules.documents.province_bureau}"
        f"查收（{rules.procedure.summary_rule}）；您所在单位不是{rules.documents.province_bureau}。"
    )


#: SummaryRow codes stored by submissions made before the rows held the ruleset's ids (snapshots are frozen)
_LEGACY_IDS = {
    "L2": "second", "L1": "first", "SPECIAL": "special", "EVALUATION": "evaluation", "RECHECK": "recheck",
    "PROV_DIRECT": "provincial_direct", "CITY_DIRECT": "city_direct", "COUNTY_DIRECT": "county_direct",
    "TOWNSHIP": "township",
}  # fmt: skip
_DATE_FIELDS = ("approved_on", "valid_until")


def _city_bureau(user: User) -> Organisation:

    rules = selected_ruleset()
    org = permissions.bureau_of(user)
    if org is None or org.bureau_tier != rules.procedure.summary_bureau:
        raise Refused(
            Decision(False, "forbidden", _not_the_summary_bureau(rules), rules.procedure.summary_rule)
        )
    return org


def _approved_where(org: Organisation, year: int) -> tuple[sa.ColumnElement[bool], ...]:
    approvers = {org.id} | permissions.lower_bureau_ids(org)
    return (
        Case.state == "approved",
        Case.in_city_summary.is_(True),
        Case.approver_id.in_(approvers),
        Case.decided_on >= date(year, 1, 1),
        Case.decided_on <= date(year, 12, 31),
    )


#: the organ and the approving bureau of `_rows`, both organisations: aliases made once (building an alias of a
#: mapped class again costs ~0.4 ms, issue 12)
ORGAN = aliased(Organisation, name="organ")
APPROVER = aliased(Organisation, name="approver")


def _rows(org: Organisation, year: int) -> list[tuple[int, SummaryRow]]:
    """The year's approvals as (case id, row), in three statements however many organs the city has: the cases
    with their organ's and approver's names, the bureaus each filed with, and the grade each gave. Plain
    columns, not mapped objects: a city's year is a few hundred rows, read on every view of the page."""
    where = _approved_where(org, year)
    organ, approver = ORGAN, APPROVER
    cases = db.session.execute(
        sa.select(
            Case.id,
            organ.name,
            Case.tier,
            Case.level,
            Case.kind,
            approver.name,
            Case.decided_on,
            Case.certificate_no,
            Case.letter_no,
        )
        .join(organ, organ.id == Case.organ_id)
        .outerjoin(approver, approver.id == Case.approver_id)
        .where(*where)
        .order_by(Case.decided_on, Case.id)
    ).all()
    approved = sa.select(Case.id).where(*where).scalar_subquery()
    filed: dict[int, list[str]] = {}
    for case_id, bureau in db.session.execute(
        sa.select(CaseFiling.case_id, Organisation.name)
        .join(Organisation, Organisation.id == CaseFiling.bureau_id)
        .where(CaseFiling.case_id.in_(approved))
        .order_by(CaseFiling.case_id, CaseFiling.bureau_id)
    ):
        filed.setdefault(case_id, []).append(bureau)
    # the first grade of a case wins (ordered last to first, the dict keeps the last one written)
    grades = {
        case_id: (certificate_no, valid_to)
        for case_id, certificate_no, valid_to in db.session.execute(
            sa.select(Grade.case_id, Grade.certificate_no, Grade.valid_to)
            .where(Grade.case_id.in_(approved))
            .order_by(Grade.id.desc())
        )
    }
    rows = []
    for case_id, organ_name, tier, level, kind, approver_name, decided_on, certificate_no, letter_no in cases:
        grade_certificate, valid_to = grades.get(case_id, (None, None))
        row = SummaryRow(
            organ_name=organ_name,
            tier=tier,
            level=level,
            kind=kind,
            approver=approver_name or "",
            approved_on=decided_on,
            certificate_number=certificate_no or grade_certificate or "",
            valid_until=valid_to,
            filed_with="、".join(filed[case_id]) if case_id in filed else None,
            remark=letter_no or "",
        )
        rows.append((case_id, row))
    return rows


def submission_of(bureau_id: int, year: int) -> SummarySubmission | None:
    """The bureau's submitted summary of ``year`` (read once per request: the page and its table both ask)."""
    return request_cache.once(
        "summary_submission",
        (bureau_id, year),
        lambda: db.session.scalar(
            sa.select(SummarySubmission).where(
                SummarySubmission.bureau_id == bureau_id, SummarySubmission.year == year
            )
        ),
    )


def _from_snapshot(submission: SummarySubmission) -> SummaryData:
    rows = []
    for raw in submission.rows or []:
        values = dict(raw)
        for name in _DATE_FIELDS:
            values[name] = date.fromisoformat(values[name]) if values.get(name) else None
        for name in ("tier", "level", "kind"):
            values[name] = _LEGACY_IDS.get(values[name], values[name])
        rows.append(SummaryRow(**values))
    return SummaryData(
        city_bureau=submission.bureau.name,
        year=submission.year,
        rows=rows,
        ruleset=selected_ruleset(),
        prepared_on=submission.submitted_on,
        prepared_by=submission.submitted_by.display_name,
    )


def _snapshot(data: SummaryData) -> list[dict[str, Any]]:
    out = []
    for row in data.rows:
        values = dataclasses.asdict(row)
        for name in _DATE_FIELDS:
            values[name] = values[name].isoformat() if values[name] else None
        out.append(
            {
                key: (str(value) if key in ("tier", "level", "kind") else value)
                for key, value in values.items()
            }
        )
    return out


def annual_summary(user: User, year: int) -> SummaryData:
    """Approvals of ``year`` by the user's city bureau and the county bureaus under it (GAP-19); once submitted,
    the table as submitted (locked).

    Raises `Refused` (403) for anyone who does not act for a city-level bureau.
    """
    org = _city_bureau(user)
    submitted = submission_of(org.id, year)
    if submitted is not None:
        return _from_snapshot(submitted)
    rows = [row for _, row in kept(org.id, ("summary", year), lambda: tuple(_rows(org, year)))]
    return SummaryData(
        city_bureau=org.name, year=year, rows=rows, ruleset=selected_ruleset(), prepared_on=clock.today()
    )


def submit_summary(user: User, year: int, *, today: date | None = None) -> SummarySubmission:
    """The city bureau submits its ``year`` summary to the province (ARC-10.5.3): recorded with who and when,
    noted in the audit trail of every case it lists, and locked — it cannot be submitted again or changed."""
    today = today or clock.today()
    org = _city_bureau(user)
    if not 2000 <= year <= today.year:
        raise ServiceError(f"只能报送 2000–{today.year} 年度的汇总表。", code="invalid_input", field="year")
    existing = submission_of(org.id, year)
    if existing is not None:
        raise Conflict(
            f"{year}年度汇总表已于 {existing.submitted_on.isoformat()} 报送省档案局，不能重复报送或修改"
            "（ARC-10.5.3）。"
        )
    listed = _rows(org, year)
    data = SummaryData(
        city_bureau=org.name, year=year, rows=[row for _, row in listed], ruleset=selected_ruleset()
    )
    loaded = {
        case.id: case for case in db.session.scalars(sa.select(Case).where(*_approved_where(org, year)))
    }
    approved = [loaded[case_id] for case_id, _ in listed]  # each listed case gets its 「已列入汇总表」 event
    try:
        with transaction():
            submission = SummarySubmission(
                bureau_id=org.id,
                year=year,
                submitted_on=today,
                submitted_at=clock.now(),
                submitted_by_id=user.id,
                row_count=len(data.rows),
                rows=_snapshot(data),
            )
            db.session.add(submission)
            db.session.flush()
            for case in approved:
                append_case_event(
                    case,
                    "summary_submitted",
                    actor=user,
                    from_state=case.state,
                    to_state=case.state,
                    comment=f"已列入{org.name}{year}年度审批情况汇总表，报送省档案局",
                    rule_id="ARC-10.5.3",
                )
    except IntegrityError as exc:  # a colleague submitted the same year a moment earlier
        raise Conflict(f"{year}年度汇总表已报送省档案局，不能重复报送（ARC-10.5.3）。") from exc
    return submission


@dataclass(frozen=True)
class ReceivedRow:
    """One city bureau's summary for the province's list: submitted (when, by whom, late?) or still missing."""

    bureau: Organisation
    submission: SummarySubmission | None
    #: not submitted and past the deadline
    overdue: deadlines.Overdue | None
    #: submitted after the deadline by this many days (0 when in time)
    late_by: int


def _province_bureau(user: User) -> Organisation:

    rules = selected_ruleset()
    org = permissions.bureau_of(user)
    if org is None or org.bureau_tier != rules.top_bureau_tier:
        raise Refused(Decision(False, "forbidden", _not_the_province(rules), rules.procedure.summary_rule))
    return org


def received_summaries(user: User, year: int, *, today: date | None = None) -> list[ReceivedRow]:
    """Every city bureau under the province with its ``year`` summary: who submitted when, who is late."""
    today = today or clock.today()
    province = _province_bureau(user)
    rules = selected_ruleset()
    below = permissions.lower_bureau_ids(province)
    cities = db.session.scalars(
        sa.select(Organisation)
        .where(
            Organisation.kind == OrgKind.BUREAU,
            Organisation.bureau_tier == rules.procedure.summary_bureau,
            Organisation.id.in_(below),
        )
        .order_by(Organisation.code, Organisation.id)
    ).all()
    submissions = {
        s.bureau_id: s
        for s in db.session.scalars(
            sa.select(SummarySubmission).where(
                SummarySubmission.year == year, SummarySubmission.bureau_id.in_(below)
            )
        )
    }
    rows = []
    for city in cities:
        submission = submissions.get(city.id)
        submitted_on = submission.submitted_on if submission else None
        rows.append(
            ReceivedRow(
                bureau=city,
                submission=submission,
                overdue=deadlines.summary_overdue(rules, year, submitted_on=submitted_on, today=today),
                late_by=deadlines.submitted_late_by(rules, year, submitted_on) if submitted_on else 0,
            )
        )
    return rows


def received_summary(user: User, bureau_id: int, year: int) -> SummaryData:
    """A city's submitted summary as the province received it (for its .xlsx)."""

    province = _province_bureau(user)
    if bureau_id not in permissions.lower_bureau_ids(province):
        raise NotFound("该市州尚未报送汇总表。")
    submission = submission_of(bureau_id, year)
    if submission is None:
        raise NotFound("该市州尚未报送汇总表。")
    return _from_snapshot(submission)
