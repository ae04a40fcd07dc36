"""The bureau worklist /bureau/: what each bureau acts on next, filters and counts, supervision, filings."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import fire, give_grade
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db


@pytest.fixture
def county_cases(demo):
    """Two applications the county bureau 夷陵区档案局 plans itself (ARC-9.4), one already in pre-check."""
    with demo.app_context():
        return {
            "county": drive("unit-county", to="applied"),  # 夷陵区财政局, county-direct, 省二级
            "town": drive("unit-town", to="applied"),  # 小溪塔街道, township, 省二级
            "city": drive("unit-city", level="first", to="prechecking"),  # 宜昌市财政局 → 宜昌市档案局
        }


def rows(html: str) -> set[int]:
    """Case ids of the rows of the bureau's own worklist table."""
    if 'data-testid="worklist"' not in html:
        return set()
    table = html.split('data-testid="worklist"')[1].split("</table>")[0]
    return {int(n) for n in re.findall(r'<tr data-case-id="(\d+)"', table)}


def batch_boxes(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'name="case_ids" value="(\d+)"', html)}


def test_county_staff_sees_the_county_cases_it_plans_with_the_next_step(county_cases, client, auth):
    auth.login("county-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    assert rows(html) == {county_cases["county"], county_cases["town"]}
    assert batch_boxes(html) == rows(html)  # both can go into 下达年度考评计划
    assert "夷陵区财政局" in html and "夷陵区小溪塔街道办事处" in html
    assert 'data-event="plan"' in html and "下达考评计划" in html
    assert f'href="/cases/{county_cases["county"]}"' in html
    assert TODAY.isoformat() in html  # applied on


def test_city_staff_does_not_get_the_county_cases_as_actionable_only_its_own(county_cases, client, auth):
    auth.login("city-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    assert rows(html) == {county_cases["city"]}
    assert 'data-event="pass_precheck"' in html
    assert batch_boxes(html) == {county_cases["city"]}  # 发布公示名单 applies to it


def test_city_and_province_see_the_county_cases_read_only_under_spot_checks_arc_9_6(
    county_cases, client, auth
):
    for username in ("city-staff", "prov-staff"):
        auth.login(username)
        html = client.get("/bureau/?tab=supervised").get_data(as_text=True)
        assert f'data-case-id="{county_cases["county"]}"' in html, username
        assert rows(html) == set() and batch_boxes(html) == set(), username  # read-only
        assert "记录抽查" in html
        auth.logout()
    auth.login("prov-staff")
    html = client.get("/bureau/?tab=supervised").get_data(as_text=True)
    assert f'data-case-id="{county_cases["city"]}"' in html  # the city bureau's own case, too


def test_filters_narrow_the_list_and_stay_in_the_form(county_cases, client, auth):
    auth.login("county-staff")
    html = client.get("/bureau/?tier=township&year=2027").get_data(as_text=True)
    assert rows(html) == {county_cases["town"]}
    assert re.search(r'<option selected value="township">|<option value="township" selected', html)
    assert 'value="2027"' in html
    html = client.get("/bureau/?level=first").get_data(as_text=True)
    assert rows(html) == set()
    assert "没有符合筛选条件的待办案件" in html


def test_an_invalid_filter_is_ignored_with_a_message_beside_it(county_cases, client, auth):
    auth.login("county-staff")
    html = client.get("/bureau/?year=abc&level=nonsense").get_data(as_text=True)
    assert rows(html) == {county_cases["county"], county_cases["town"]}
    assert "is-invalid" in html


def test_state_chips_count_the_unfiltered_worklist(county_cases, client, auth):
    auth.login("county-staff")
    html = client.get("/bureau/?tier=township").get_data(as_text=True)
    assert 'data-state="applied" data-count="2"' in html
    assert "全部 2" in html


def test_the_batch_buttons_offered_are_those_the_rows_allow(county_cases, client, auth):
    auth.login("county-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    assert 'data-batch="plan"' in html
    assert 'data-batch="forward"' not in html  # a county bureau forwards nothing (ARC-10.1.2)
    auth.logout()
    auth.login("city-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    assert 'data-batch="publish"' in html


SPOT_CHECK = {"checked_on": "2027-01-05", "outcome": "issues_found", "findings": "卷内目录与文件不符2处"}


def test_an_upper_bureau_records_a_spot_check_and_the_case_says_so(county_cases, demo, client, auth):
    auth.login("city-staff")
    response = client.post(
        f"/bureau/cases/{county_cases['county']}/spot-check", data=SPOT_CHECK, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "已记录" in html and "发现问题" in html and 'data-testid="spot-checked"' in html
    with demo.app_context():
        assert get(county_cases["county"]).spot_check is True


def test_the_bureau_that_organizes_a_case_cannot_spot_check_it(county_cases, demo, client, auth):
    auth.login("county-staff")
    html = client.post(
        f"/bureau/cases/{county_cases['county']}/spot-check", data=SPOT_CHECK, follow_redirects=True
    ).get_data(as_text=True)
    assert "ARC-9.6" in html
    with demo.app_context():
        assert get(county_cases["county"]).spot_check is False


def test_the_city_sees_a_county_organised_first_level_recheck_filed_with_it_arc_9_5(demo, client, auth):
    with demo.app_context():
        # 省一级 expiring in 2027: the county bureau organises the recheck and files it with the city
        give_grade(
            "yc-yl-czj",
            "first",
            TODAY.replace(year=2024, month=3, day=1),
            TODAY.replace(month=2, day=28),
            "鄂档等〔2024〕101号",
        )
        case_id = drive("unit-county", level="first", kind="recheck", to="approved")
    auth.login("city-staff")
    html = client.get("/bureau/?tab=filed").get_data(as_text=True)
    assert f'data-case-id="{case_id}"' in html
    assert "ARC-9.5" in html
    auth.logout()
    auth.login("prov-staff")
    assert f'data-case-id="{case_id}"' not in client.get("/bureau/?tab=filed").get_data(as_text=True)


def _sent(demo, client, url: str) -> tuple[list[str], str]:  # noqa: ANN001 - the demo app and its client
    """The statements a view sent, and its page."""
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    with demo.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return sent, html


def _statements(demo, client, url: str) -> tuple[int, str]:  # noqa: ANN001 - the demo app and its client
    sent, html = _sent(demo, client, url)
    return len(sent), html


def test_the_counts_are_counted_once_per_change_and_a_change_shows_at_the_next_view(
    county_cases, demo, client, auth
):
    """issue 12: the state chips, the tab totals and the overdue count are kept under the bureau's cases revision;
    a transition committed in between moves it, so the next view counts again (ARC-9.4: planned, the case waits
    on the applicant, no longer on the county)."""
    auth.login("county-staff")
    first, html = _statements(demo, client, "/bureau/")
    again, html = _statements(demo, client, "/bureau/")
    assert again <= first - 2  # the grouped state counts and the three tabs' totals are not run again
    assert 'data-state="applied" data-count="2"' in html and "全部 2" in html
    with demo.app_context():
        fire("county-staff", county_cases["county"], "plan")
    _, html = _statements(demo, client, "/bureau/")
    assert 'data-state="applied" data-count="1"' in html and "全部 1" in html
    assert rows(html) == {county_cases["town"]}


def test_a_tabs_page_is_read_again_by_its_kept_ids_and_a_case_that_arrives_since_is_on_it_arc_9_4(
    demo, client, auth
):
    """issue 12 (`pagination.KeptPages`): the ids of the page a tab showed are kept under the bureau's cases revision,
    so the next view reads those cases by id instead of finding and sorting the tab's cases again; an application
    that reaches the county in between moves the revision, and the next view finds the page afresh, with it."""

    def page_statement(sent: list[str]) -> str:
        (rows_read,) = [
            sql for sql in sent if "FROM cases" in sql and "record_organ" in sql
        ]  # with the organ
        return " ".join(rows_read.split())

    with demo.app_context():
        first = drive("unit-county", to="applied")
    auth.login("county-staff")
    sent, html = _sent(demo, client, "/bureau/")
    assert rows(html) == {first}
    assert "LIMIT 21" in page_statement(sent)  # found in the tab's order
    sent, html = _sent(demo, client, "/bureau/")
    assert rows(html) == {first}
    assert "LIMIT" not in page_statement(sent) and "cases.id IN" in page_statement(sent)  # read by its ids
    with demo.app_context():
        second = drive("unit-town", to="applied")
    sent, html = _sent(demo, client, "/bureau/")
    assert rows(html) == {first, second}
    assert "LIMIT 21" in page_statement(sent)  # found afresh
