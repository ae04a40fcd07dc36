"""The 12月20日 summary submitted to the province inside the system, locked once submitted, and the province's
list of summaries received with the late ones flagged (ARC-10.5.3, GAP-19)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import events_of, user
from tests.webapp.services.flow import APPROVAL_DAY, drive
from webapp.core.extensions import db
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.grading.services import summary
from webapp.grading.services.errors import Refused


def test_the_city_submits_its_summary_which_is_recorded_audited_and_locked_arc_10_5_3(ctx):
    case_id = drive("unit-county", to="approved")
    submitted = summary.submit_summary(user("city-staff"), 2027, today=date(2027, 12, 10))
    assert (submitted.year, submitted.row_count, submitted.submitted_on) == (2027, 1, date(2027, 12, 10))
    assert submitted.submitted_by.username == "city-staff" and submitted.submitted_at is not None
    row = events_of(case_id)[-1]
    assert (row.event, row.rule_id) == ("summary_submitted", "ARC-10.5.3")
    assert "宜昌市档案局2027年度审批情况汇总表" in row.comment
    with pytest.raises(Conflict) as again:
        summary.submit_summary(user("city-head"), 2027, today=date(2027, 12, 11))
    assert "不能重复报送或修改" in again.value.message
    # locked: a later change to the case does not change what was submitted
    get(case_id).organ.name = "改名后的单位"
    db.session.commit()
    assert [r.organ_name for r in summary.annual_summary(user("city-staff"), 2027).rows] == ["夷陵区财政局"]


@pytest.mark.parametrize("username", ["county-staff", "prov-staff", "unit-city"])
def test_only_a_city_bureau_submits_a_summary_arc_10_5_3(ctx, username):
    with pytest.raises(Refused) as refused:
        summary.submit_summary(user(username), 2027, today=TODAY)
    assert refused.value.status == 403 and refused.value.rule == "ARC-10.5.3"


def test_a_summary_of_a_year_not_yet_begun_cannot_be_submitted(ctx):
    with pytest.raises(ServiceError) as error:
        summary.submit_summary(user("city-staff"), 2028, today=TODAY)
    assert error.value.field == "year"


def test_the_province_sees_which_cities_submitted_when_and_which_are_late_arc_10_5_3(ctx):
    drive("unit-county", to="approved")
    summary.submit_summary(user("city-staff"), 2027, today=date(2027, 12, 21))  # two days late
    rows = {
        row.bureau.code: row
        for row in summary.received_summaries(user("prov-staff"), 2027, today=date(2027, 12, 25))
    }
    yichang = rows["yc"]
    assert yichang.submission.row_count == 1 and yichang.late_by == 2 and yichang.overdue is None
    missing = [row for row in rows.values() if row.submission is None]
    assert missing and all(row.overdue.days == 6 for row in missing)  # due 12-19, today 12-25
    data = summary.received_summary(user("prov-staff"), yichang.bureau.id, 2027)
    assert [r.approved_on for r in data.rows] == [APPROVAL_DAY]
    with pytest.raises(NotFound):
        summary.received_summary(user("prov-staff"), missing[0].bureau.id, 2027)


def test_only_the_province_reads_the_summaries_received(ctx):
    with pytest.raises(Refused):
        summary.received_summaries(user("city-staff"), 2027, today=TODAY)
