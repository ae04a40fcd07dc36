"""The applying unit's workspace: its grade, what it may apply for now (with the rules that say no), the
application form with the six preconditions (ARC-5.1–5.6), uploads, and only its own organ's cases."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.grading.models import Attachment, Case


def _page(response) -> str:
    return response.get_data(as_text=True)


def _case_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Case.id))) or 0


UNIT_PAGES = ["/unit/", "/unit/cases/new"]


@pytest.mark.parametrize("url", UNIT_PAGES)
@pytest.mark.parametrize("username", ["unit-county", "unit-town", "unit-city", "unit-prov"])
def test_unit_pages_open_for_unit_users(demo, client, auth, url, username):
    auth.login(username)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("method", "url"), [("GET", "/unit/"), ("GET", "/unit/cases/new"), ("POST", "/unit/cases/new")]
)
@pytest.mark.parametrize("username", ["county-staff", "city-head", "prov-staff", "reviewer-1", "admin"])
def test_unit_pages_are_403_for_bureaus_reviewers_and_admins(demo, client, auth, url, username, method):
    auth.login(username)
    assert client.open(url, method=method).status_code == 403


@pytest.mark.parametrize("url", UNIT_PAGES)
def test_unit_pages_send_anonymous_visitors_to_the_login_page(demo, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- the dashboard ----------------------------------------------------------------------------------------


def test_an_ungraded_county_organ_sees_it_may_apply_for_second_level_evaluation(demo, client, auth):
    """ARC-3.2: an ungraded organ starts at 省二级; the higher levels are refused with their rule."""
    auth.login("unit-county")
    page = _page(client.get("/unit/"))
    assert "未定级" in page
    assert 'data-option="second-evaluation" data-allowed="yes"' in page
    assert 'href="/unit/cases/new?level=second&amp;kind=evaluation"' in page
    first = re.search(r'data-option="first-evaluation" data-allowed="no">(.*?)</tr>', page, re.S)
    assert first and "ARC-" in first.group(1) and "依据" in first.group(1)


def test_a_graded_organ_sees_its_level_validity_recheck_year_and_promotion_date(demo, client, auth):
    """宜昌市财政局 holds 省二级 from 2025-03-10 to 2028-03-09: recheck due in 2028 (ARC-11.2)."""
    auth.login("unit-city")
    page = _page(client.get("/unit/"))
    status = page[page.index('data-testid="grade-status"') : page.index('data-testid="apply-options"')]
    assert "省二级" in status and "有效" in status
    assert "2025-03-10 至 2028-03-09" in status
    assert "2028 年" in status
    assert "最早可申报晋升" in status


def test_a_grade_expiring_this_year_says_the_recheck_is_due_now(demo, client, auth):
    """湖北省财政厅's 省一级 expires 2027-04-14: the recheck must be applied for in 2027 (ARC-11.2)."""
    auth.login("unit-prov")
    page = _page(client.get("/unit/"))
    assert 'data-testid="recheck-due"' in page
    assert "ARC-11.2" in page
    assert 'data-option="first-recheck" data-allowed="yes"' in page


def test_the_dashboard_lists_only_the_organs_own_cases(demo, client, auth):
    with demo.app_context():
        own = walk("unit-county", to="applied")
        other = walk("unit-town", to="applied")
    auth.login("unit-county")
    page = _page(client.get("/unit/"))
    assert f'data-case-id="{own}"' in page
    assert f'data-case-id="{other}"' not in page


# --- the application form ------------------------------------------------------------------------------------


def test_the_application_form_lists_the_six_preconditions_with_their_texts(demo, client, auth):
    auth.login("unit-county")
    page = _page(client.get("/unit/cases/new?level=second&kind=evaluation"))
    for n in range(1, 7):
        assert f'name="pre_ARC_5_{n}"' in page
        assert f"（ARC-5.{n}）" in page
    assert "本机关已依法办理档案登记" in page
    assert "本机关两年内未发生档案丢失、被盗、损毁、失泄密等档案安全事故" in page
    assert '<option selected value="second">' in page or 'value="second" selected' in page


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"level": "second", "kind": "evaluation"}
    data.update({f"pre_ARC_5_{n}": "y" for n in range(1, 7)})
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_unconfirmed_precondition_is_refused_beside_it_and_nothing_is_written(demo, client, auth):
    """ARC-5: all six preconditions must hold; the typed choices are kept."""
    auth.login("unit-county")
    response = client.post("/unit/cases/new", data=_form(pre_ARC_5_5=None))
    assert response.status_code == 400
    page = _page(response)
    assert "须确认本项前提条件（ARC-5.5）后方可申报。" in page
    assert re.search(r'<option selected value="second">|value="second" selected', page)
    assert re.search(r'checked[^>]*name="pre_ARC_5_1"|name="pre_ARC_5_1"[^>]*checked', page)
    assert not re.search(r'checked[^>]*name="pre_ARC_5_5"|name="pre_ARC_5_5"[^>]*checked', page)
    with demo.app_context():
        assert _case_count() == 0


def test_a_level_the_organ_may_never_apply_for_is_refused_with_its_rule(demo, client, auth):
    """ARC-4.2: 省特级 is for organs with a system-guidance task; a township office has none."""
    auth.login("unit-town")
    response = client.post("/unit/cases/new", data=_form(level="special"))
    assert response.status_code == 409
    page = _page(response)
    assert "ARC-4.2" in page and "依据" in page
    assert re.search(r'<option selected value="special">|value="special" selected', page)
    with demo.app_context():
        assert _case_count() == 0


def test_opening_a_case_creates_a_draft_and_goes_to_its_page(demo, client, auth):
    auth.login("unit-county")
    response = client.post("/unit/cases/new", data=_form())
    assert response.status_code == 302
    assert re.fullmatch(r"/cases/\d+", response.headers["Location"])
    with demo.app_context():
        case = db.session.scalar(sa.select(Case))
        assert case.state == "draft"
        assert case.organ.name == "夷陵区财政局"
        assert case.preconditions == {f"ARC-5.{n}": True for n in range(1, 7)}
    page = _page(client.get(response.headers["Location"]))
    assert "已创建申报草稿（省二级考评）" in page
    assert 'data-action="apply"' in page


# --- uploads -------------------------------------------------------------------------------------------------


@pytest.fixture
def draft(demo):
    with demo.app_context():
        return walk("unit-county", to="draft")


def test_the_upload_form_offers_the_kinds_in_chinese(draft, client, auth):
    auth.login("unit-county")
    page = _page(client.get(f"/cases/{draft}/attachments"))
    assert '<option value="application_form">申报审批表</option>' in page
    assert "自查评分表" in page and "验收申请报告" in page
    assert "20 MiB" in page


def test_uploading_a_file_lists_it_on_the_case_page(draft, client, auth):
    auth.login("unit-county")
    response = client.post(
        f"/cases/{draft}/attachments",
        data={"kind": "application_form", "file": (io.BytesIO(b"%PDF-1.4 form"), "申报审批表.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = _page(client.get(f"/cases/{draft}"))
    assert "已上传：申报审批表「申报审批表.pdf」。" in page
    assert 'data-attachment="application_form"' in page


def test_an_upload_without_a_file_keeps_the_chosen_kind_and_writes_nothing(draft, client, auth):
    auth.login("unit-county")
    response = client.post(
        f"/cases/{draft}/attachments", data={"kind": "self_check_sheet"}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    page = _page(response)
    assert "请选择要上传的文件。" in page
    assert re.search(r'<option selected value="self_check_sheet">|value="self_check_sheet" selected', page)
    with client.application.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(Attachment.case_id == draft)) == 0
        )


def test_an_upload_over_the_size_limit_says_so_in_chinese(draft, client, auth):
    client.application.config["MAX_CONTENT_LENGTH"] = 1024  # the real limit is 20 MiB
    auth.login("unit-county")
    response = client.post(
        f"/cases/{draft}/attachments",
        data={"kind": "application_form", "file": (io.BytesIO(b"x" * 4096), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = _page(response)
    assert "上传的文件超过 20 MiB 上限，未保存。" in page
    assert 'id="upload-form"' in page


@pytest.mark.parametrize(
    ("username", "status"), [("unit-city", 404), ("reviewer-1", 404), ("city-staff", 403)]
)
def test_only_the_applicant_may_upload_its_materials(demo, client, auth, username, status):
    with demo.app_context():
        case_id = walk("unit-county", to="applied")
    auth.login(username)
    assert client.get(f"/cases/{case_id}/attachments").status_code == status
