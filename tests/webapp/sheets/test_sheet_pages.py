"""Score sheet pages: who may open and fill which sheet (route × role × jurisdiction), the agreed page with the
spread, bad input kept on the form, xlsx export/import through the routes, the PDF, and the case page section."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.factories import make_test_app, make_user
from tests.webapp.sheets import world as w
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services import transaction
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.scoring.models import ScoreSheet
from webapp.scoring.services.schemes import register_shipped_schemes
from webapp.scoring.services.scoresheets import operations

ROLES = {
    "applicant": "unit-county",
    "member": "reviewer-8",
    "lead": "reviewer-7",
    "organizer": "county-staff",
    "upper bureau": "city-staff",
    "other bureau": "wh-staff",
    "other organ": "unit-city",
    "reviewer off the panel": "reviewer-9",
}


@pytest.fixture(scope="module")
def review_world(tmp_path_factory):
    """One case in review: self-check submitted, three reviewer sheets submitted, the agreed sheet a draft."""
    app = make_test_app(tmp_path_factory.mktemp("sheets"), own_database=True)
    with app.app_context():
        db.create_all()
        load_demo()
        with transaction():
            register_shipped_schemes()
            wuhan = db.session.scalar(sa.select(Organisation).where(Organisation.code == "wh"))
            make_user(wuhan, "bureau_staff", username="wh-staff", password=DEMO_PASSWORD)
        case_id = w.reviewed_case()
        agreed = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        ids = {
            "case": case_id,
            "self": operations.open_sheet(w.user(w.UNIT), case_id, "self").id,
            "member": operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id,
            "agreed": agreed.id,
        }
    yield app, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def version_of(app, sheet_id: int) -> dict[str, str]:  # noqa: ANN001
    """The hidden ``version`` field the sheet page's forms carry (issue 7 point 4: a POST needs it)."""
    with app.app_context():
        return {"version": str(db.session.get(ScoreSheet, sheet_id).version_id)}


def client_for(app, role: str):  # noqa: ANN001
    client = app.test_client()
    response = client.post("/auth/login", data={"username": ROLES[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302, role
    return client


#: route → expected status per role (200 read, 403 visible case but not this sheet, 404 case not visible)
READS = {
    "/sheets/{self}": {"applicant": 200, "member": 200, "lead": 200, "organizer": 200, "upper bureau": 403},
    "/sheets/{member}": {"applicant": 403, "member": 200, "lead": 200, "organizer": 200, "upper bureau": 403},
    "/sheets/{agreed}": {"applicant": 403, "member": 200, "lead": 200, "organizer": 200, "upper bureau": 403},
    "/sheets/{member}.xlsx": {
        "applicant": 403,
        "member": 200,
        "lead": 200,
        "organizer": 200,
        "upper bureau": 403,
    },
    "/cases/{case}/sheets/blank.xlsx": {
        r: 200 for r in ("applicant", "member", "lead", "organizer", "upper bureau")
    },
}


@pytest.mark.parametrize("route", list(READS))
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_open_each_sheet_route(review_world, route, role):
    app, ids = review_world
    response = client_for(app, role).get(route.format(**ids))
    assert response.status_code == READS[route].get(role, 404)


#: (route, form) → the one role that may change it; every other role that sees the case gets 403, the rest 404
WRITES = {
    ("/sheets/{agreed}", "save"): "lead",
    ("/sheets/{member}/reopen", None): "member",
    ("/sheets/{self}/reopen", None): None,  # the self-check closed when acceptance was requested (ARC-10.1.4)
}
SEES_CASE = ("applicant", "member", "lead", "organizer", "upper bureau")


@pytest.mark.parametrize(("route", "action"), list(WRITES))
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_change_each_sheet(review_world, route, action, role):
    app, ids = review_world
    sheet_id = ids[route.split("{")[1].split("}")[0]]
    data = {"action": action} if action else {}
    response = client_for(app, role).post(route.format(**ids), data={**data, **version_of(app, sheet_id)})
    allowed = WRITES[(route, action)]
    if role == allowed:
        assert response.status_code == 302
    elif role in SEES_CASE:
        # the applicant's own closed self-check says why (409); everyone else is refused (403)
        expected = 409 if (route.startswith("/sheets/{self}") and role == "applicant") else 403
        assert response.status_code == expected
    else:
        assert response.status_code == 404
    if role == allowed and "reopen" in route:  # put it back for the other parametrized runs
        with app.app_context():
            operations.submit_sheet(w.user(ROLES[role]), ids["member"])


def test_the_lead_sees_each_reviewers_score_the_spread_and_the_self_check_difference(review_world):
    app, ids = review_world
    client = client_for(app, "lead")
    with app.app_context():
        operations.prefill_agreed(w.user(w.LEAD), ids["case"])
    page = client.get(f"/sheets/{ids['agreed']}").get_data(as_text=True)
    assert 'data-testid="spread-table"' in page
    for name in ("徐长江", "马晓东", "罗静"):
        assert name in page
    assert "极差 <strong>3</strong>" in page  # HBS-2.2: 8, 7, 10
    assert "与自查相差 -2" in page
    assert "各专家：徐长江 8；马晓东 7；罗静 10" in page
    assert 'data-testid="prefill-median"' in page


def test_a_prefilled_score_is_marked_for_the_script_that_clears_it_when_a_deduction_is_entered(review_world):
    """Issue 7 point 10: the page says the pre-filled score gives way to a deduction, and its script (a static
    file: no inline script under the CSP) clears the marked score when a marked deduction input is used."""
    app, ids = review_world
    client = client_for(app, "lead")
    with app.app_context():
        operations.prefill_agreed(w.user(w.LEAD), ids["case"])
    page = client.get(f"/sheets/{ids['agreed']}").get_data(as_text=True)
    row = page[page.index('data-item="HBS-2.2"', page.index('id="sheet-form"')) :]
    row = row[: row.index("kp-item p-3", 10)] if "kp-item p-3" in row[10:] else row
    assert 'name="HBS-2.2:awarded" value="8" data-prefilled="8"' in row
    assert 'name="HBS-2.2:defect:missing_protection" value="" data-scores' in row
    assert "勾选或填写上面的扣分，即改按扣分计算" in row
    assert 'src="/static/js/sheet.js' in page
    assert client.get("/static/js/sheet.js").status_code == 200


def test_a_reviewer_sees_the_units_self_check_beside_each_item(review_world):
    app, ids = review_world
    page = client_for(app, "member").get(f"/sheets/{ids['member']}").get_data(as_text=True)
    assert "单位自查：<strong>9</strong> 分" in page and "编研成果较少" in page
    assert 'data-testid="sample-scheme"' in page


def test_bad_input_is_shown_beside_the_field_and_the_form_keeps_what_was_typed(world, client, auth):
    with world.app_context():
        case_id = w.review_case()
        sheet_id = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id
    auth.login("reviewer-8")
    form = {
        "action": "save",
        "HBS-3.1:defect:missing_file": "三份",
        "HBS-3.1:note": "见第12页",
        **version_of(world, sheet_id),
    }
    response = client.post(f"/sheets/{sheet_id}", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-error-for="HBS-3.1:defect:missing_file">请填写不小于0的整数' in page
    assert 'value="三份"' in page and 'value="见第12页"' in page
    with world.app_context():
        assert db.session.get(ScoreSheet, sheet_id).entries == {}


def test_a_draft_saved_through_the_page_recomputes_the_total(world, client, auth):
    with world.app_context():
        case_id = w.review_case()
        sheet_id = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id
    auth.login("reviewer-8")
    form = {
        "action": "save",
        "HBS-3.1:defect:missing_file": "3",
        "HBS-1.1:defect:no_leader": "1",
        "HBS-5.1:awarded": "8",
        "HBS-5.1:reason": "编研不足",
        "HBS-5.3:measure:entry_rate": "85",
        **version_of(world, sheet_id),
    }
    response = client.post(f"/sheets/{sheet_id}", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "草稿已保存" in page
    assert 'data-testid="sheet-total">94' in page  # 100 - 3 - 1 - 2
    form["action"] = "submit"
    form.update(version_of(world, sheet_id))  # the page after the save carries the new version
    response = client.post(f"/sheets/{sheet_id}", data=form, follow_redirects=True)
    assert "评分表已提交" in response.get_data(as_text=True)
    with world.app_context():
        assert db.session.get(ScoreSheet, sheet_id).status == "submitted"


# -- xlsx and PDF through the routes -----------------------------------------------------------------------


def item_rows(ws) -> dict[str, int]:  # noqa: ANN001
    return {ws.cell(r, 9).value: r for r in range(3, ws.max_row + 1) if ws.cell(r, 9).value}


def test_export_fill_in_excel_and_import_round_trip_through_the_routes(world, client, auth):
    with world.app_context():
        case_id = w.review_case()
        sheet_id = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id
    auth.login("reviewer-8")
    response = client.get(f"/sheets/{sheet_id}.xlsx?blank=1")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb.active
    assert [c.value for c in ws[2]][:8] == [
        "序号",
        "考核项目",
        "分数",
        "评分细则",
        "自查评分",
        "扣分原因",
        "评审评分",
        "扣分原因",
    ]
    rows = item_rows(ws)
    for item_id, score, reason in [
        ("HBS-3.1", 12, "缺3份"),
        ("HBS-5.1", 8, "编研不足"),
        ("HBS-5.3", 10, None),
    ]:
        ws.cell(rows[item_id], 7, score)
        ws.cell(rows[item_id], 8, reason)
    out = io.BytesIO()
    wb.save(out)
    response = client.post(
        f"/sheets/{sheet_id}/import",
        data={"file": (io.BytesIO(out.getvalue()), "filled.xlsx"), **version_of(world, sheet_id)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已从Excel导入评分" in response.get_data(as_text=True)
    with world.app_context():
        sheet = db.session.get(ScoreSheet, sheet_id)
        assert sheet.entries["HBS-3.1"] == {"awarded": "12", "reason": "缺3份"}
        assert sheet.total == Decimal(95) and sheet.status == "draft"
    # and the filled sheet exports again with the self-check beside the review column
    ws = load_workbook(io.BytesIO(client.get(f"/sheets/{sheet_id}.xlsx").data)).active
    rows = item_rows(ws)
    assert ws.cell(rows["HBS-3.1"], 7).value == 12 and ws.cell(rows["HBS-5.1"], 5).value == 9


def test_an_imported_sheet_with_a_bad_cell_is_refused_cell_by_cell(world, client, auth):
    with world.app_context():
        case_id = w.review_case()
        sheet_id = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id
    auth.login("reviewer-8")
    wb = load_workbook(io.BytesIO(client.get(f"/sheets/{sheet_id}.xlsx?blank=1").data))
    ws = wb.active
    rows = item_rows(ws)
    ws.cell(rows["HBS-3.1"], 7, 18)  # of 15
    ws.cell(rows["HBS-2.2"], 7, 7)  # below 10 without a reason
    ws.cell(rows["HBS-5.1"], 7, "八")
    out = io.BytesIO()
    wb.save(out)
    response = client.post(
        f"/sheets/{sheet_id}/import",
        data={"file": (io.BytesIO(out.getvalue()), "bad.xlsx"), **version_of(world, sheet_id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"评分表!G{rows['HBS-3.1']}：评分18超出范围0–15分" in page
    assert f"评分表!H{rows['HBS-2.2']}：评分7低于满分10分，须填写扣分原因" in page
    assert f"评分表!G{rows['HBS-5.1']}：评分「八」不是数字" in page
    with world.app_context():
        assert db.session.get(ScoreSheet, sheet_id).entries == {}


def test_the_review_conclusion_pdf_is_served_as_pdf_once_the_agreed_sheet_is_submitted(world, client, auth):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        operations.submit_sheet(w.user(w.LEAD), sheet.id)
    auth.login(w.LEAD)
    response = client.get(f"/cases/{case_id}/sheets/review-conclusion.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_the_lead_concludes_the_review_from_the_agreed_sheet_page(world, client, auth):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet_id = operations.open_sheet(w.user(w.LEAD), case_id, "agreed").id
        operations.submit_sheet(w.user(w.LEAD), sheet_id)
    auth.login(w.LEAD)
    page = client.get(f"/sheets/{sheet_id}").get_data(as_text=True)
    assert 'data-testid="conclude-from-sheet"' in page
    assert "评审总分92分，达到省二级达标分数线80分（ARC-7.2）" in page
    with world.app_context():
        version = str(w.case(case_id).version_id)
    response = client.post(
        f"/cases/{case_id}/sheets/conclude", data={"version": version}, follow_redirects=True
    )
    assert "已形成评审结论" in response.get_data(as_text=True)
    with world.app_context():
        assert w.case(case_id).state == "awaiting_approval"


def test_the_case_page_lists_the_sheets_the_user_may_see_and_fill(world, client, auth):
    with world.app_context():
        case_id = w.reviewed_case()
    auth.login("reviewer-8")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="case-sheets"' in page
    assert "评审评分表 · 徐长江（组长）" in page and "合议评分表" in page
    auth.logout()
    auth.login("unit-county")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="case-sheets"' in page
    assert "自查评分表" in page and "评审评分表" not in page


def test_the_self_check_summary_says_what_is_wrong_and_where(world, client, auth):
    """Issue 7 point 11: an item scored without its reason was summarised as 「尚未评分（按0分计）」."""
    with world.app_context():
        case_id = w.planned_case()
        sheet_id = operations.open_sheet(w.user(w.UNIT), case_id, "self").id
    auth.login(w.UNIT)
    client.post(
        f"/sheets/{sheet_id}", data={"action": "save", "HBS-5.1:awarded": "9", **version_of(world, sheet_id)}
    )
    page = client.get(f"/sheets/{sheet_id}").get_data(as_text=True)
    faults = page[page.index('data-testid="sheet-faults"') :]
    assert "第五部分第1项「利用服务与编研」：低于满分须填写扣分原因" in faults[: faults.index("</div>")]
    missing = page[page.index('data-testid="sheet-missing-items"') :]
    missing = missing[: missing.index("</div>")]
    assert "利用服务与编研" not in missing and "HBS-" not in missing


# -- the version every sheet form carries (issue 7 point 4) ---------------------------------------------------


def _reviewer_sheet(world) -> tuple[int, int]:  # noqa: ANN001
    with world.app_context():
        case_id = w.review_case()
        return case_id, operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer").id


@pytest.mark.parametrize("version", [None, "", "abc", "1e3", "-1", "١", "99999999999999999999"], ids=repr)
def test_a_sheet_form_without_a_readable_version_is_refused_and_nothing_is_saved(
    world, client, auth, version
):
    """Issue 7 point 4: a missing or malformed version meant "do not check"; it is a 400 that keeps the typing."""
    _, sheet_id = _reviewer_sheet(world)
    auth.login("reviewer-8")
    form = {"action": "submit", "HBS-5.1:awarded": "8", "HBS-5.1:reason": "编研成果不足"}
    if version is not None:
        form["version"] = version
    response = client.post(f"/sheets/{sheet_id}", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "缺少或无效的版本信息" in page and "本次操作未执行" in page
    assert 'value="8"' in page and "编研成果不足" in page
    with world.app_context():
        sheet = db.session.get(ScoreSheet, sheet_id)
        assert sheet.entries == {} and sheet.status == "draft"


def test_a_sheet_form_rendered_before_another_save_is_refused_as_stale(world, client, auth):
    _, sheet_id = _reviewer_sheet(world)
    auth.login("reviewer-8")
    old = version_of(world, sheet_id)
    first = client.post(f"/sheets/{sheet_id}", data={"action": "save", "HBS-5.1:awarded": "9", **old})
    assert first.status_code == 302
    response = client.post(
        f"/sheets/{sheet_id}",
        data={"action": "save", "HBS-5.1:awarded": "7", "HBS-5.1:reason": "旧页面", **old},
    )
    assert response.status_code == 409
    assert "该评分表已被他人处理，请刷新" in response.get_data(as_text=True)
    with world.app_context():
        assert db.session.get(ScoreSheet, sheet_id).entries["HBS-5.1"] == {"awarded": "9"}


def test_the_sheet_page_sends_its_version_with_every_form(world, client, auth):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet_id = operations.open_sheet(w.user(w.LEAD), case_id, "agreed").id
    auth.login(w.LEAD)
    pages = [client.get(f"/sheets/{sheet_id}").get_data(as_text=True)]  # draft: save, import, pre-fill
    with world.app_context():
        operations.submit_sheet(w.user(w.LEAD), sheet_id)
    pages.append(client.get(f"/sheets/{sheet_id}").get_data(as_text=True))  # submitted: reopen, conclude
    forms = [
        f for page in pages for f in page.split('<form method="post"')[1:] if "/sheets/" in f[: f.index(">")]
    ]
    for action in ("/import", "/prefill", "/reopen", "/conclude", f'/sheets/{sheet_id}"'):
        assert any(action in f[: f.index(">")] for f in forms), action
    for form in forms:
        assert 'name="version" value="' in form[: form.index("</form>")], form[:200]


def test_each_sheet_post_without_a_version_is_refused_and_changes_nothing(world, client, auth):
    """Reopen, import, pre-fill and the conclusion from the agreed sheet: 400 without a readable version."""
    with world.app_context():
        case_id = w.reviewed_case()
        agreed = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        operations.submit_sheet(w.user(w.LEAD), agreed.id)
        agreed_id, before = agreed.id, agreed.version_id
        case_version = w.case(case_id).version_id
    auth.login(w.LEAD)
    for url, data in [
        (f"/sheets/{agreed_id}/reopen", {}),
        (f"/sheets/{agreed_id}/import", {"file": (io.BytesIO(b"PK"), "x.xlsx")}),
        (f"/cases/{case_id}/sheets/agreed/prefill", {"method": "mean"}),
        (f"/cases/{case_id}/sheets/conclude", {"comment": "结论"}),
        (f"/cases/{case_id}/sheets/conclude", {"comment": "结论", "version": "abc"}),
    ]:
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 400, url
        assert "缺少或无效的版本信息" in response.get_data(as_text=True), url
    with world.app_context():
        sheet = db.session.get(ScoreSheet, agreed_id)
        assert sheet.status == "submitted" and sheet.version_id == before
        assert w.case(case_id).state == "in_review" and w.case(case_id).version_id == case_version


def test_someone_who_may_not_fill_the_sheet_is_told_so_before_the_version(world, client, auth):
    _, sheet_id = _reviewer_sheet(world)
    auth.login(w.LEAD)  # reads reviewer-8's sheet, does not fill it
    response = client.post(f"/sheets/{sheet_id}", data={"action": "save"})
    assert response.status_code == 403
