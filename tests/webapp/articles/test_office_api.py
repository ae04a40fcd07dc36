"""The office's API: intake, duplicates, search, further and withdrawn adoptions, forwarding and the upper
office's decision, settings. Each answer is checked against its documented model (webapp.core.api.spec under
TESTING); errors are ``{error, message, rule, field}`` with Chinese messages."""

from __future__ import annotations

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from tests.workflow.articles.texts import EDITED_COPY, ORIGINAL
from webapp.articles.services import adoptions


def test_the_intake_and_the_triage_through_the_api(world: World, client) -> None:
    urgent = steps.submitted(world, "突发事件首报", kind="urgent")
    plain = steps.submitted(world, "一般信息")
    editor = steps.Api(client, world.editor)
    listed = editor.get("/office/articles").get_json()
    assert [a["id"] for a in listed["articles"]] == [urgent, plain]
    assert listed["counts"] == {"submitted": 2, "received": 0} and listed["count"] == 2
    assert listed["articles"][0]["unit"]["name"] == world.unit_a.name
    bad = editor.get("/office/articles?state=adopted")
    assert bad.status_code == 400 and bad.get_json()["field"] == "state"
    reader = steps.Api(client, world.reader)
    denied = reader.get("/office/articles")
    assert denied.status_code == 403 and denied.get_json()["error"] == "forbidden"


def test_duplicates_and_search_through_the_api(world: World, client) -> None:
    original = steps.submitted(world, "甲县推行组工干部下沉一线工作机制", ORIGINAL)
    copy = steps.submitted(world, "乙区推行组工干部下沉一线工作机制", EDITED_COPY, unit="b")
    editor = steps.Api(client, world.editor)
    found = editor.get(f"/articles/{copy}/duplicates").get_json()
    assert [(d["article_id"], d["kind"], d["earlier"]) for d in found["duplicates"]] == [
        (original, "near_identical", True)
    ]
    assert 0.5 <= found["duplicates"][0]["jaccard"] <= 1
    outsider = steps.Api(client, world.outsider)
    assert outsider.get(f"/articles/{copy}/duplicates").status_code == 404
    result = editor.get("/office/articles/search", query_string={"q": "民情日记", "unit": world.unit_a.id}).get_json()  # fmt: skip
    assert [a["id"] for a in result["articles"]] == [original] and "民情日记" in result["articles"][0][
        "snippet"
    ]
    bad = editor.get("/office/articles/search?date_from=2027-02-30")
    assert (
        bad.status_code == 400
        and bad.get_json()["field"] == "date_from"
        and "日期" in bad.get_json()["message"]
    )


def test_adoptions_forwarding_and_the_upper_offices_decision_through_the_api(world: World, client) -> None:
    steps.upper_head(world)
    article_id = steps.adopted(world)
    editor = steps.Api(client, world.editor)
    p2 = next(pid for pid, name in adoptions.choices(world.office.id).publications if "河南" in name)
    added = editor.post(f"/articles/{article_id}/adoptions",
                        json={"publication_id": p2, "class_code": "exp", "form_code": "single"})  # fmt: skip
    assert added.status_code == 201 and added.get_json()["credited_unit"]["id"] == world.unit_a.id
    again = editor.post(f"/articles/{article_id}/adoptions",
                        json={"publication_id": p2, "class_code": "exp", "form_code": "single"})  # fmt: skip
    assert again.status_code == 409 and again.get_json()["field"] == "publication_id"
    malformed = editor.post(f"/articles/{article_id}/adoptions",
                            json={"publication_id": "2", "class_code": "exp", "form_code": "single"})  # fmt: skip
    assert malformed.status_code == 400 and malformed.get_json()["field"] == "publication_id"
    cancelled = editor.post(f"/articles/{article_id}/adoptions/{added.get_json()['id']}/cancel",
                            json={"reason": "误录，应为参阅类"})  # fmt: skip
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled"] is True
    forwarded = editor.post(f"/articles/{article_id}/forwardings", json={"kind": "up"})
    assert forwarded.status_code == 201 and forwarded.get_json()["rule"] == "INF-2.5"
    twice = editor.post(f"/articles/{article_id}/forwardings", json={"kind": "up"})
    assert twice.status_code == 409
    upper = steps.Api(client, world.upper_editor)
    pending = upper.get("/office/forwardings").get_json()
    [row] = pending["forwardings"]
    assert row["article"]["id"] == article_id and row["from_office"]["id"] == world.office.id
    pv = adoptions.choices(world.upper.id).publications[0][0]
    assert editor.post(f"/office/forwardings/{row['id']}/adopt",
                       json={"publication_id": pv, "class_code": "exp", "form_code": "single"}).status_code == 403  # fmt: skip
    decided = upper.post(f"/office/forwardings/{row['id']}/adopt",
                          json={"publication_id": pv, "class_code": "exp", "form_code": "single"}).get_json()  # fmt: skip
    assert decided["status"] == "adopted" and decided["adoption"]["office"]["id"] == world.upper.id
    assert decided["adoption"]["credited_unit"]["name"] == world.unit_a.name  # INF-2.5: credit to the author
    late = upper.post(f"/office/forwardings/{row['id']}/decline", json={"reason": "再处理一次"})
    assert late.status_code == 409


def test_the_settings_through_the_api(world: World, client) -> None:
    head = steps.Api(client, world.head)
    found = head.get("/office/settings").get_json()
    assert found["office"]["first_report_minutes"] == 60 and {"P3", "P1"} <= {
        p["code"] for p in found["publications"]
    }
    assert {"county", "zone"} <= {g["code"] for g in found["groups"]} and found["units_count"] == 2
    added = head.post("/office/publications", json={"name": "《组工动态》", "code": "P9"})
    assert added.status_code == 201
    changed = head.patch(f"/office/publications/{added.get_json()['id']}", json={"active": False})
    assert changed.get_json()["active"] is False and changed.get_json()["code"] == "P9"
    term = head.post("/office/terms", json={"kind": "form", "code": "brief", "name": "简讯"})
    assert term.status_code == 201
    assert (
        head.patch(f"/office/terms/{term.get_json()['id']}", json={"name": "简报"}).get_json()["name"]
        == "简报"
    )
    unit_row = found["units"][0]
    moved = head.patch(f"/office/units/{unit_row['id']}", json={"group": "zone"})
    assert moved.get_json()["group"] == "zone"
    timers = head.put("/office/timers",
                        json={"first_report_minutes": 45, "followup_minutes": 180, "commission_warning_days": 1})  # fmt: skip
    assert timers.get_json()["first_report_minutes"] == 45
    out_of_range = head.put("/office/timers",
                              json={"first_report_minutes": 4, "followup_minutes": 180, "commission_warning_days": 1})  # fmt: skip
    assert out_of_range.status_code == 400 and out_of_range.get_json()["field"] == "first_report_minutes"
    editor = steps.Api(client, world.editor)
    assert editor.get("/office/settings").status_code == 403
    assert head.patch("/office/terms/999999", json={"name": "x"}).status_code == 404
