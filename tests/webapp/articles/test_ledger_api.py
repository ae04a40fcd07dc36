"""The ledger over JSON (``/api/v1/ledger/…``): the office's period results, one unit's points, the unit's own
reading, and the office head's close / recompute / publish with their refusals. Access as elsewhere in the API:
404 for whoever may not see the office's ledger, 403 for its editors and readers on the head's acts. Today is
2027-01-05; the office scores under ledger-zg."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from tests.webapp.articles.conftest import World
from tests.webapp.articles.office_steps import Api
from tests.webapp.articles.test_ledger_unit_page import adopt
from webapp.articles.models import LedgerPeriod
from webapp.core.extensions import db

Q4 = "/ledger/periods/2026-Q4"


def _unit(body: dict, name: str) -> dict:
    return next(u for u in body["units"] if u["unit"] == name)


def test_the_office_reads_a_periods_results_for_every_unit_zg_4_3(world: World, client: FlaskClient) -> None:
    """ZG-4.3: 《**组工信息》经验类单条 6; ZG-2.2 / ZG-4.8: 9 missing → −90; the period is open (scored live)."""
    adopt(world, date(2026, 11, 10))
    for user in (world.head, world.editor, world.reader):
        response = Api(client, user).get(Q4)
        assert response.status_code == 200, user.username
        body = response.get_json()
        assert body["state"] == "open" and body["version"] is None and body["closed_at"] is None
        assert body["period"] == "2026-Q4" and body["period_text"] == "2026年第四季度"
        unit = _unit(body, "甲县委组织部")
        assert unit["points"] == 6 and unit["deductions"] == -90 and unit["total"] == -84
        assert any(line["rule"] == "ZG-4.3" for line in unit["lines"])
        assert unit["quotas"][0]["rule"] == "ZG-2.2" and unit["quotas"][0]["missing"] == 9
        assert {u["unit"] for u in body["units"]} == {"甲县委组织部", "乙区委组织部"}


def test_units_and_outsiders_do_not_see_the_offices_results(world: World, client: FlaskClient) -> None:
    for user in (world.officer_a, world.signer_b, world.outsider):
        response = Api(client, user).get(Q4)
        assert response.status_code == 404, user.username
        assert response.get_json()["error"] == "not_found"


def test_an_office_without_a_ledger_scheme_says_so(world: World, client: FlaskClient) -> None:
    """The provincial office has no scheme: its editor reads its own ledger and is told why nothing is scored."""
    response = Api(client, world.upper_editor).get(Q4)
    assert response.status_code == 409
    assert (
        response.get_json()["error"] == "ledger_unavailable"
        and "未设置计分办法" in response.get_json()["message"]
    )


def test_a_unit_member_reads_only_its_own_unit(world: World, client: FlaskClient) -> None:
    adopt(world, date(2026, 11, 10), klass="ref")
    api = Api(client, world.officer_a)
    own = api.get(f"{Q4}/units/{world.unit_a.id}")
    assert own.status_code == 200
    body = own.get_json()
    assert body["unit_name"] == "甲县委组织部" and body["unit"]["points"] == 10
    assert body["standing"] == {
        "rank": 1, "of": 2, "pool": "县（市、区）委组织部", "rule": "ZG-5.2",
        "zero_submission": False, "last_place": False,
    }  # fmt: skip
    assert body["ranking"] is None  # not published: the other unit stays hidden
    assert "乙区委组织部" not in own.get_data(as_text=True)
    assert api.get(f"{Q4}/units/{world.unit_b.id}").status_code == 404
    assert api.get(f"{Q4}/units/{world.office.organisation_id}").status_code == 404
    assert Api(client, world.outsider).get(f"{Q4}/units/{world.unit_a.id}").status_code == 404


def test_the_office_reads_any_of_its_units_and_no_other(world: World, client: FlaskClient) -> None:
    api = Api(client, world.editor)
    assert api.get(f"{Q4}/units/{world.unit_b.id}").status_code == 200
    assert api.get(f"{Q4}/units/{world.outsider.organisation_id}").status_code == 404
    assert api.get(f"{Q4}/units/{world.unit_b.id}?office={world.upper.id}").status_code == 404


def test_mine_gives_the_quota_progress_and_the_28th_deadline_zg_2_2_zg_6_6(
    world: World, client: FlaskClient
) -> None:
    """ZG-2.2: 10 a quarter, of which 2 参阅类; ZG-6.6: the current quarter's last counting day is 28 March."""
    adopt(world, date(2027, 1, 4), klass="ref")
    response = Api(client, world.signer_a).get("/ledger/mine")
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"] == "2027-Q1" and body["office"]["id"] == world.office.id
    (quota,) = body["quotas"]
    assert quota["rule"] == "ZG-2.2" and quota["missing"] == 9 and quota["deduct"] == 10
    assert [(c["required"], c["done"], c["missing"]) for c in quota["categories"]] == [(10, 1, 9), (2, 1, 1)]
    assert body["deadline"]["day"] == "2027-03-28" and body["deadline"]["days_left"] == 82
    assert body["deadline"]["rule"] == "ZG-6.6" and "28日后" in body["deadline"]["quote"]
    assert body["articles"][0]["points"] == 10 and body["articles"][0]["month"] == "2027-01"
    assert [m["label"] for m in body["months"]] == ["1月"]


def test_mine_is_404_for_people_without_a_unit_and_for_another_office(
    world: World, client: FlaskClient
) -> None:
    for user in (world.editor, world.head, world.outsider):
        assert Api(client, user).get("/ledger/mine").status_code == 404, user.username
    assert Api(client, world.officer_a).get(f"/ledger/mine?office={world.upper.id}").status_code == 404


@pytest.mark.parametrize("period", ["2026-Q5", "去年", "1999", "2026-13"])
def test_a_bad_period_is_400_with_a_chinese_message(world: World, client: FlaskClient, period: str) -> None:
    for api, url in ((Api(client, world.editor), f"/ledger/periods/{period}"),
                     (Api(client, world.officer_a), f"/ledger/mine?period={period}")):  # fmt: skip
        response = api.get(url)
        assert response.status_code == 400
        body = response.get_json()
        assert body["error"] == "invalid_input" and body["field"] == "period" and "考核期" in body["message"]


def test_the_head_closes_a_period_once_it_is_over_and_only_once(world: World, client: FlaskClient) -> None:
    adopt(world, date(2026, 11, 10))
    head = Api(client, world.head)
    early = head.post("/ledger/periods/2027-Q1/close")
    assert early.status_code == 400 and early.get_json()["field"] == "period"
    assert "尚未结束" in early.get_json()["message"]

    closed = head.post(f"{Q4}/close")
    assert closed.status_code == 200
    body = closed.get_json()
    assert body["state"] == "closed" and body["version"] == 1 and body["closed_at"]
    assert _unit(body, "甲县委组织部")["total"] == -84

    again = head.post(f"{Q4}/close")
    assert again.status_code == 409
    assert again.get_json()["error"] == "conflict" and "已被他人处理，请刷新" in again.get_json()["message"]
    assert head.get(Q4).get_json()["state"] == "closed"


def test_editors_and_readers_are_refused_the_heads_acts_and_units_do_not_see_them(
    world: World, client: FlaskClient
) -> None:
    for user in (world.editor, world.reader):
        for act, body in (("close", None), ("recompute", {"reason": "补录", "version": 1}),
                          ("publish", {"bulletin_title": "通报"})):  # fmt: skip
            response = Api(client, user).post(f"{Q4}/{act}", json=body)
            assert response.status_code == 403, (user.username, act)
            assert (
                response.get_json()["error"] == "forbidden"
                and "信息科负责人" in response.get_json()["message"]
            )
    for user in (world.officer_a, world.outsider):
        assert Api(client, user).post(f"{Q4}/close").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerPeriod)) == 0


def test_a_recompute_with_a_stale_version_is_409_and_a_current_one_records_the_difference(
    world: World, client: FlaskClient
) -> None:
    adopt(world, date(2026, 11, 10))
    head = Api(client, world.head)
    version = head.post(f"{Q4}/close").get_json()["version"]
    adopt(world, date(2026, 12, 10), title="补录的十二月采用")

    stale = head.post(f"{Q4}/recompute", json={"reason": "补录十二月采用记录", "version": version + 1})
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "conflict" and "已被他人处理，请刷新" in stale.get_json()["message"]

    short = head.post(f"{Q4}/recompute", json={"reason": "补", "version": version})
    assert short.status_code == 400 and short.get_json()["field"] == "reason"
    missing = head.post(f"{Q4}/recompute", json={"reason": "补录十二月采用记录"})
    assert missing.status_code == 400 and missing.get_json()["field"] == "version"

    done = head.post(f"{Q4}/recompute", json={"reason": "补录十二月采用记录", "version": version})
    assert done.status_code == 200
    body = done.get_json()
    assert body["reason"] == "补录十二月采用记录"
    assert {"unit": "甲县委组织部", "field": "total", "label": "总分", "before": -84, "after": -68} in body[
        "changes"
    ]
    assert body["result"]["version"] == version + 1
    assert _unit(head.get(Q4).get_json(), "甲县委组织部")["points"] == 12


def test_the_head_publishes_the_bulletin_of_a_closed_period_once(world: World, client: FlaskClient) -> None:
    head = Api(client, world.head)
    title = "关于2026年第四季度组工信息工作情况的通报"
    early = head.post(f"{Q4}/publish", json={"bulletin_title": title})
    assert early.status_code == 400 and "尚未结算" in early.get_json()["message"]
    head.post(f"{Q4}/close")
    blank = head.post(f"{Q4}/publish", json={"bulletin_title": "   "})
    assert blank.status_code == 400 and blank.get_json()["field"] == "bulletin_title"
    long = head.post(f"{Q4}/publish", json={"bulletin_title": "通" * 121})
    assert long.status_code == 400 and long.get_json()["field"] == "bulletin_title"

    done = head.post(
        f"{Q4}/publish", json={"bulletin_number": "市组信通〔2027〕1号", "bulletin_title": title}
    )
    assert done.status_code == 200
    body = done.get_json()
    assert body["state"] == "published" and body["published_at"] and body["bulletin_title"] == title
    again = head.post(f"{Q4}/publish", json={"bulletin_title": title})
    assert again.status_code == 409 and "已被他人处理" in again.get_json()["message"]


def test_after_the_bulletin_a_unit_sees_the_ranking_zg_5_2(world: World, client: FlaskClient) -> None:
    """ZG-5.2: the ranking is circulated (通报); before that a unit has only its own rank."""
    adopt(world, date(2026, 11, 10))
    adopt(world, date(2026, 11, 11), unit="b", klass="ref")
    head = Api(client, world.head)
    head.post(f"{Q4}/close")
    before = Api(client, world.officer_a).get("/ledger/mine?period=2026-Q4").get_json()
    assert before["state"] == "closed" and before["ranking"] is None and before["standing"]["rank"] == 2
    head.post(f"{Q4}/publish", json={"bulletin_title": "通报"})
    after = Api(client, world.officer_a).get("/ledger/mine?period=2026-Q4").get_json()
    assert [(r["unit"], r["rank"]) for r in after["ranking"]] == [("乙区委组织部", 1), ("甲县委组织部", 2)]
