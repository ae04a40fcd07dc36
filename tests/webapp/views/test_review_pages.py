"""The reviewer's pages: the cases on whose panel they sit, and the lead concluding the review on the case page
(a total score for scored levels, ARC-7.2; 达标/不达标 for 省特级, ARC-6.1)."""

from __future__ import annotations

import re

import pytest

from tests.walk import NOTICE_OVER, case
from tests.walk import event_count as events
from tests.webapp.sql_count import count_statements
from tests.webapp.views.case_walk import walk


def _page(response) -> str:
    return response.get_data(as_text=True)


def _version(client, case_id: int) -> dict[str, str]:
    """The version field the case page puts in the conclude form (the stale-form check)."""
    with client.application.app_context():
        return {"conclude_review-version": str(case(case_id).version_id)}


@pytest.fixture
def in_review(demo):
    """夷陵区财政局's 省二级 evaluation after its notice, panel reviewer-7 (lead), reviewer-8, reviewer-4."""
    demo.config["KAOPING_TODAY"] = NOTICE_OVER.isoformat()
    with demo.app_context():
        return walk("unit-county", to="panel")


@pytest.mark.parametrize("username", ["reviewer-1", "reviewer-7", "reviewer-9"])
def test_reviewers_open_their_task_list(demo, client, auth, username):
    auth.login(username)
    assert client.get("/review/").status_code == 200


@pytest.mark.parametrize("username", ["unit-county", "county-staff", "city-head", "admin"])
def test_the_task_list_is_403_for_everyone_else(demo, client, auth, username):
    auth.login(username)
    assert client.get("/review/").status_code == 403


def test_the_task_list_sends_anonymous_visitors_to_the_login_page(demo, client):
    response = client.get("/review/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize(
    ("username", "role"), [("reviewer-7", "组长"), ("reviewer-8", "成员"), ("reviewer-4", "成员")]
)
def test_panel_members_see_the_case_with_their_role_and_dates(in_review, client, auth, username, role):
    auth.login(username)
    page = _page(client.get("/review/"))
    row = re.search(rf'<tr data-case-id="{in_review}".*?</tr>', page, re.S)
    assert row, "the case is listed"
    assert role in row.group(0)
    assert "夷陵区财政局" in row.group(0) and "省二级 · 考评" in row.group(0)
    assert "2027-01-05 至 2027-01-11" in row.group(0)
    assert "评审中" in row.group(0)


def test_a_reviewer_not_on_the_panel_neither_lists_nor_opens_the_case(in_review, client, auth):
    auth.login("reviewer-1")
    assert f'data-case-id="{in_review}"' not in _page(client.get("/review/"))
    assert client.get(f"/cases/{in_review}").status_code == 404


def test_only_the_lead_is_offered_the_conclusion_with_a_total_score(in_review, client, auth):
    auth.login("reviewer-7")
    page = _page(client.get(f"/cases/{in_review}"))
    assert 'data-action="conclude_review" data-allowed="yes"' in page
    assert 'name="conclude_review-total_score"' in page
    auth.logout()
    auth.login("reviewer-8")
    page = _page(client.get(f"/cases/{in_review}"))
    assert "/events/conclude_review" not in page
    assert "评审结论由评审组组长录入" in page


def test_the_lead_concludes_with_a_passing_total_and_the_case_awaits_approval(in_review, client, auth):
    """ARC-7.2: 省二级 passes at 80 points."""
    auth.login("reviewer-7")
    response = client.post(
        f"/cases/{in_review}/events/conclude_review",
        data={
            **_version(client, in_review),
            "conclude_review-total_score": "85.5",
            "conclude_review-comment": "档案管理规范",
        },
    )
    assert response.status_code == 302
    page = _page(client.get(f"/cases/{in_review}"))
    assert "已办理：形成评审结论。" in page
    assert "总分 85.5" in page
    with client.application.app_context():
        assert case(in_review).state == "awaiting_approval"


def test_a_member_who_posts_a_conclusion_is_refused_and_nothing_changes(in_review, client, auth):
    auth.login("reviewer-8")
    with client.application.app_context():
        before = events(in_review)
    response = client.post(
        f"/cases/{in_review}/events/conclude_review",
        data={**_version(client, in_review), "conclude_review-total_score": "95"},
    )
    assert response.status_code == 403
    with client.application.app_context():
        assert case(in_review).state == "in_review"
        assert case(in_review).total_score is None
        assert events(in_review) == before


def test_a_score_above_the_score_tables_maximum_is_refused_beside_the_field_and_kept(in_review, client, auth):
    auth.login("reviewer-7")
    response = client.post(
        f"/cases/{in_review}/events/conclude_review",
        data={
            **_version(client, in_review),
            "conclude_review-total_score": "120",
            "conclude_review-comment": "复核后",
        },
    )
    assert response.status_code == 400
    page = _page(response)
    assert "评审总分须在 0 至 100 之间（本案评分表满分，含加分上限）。" in page
    assert 'value="120"' in page
    assert "复核后</textarea>" in page
    with client.application.app_context():
        assert case(in_review).state == "in_review"


#: a panel for a provincial 省特级 case: none of them from 湖北省财政厅
SPECIAL_PANEL = ["reviewer-1", "reviewer-2", "reviewer-4", "reviewer-7", "reviewer-9"]


@pytest.fixture
def special_in_review(demo):
    """湖北省财政厅 (省一级 since 2024-04-15, system-guidance task) applies for 省特级 (ARC-4.2, ARC-3.2)."""
    demo.config["KAOPING_TODAY"] = NOTICE_OVER.isoformat()
    with demo.app_context():
        return walk("unit-prov", level="special", bureau="prov", to="panel", panel=SPECIAL_PANEL)


def test_the_lead_of_a_special_level_panel_concludes_pass_or_fail(special_in_review, client, auth):
    """ARC-6.1, GAP-11: 省特级 has no score; the lead chooses 达标 or 不达标."""
    auth.login("reviewer-1")
    page = _page(client.get(f"/cases/{special_in_review}"))
    assert 'name="conclude_review-total_score"' not in page
    assert 'name="conclude_review-conclusion" type="radio" value="pass"' in page or re.search(
        r'name="conclude_review-conclusion"[^>]*value="pass"', page
    )
    assert "达标" in page and "不达标" in page
    response = client.post(
        f"/cases/{special_in_review}/events/conclude_review", data=_version(client, special_in_review)
    )
    assert response.status_code == 400
    assert "请选择评审结论。" in _page(response)
    response = client.post(
        f"/cases/{special_in_review}/events/conclude_review",
        data={**_version(client, special_in_review), "conclude_review-conclusion": "pass"},
    )
    assert response.status_code == 302
    with client.application.app_context():
        assert case(special_in_review).state == "awaiting_approval"
        assert case(special_in_review).conclusion == "pass"


def test_a_blank_total_concludes_from_the_agreed_sheet_and_is_refused_while_there_is_none(
    in_review, client, auth
):
    """GAP-12 / ARC-10.4.5: without a paper total the agreed score sheet decides; none submitted yet → refused."""
    auth.login("reviewer-7")
    response = client.post(
        f"/cases/{in_review}/events/conclude_review",
        data={
            **_version(client, in_review),
            "conclude_review-total_score": "",
            "conclude_review-comment": "待合议",
        },
    )
    assert response.status_code == 409
    page = _page(response)
    assert "合议评分表" in page and "ARC-10.4.5" in page
    assert "待合议</textarea>" in page
    with client.application.app_context():
        assert case(in_review).state == "in_review"


def test_without_paper_reviews_the_conclusion_form_has_no_total_field(in_review, client, auth, monkeypatch):
    """procedure.allow_paper_review = false: the conclusion comes from the agreed sheet only."""
    from webapp.grading.services import sheet_subject

    monkeypatch.setattr(sheet_subject, "paper_review_allowed", lambda case: False)
    auth.login("reviewer-7")
    page = _page(client.get(f"/cases/{in_review}"))
    assert 'data-action="conclude_review" data-allowed="yes"' in page
    assert 'name="conclude_review-total_score"' not in page
    assert "依据评审组合议评分表形成结论" in page


@pytest.mark.parametrize("typed", ["1e-400", "1E2", "NaN", "inf", "-0", "85.555", "８５", "85,5"])
def test_a_review_total_that_is_not_a_plain_decimal_is_refused_beside_the_field(
    in_review, client, auth, typed
):
    """Issue 7 point 6: 1e-400 passed as a total, was stored as 0 and rejected the case (ARC-7.2)."""
    auth.login("reviewer-7")
    with client.application.app_context():
        before = events(in_review)
    response = client.post(
        f"/cases/{in_review}/events/conclude_review",
        data={**_version(client, in_review), "conclude_review-total_score": typed},
    )
    assert response.status_code == 400
    page = _page(response)
    assert "评审总分须为不超过两位小数的数字" in page
    with client.application.app_context():
        assert case(in_review).state == "in_review" and case(in_review).total_score is None
        assert events(in_review) == before


def test_a_plain_total_with_two_decimals_is_recorded_exactly(in_review, client, auth):
    auth.login("reviewer-7")
    client.post(
        f"/cases/{in_review}/events/conclude_review",
        data={**_version(client, in_review), "conclude_review-total_score": "85.25"},
    )
    with client.application.app_context():
        assert str(case(in_review).total_score) == "85.25"


def _row(page: str, case_id: int) -> str:
    start = page.index(f'data-case-id="{case_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_task_list_shows_the_state_of_the_reviewers_own_sheet_and_what_is_left_arc_10_4_5(
    in_review, client, auth
):
    """Issue 7 point 15: /review/ did not show the reviewer's sheet; the member had nothing telling them to fill it."""
    from tests.walk import user
    from tests.webapp.sheets.world import REVIEWS
    from webapp.scoring.services.scoresheets import operations
    from webapp.scoring.services.scoresheets.operations import JsonInput

    auth.login("reviewer-8")
    row = _row(_page(client.get("/review/")), in_review)
    assert "未开始" in row and "填写本人的评审评分表（尚未开始）" in row and 'data-testid="todo-start"' in row
    started = client.post(f"/cases/{in_review}/sheets/review")  # the row's 开始评分 button
    assert started.status_code == 302
    row = _row(_page(client.get("/review/")), in_review)
    assert "草稿（未提交）" in row and "提交本人的评审评分表" in row
    with client.application.app_context():
        sheet = operations.find_sheet(user("reviewer-8"), in_review, "reviewer").sheet
        operations.save_sheet(user("reviewer-8"), sheet.id, JsonInput(REVIEWS["reviewer-8"]), submit=True)
    row = _row(_page(client.get("/review/")), in_review)
    assert "已提交" in row and "评审评分表（" not in row.split('data-testid="todo"')[1]
    auth.logout()
    auth.login("reviewer-7")  # the lead: their own sheet, then the agreed sheet and the conclusion
    row = _row(_page(client.get("/review/")), in_review)
    assert "填写本人的评审评分表（尚未开始）" in row and "填写合议评分表（按专家评分预填）" in row


def test_the_case_page_tells_a_panel_member_their_pending_sheet_work(in_review, client, auth):
    """Issue 7 point 15: a member whose sheet was unfilled read 「当前没有需要您办理的事项」 on the case page."""
    auth.login("reviewer-4")
    page = _page(client.get(f"/cases/{in_review}"))
    actions = page[page.index('data-testid="case-actions"') :]
    actions = actions[: actions.index("</section>")]
    assert "当前没有需要您办理的事项" not in actions
    todo = actions[actions.index('data-testid="sheet-todo"') :]
    assert "填写本人的评审评分表（尚未开始）" in todo
    assert f'action="/cases/{in_review}/sheets/review"' in todo and "开始评分" in todo


def test_the_task_list_issues_the_same_statements_however_many_cases_it_shows(demo, client, auth):
    """Every list is paginated in the query and loads what it shows in bulk (no query per row)."""

    demo.config["KAOPING_TODAY"] = NOTICE_OVER.isoformat()
    with demo.app_context():
        walk("unit-county", to="panel")
    auth.login("reviewer-8")

    def statements() -> int:
        with count_statements(demo) as seen:
            assert client.get("/review/").status_code == 200
        return seen.count

    one = statements()
    with demo.app_context():
        walk(
            "unit-town",
            to="panel",
            panel=["reviewer-7", "reviewer-8", "reviewer-4", "reviewer-1", "reviewer-2"],
        )
    assert statements() == one
