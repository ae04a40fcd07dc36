"""Panel formation /bureau/cases/<id>/panel (ARC-10.4.2–10.4.4): size range quoted, conflicts of interest."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.walk import case as get
from tests.walk import event_count, org
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db


@pytest.fixture
def in_notice(demo):
    """夷陵区财政局 省二级 in its notice: the county bureau organizes, panel 3–5 (own level, ARC-10.4.2)."""
    with demo.app_context():
        return drive("unit-county", to="in_notice")


def panel_of(case_id: int) -> list[tuple[str, bool]]:
    return sorted((member.user.username, member.is_lead) for member in get(case_id).panel)


def test_the_panel_page_shows_the_allowed_size_with_the_rule_quoted(in_notice, client, auth):
    auth.login("county-staff")
    html = client.get(f"/bureau/cases/{in_notice}/panel").get_data(as_text=True)
    assert "3–5" in html
    assert "评审组由3-5人组成" in html and "ARC-10.4.2" in html
    assert 'data-username="reviewer-1"' in html
    assert "湖北省档案局" in html  # each reviewer's organisation is shown


def test_a_panel_within_the_range_is_saved_with_its_lead(in_notice, demo, client, auth):
    auth.login("county-staff")
    response = client.post(
        f"/bureau/cases/{in_notice}/panel",
        data={"reviewers": ["reviewer-1", "reviewer-4", "reviewer-7"], "lead": "reviewer-4"},
    )
    assert response.status_code == 302
    assert "已组成评审组（3人）" in client.get(response.headers["Location"]).get_data(as_text=True)
    with demo.app_context():
        assert panel_of(in_notice) == [("reviewer-1", False), ("reviewer-4", True), ("reviewer-7", False)]


def test_a_panel_below_the_range_is_refused_quoting_arc_10_4_2_and_nothing_is_written(
    in_notice, demo, client, auth
):
    with demo.app_context():
        before = event_count(in_notice)
    auth.login("county-staff")
    response = client.post(
        f"/bureau/cases/{in_notice}/panel",
        data={"reviewers": ["reviewer-1", "reviewer-2"], "lead": "reviewer-1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "评审组由3-5人组成" in html and "实际2人" in html
    assert 'value="reviewer-2" id="r-reviewer-2"\n                     checked' in html  # the choice is kept
    with demo.app_context():
        assert panel_of(in_notice) == []
        assert event_count(in_notice) == before


def test_a_township_case_needs_five_to_seven_reviewers_arc_10_4_3(demo, client, auth):
    with demo.app_context():
        case_id = drive("unit-town", to="in_notice")
    auth.login("county-staff")
    html = client.get(f"/bureau/cases/{case_id}/panel").get_data(as_text=True)
    assert "5–7" in html and "ARC-10.4.3" in html
    response = client.post(
        f"/bureau/cases/{case_id}/panel",
        data={"reviewers": ["reviewer-1", "reviewer-2", "reviewer-3"], "lead": "reviewer-1"},
    )
    assert response.status_code == 409
    assert "评审组由5—7人组成" in response.get_data(as_text=True)


def test_a_reviewer_from_the_applicant_organ_is_flagged_and_refused(in_notice, demo, client, auth):
    with demo.app_context():
        make_user(org("yc-yl-czj"), "reviewer", username="reviewer-inhouse", display_name="本单位专家")
        db.session.commit()
    auth.login("county-staff")
    html = client.get(f"/bureau/cases/{in_notice}/panel").get_data(as_text=True)
    assert 'data-testid="conflicted"' in html and "须回避" in html
    response = client.post(
        f"/bureau/cases/{in_notice}/panel",
        data={"reviewers": ["reviewer-1", "reviewer-2", "reviewer-inhouse"], "lead": "reviewer-1"},
    )
    assert response.status_code == 409
    assert "本单位专家" in response.get_data(as_text=True)
    with demo.app_context():
        assert panel_of(in_notice) == []


def test_the_lead_must_be_one_of_the_chosen_reviewers(in_notice, client, auth):
    auth.login("county-staff")
    response = client.post(
        f"/bureau/cases/{in_notice}/panel",
        data={"reviewers": ["reviewer-1", "reviewer-2", "reviewer-3"], "lead": "reviewer-9"},
    )
    assert "组长须为所选评审专家之一" in response.get_data(as_text=True)


def test_the_upper_bureau_sees_the_panel_page_read_only_and_cannot_form_it(in_notice, demo, client, auth):
    auth.login("city-staff")
    html = client.get(f"/bureau/cases/{in_notice}/panel").get_data(as_text=True)
    assert 'data-testid="panel-refusal"' in html and "<fieldset disabled" in html
    response = client.post(
        f"/bureau/cases/{in_notice}/panel",
        data={"reviewers": ["reviewer-1", "reviewer-2", "reviewer-3"], "lead": "reviewer-1"},
    )
    assert response.status_code == 403
    with demo.app_context():
        assert panel_of(in_notice) == []


def test_a_panel_cannot_be_formed_before_the_notice(demo, client, auth):
    with demo.app_context():
        case_id = drive("unit-county", to="prechecking")
    auth.login("county-staff")
    html = client.get(f"/bureau/cases/{case_id}/panel").get_data(as_text=True)
    assert 'data-testid="panel-refusal"' in html and "预检中" in html


def test_the_panel_page_reads_its_reviewers_organisations_in_the_same_statements_however_many(
    in_notice, demo, client, auth, app
):
    """Issue 12: a page issues the same few statements whatever the data. Each reviewer is shown with their
    organisation; five more reviewers in five more organisations add no statement (they were one each)."""
    import sqlalchemy as sa

    from tests.webapp.sql_count import count_statements
    from webapp.core.models import Organisation

    auth.login("county-staff")
    client.get(f"/bureau/cases/{in_notice}/panel")
    with count_statements(app) as few:
        assert client.get(f"/bureau/cases/{in_notice}/panel").status_code == 200
    with demo.app_context():
        newest = sa.select(Organisation).order_by(Organisation.id.desc()).limit(5)
        added = [make_user(organisation, "reviewer").username for organisation in db.session.scalars(newest)]
        db.session.commit()
    with count_statements(app) as many:
        html = client.get(f"/bureau/cases/{in_notice}/panel").get_data(as_text=True)
    assert all(f'data-username="{username}"' in html for username in added)
    assert many.count == few.count, many.sql
