"""The city bureau's annual approvals summary (审批情况汇总表, ARC-10.5.3, GAP-19)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from webapp import clock
from webapp.documents.summary import SummaryData, SummaryRow
from webapp.extensions import db
from webapp.models import Case, Grade, User
from webapp.services import permissions
from webapp.services.permissions import Decision
from webapp.services.render_codes import KIND_CODES, LEVEL_CODES, TIER_CODES

NOT_A_CITY_BUREAU = (
    "审批情况汇总表由市州级档案局于每年12月20日前报省档案局（ARC-10.5.3）；您所在单位不是市州级档案局。"
)


def annual_summary(user: User, year: int) -> SummaryData:
    """Approvals of ``year`` by the user's city bureau and the county bureaus under it (GAP-19).

    Raises `Refused` (403) for anyone who does not act for a city-level bureau.
    """
    from webapp.services.cases import Refused

    org = permissions.bureau_of(user)
    if org is None or org.bureau_tier != "city":
        raise Refused(Decision(False, "forbidden", NOT_A_CITY_BUREAU, "ARC-10.5.3"))
    approvers = {org.id} | permissions.lower_bureau_ids(org)
    query = (
        sa.select(Case)
        .where(
            Case.state == "approved",
            Case.in_city_summary.is_(True),
            Case.approver_id.in_(approvers),
            Case.decided_on >= date(year, 1, 1),
            Case.decided_on <= date(year, 12, 31),
        )
        .order_by(Case.decided_on, Case.id)
    )
    rows = []
    for case in db.session.scalars(query):
        assert case.decided_on is not None
        grade = db.session.scalar(sa.select(Grade).where(Grade.case_id == case.id))
        filed = "、".join(filing.bureau.name for filing in case.filings)
        rows.append(
            SummaryRow(
                organ_name=case.organ.name,
                tier=TIER_CODES[case.tier],
                level=LEVEL_CODES[case.level],
                kind=KIND_CODES[case.kind],
                approver=case.approver.name if case.approver else "",
                approved_on=case.decided_on,
                certificate_number=case.certificate_no or (grade.certificate_no if grade else "") or "",
                valid_until=grade.valid_to if grade else None,
                filed_with=filed or None,
                remark=case.letter_no or "",
            )
        )
    return SummaryData(city_bureau=org.name, year=year, rows=rows, prepared_on=clock.today())
