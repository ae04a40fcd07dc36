"""Pages of issue 7's missing features: overdue flags and the navbar count, the next step on the unit's pages,
search/filters/pages/export on /cases/ and the API, the reviewer's date and 回避声明, the summary submitted to
the province and the province's list."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import TODAY
from tests.walk import NOTICE_OVER, case
from tests.webapp.views.case_walk import walk
from webapp.core.services import demo_clock


def _html(response) -> str:
    return response.get_data(as_text=True)


def _move_clock(demo, days: int) -> None:
    with demo.app_context():
        demo_clock.set_demo_offset(days)


def test_a_notice_left_open_is_flagged_in_the_worklist_and_counted_in_the_navbar_arc_10_3_2(
    demo, client, auth
):
    with demo.app_context():
        case_id = walk("unit-county", to="in_notice")  # last day TODAY+6, to be closed within 3 days after
    auth.login("county-staff")
    html = _html(client.get("/bureau/"))
    assert 'data-testid="nav-overdue"' not in html and 'data-testid="overdue"' not in html
    _move_clock(demo, 6 + 3 + 2)
    html = _html(client.get("/bureau/"))
    assert f'data-case-id="{case_id}" class="table-danger" data-overdue-days="2"' in html
    assert "公示期满未结束公示，已超期2天" in html and "超期 1</span>" in html  # navbar pill
    overdue_only = _html(client.get("/bureau/?overdue=1"))
    assert f'data-case-id="{case_id}"' in overdue_only


def test_the_unit_reads_what_happens_next_and_who_acts(demo, client, auth):
    with demo.app_context():
        case_id = walk("unit-county", to="applied")
    auth.login("unit-county")
    assert "等待夷陵区档案局下达考评计划" in _html(client.get("/unit/"))
    page = _html(client.get(f"/cases/{case_id}"))
    assert 'data-testid="next-step"' in page and "等待夷陵区档案局下达考评计划" in page


def test_the_case_list_searches_filters_pages_and_exports_the_same_rows(demo, client, auth):
    with demo.app_context():
        county = walk("unit-county", to="applied")
        town = walk("unit-town", to="in_notice")
    auth.login("county-staff")
    html = _html(client.get("/cases/?q=财政"))
    assert f'data-case-id="{county}"' in html and f'data-case-id="{town}"' not in html
    html = _html(client.get("/cases/?state=in_notice&per_page=1"))
    assert f'data-case-id="{town}"' in html and f'data-case-id="{county}"' not in html
    assert "/cases/export.xlsx?state=in_notice" in html
    response = client.get("/cases/export.xlsx?state=in_notice")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    ids = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert ids == [town]
    paged = _html(client.get("/cases/?per_page=1&page=2"))
    assert "第 2/2 页" in paged


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=1900", "计划年度须为 2000–2100"),
        ("year=abc", "计划年度须为"),
        ("page=0", "页码须为"),
        ("state=x", "状态的取值无效"),
        ("bureau=abc", "档案局的取值无效"),
        (
            "bureau=999999",
            "档案局的取值无效",
        ),  # a number naming no bureau: said, not an unexplained empty list
    ],
)
def test_a_bad_filter_on_the_case_list_says_so_with_a_400(demo, client, auth, query, message):
    auth.login("county-staff")
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 400 and message in _html(response)
    worklist = client.get(f"/bureau/?{query}")
    assert worklist.status_code == 400 and message in _html(worklist)


def test_a_bureau_filter_naming_no_bureau_is_refused_like_a_malformed_one(demo, client, auth):
    """A 档案局 number that names no bureau (an edited address) is said to be wrong beside the field, as a
    malformed one is, instead of an empty list that does not say why."""
    with demo.app_context():
        case_id = walk("unit-county", to="applied")
    auth.login("county-staff")
    listed = client.get("/cases/?bureau=999999")
    page = _html(listed)
    assert listed.status_code == 400 and 'data-testid="filter-errors"' in page and "is-invalid" in page
    # no list is shown under a bad filter: the page says to correct it, not that no case matches
    assert 'data-testid="fix-filters"' in page and "没有符合条件的案件" not in page
    # the worklist, as for every bad filter there, lists without it and marks the field
    worklist = _html(client.get("/bureau/?bureau=999999"))
    assert f"/cases/{case_id}" in worklist and "is-invalid" in worklist and "档案局的取值无效" in worklist


def test_members_read_the_review_date_and_declare_before_scoring(demo, client, auth):
    with demo.app_context():
        case_id = walk("unit-county", to="panel")  # in review, panel reviewer-7 (lead), -8, -4 declared
    auth.login("county-staff")
    refused = client.post(
        f"/bureau/cases/{case_id}/review-date", data={"review_date": (TODAY - timedelta(days=40)).isoformat()}
    )
    assert refused.status_code == 400 and "评审日期须在" in _html(refused)
    day = NOTICE_OVER + timedelta(days=3)
    assert (
        client.post(f"/bureau/cases/{case_id}/review-date", data={"review_date": day.isoformat()}).status_code
        == 302
    )
    auth.logout()
    auth.login("reviewer-8")
    html = _html(client.get("/review/"))
    assert day.isoformat() in html.split('data-testid="review-date"')[1][:80]
    # the walk declared for its panel; a newly added member must declare first
    auth.logout()
    auth.login("county-staff")
    client.post(
        f"/bureau/cases/{case_id}/panel",
        data={"reviewers": ["reviewer-7", "reviewer-8", "reviewer-5"], "lead": "reviewer-7"},
    )
    auth.logout()
    auth.login("reviewer-5")
    assert 'data-testid="declare-form"' in _html(client.get("/review/"))
    missing = client.post(f"/review/cases/{case_id}/declare", data={"declaration": "none"})
    assert missing.status_code == 400 and "请勾选确认无利害关系声明" in _html(missing)
    client.post(
        f"/review/cases/{case_id}/declare", data={"declaration": "conflict", "reason": "系该单位退休职工"}
    )
    with demo.app_context():
        assert {m.user.username: m.declaration for m in case(case_id).panel}["reviewer-5"] == "conflict"
    auth.logout()
    auth.login("county-staff")
    panel_page = _html(client.get(f"/bureau/cases/{case_id}/panel"))
    assert 'data-testid="declared-conflict"' in panel_page and "系该单位退休职工" in panel_page


def test_the_city_submits_its_summary_and_the_province_sees_it_arc_10_5_3(demo, client, auth):
    with demo.app_context():
        walk("unit-county", to="approved")
    auth.login("city-staff")
    assert 'data-testid="summary-submit"' in _html(client.get("/bureau/summary?year=2027"))
    client.post("/bureau/summary/submit", data={"year": "2027"})
    html = _html(client.get("/bureau/summary?year=2027"))
    assert 'data-testid="summary-submitted"' in html and 'data-testid="summary-submit"' not in html
    auth.logout()
    _move_clock(demo, 365)  # 2028-01-05: every other city is late with its 2027 summary
    auth.login("prov-staff")
    html = _html(client.get("/bureau/summaries?year=2027"))
    assert 'data-bureau="yc"' in html and "已报送" in html and "已超期 17 天" in html
    yichang = html.split('data-bureau="yc"')[1].split("</tr>")[0]
    link = yichang.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert client.get(link).status_code == 200
    auth.logout()
    auth.login("city-staff")
    assert client.get("/bureau/summaries?year=2027").status_code == 403
