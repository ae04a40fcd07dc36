"""Who may open the bureau pages: route × role × jurisdiction (deny by default)."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.walk import case as get
from tests.walk import org
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db


@pytest.fixture
def wh_staff(demo):
    """A bureau staff member of an unrelated city bureau (武汉市档案局)."""
    with demo.app_context():
        make_user(org("wh"), "bureau_staff", username="wh-staff", password="kaoping-demo")
        db.session.commit()
    return demo


@pytest.fixture
def world(wh_staff):
    """A county case in notice (夷陵区 organizes, 宜昌 and the province above it)."""
    with wh_staff.app_context():
        return {"case": drive("unit-county", to="in_notice")}


#: an applicant, a reviewer sitting in a bureau, and the system administrator of the province bureau
NON_BUREAU_USERS = ["unit-county", "reviewer-7", "admin"]
BUREAU_PAGES = ["/bureau/", "/bureau/?tab=supervised", "/bureau/?tab=filed", "/bureau/objections"]


@pytest.mark.parametrize(
    "url", [*BUREAU_PAGES, "/bureau/summary", "/bureau/batch/plan", "/bureau/cases/{case}/panel"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(demo, client, url):
    response = client.get(url.format(case=1))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("username", NON_BUREAU_USERS)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        *(("GET", url) for url in BUREAU_PAGES),
        ("GET", "/bureau/summary"),
        ("GET", "/bureau/batch/plan"),
        ("POST", "/bureau/batch/plan"),
        ("GET", "/bureau/cases/{case}/panel"),
        ("POST", "/bureau/cases/{case}/panel"),
        ("POST", "/bureau/cases/{case}/spot-check"),
        ("POST", "/bureau/objections/1"),
    ],
)
def test_users_who_are_not_bureau_staff_get_403(demo, client, auth, username, method, url):
    auth.login(username)
    assert client.open(url.format(case=1), method=method).status_code == 403


@pytest.mark.parametrize(
    "username",
    ["county-staff", "county-head", "city-staff", "city-head", "prov-staff", "prov-head", "wh-staff"],
)
def test_every_bureau_user_opens_their_own_worklist_and_objections(wh_staff, client, auth, username):
    auth.login(username)
    assert [client.get(url).status_code for url in BUREAU_PAGES] == [200] * len(BUREAU_PAGES)


@pytest.mark.parametrize(
    ("username", "status", "editable"),
    [
        ("county-staff", 200, True),  # organizer (ARC-9.4)
        ("county-head", 200, True),
        ("city-staff", 200, False),  # upper bureau: reads, may not act (ARC-9.6)
        ("prov-staff", 200, False),
        ("wh-staff", 404, False),  # another city's bureau: no existence leak
    ],
)
def test_the_panel_page_by_jurisdiction(world, client, auth, username, status, editable):
    auth.login(username)
    response = client.get(f"/bureau/cases/{world['case']}/panel")
    assert response.status_code == status
    if status == 200:
        assert ("<fieldset disabled" not in response.get_data(as_text=True)) is editable


@pytest.mark.parametrize(
    ("username", "status"),
    [("county-staff", 409), ("city-staff", 403), ("wh-staff", 404)],
)
def test_forming_the_panel_by_jurisdiction(world, client, auth, username, status):
    auth.login(username)
    response = client.post(
        f"/bureau/cases/{world['case']}/panel", data={"reviewers": ["reviewer-1"], "lead": "reviewer-1"}
    )
    assert response.status_code == status  # the organizer is refused only for the size (1 < 3)


@pytest.mark.parametrize(
    ("username", "marked"),
    [("city-staff", True), ("prov-staff", True), ("county-staff", False), ("wh-staff", False)],
)
def test_marking_a_spot_check_by_jurisdiction_arc_9_6(world, demo, client, auth, username, marked):
    auth.login(username)
    response = client.post(
        f"/bureau/cases/{world['case']}/spot-check",
        data={"checked_on": "2027-01-05", "outcome": "no_issue", "findings": "程序规范"},
    )
    assert response.status_code in (302, 404)
    with demo.app_context():
        assert get(world["case"]).spot_check is marked


@pytest.mark.parametrize(
    ("username", "listed"),
    [("county-staff", True), ("city-staff", True), ("wh-staff", False)],  # the city reads (ARC-9.6)
)
def test_the_batch_confirmation_lists_only_cases_the_bureau_may_see(world, client, auth, username, listed):
    auth.login(username)
    html = client.get(f"/bureau/batch/publish?case_ids={world['case']}").get_data(as_text=True)
    assert (f'data-case-id="{world["case"]}"' in html) is listed
