"""Who objected stays with the organising bureau (issue 7, point 1; GAP-9).

The public objection form promises that the contact (联系方式) is not published. Only the staff of the bureau that
organises the case, who verify objections, see the objector's name and contact; the applying unit, the panel,
upper bureaus see the objection's reference, date, status and substance only.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import user
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.grading.services import case_page, cases, objection_filing, panel, permissions

NAME, PHONE = "欧阳明远", "13912345678"
CONTENT = "该单位2025年度文书档案未按期归档，请核实。"
ORGANISER = ("county-staff", "county-head")
OTHERS = ("unit-county", "reviewer-7", "reviewer-8", "city-staff", "city-head", "prov-staff")


@pytest.fixture
def objected(ctx) -> int:
    """夷陵区财政局's 省二级 case in its notice (organised by 夷陵区档案局), panel formed, one signed objection."""
    case_id = walk("unit-county", to="in_notice")
    panel.set_panel(user("county-staff"), case_id, ["reviewer-7", "reviewer-8", "reviewer-4"], today=TODAY)
    objection_filing.submit_objection(case_id, content=CONTENT, name=NAME, contact=PHONE, today=TODAY)
    return case_id


@pytest.mark.parametrize("username", ORGANISER)
def test_the_organising_bureaus_staff_see_who_objected_and_how_to_reach_them(objected, username):
    """GAP-9: the organising bureau verifies objections, so it may contact the objector."""
    case = cases.get_case(user(username), objected)
    assert permissions.can_see_objector(user(username), case)
    (objection,) = case_page.case_view(user(username), objected, today=TODAY).objections
    assert (objection.name, objection.contact, objection.objector_visible) == (NAME, PHONE, True)


@pytest.mark.parametrize("username", OTHERS)
def test_the_unit_the_panel_and_upper_bureaus_see_the_objection_but_not_who_raised_it(objected, username):
    """GAP-9: everyone else who may read the case sees reference, date, status and substance only."""
    viewer = user(username)
    case = cases.get_case(viewer, objected)  # they may read the case …
    assert not permissions.can_see_objector(viewer, case)  # … but not who objected
    (objection,) = case_page.case_view(viewer, objected, today=TODAY).objections
    assert (objection.reference, objection.status, objection.content) == ("GS-2027-0001", "open", CONTENT)
    assert objection.received_at is not None
    assert (objection.name, objection.contact, objection.objector_visible) == (None, None, False)
    assert NAME not in repr(objection) and PHONE not in repr(objection)


def test_nobody_signed_out_or_without_a_bureau_role_sees_the_objector(objected):
    case = cases.get_case(user("county-staff"), objected)
    assert not permissions.can_see_objector(None, case)
    reviewer_in_the_bureau = user("reviewer-7")  # an organ of 夷陵区档案局, but a reviewer, not its staff
    assert reviewer_in_the_bureau.organisation_id == case.organizer_id
    assert not permissions.can_see_objector(reviewer_in_the_bureau, case)


def test_the_audit_trail_names_the_objection_by_reference_never_by_objector(objected):
    comments = db.session.scalars(
        sa.select(AuditEvent.comment).where(AuditEvent.about("case", objected))
    ).all()
    assert any("GS-2027-0001" in (comment or "") for comment in comments)
    assert not any(NAME in (comment or "") or PHONE in (comment or "") for comment in comments)
