"""The article API (``/api/v1/articles…``): list, write, detail, save a version, events, versions and their
comparison, attachments — with the JSON errors {error, message, rule, field} for refusals and hostile input.

The responses are checked against their declared models by `webapp.core.api.spec` (TESTING), so a key the
document does not name fails these tests."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.unit_helpers import BODY, walk
from webapp.articles.models import Article, ArticleAttachment
from webapp.articles.services import offices
from webapp.core.extensions import db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def api(world, client):  # noqa: ANN001, ANN201
    """``api(username)`` → request helpers carrying that user's bearer token."""
    tokens: dict[str, str] = {}

    class Caller:
        def __init__(self, username: str) -> None:
            if username not in tokens:
                answer = client.post("/api/v1/tokens", json={"username": username, "password": TEST_PASSWORD})
                tokens[username] = answer.get_json()["token"]
            self.headers = {"Authorization": f"Bearer {tokens[username]}"}

        def __getattr__(self, method: str):  # noqa: ANN204 - get, post, put, delete
            def call(url: str, **kw: object) -> object:
                # its own app context: the world fixture keeps one pushed, and a request reuses an active context
                # (its ``g``, where Flask-Login keeps the user it loaded from the previous caller's token)
                with client.application.app_context():
                    return getattr(client, method)(url, headers=self.headers, **kw)

            return call

    return Caller


def _state(client, article_id: int) -> str:  # noqa: ANN001
    with client.application.app_context():
        return db.session.get(Article, article_id).state


# -- list and write ----------------------------------------------------------------------------------------------


def test_the_list_shows_only_what_the_caller_may_see_filtered_and_paginated(world, client, api):
    with client.application.app_context():
        walk(world, "draft", title="甲县草稿")
        submitted = walk(world, "submitted", title="甲县已报送")
        walk(world, "submitted", title="甲县秘密稿件", secrecy="secret")
    mine = api("officer-a").get("/api/v1/articles").get_json()
    assert mine["count"] == 3 and {a["title"] for a in mine["articles"]} >= {"甲县草稿", "甲县秘密稿件"}
    office = api("editor").get("/api/v1/articles").get_json()
    assert {a["title"] for a in office["articles"]} == {
        "甲县已报送",
        "甲县秘密稿件",
    }  # no drafts at the office
    reader = api("reader").get("/api/v1/articles").get_json()
    assert [a["id"] for a in reader["articles"]] == [submitted]  # no secret article for a reader
    assert api("officer-b").get("/api/v1/articles").get_json()["count"] == 0
    drafts = api("officer-a").get("/api/v1/articles?state=draft&q=草稿").get_json()
    assert [a["title"] for a in drafts["articles"]] == ["甲县草稿"]
    paged = api("officer-a").get("/api/v1/articles?per_page=1&page=2").get_json()
    assert (paged["count"], paged["pages"], len(paged["articles"])) == (3, 3, 1)
    by_unit = api("editor").get(f"/api/v1/articles?unit={world.unit_b.id}").get_json()
    assert by_unit["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=nonsense", "state"),
        ("q=" + "长" * 61, "q"),
        ("office=abc", "office"),
        ("unit=99999999999999999999", "unit"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
    ],
)
def test_a_bad_filter_is_400_naming_the_field(world, client, api, query, field):
    response = api("officer-a").get(f"/api/v1/articles?{query}")
    body = response.get_json()
    assert response.status_code == 400 and body["error"] == "invalid_input" and body["field"] == field


def test_an_officer_writes_a_draft_over_the_api(world, client, api):
    response = api("officer-a").post(
        "/api/v1/articles", json={"title": "甲县推行干部下沉", "body": BODY, "secrecy": "internal"}
    )
    body = response.get_json()
    assert response.status_code == 201, body
    assert (body["state"], body["secrecy"], body["office"]["id"], body["allowed_events"]) == (
        "draft",
        "internal",
        world.office.id,
        ["submit"],
    )
    assert response.headers["Location"] == f"/api/v1/articles/{body['id']}"
    assert [h["event"] for h in body["history"]] == ["created"] and body["chain_ok"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "长" * 121, "body": "正文"}, "title"),
        ({"title": "", "body": "正文"}, "title"),
        ({"title": "   ", "body": "正文"}, "title"),
        ({"title": "标题", "body": "正文", "secrecy": "top"}, "secrecy"),
        ({"title": "标题", "body": 5}, "body"),
        ({"title": "标题", "office_id": 99999999999999999999}, "office_id"),
        ({"title": "标题", "commission_target_id": 424242}, "commission_target_id"),
    ],
)
def test_hostile_input_to_writing_is_400_naming_the_field_and_writes_nothing(
    world, client, api, payload, field
):
    response = api("officer-a").post("/api/v1/articles", json=payload)
    body = response.get_json()
    assert response.status_code == 400 and body["field"] == field, body
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


@pytest.mark.parametrize("username", ["signer-a", "editor", "reader", "outsider"])
def test_only_an_information_officer_of_a_unit_writes(world, client, api, username):
    response = api(username).post("/api/v1/articles", json={"title": "标题", "body": "正文"})
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


# -- detail, text, events ------------------------------------------------------------------------------------------


def test_the_detail_carries_revisions_returns_records_and_the_quoted_history(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "returned")
    body = api("officer-a").get(f"/api/v1/articles/{article_id}").get_json()
    assert body["returns"][0]["reason"] == "数据来源请注明出处" and body["returns"][0]["answer"] is None
    assert [r["no"] for r in body["revisions"]] == [1]
    assert body["records"]["adoptions"] == [] and body["records"]["commission"] is None
    leader_return = next(h for h in body["history"] if h["event"] == "leader_return")
    assert (
        leader_return["rule"] == "ZG-6.1" and "信息应由本单位本科室相关分管领导审阅" in leader_return["quote"]
    )
    assert body["abilities"] == {"edit_text": True, "delete_draft": False, "attach": True}


@pytest.mark.parametrize("username", ["officer-b", "signer-b", "editor", "upper-editor", "outsider"])
def test_another_units_draft_is_404(world, client, api, username):
    with client.application.app_context():
        article_id = walk(world, "draft")
    response = api(username).get(f"/api/v1/articles/{article_id}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_saving_the_text_adds_a_version_and_a_lost_race_is_409_stale(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "draft")
    officer = api("officer-a")
    version = officer.get(f"/api/v1/articles/{article_id}").get_json()["version"]
    response = officer.put(
        f"/api/v1/articles/{article_id}/text",
        json={"title": "新标题", "body": "新正文", "note": "改标题", "expected_version": version},
    )
    assert response.status_code == 200 and [r["note"] for r in response.get_json()["revisions"]] == [
        "初稿",
        "改标题",
    ]
    stale = officer.put(
        f"/api/v1/articles/{article_id}/text",
        json={"title": "再改", "body": "再改", "expected_version": version},
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "stale" and stale.get_json()["message"] == "已被他人处理，请刷新。"


def test_the_office_cannot_change_the_secrecy_the_unit_set(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "received")
    response = api("editor").put(
        f"/api/v1/articles/{article_id}/text",
        json={"title": "编辑后的标题", "body": BODY, "secrecy": "secret"},
    )
    assert response.status_code == 400 and response.get_json()["field"] == "secrecy"


def test_the_way_from_draft_to_adoption_over_the_api_zg_6_1_inf_2_0(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "draft")
    url = f"/api/v1/articles/{article_id}/events"
    assert api("officer-a").post(url, json={"event": "submit"}).status_code == 200
    refused = api("signer-a").post(url, json={"event": "leader_return", "reason": "短"})
    body = refused.get_json()
    assert refused.status_code == 400 and body["field"] == "reason" and body["rule"] == "ZG-6.1"
    assert "依据《市组工信息工作考评办法》" in body["message"]
    assert (
        api("signer-a").post(url, json={"event": "leader_return", "reason": "请补充数据来源"}).status_code
        == 200
    )
    missing = api("officer-a").post(url, json={"event": "resubmit"})
    assert missing.status_code == 400 and missing.get_json()["field"] == "answer"
    assert (
        api("officer-a").post(url, json={"event": "resubmit", "answer": "已补充数据来源"}).status_code == 200
    )
    assert api("signer-a").post(url, json={"event": "sign_off"}).status_code == 200
    assert api("editor").post(url, json={"event": "receive"}).status_code == 200
    bad = api("editor").post(
        url,
        json={"event": "adopt", "adoption": {"publication_id": 1, "class_code": "x", "form_code": "single"}},
    )
    assert bad.status_code == 400 and bad.get_json()["field"] in ("publication_id", "class_code")
    adoption = {"publication_id": world.own_publication.id, "class_code": "exp", "form_code": "single"}
    done = api("editor").post(url, json={"event": "adopt", "adoption": adoption})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["records"]["adoptions"][0]["text"].startswith("《市组工信息》经验类·单条")


def test_events_the_caller_may_not_fire_are_403_and_wrong_states_409(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    url = f"/api/v1/articles/{article_id}/events"
    forbidden = api("officer-a").post(url, json={"event": "sign_off"})
    assert forbidden.status_code == 403 and forbidden.get_json()["rule"] == "ZG-6.1"
    wrong = api("signer-a").post(url, json={"event": "resubmit", "answer": "答复内容"})
    assert wrong.status_code == 409 and wrong.get_json()["error"] == "invalid_transition"
    unknown = api("signer-a").post(url, json={"event": "explode"})
    assert unknown.status_code == 400 and unknown.get_json()["field"] == "event"
    stale = api("signer-a").post(url, json={"event": "sign_off", "expected_version": 999})
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale"
    assert _state(client, article_id) == "awaiting_signoff"


def test_a_draft_is_deleted_over_the_api_but_not_a_sent_one(world, client, api):
    with client.application.app_context():
        draft = walk(world, "draft")
        sent = walk(world, "awaiting_signoff")
    assert api("officer-a").delete(f"/api/v1/articles/{draft}").status_code == 204
    assert api("officer-a").get(f"/api/v1/articles/{draft}").status_code == 404
    assert api("officer-a").delete(f"/api/v1/articles/{sent}").status_code == 403


# -- versions --------------------------------------------------------------------------------------------------


def test_a_version_and_a_comparison_over_the_api(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "draft")
    officer = api("officer-a")
    officer.put(
        f"/api/v1/articles/{article_id}/text",
        json={"title": "甲县推行组工干部下沉一线", "body": BODY.replace("五十", "八十")},
    )
    first = officer.get(f"/api/v1/articles/{article_id}/revisions/1").get_json()
    assert "五十名" in first["body"] and first["note"] == "初稿"
    result = officer.get(f"/api/v1/articles/{article_id}/compare?a=1&b=2").get_json()
    assert result["changed"] is True and result["title"]["kind"] == "equal"
    changed = next(row for row in result["rows"] if row["kind"] == "changed")
    assert {"text": "五", "changed": True} in changed["left"] and {"text": "八", "changed": True} in changed[
        "right"
    ]
    assert officer.get(f"/api/v1/articles/{article_id}/compare").get_json()["b"]["no"] == 2
    assert officer.get(f"/api/v1/articles/{article_id}/revisions/3").status_code == 404
    assert officer.get(f"/api/v1/articles/{article_id}/compare?a=1&b=3").status_code == 404
    bad = officer.get(f"/api/v1/articles/{article_id}/compare?a=x")
    assert bad.status_code == 400 and bad.get_json()["field"] == "a"
    assert api("officer-b").get(f"/api/v1/articles/{article_id}/revisions/1").status_code == 404


# -- attachments -------------------------------------------------------------------------------------------------


def test_attachments_over_the_api(world, client, api):
    with client.application.app_context():
        article_id = walk(world, "draft")
    officer = api("officer-a")
    url = f"/api/v1/articles/{article_id}/attachments"
    stored = officer.post(
        url, data={"file": (io.BytesIO(PNG), "现场.png")}, content_type="multipart/form-data"
    )
    assert stored.status_code == 201 and stored.get_json()["content_type"] == "image/png"
    attachment_id = stored.get_json()["id"]
    refused = officer.post(
        url, data={"file": (io.BytesIO(b"MZ" + b"\0" * 40), "a.exe")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 400 and refused.get_json()["field"] == "file"
    missing = officer.post(url, data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.get_json()["field"] == "file"
    download = officer.get(f"{url}/{attachment_id}")
    assert (
        download.status_code == 200
        and download.data == PNG
        and download.headers["X-Content-Type-Options"] == "nosniff"
    )
    assert api("officer-b").get(f"{url}/{attachment_id}").status_code == 404
    assert api("officer-b").delete(f"{url}/{attachment_id}").status_code == 404
    assert officer.delete(f"{url}/{attachment_id}?expected_version=abc").status_code == 400
    assert officer.delete(f"{url}/{attachment_id}").status_code == 204
    assert officer.get(f"{url}/{attachment_id}").status_code == 404
    with client.application.app_context():
        assert db.session.get(ArticleAttachment, attachment_id).deleted_at is not None


def test_every_article_operation_is_in_the_openapi_document(world, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/articles"]) == {"get", "post"}
    assert set(paths["/articles/{article_id}"]) == {"get", "delete"}
    assert "put" in paths["/articles/{article_id}/text"] and "post" in paths["/articles/{article_id}/events"]
    assert (
        "get" in paths["/articles/{article_id}/revisions/{no}"]
        and "get" in paths["/articles/{article_id}/compare"]
    )
    assert set(paths["/articles/{article_id}/attachments/{attachment_id}"]) == {"get", "delete"}
    refusal = paths["/articles/{article_id}/events"]["post"]["responses"]["409"]
    assert refusal["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_unit_writing_to_several_offices_must_name_one(world, client, api):
    with client.application.app_context():
        offices.add_units(world.upper.id, [(world.unit_a.id, "")])
    response = api("officer-a").post("/api/v1/articles", json={"title": "标题", "body": "正文"})
    assert response.status_code == 400 and response.get_json()["field"] == "office_id"
    named = api("officer-a").post("/api/v1/articles", json={"title": "标题", "office_id": world.upper.id})
    assert named.status_code == 201 and named.get_json()["office"]["id"] == world.upper.id
    other = api("officer-b").post("/api/v1/articles", json={"title": "标题", "office_id": world.upper.id})
    assert other.status_code == 403
