"""The office's pages and the campaigns API over HTTP: refusals quoted in the page and the JSON, the head's
approval, the bulletin files, hostile input."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from flask import Flask, url_for
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.factories import TEST_PASSWORD
from tests.webapp.campaigns.conftest import STA_TOTALS, World, draft, login, put_in_state, submit
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import campaigns, moderation, setup
from webapp.core.extensions import db
from webapp.core.models import User


def _token(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"username": username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _moderating(app: Flask, world: World) -> int:
    with app.app_context():
        campaign_id = draft(world)
        submit(campaign_id, STA_TOTALS, self_totals=STA_TOTALS)
        put_in_state(campaign_id, "moderation")
        return campaign_id


def _first_unit_and_version(client: FlaskClient, campaign_id: int) -> tuple[int, str]:
    """The moderation board's first unit and the campaign version its forms carry, as the office sees them now."""
    board = client.get(f"/campaigns/{campaign_id}/moderation").get_data(as_text=True)
    unit_id = int(re.search(r'<tr id="unit-(\d+)" data-testid="board-row"', board).group(1))  # type: ignore[union-attr]
    version = re.search(r'name="version" value="(\d+)"', board).group(1)  # type: ignore[union-attr]
    return unit_id, version


def test_opening_a_campaign_without_units_shows_the_refusal_with_its_rule(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """STA-1.1: the units assessed are named before the campaign opens; the refusal quotes the rule."""
    login(client, "staff")
    response = client.post("/campaigns/new", data={"preset": "sta-2017", "period_start": "2026-03-01"})
    assert response.status_code == 302
    campaign_id = int(re.search(r"/campaigns/(\d+)/setup", response.headers["Location"]).group(1))  # type: ignore[union-attr]
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'data-testid="blocked-open"' in page and "请先添加被考评单位" in page and "STA-1.1" in page
    answer = client.post(f"/campaigns/{campaign_id}/events/open", follow_redirects=True).get_data(
        as_text=True
    )
    assert "请先添加被考评单位" in answer and "依据" in answer


def test_a_count_outside_STA_4_1_is_400_with_the_rule_quoted_and_the_typed_counts_kept(
    app: Flask, world: World, client: FlaskClient
) -> None:
    campaign_id = _moderating(app, world)
    login(client, "staff")
    board = client.get(f"/campaigns/{campaign_id}/moderation").get_data(as_text=True)
    assert board.count('data-testid="board-row"') == 11 and 'data-testid="items"' in board
    response = client.post(
        f"/campaigns/{campaign_id}/moderation/choices", data={"count::::优秀": "4", "count::::良好": "4"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-testid="choices-error"' in page and "优秀2-3名" in page and "STA-4.1" in page
    assert 'value="4"' in page
    api = client.put(
        f"/api/v1/campaigns/{campaign_id}/choices",
        json={"choices": {"": {"优秀": 1}}},
        headers=_token(client, "staff"),
    )
    body = api.get_json()
    assert api.status_code == 400 and body["rule"] == "STA-4.1" and "优秀2-3名" in body["message"]
    assert body["field"] == "choices"


def test_a_recognition_score_out_of_range_is_400_and_what_was_typed_stays_in_its_field(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """The office records 公认度 on 0–100; a score typed carelessly is refused beside its unit and left in the
    field to correct, not replaced by the one recorded."""
    campaign_id = _moderating(app, world)
    login(client, "staff")
    unit_id, version = _first_unit_and_version(client, campaign_id)
    response = client.post(
        f"/campaigns/{campaign_id}/moderation/units/{unit_id}/recognition",
        data={"score": "一百二", "version": version},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-testid="unit-error"' in page and "0至100" in page
    assert 'name="score" size="5" value="一百二"' in page


def test_a_refused_veto_keeps_its_typed_reason_and_leaves_the_recorded_recognition_in_its_field(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """ORG-12.3: a veto needs its reason. Refused for a reason too short, the board shows the message in the
    unit's row with the reason typed; the unit's 公认度 field still shows the score recorded, not an empty one."""
    campaign_id = _moderating(app, world)
    login(client, "staff")
    unit_id, version = _first_unit_and_version(client, campaign_id)
    recorded = client.post(
        f"/campaigns/{campaign_id}/moderation/units/{unit_id}/recognition",
        data={"score": "88.5", "version": version},
    )
    assert recorded.status_code in (302, 303)
    _, version = _first_unit_and_version(client, campaign_id)
    refused = client.post(
        f"/campaigns/{campaign_id}/moderation/units/{unit_id}/veto",
        data={"on": "1", "reason": "短", "version": version},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'data-testid="unit-error"' in page
    row = re.search(rf'<tr id="unit-{unit_id}" data-testid="board-row">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    assert 'name="reason" maxlength="500" placeholder="理由（必填）" aria-label="理由" value="短"' in row
    assert 'name="score" size="5" value="88.50"' in row


def test_every_decision_form_on_the_board_posts_where_url_for_says(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """STA-4.1 / ORG-PR.8 decisions (否决, 不合格, 公认度) are posted from each unit's row; the board writes those
    addresses out from its own (issue 12: not 150 url_for calls a page), so each must be what the route gives."""
    campaign_id = _moderating(app, world)
    login(client, "staff")
    board = client.get(f"/campaigns/{campaign_id}/moderation").get_data(as_text=True)
    actions = re.findall(r'<form method="post" action="([^"]*/units/[^"]*)"', board)
    units = [int(found) for found in re.findall(r'<tr id="unit-(\d+)" data-testid="board-row"', board)]
    assert units and len(actions) == 3 * len(units)
    with app.test_request_context():
        expected = [
            url_for("campaigns_office.decide", campaign_id=campaign_id, unit_id=unit, decision=decision)
            for unit in units
            for decision in ("veto", "fail", "recognition")
        ]
    assert actions == expected


def test_only_the_head_approves_and_the_published_bulletin_files_hold_the_ranking(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """ORG-PR.8 approval by the head; the bulletin (.xlsx, PDF) lists the ranked units with their grades."""
    campaign_id = _moderating(app, world)
    with app.app_context():
        staff = db.session.get(User, world.staff.id)
        moderation.set_choices(staff, campaign_id, {"": {"优秀": 3, "良好": 4}})
        campaigns.fire(staff, campaign_id, "submit_results")  # type: ignore[arg-type]
    login(client, "staff")
    refused = client.post(f"/campaigns/{campaign_id}/events/approve", follow_redirects=True)
    assert "审批同意" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).state == "approval"  # type: ignore[union-attr]
    client.post("/auth/logout")
    login(client, "head")
    assert client.get(f"/campaigns/{campaign_id}/approval").status_code == 200
    client.post(f"/campaigns/{campaign_id}/events/approve")
    client.post(
        f"/campaigns/{campaign_id}/bulletin",
        data={"bulletin_number": "徐统通〔2027〕1号", "bulletin_title": "", "bulletin_text": ""},
    )
    client.post(f"/campaigns/{campaign_id}/events/publish")
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).state == "published"  # type: ignore[union-attr]
    page = client.get(f"/campaigns/{campaign_id}/bulletin").get_data(as_text=True)
    assert "已发布" in page and "徐统通〔2027〕1号" in page and world.units[0].name in page
    xlsx = client.get(f"/campaigns/{campaign_id}/bulletin.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]
    ranked = [r for r in rows if r[1] and str(r[1]).endswith("县统计局")]
    assert [(r[0], r[1], r[3]) for r in ranked[:4]] == [
        (1, "第1县统计局", "优秀"),
        (2, "第2县统计局", "优秀"),
        (3, "第3县统计局", "优秀"),
        (4, "第4县统计局", "良好"),
    ]
    pdf = client.get(f"/campaigns/{campaign_id}/bulletin.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and b"WenQuanYi" in pdf.data


def test_the_api_lists_shows_fires_and_ranks(app: Flask, world: World, client: FlaskClient) -> None:
    campaign_id = _moderating(app, world)
    headers = _token(client, "staff")
    listed = client.get("/api/v1/campaigns", headers=headers).get_json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == campaign_id
    detail = client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers).get_json()
    assert detail["state"] == "moderation" and len(detail["units"]) == 11
    assert detail["allowed_events"] == ["submit_results"]
    ranking = client.get(f"/api/v1/campaigns/{campaign_id}/ranking", headers=headers).get_json()
    assert [u["rank"] for u in ranking["groups"][0]["units"]][:3] == [1, 2, 3] and not ranking["frozen"]
    fired = client.post(
        f"/api/v1/campaigns/{campaign_id}/events",
        json={"event": "submit_results", "version": detail["version"]},
        headers=headers,
    )
    assert fired.status_code == 200 and fired.get_json()["state"] == "approval"
    refused = client.post(
        f"/api/v1/campaigns/{campaign_id}/events", json={"event": "approve"}, headers=headers
    )
    assert refused.status_code in (403, 409)
    stranger = _token(client, "stranger")
    assert client.get(f"/api/v1/campaigns/{campaign_id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/campaigns", headers=stranger).get_json()["count"] == 0


def test_hostile_input_is_refused_without_a_server_error(
    app: Flask, world: World, client: FlaskClient
) -> None:
    with app.app_context():
        campaign_id = draft(world)
    login(client, "staff")
    posts = [
        ("/campaigns/new", {"preset": "sta-2017", "period_start": "2026-02-31"}),
        ("/campaigns/new", {"preset": "不存在", "period_start": "2026-01-01"}),
        ("/campaigns/new", {"preset": "sta-2017", "period_start": "2026-01-01", "title": "长" * 5000}),
        (f"/campaigns/{campaign_id}/setup/schedule", {"title": "年", "self_due": "x" * 300}),
        (f"/campaigns/{campaign_id}/setup/schedule", {"title": "年度考评", "self_due": "0001-01-01"}),
        (f"/campaigns/{campaign_id}/setup/units", {"unit": ["abc", "99999999999999999999999", "-1"]}),
        (f"/campaigns/{campaign_id}/setup/team", {"member": ["1e9"], "lead": "\x00"}),
        (
            f"/campaigns/{campaign_id}/setup/quotas",
            {"grade": ["优秀"], "优秀_min": "-3", "优秀_max": "∞", "tie_rule": "x"},
        ),
        (f"/campaigns/{campaign_id}/moderation/choices", {"count::乱::优秀": "1"}),
        (f"/campaigns/{campaign_id}/moderation/units/999999/veto", {"on": "1", "reason": "理由" * 600}),
        (f"/campaigns/{campaign_id}/events/explode", {}),
        ("/campaigns/999999999/copy", {}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (302, 400, 403, 404, 409), (url, response.status_code)
    for url in (
        "/campaigns/?page=abc",
        "/campaigns/99999999999999999999",
        f"/campaigns/{campaign_id}/series?year=abc",
        f"/campaigns/{campaign_id}/bulletin",
    ):
        assert client.get(url).status_code < 500, url
    headers = _token(client, "staff")
    for body in (
        {"event": "nope"},
        {"event": "open", "version": "x"},
        {"event": "open", "reason": "长" * 3000},
        [1],
    ):
        assert (
            client.post(f"/api/v1/campaigns/{campaign_id}/events", json=body, headers=headers).status_code
            == 400
        )
    assert (
        client.put(
            f"/api/v1/campaigns/{campaign_id}/choices", json={"choices": {"": {"优秀": -1}}}, headers=headers
        ).status_code
        == 400
    )


def test_another_office_sees_nothing_of_a_campaign(app: Flask, world: World, client: FlaskClient) -> None:
    with app.app_context():
        campaign_id = draft(world)
    login(client, "stranger")
    for url in ("", "/setup", "/moderation", "/approval", "/series", "/bulletin", "/bulletin.pdf"):
        assert client.get(f"/campaigns/{campaign_id}{url}").status_code == 404, url
    assert client.post(f"/campaigns/{campaign_id}/copy").status_code == 404
    assert "暂无考评活动" in client.get("/campaigns/").get_data(as_text=True)


def test_the_office_copies_a_campaign_for_the_next_period_from_its_page(
    app: Flask, world: World, client: FlaskClient
) -> None:
    with app.app_context():
        campaign_id = draft(world)
    login(client, "staff")
    response = client.post(f"/campaigns/{campaign_id}/copy")
    assert response.status_code == 302
    setup_page = client.get(response.headers["Location"])
    assert setup_page.status_code == 200 and 'data-testid="team-form"' in setup_page.get_data(as_text=True)
    with app.app_context():
        copy = db.session.query(Campaign).filter(Campaign.previous_id == campaign_id).one()
        assert copy.period_start.year == 2027 and len(copy.units) == 11
    home = client.get("/").get_data(as_text=True)
    assert "考评活动待开展" in home and "/campaigns/" in home


def test_the_setup_page_sets_score_bands_and_keeps_a_bad_entry_with_its_message(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """A campaign without rank quotas (LRN) gets score bands from its setup page; a bad entry is 400 beside the
    field, with what was typed kept."""
    with app.app_context():
        campaign_id = draft(world, preset="lrn")
    login(client, "staff")
    page = client.get(f"/campaigns/{campaign_id}/setup").get_data(as_text=True)
    assert 'data-testid="results-form"' in page
    bad = client.post(f"/campaigns/{campaign_id}/setup/results", data={"bands": "优秀=九十"})
    assert bad.status_code == 400 and "应写成 等次=最低分" in bad.get_data(as_text=True)
    assert 'value="优秀=九十"' in bad.get_data(as_text=True)
    good = client.post(f"/campaigns/{campaign_id}/setup/results", data={"bands": "优秀=90，合格=60"})
    assert good.status_code in (302, 303)
    assert 'value="优秀=90，合格=60"' in client.get(f"/campaigns/{campaign_id}/setup").get_data(as_text=True)


def test_the_item_comparison_shows_self_against_agreed_and_marks_where_they_differ() -> None:
    """The 逐项对照 cells (made in Python: webapp.campaigns.office.board_html.made_item_cells): 「自评 / 合议」 per
    unit in the board's order, — where a sheet has no score, marked where the two differ."""
    from decimal import Decimal
    from types import SimpleNamespace

    from webapp.campaigns.office.board_html import made_item_cells
    from webapp.campaigns.services.moderation import ItemRow

    item = ItemRow(
        "1.1",
        "1.1 统计制度",
        Decimal(10),
        {1: (Decimal(10), Decimal(8)), 2: (Decimal("9.5"), Decimal("9.5")), 3: (None, Decimal(7))},
    )
    board = SimpleNamespace(
        items=(item,),
        units=(SimpleNamespace(id=2), SimpleNamespace(id=1), SimpleNamespace(id=3), SimpleNamespace(id=4)),
    )
    cells = made_item_cells(board)["1.1"]  # type: ignore[arg-type]
    assert cells == (
        '<td class="text-nowrap">9.5 / 9.5</td>'
        '<td class="text-nowrap table-warning">10 / 8</td>'
        '<td class="text-nowrap">— / 7</td>'
        '<td class="text-nowrap">— / —</td>'
    )


def test_the_item_cells_are_made_once_per_kept_comparison_and_again_for_a_new_one(app: Flask) -> None:
    """issue 12: the board's items are kept under the campaign's standing (the same object on every view until a
    sheet changes), so their 2,000 cells are made once for them; a new comparison (a changed sheet) or another
    page of units is made afresh."""
    from decimal import Decimal
    from types import SimpleNamespace

    from webapp.campaigns.office import board_html
    from webapp.campaigns.services.moderation import ItemRow

    made: list[int] = []
    make = board_html.made_item_cells

    def counted(board):  # type: ignore[no-untyped-def]
        made.append(1)
        return make(board)

    units = (SimpleNamespace(id=1), SimpleNamespace(id=2))
    kept = (ItemRow("1.1", "1.1 统计制度", Decimal(10), {1: (Decimal(10), Decimal(8))}),)
    changed = (ItemRow("1.1", "1.1 统计制度", Decimal(10), {1: (Decimal(10), Decimal(9))}),)
    original, board_html.made_item_cells = board_html.made_item_cells, counted
    try:
        with app.app_context():
            first = board_html.item_cells(SimpleNamespace(items=kept, units=units))  # type: ignore[arg-type]
            again = board_html.item_cells(SimpleNamespace(items=kept, units=units))  # type: ignore[arg-type]
            assert again is first and len(made) == 1
            after = board_html.item_cells(SimpleNamespace(items=changed, units=units))  # type: ignore[arg-type]
            assert "10 / 9" in after["1.1"] and "10 / 8" in first["1.1"] and len(made) == 2
            other_page = board_html.item_cells(SimpleNamespace(items=kept, units=units[::-1]))  # type: ignore[arg-type]
            assert other_page["1.1"].startswith('<td class="text-nowrap">— / —</td>') and len(made) == 3
    finally:
        board_html.made_item_cells = original


def _line(**changes: object) -> moderation.UnitLine:
    from dataclasses import replace
    from decimal import Decimal

    line = moderation.UnitLine(
        id=7,
        name="统计局",
        group="",
        self_total=Decimal("95.5"),
        self_submitted=True,
        agreed_total=Decimal("92"),
        agreed_submitted=True,
        low=Decimal("90"),
        high=Decimal("94"),
        vetoed=False,
        veto_reason="",
        judged_fail=False,
        fail_reason="",
        recognition=None,
        ranked=None,
    )
    return replace(line, **changes)  # type: ignore[arg-type]


def test_a_board_line_named_for_a_page_leaves_the_shared_line_as_it_was() -> None:
    """The board's lines are made once per standing and shared between views; each page names the lines it shows
    (`UnitLine.named`), which must not rename the shared line."""
    from dataclasses import replace

    shared = _line(name="")
    named = shared.named("统计局<办公室>")
    assert named == replace(shared, name="统计局<办公室>") and named is not shared
    assert shared.name == "" and named.difference == shared.difference == Decimal("-3.5")


def test_a_board_row_escapes_what_people_typed_and_shows_dashes_where_nothing_is_known() -> None:
    """The board's unit rows (made in Python: board_html.unit_rows): a unit's name and the office's reasons for
    否决 (ORG-12.3) and 不合格 (STA-4.1) are what people typed, so they are escaped; an agreed total not yet
    submitted, a missing spread and an unranked unit show —."""
    from types import SimpleNamespace

    from webapp.campaigns.office.board_html import unit_rows

    hostile = _line(
        name='<script>alert(1)</script>"单位',
        vetoed=True,
        veto_reason="<b>迟报</b>",
        judged_fail=True,
        fail_reason='"><img src=x onerror=alert(1)>',
        agreed_submitted=False,
        low=None,
        high=None,
    )
    board = SimpleNamespace(units=(hostile,), campaign=SimpleNamespace(version_id=3))
    row = str(unit_rows(board, decide_at=None)[7])  # type: ignore[arg-type]
    assert "<script>" not in row and "<b>" not in row and "<img" not in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;单位" in row
    assert "否决理由：&lt;b&gt;迟报&lt;/b&gt;" in row and "不合格理由：&#34;&gt;&lt;img" in row
    assert '<span class="badge text-bg-danger">一票否决</span>' in row
    assert '<span class="badge text-bg-warning">不合格</span>' in row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "—"  # not ranked
    assert cells[2:6] == ["95.5", "—", "—", "—"]  # self total; agreed not submitted; no difference; no spread
    assert "<form" not in row  # the approval page and a closed board: no decisions


def test_a_refused_decision_keeps_what_was_typed_beside_its_unit() -> None:
    """A refused 否决 / 公认度 (STA-4.1 / ORG-12.3) re-renders the board with the message in the unit's row and the
    typed reason and score in their fields (escaped), every form carrying the CSRF token and the version."""
    from decimal import Decimal
    from types import SimpleNamespace

    from webapp.campaigns.office.board_html import unit_rows

    board = SimpleNamespace(
        units=(_line(), _line(id=8, vetoed=True, recognition=Decimal("88"))),
        campaign=SimpleNamespace(version_id=3),
    )
    rows = unit_rows(
        board,  # type: ignore[arg-type]
        decide_at="/campaigns/1/moderation/units/",
        csrf="tok",
        errors={"unit-7": "请写明理由（5至500字）。"},
        typed={"reason-7": '短"', "score-7": "一百二"},
    )
    first, second = str(rows[7]), str(rows[8])
    assert '<div class="text-danger" data-testid="unit-error">请写明理由（5至500字）。</div>' in first
    assert first.count('name="reason"') == 2 and first.count('value="短&#34;"') == 2
    assert 'name="score" size="5" value="一百二"' in first
    assert "<details open>" in first  # the refused unit's forms are open, what was typed in sight
    assert first.count('name="csrf_token" value="tok"') == 3 and first.count('name="version" value="3"') == 3
    assert 'action="/campaigns/1/moderation/units/7/veto"' in first
    # the other unit: no error; its veto is on, so its form lifts it (no reason asked) and its score is shown
    assert "unit-error" not in second and "撤销否决" in second and second.count('name="reason"') == 1
    assert "<details>" in second
    assert 'name="score" size="5" value="88"' in second


def test_the_offices_lines_count_its_campaigns_per_state_and_the_overdue_results_org_pr_6(
    app: Flask, world: World
) -> None:
    """The office's home lines and nav count: 待开展 (draft) and 待审定 for its staff, 待审批 for its head, each with
    the campaigns whose results are past their due day (ORG-PR.6: 于10日前将考核评分结果报至区绩效办); another
    office's campaigns are not counted."""
    from datetime import date, timedelta

    from tests.factories import TODAY
    from webapp.campaigns.office import home as office_home

    with app.app_context():
        staff, head = (db.session.get(User, ref.id) for ref in (world.staff, world.head))
        assert staff is not None and head is not None
        _in_draft, late, on_time, for_approval, elsewhere = (draft(world) for _ in range(5))
        for campaign_id, state, due in (
            (late, "moderation", TODAY - timedelta(days=1)),
            (on_time, "moderation", TODAY),
            (for_approval, "approval", date(2020, 1, 10)),
            (elsewhere, "moderation", TODAY - timedelta(days=1)),
        ):
            campaign = db.session.get(Campaign, campaign_id)
            assert campaign is not None
            campaign.state, campaign.results_due = state, due
        campaign = db.session.get(Campaign, elsewhere)
        assert campaign is not None
        campaign.office_id = world.other_office.id
        db.session.commit()
        counts = office_home.office_counts(staff, TODAY)
        assert counts is not None
        assert (counts["draft"], counts["moderation"], counts["moderation_late"]) == (1, 2, 1)
        assert (counts["approval"], counts["approval_late"], counts["approved"]) == (1, 1, 0)
        lines = {area.title: (area.count, area.overdue) for area in office_home.office_worklist(staff, TODAY)}
        assert lines == {"考评活动待开展": (1, 0), "考评结果待审定": (2, 1)}
        assert office_home.office_overdue(staff, TODAY) == 1
        assert office_home.office_overdue(head, TODAY) == 1  # the one waiting for approval


def test_the_counts_read_with_the_signed_in_person_are_those_a_count_of_their_own_gives_org_pr_6(
    app: Flask, world: World
) -> None:
    """Issue 12: on a page, the office's campaigns come with the signed-in person (their states and the results'
    due days) and are counted for the day asked about, with no statement of their own; the counts are those
    `_BY_STATE` gives, on the due day, the day after and years later, with a campaign that has no due day."""
    from datetime import timedelta

    from flask import session

    from tests.factories import TODAY
    from tests.webapp.sql_count import count_statements
    from webapp.campaigns.office import home as office_home
    from webapp.core.auth import load_user
    from webapp.core.services import sessions

    with app.app_context():
        no_due, late, on_time, for_approval = (draft(world) for _ in range(4))
        for campaign_id, state, due in (
            (no_due, "moderation", None),
            (late, "moderation", TODAY - timedelta(days=1)),
            (on_time, "moderation", TODAY),
            (for_approval, "approval", TODAY + timedelta(days=3)),
        ):
            campaign = db.session.get(Campaign, campaign_id)
            assert campaign is not None
            campaign.state, campaign.results_due = state, due
        db.session.commit()
        staff = db.session.get(User, world.staff.id)
        assert staff is not None
        days = (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=4), TODAY + timedelta(days=800))
        counted_alone = {day: office_home.office_counts(staff, day) for day in days}
        assert counted_alone[TODAY + timedelta(days=4)]["moderation_late"] == 2
        with app.test_request_context("/campaigns/"):
            session[sessions.GEN] = staff.session_generation
            signed_in = load_user(str(staff.id))
            assert signed_in is not None
            with count_statements(app) as seen:
                read_with_person = {day: office_home.office_counts(signed_in, day) for day in days}
            assert seen.count == 0, seen.sql
        assert read_with_person == counted_alone


def test_the_setup_page_reads_its_units_and_team_in_the_same_statements_however_many(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """Issue 12: the same few statements whatever the data. The page lists every chosen unit with its name and
    every team member with their organisation; three units instead of eleven, one member instead of three, take
    the statements eleven and three take (each was one statement more)."""
    from tests.webapp.sql_count import count_statements

    with app.app_context():
        small, large = draft(world), draft(world, day=date(2027, 6, 1))
        staff = db.session.get(User, world.staff.id)
        setup.set_units(staff, small, units=[(u.id, "") for u in world.units[:3]])
        setup.set_team(staff, small, members=[world.assessors[0].id], lead_id=world.assessors[0].id)
        db.session.commit()
    login(client, "staff")
    counts = []
    for campaign_id in (small, large, small):
        with count_statements(app) as seen:
            # searched for no candidate: the chosen units and members are all the page reads of organisations
            page = client.get(f"/campaigns/{campaign_id}/setup?q=无此单位&aq=无此人").get_data(as_text=True)
        counts.append(seen.count)
        assert "第1县统计局" in page and "第3县统计局" in page
    assert counts[0] == counts[1] == counts[2], counts


def test_a_pages_campaign_comes_with_what_its_guards_count(app: Flask, world: World) -> None:
    """Issue 12: on a GET the campaign is read with the counts its buttons' guards read (claims awaiting the
    office, the team and its leads: STA-3.2's 考评组), a statement fewer a page; the facts are those an act gathers
    for itself, and outside a GET nothing is read with the campaign."""
    from tests.webapp.sql_count import count_statements

    with app.app_context():
        campaign_id = draft(world)  # a team of three, assessor0 leading
        staff = db.session.get(User, world.staff.id)
        assert staff is not None
        with app.test_request_context(f"/campaigns/{campaign_id}"):
            campaign = campaigns.load(staff, campaign_id)
            with count_statements(app) as seen:
                facts = campaigns.page_facts(campaign)
            assert not [sql for sql in seen.sql if "campaign_assessors" in sql], seen.sql
            assert (facts.assessors, facts.leads, facts.claims_pending) == (3, 1, 0)
            assert facts == campaigns.facts_for(campaign)  # what an act counts for itself
        with app.test_request_context(f"/campaigns/{campaign_id}", method="POST"):
            campaign = campaigns.load(staff, campaign_id)
            with count_statements(app) as seen:
                campaigns.page_facts(campaign)
            assert [sql for sql in seen.sql if "campaign_assessors" in sql]  # counted afresh
