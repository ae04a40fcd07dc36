"""The case page every role shares: who may open it, which actions it offers, refusals quoting their rule,
forms that keep what was typed, the timeline and the diagram."""

from __future__ import annotations

import re

import pytest

from tests.factories import TODAY
from tests.walk import NOTICE_OVER, case
from tests.walk import event_count as events
from tests.webapp.views.case_walk import walk


@pytest.fixture
def county_case(demo):
    """夷陵区财政局's 省二级 evaluation, in its public notice since 2027-01-05 (today)."""
    with demo.app_context():
        return walk("unit-county", to="in_notice")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _version(client, case_id: int) -> str:
    """The case's version, as the case page puts it in every event form (the stale-form check)."""
    with client.application.app_context():
        return str(case(case_id).version_id)


# --- who may open the page (role × jurisdiction) ---------------------------------------------------------------

VIEWERS = [
    ("unit-county", 200),  # the applicant organ
    ("county-staff", 200),  # the organising bureau (pre-checker, organizer)
    ("county-head", 200),  # its head (approver)
    ("city-staff", 200),  # upper bureau: reads, may spot-check (ARC-9.6)
    ("prov-staff", 200),  # upper bureau
    ("unit-city", 404),  # another organ: not even told the case exists
    ("unit-town", 404),  # an organ under the same county bureau
    ("reviewer-1", 404),  # a reviewer not on the panel
]


@pytest.mark.parametrize(("username", "status"), VIEWERS)
def test_the_case_page_opens_for_the_applicant_and_its_bureaus_and_is_404_for_others(
    county_case, client, auth, username, status
):
    auth.login(username)
    response = client.get(f"/cases/{county_case}")
    assert response.status_code == status
    if status == 200:
        assert "夷陵区财政局 · 省二级考评" in _page(response)


@pytest.mark.parametrize(
    "url",
    [
        "/cases/{id}",
        "/cases/{id}/attachments",
        "/cases/{id}/attachments/1",
        "/cases/{id}/letter.pdf",
        "/cases/{id}/certificate.pdf",
    ],
)
@pytest.mark.parametrize("username", ["unit-city", "reviewer-9"])
def test_case_routes_are_404_for_users_outside_the_case(county_case, client, auth, url, username):
    auth.login(username)
    assert client.get(url.format(id=county_case)).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/cases/"),
        ("GET", "/cases/{id}"),
        ("POST", "/cases/{id}/events/close_notice"),
        ("GET", "/cases/{id}/attachments"),
        ("POST", "/cases/{id}/spot-check"),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(county_case, client, method, url):
    response = client.open(url.format(id=county_case), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_an_unknown_case_is_404(demo, client, auth):
    auth.login("county-staff")
    assert client.get("/cases/9999").status_code == 404


# --- actions -------------------------------------------------------------------------------------------------


def test_the_organiser_sees_close_notice_disabled_with_the_rule_and_the_earliest_closing_day(
    county_case, client, auth
):
    """ARC-10.3.2: the notice runs at least 7 days (2027-01-05 … 01-11), so it may close from 2027-01-12."""
    auth.login("county-staff")
    page = _page(client.get(f"/cases/{county_case}"))
    block = re.search(r'data-action="close_notice" data-allowed="no">(.*?)</div>', page, re.S)
    assert block, "close_notice is shown, disabled"
    assert "disabled" in block.group(1)
    assert "依据第十条：公示时间不少于7天 · ARC-10.3.2" in block.group(1)
    assert "最早可于2027-01-12结束" in block.group(1)


def test_the_applicant_is_offered_only_its_own_actions(county_case, client, auth):
    auth.login("unit-county")
    page = _page(client.get(f"/cases/{county_case}"))
    assert 'data-action="withdraw" data-allowed="yes"' in page
    assert 'data-action="close_notice"' not in page
    assert "/events/close_notice" not in page


def test_an_upper_bureau_reads_the_case_without_any_action_and_is_told_why(county_case, client, auth):
    """ARC-9.6: the city bureau supervises but does not act in the county bureau's place."""
    auth.login("city-staff")
    page = _page(client.get(f"/cases/{county_case}"))
    assert 'data-allowed="yes"' not in page
    assert "/events/" not in page
    assert "ARC-9.6" in page


def test_firing_a_refused_event_shows_the_rule_and_keeps_the_comment(county_case, client, auth):
    """ARC-10.3.2: closing the notice on its first day is refused; the typed comment stays in the form."""
    auth.login("county-staff")
    with client.application.app_context():
        before = events(county_case)
        version = case(county_case).version_id
    response = client.post(
        f"/cases/{county_case}/events/close_notice",
        data={"close_notice-version": version, "close_notice-comment": "公示无异议，提请评审"},
    )
    assert response.status_code == 409
    page = _page(response)
    assert "依据第十条：公示时间不少于7天 · ARC-10.3.2" in page
    assert "公示无异议，提请评审</textarea>" in page
    assert 'class="collapse show mt-3" id="form-close_notice"' in page
    with client.application.app_context():
        assert case(county_case).state == "in_notice"
        assert events(county_case) == before


def test_a_bureau_without_the_function_is_refused_with_403_and_nothing_changes(county_case, client, auth):
    auth.login("city-staff")
    response = client.post(
        f"/cases/{county_case}/events/close_notice",
        data={"close_notice-version": _version(client, county_case)},
    )
    assert response.status_code == 403
    with client.application.app_context():
        assert case(county_case).state == "in_notice"


def test_an_unknown_event_is_404(county_case, client, auth):
    auth.login("county-staff")
    assert client.post(f"/cases/{county_case}/events/teleport", data={}).status_code == 404


def test_closing_the_notice_after_seven_days_moves_the_case_to_review(county_case, client, auth):
    client.application.config["KAOPING_TODAY"] = NOTICE_OVER.isoformat()
    auth.login("county-staff")
    response = client.post(
        f"/cases/{county_case}/events/close_notice",
        data={"close_notice-version": _version(client, county_case), "close_notice-comment": "期满无异议"},
    )
    assert response.status_code == 302
    follow = _page(client.get(response.headers["Location"]))
    assert "已办理：结束公示。" in follow
    assert "公示中 → 评审中" in follow
    with client.application.app_context():
        assert case(county_case).state == "in_review"


def test_a_stale_form_is_refused_and_keeps_the_comment(county_case, client, auth):
    """Two people cannot act on one version: the page's version is sent back and checked."""
    auth.login("unit-county")
    with client.application.app_context():
        version = case(county_case).version_id
    response = client.post(
        f"/cases/{county_case}/events/withdraw",
        data={"withdraw-version": version - 1, "withdraw-comment": "单位机构调整"},
    )
    assert response.status_code == 409
    page = _page(response)
    assert "案件已被他人处理，请刷新" in page
    assert "单位机构调整</textarea>" in page
    with client.application.app_context():
        assert case(county_case).state == "in_notice"


# --- event forms with input ---------------------------------------------------------------------------------


@pytest.fixture
def prechecking_case(demo):
    with demo.app_context():
        return walk("unit-county", to="prechecking")


def test_pass_precheck_offers_a_notice_start_defaulting_to_today_and_an_opinion(
    prechecking_case, client, auth
):
    auth.login("county-staff")
    page = _page(client.get(f"/cases/{prechecking_case}"))
    assert re.search(rf'name="pass_precheck-notice_start"[^>]*type="date" value="{TODAY.isoformat()}"', page)
    assert 'name="pass_precheck-opinion"' in page
    assert 'name="return_for_completion-opinion"' in page


def test_returning_for_completion_needs_an_opinion_and_writes_nothing_without_one(
    prechecking_case, client, auth
):
    """GAP-8: a return says what to complete."""
    auth.login("county-staff")
    with client.application.app_context():
        before = events(prechecking_case)
    response = client.post(
        f"/cases/{prechecking_case}/events/return_for_completion",
        data={
            "return_for_completion-version": _version(client, prechecking_case),
            "return_for_completion-opinion": "",
            "return_for_completion-comment": "见意见",
        },
    )
    assert response.status_code == 400
    page = _page(response)
    assert "请填写退回意见" in page
    assert "见意见</textarea>" in page
    assert "collapse show" in page
    with client.application.app_context():
        assert case(prechecking_case).state == "prechecking"
        assert events(prechecking_case) == before


def test_passing_the_precheck_publishes_the_notice_with_its_last_day(prechecking_case, client, auth):
    """ARC-10.3.1/10.3.2: the notice starts on the chosen day and lasts 7 days."""
    auth.login("county-staff")
    response = client.post(
        f"/cases/{prechecking_case}/events/pass_precheck",
        data={
            "pass_precheck-version": _version(client, prechecking_case),
            "pass_precheck-notice_start": "2027-01-06",
            "pass_precheck-opinion": "档案管理规范，同意公示。",
        },
    )
    assert response.status_code == 302
    page = _page(client.get(f"/cases/{prechecking_case}"))
    assert "已办理：预检通过并公示。" in page
    assert "2027-01-06 起，至 2027-01-12（最后一天）" in page
    assert "档案管理规范，同意公示。" in page
    with client.application.app_context():
        assert case(prechecking_case).state == "in_notice"


def test_a_bad_notice_start_date_is_refused_beside_the_field(prechecking_case, client, auth):
    auth.login("county-staff")
    response = client.post(
        f"/cases/{prechecking_case}/events/pass_precheck",
        data={
            "pass_precheck-version": _version(client, prechecking_case),
            "pass_precheck-notice_start": "明天",
            "pass_precheck-opinion": "同意",
        },
    )
    assert response.status_code == 400
    page = _page(response)
    assert "同意</textarea>" in page
    assert 'class="form-control is-invalid"' in page
    with client.application.app_context():
        assert case(prechecking_case).state == "prechecking"


# --- facts, attachments, timeline, diagram ---------------------------------------------------------------------


def test_the_page_shows_facts_timeline_and_diagram(county_case, client, auth):
    auth.login("unit-county")
    page = _page(client.get(f"/cases/{county_case}"))
    # facts: bureaus per function and panel size range (ARC-9.4, ARC-10.4.2)
    facts = page[page.index('data-testid="case-facts"') :]
    assert "夷陵区档案局" in facts
    assert "3–5 人" in facts
    assert "2027-01-05 起，至 2027-01-11（最后一天）；最早可于 2027-01-12 结束公示" in facts
    # timeline: Chinese labels, from → to, rule IDs
    timeline = page[page.index('data-testid="case-timeline"') :]
    assert "创建申报草稿" in timeline
    assert "草稿 → 已申报" in timeline
    assert "预检中 → 公示中" in timeline
    assert "ARC-10.3.1" in timeline
    assert "吴敏" in timeline and "夷陵区档案局" in timeline
    # diagram with the current state highlighted, drawn on the server: no diagram script to load
    diagram = page[page.index('data-testid="procedure-diagram"') :]
    assert diagram.index("<svg") < diagram.index("</figure>")
    assert "mermaid" not in page
    assert "当前环节：公示中" in page


def test_attachments_download_for_viewers_and_are_404_for_others(county_case, client, auth):
    auth.login("unit-county")
    page = _page(client.get(f"/cases/{county_case}"))
    link = re.search(rf'href="(/cases/{county_case}/attachments/\d+)">application_form.pdf', page)
    assert link
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    auth.logout()
    auth.login("unit-city")
    assert client.get(link.group(1)).status_code == 404
    auth.logout()
    auth.login("city-staff")  # the upper bureau may read the file
    assert client.get(link.group(1)).status_code == 200


def test_an_attachment_is_only_served_under_its_own_case(demo, county_case, client, auth):
    with demo.app_context():
        other = walk("unit-town", to="applied")  # also a case of 夷陵区档案局
    auth.login("county-staff")
    page = _page(client.get(f"/cases/{county_case}"))
    attachment_id = re.search(rf"/cases/{county_case}/attachments/(\d+)", page).group(1)
    assert client.get(f"/cases/{county_case}/attachments/{attachment_id}").status_code == 200
    assert client.get(f"/cases/{other}/attachments/{attachment_id}").status_code == 404


def test_an_upper_bureau_records_what_a_spot_check_found_on_the_case_page(county_case, client, auth):
    """ARC-9.6: the date, the outcome and the findings are recorded, shown on the case page and audited."""
    auth.login("city-staff")
    assert "记录抽查（ARC-9.6）" in _page(client.get(f"/cases/{county_case}"))
    response = client.post(
        f"/cases/{county_case}/spot-check",
        data={"checked_on": "2027-01-04", "outcome": "rectify", "findings": "预检意见未存档"},
    )
    assert response.status_code == 302
    page = _page(client.get(f"/cases/{county_case}"))
    assert 'data-testid="spot-check-mark"' in page
    assert 'data-outcome="rectify"' in page and "预检意见未存档" in page and "责令整改" in page
    assert "抽查（2027-01-04）：责令整改。预检意见未存档" in page  # the timeline (audit row)


def test_a_spot_check_without_findings_or_in_the_future_is_refused_beside_the_field(
    county_case, client, auth
):
    auth.login("city-staff")
    response = client.post(
        f"/cases/{county_case}/spot-check",
        data={"checked_on": "2027-01-04", "outcome": "rectify", "findings": " "},
    )
    assert response.status_code == 400 and "请填写抽查发现的情况" in _page(response)
    response = client.post(
        f"/cases/{county_case}/spot-check",
        data={"checked_on": "2027-02-01", "outcome": "no_issue", "findings": "无"},
    )
    assert response.status_code == 400 and "不能晚于今天" in _page(response)
    assert 'data-testid="spot-checks"' not in _page(client.get(f"/cases/{county_case}"))


def test_the_county_bureau_cannot_spot_check_its_own_case(county_case, client, auth):
    auth.login("county-staff")
    assert "记录抽查（ARC-9.6）" not in _page(client.get(f"/cases/{county_case}"))
    assert client.post(f"/cases/{county_case}/spot-check", data={}).status_code == 403


# --- the list ------------------------------------------------------------------------------------------------


def test_the_case_list_shows_only_visible_cases_and_filters_by_state(demo, county_case, client, auth):
    with demo.app_context():
        town = walk("unit-town", to="applied")
        # 湖北省财政厅's 省一级 expires in 2027: its recheck is the province's (ARC-11.2, ARC-9.1)
        city = walk("unit-prov", to="applied", bureau="prov", level="first", kind="recheck")
    auth.login("unit-county")
    page = _page(client.get("/cases/"))
    assert f'data-case-id="{county_case}"' in page
    assert f'data-case-id="{town}"' not in page and f'data-case-id="{city}"' not in page
    auth.logout()
    auth.login("county-staff")
    page = _page(client.get("/cases/"))
    assert f'data-case-id="{county_case}"' in page and f'data-case-id="{town}"' in page
    assert f'data-case-id="{city}"' not in page
    filtered = _page(client.get("/cases/?state=in_notice"))
    assert f'data-case-id="{county_case}"' in filtered and f'data-case-id="{town}"' not in filtered
    assert 'value="in_notice" selected' in filtered


@pytest.mark.parametrize("username", ["unit-county", "county-staff", "city-head", "reviewer-1"])
def test_every_logged_in_user_can_open_the_case_list(demo, client, auth, username):
    auth.login(username)
    assert client.get("/cases/").status_code == 200


def test_the_system_administrator_does_not_open_the_case_list(demo, client, auth):
    """三员分立 (等保 2.0 8.1.4.2 d): the administrators never work in a procedure, its lists included."""
    auth.login("admin")
    assert client.get("/cases/").status_code == 403


# --- the confirmation letter and certificate (ARC-10.5.4, ARC-10.5.5) ---------------------------------------


@pytest.fixture
def approved(demo):
    demo.config["KAOPING_TODAY"] = NOTICE_OVER.isoformat()
    with demo.app_context():
        return walk("unit-county", to="approved")


@pytest.mark.parametrize("document", ["letter", "certificate"])
@pytest.mark.parametrize("username", ["unit-county", "county-head"])
def test_the_letter_and_certificate_download_as_pdf_once_approved(approved, client, auth, username, document):
    auth.login(username)
    page = _page(client.get(f"/cases/{approved}"))
    assert f'href="/cases/{approved}/{document}.pdf"' in page
    response = client.get(f"/cases/{approved}/{document}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


@pytest.mark.parametrize("document", ["letter", "certificate"])
def test_documents_are_404_for_other_organs(approved, client, auth, document):
    auth.login("unit-city")
    assert client.get(f"/cases/{approved}/{document}.pdf").status_code == 404


@pytest.mark.parametrize("document", ["letter", "certificate"])
def test_documents_are_refused_before_approval(county_case, client, auth, document):
    auth.login("unit-county")
    assert f"/{document}.pdf" not in _page(client.get(f"/cases/{county_case}"))
    assert client.get(f"/cases/{county_case}/{document}.pdf").status_code in (403, 409)


def test_an_approved_case_shows_its_grade_numbers(approved, client, auth):
    auth.login("unit-county")
    page = _page(client.get(f"/cases/{approved}"))
    facts = page[page.index('data-testid="case-facts"') :]
    assert re.search(r'data-testid="certificate-no">[^<—]+号<', facts)
    assert "总分 88.5" in facts and "88.50" not in page
    assert "审批通过" in page


def test_the_case_page_answers_without_graphviz(county_case, client, auth, monkeypatch):
    """A server without Graphviz's ``dot`` (a fresh machine before `make`) still serves the case: the page says
    the diagram is not available instead of failing with 500."""
    import graphviz

    from webapp.core.services import diagram

    def missing(*_args, **_kwargs):
        raise graphviz.ExecutableNotFound(("dot",))

    diagram._drawn.cache_clear()
    monkeypatch.setattr(graphviz.Digraph, "pipe", missing)
    try:
        auth.login("county-staff")
        response = client.get(f"/cases/{county_case}")
        assert response.status_code == 200
        assert 'data-testid="diagram-unavailable"' in _page(response) and "<svg" not in _page(response)
    finally:
        diagram._drawn.cache_clear()  # nothing drawn while dot was "missing" stays remembered
