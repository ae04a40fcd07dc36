"""The issue and instruction API (/api/v1/article-issues…, /article-instructions, /article-follow-ups): the same
operations as the pages, each answer checked against its documented shape (under TESTING), refusals as
``{"error", "message", "rule", "field"}``."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import docx
import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import DAY, adopted
from webapp.articles.models import Instruction, IssueCorrection, PublicationIssue
from webapp.core.extensions import db


class Api:
    def __init__(self, client: FlaskClient, username: str) -> None:
        token = client.post("/api/v1/tokens", json={"username": username, "password": TEST_PASSWORD})
        self.client = client
        self.headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    def __getattr__(self, method: str) -> Any:
        call = getattr(self.client, method)

        def send(url: str, **kw: Any) -> Any:
            # `world` keeps one app context open around the test, so requests share its `g`: forget the
            # previous caller (Flask-Login caches the user there) so that each request reads its own token
            g.pop("_login_user", None)
            return call(f"/api/v1{url}", headers=self.headers, **kw)

        return send


@pytest.fixture
def as_user(client: FlaskClient, world: World) -> Any:
    return lambda username: Api(client, username)


def _new_issue(api: Api, world: World, **body: Any) -> dict[str, Any]:
    response = api.post(
        "/article-issues",
        json={"publication_id": world.own_publication.id, "issued_on": "2027-01-05", **body},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_issue_is_created_filled_ordered_locked_and_exported_over_the_api(
    as_user: Any, world: World
) -> None:
    editor, head = as_user("editor"), as_user("head")
    issue = _new_issue(editor, world, editor_note="按语", copies=50)
    assert issue["number_label"] == "2027年第1期，总第1期" and issue["state"] == "assembling"
    assert issue["may"] == {"assemble": True, "lock": False, "correct": False, "download": True}
    first, second = adopted(world, "甲文"), adopted(world, "乙文")
    candidates = editor.get(f"/article-issues/{issue['id']}/candidates").get_json()
    assert [c["title"] for c in candidates["candidates"]] == ["甲文", "乙文"]
    issue = editor.post(
        f"/article-issues/{issue['id']}/items",
        json={"adoption_ids": [first.id, second.id], "expected_version": issue["version"]},
    ).get_json()
    ids = [item["id"] for item in issue["item_list"]]
    issue = editor.put(f"/article-issues/{issue['id']}/order", json={"item_ids": ids[::-1]}).get_json()
    assert [item["title"] for item in issue["item_list"]] == ["乙文", "甲文"]
    refused = editor.post(f"/article-issues/{issue['id']}/lock")
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    locked = head.post(f"/article-issues/{issue['id']}/lock", json={"expected_version": issue["version"]})
    assert locked.status_code == 200 and locked.get_json()["state"] == "locked"
    exported = head.get(f"/article-issues/{issue['id']}/export.docx")
    assert exported.status_code == 200
    paragraphs = [p.text for p in docx.Document(BytesIO(exported.data)).paragraphs]
    assert "2027年第1期（总第1期）" in paragraphs and "（甲县委组织部供稿）" in paragraphs
    pdf = head.get(f"/article-issues/{issue['id']}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    listing = head.get(f"/article-issues?publication_id={world.own_publication.id}").get_json()
    assert listing["count"] == 1 and listing["issues"][0]["items"] == 2


def test_a_locked_issue_refuses_every_change_over_the_api_with_the_rule(as_user: Any, world: World) -> None:
    editor, head = as_user("editor"), as_user("head")
    issue = _new_issue(editor, world)
    issue = editor.post(
        f"/article-issues/{issue['id']}/items", json={"adoption_ids": [adopted(world).id]}
    ).get_json()
    issue = head.post(f"/article-issues/{issue['id']}/lock").get_json()
    item_id = issue["item_list"][0]["id"]
    spare = adopted(world, "丙文")
    answers = [
        editor.post(f"/article-issues/{issue['id']}/items", json={"adoption_ids": [spare.id]}),
        editor.put(f"/article-issues/{issue['id']}/order", json={"item_ids": [item_id]}),
        head.delete(f"/article-issues/{issue['id']}/items/{item_id}"),
        head.patch(f"/article-issues/{issue['id']}", json={"issued_on": "2027-01-05", "editor_note": "改"}),
        head.post(f"/article-issues/{issue['id']}/lock"),
    ]
    for answer in answers:
        body = answer.get_json()
        assert answer.status_code == 409, body
        assert body["error"] == "issue_locked" and body["rule"] == "PUB-5.3" and "勘误" in body["message"]
    correction = head.post(
        f"/article-issues/{issue['id']}/corrections",
        json={
            "kind": "edit",
            "item_id": item_id,
            "title": "更正后的标题",
            "body": "更正后的正文",
            "reason": "错字",
        },
    )
    assert correction.status_code == 201
    body = correction.get_json()
    assert body["item_list"][0]["title"] == "更正后的标题"
    assert body["corrections"][0]["change"].startswith("第1条《甲县推行组工干部下沉一线》：标题由")
    assert db.session.scalar(sa.select(sa.func.count(IssueCorrection.id))) == 1


def test_stale_versions_and_bad_bodies_are_refused_with_a_field(as_user: Any, world: World) -> None:
    editor = as_user("editor")
    issue = _new_issue(editor, world)
    editor.patch(f"/article-issues/{issue['id']}", json={"issued_on": "2027-01-05", "editor_note": "先改"})
    stale = editor.patch(
        f"/article-issues/{issue['id']}",
        json={"issued_on": "2027-01-05", "editor_note": "后改", "expected_version": issue["version"]},
    )
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale"
    assert stale.get_json()["message"] == "已被他人处理，请刷新。"
    cases = [
        ({"issued_on": "2028-01-05"}, "issued_on"),
        ({"issued_on": "2027-13-01"}, "issued_on"),
        ({"issued_on": "2027-01-05", "copies": 0}, "copies"),
        ({"issued_on": "2027-01-05", "editor_note": "按" * 501}, "editor_note"),
        ({"issued_on": 20270105}, "issued_on"),
    ]
    for body, field in cases:
        answer = editor.patch(f"/article-issues/{issue['id']}", json=body)
        assert answer.status_code == 400 and answer.get_json()["field"] == field, (body, answer.get_json())
    answer = editor.post(f"/article-issues/{issue['id']}/items", json={"adoption_ids": [2**63]})
    assert answer.status_code == 400 and answer.get_json()["field"] == "adoption_ids"
    answer = editor.post(f"/article-issues/{issue['id']}/items", json={"adoption_ids": [123456]})
    assert answer.status_code == 400 and answer.get_json()["field"] == "adoption_ids"
    assert editor.get("/article-issues?page=0").status_code == 400
    assert editor.delete(f"/article-issues/{issue['id']}/items/1?expected_version=x").status_code == 400
    twice = editor.delete(f"/article-issues/{issue['id']}/items/1?expected_version=&expected_version=7")
    assert twice.status_code == 400 and twice.get_json()["field"] == "expected_version"


def test_other_offices_units_and_readers_over_the_api(as_user: Any, world: World) -> None:
    issue = _new_issue(as_user("editor"), world)
    for username in ("upper-editor", "outsider", "officer-a"):
        caller = as_user(username)
        assert caller.get(f"/article-issues/{issue['id']}").status_code == 404
        assert caller.get(f"/article-issues/{issue['id']}/export.pdf").status_code == 404
        assert caller.get("/article-issues").get_json()["count"] == 0
        created = caller.post(
            "/article-issues", json={"publication_id": world.own_publication.id, "issued_on": "2027-01-05"}
        )
        assert created.status_code == 404
    reader = as_user("reader")
    assert reader.get(f"/article-issues/{issue['id']}").status_code == 404  # a draft is the editors' own
    created = reader.post(
        "/article-issues", json={"publication_id": world.own_publication.id, "issued_on": "2027-01-05"}
    )
    assert created.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(PublicationIssue.id))) == 1


def test_instructions_and_follow_ups_over_the_api_inf_2_7(as_user: Any, world: World) -> None:
    editor, unit_b = as_user("editor"), as_user("officer-b")
    article_id = adopted(world).article_id
    due = (DAY + timedelta(days=5)).isoformat()
    refused = editor.post(
        "/article-instructions",
        json={
            "article_id": article_id,
            "leader": "王某",
            "level": "city",
            "text": "阅",
            "instructed_on": "2027-01-04",
        },
    )
    assert refused.status_code == 400 and refused.get_json()["field"] == "instructed_on"
    created = editor.post(
        "/article-instructions",
        json={
            "article_id": article_id, "leader": "王某（副市长）", "level": "city", "text": "请认真总结推广。",
            "instructed_on": "2027-01-05", "follow_up": {"unit_id": world.unit_b.id, "due_on": due, "request": "报送推广情况"},
        },
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["level_label"] == "市领导" and body["follow_ups"][0]["unit"]["name"] == "乙区委组织部"
    assert editor.get("/article-instructions").get_json()["count"] == 1
    follow_ups = unit_b.get("/article-follow-ups").get_json()
    assert (
        follow_ups["count"] == 1 and follow_ups["follow_ups"][0]["article_title"] is None
    )  # not its article
    follow_up_id = follow_ups["follow_ups"][0]["id"]
    assert (
        as_user("officer-a")
        .post(f"/article-follow-ups/{follow_up_id}/report", json={"report": "x"})
        .status_code
        == 404
    )
    empty = unit_b.post(f"/article-follow-ups/{follow_up_id}/report", json={"report": "  "})
    assert empty.status_code == 400 and empty.get_json()["field"] == "report"
    reported = unit_b.post(f"/article-follow-ups/{follow_up_id}/report", json={"report": "已部署推广。"})
    assert reported.status_code == 200 and reported.get_json()["late"] is False
    again = unit_b.post(f"/article-follow-ups/{follow_up_id}/report", json={"report": "再报"})
    assert again.status_code == 409 and again.get_json()["error"] == "already_reported"
    more = editor.post(
        f"/article-instructions/{body['id']}/follow-ups", json={"unit_id": world.unit_a.id, "due_on": due}
    )
    assert more.status_code == 201 and len(more.get_json()["follow_ups"]) == 2
    not_adopted = as_user("reader").post(
        "/article-instructions",
        json={
            "article_id": article_id,
            "leader": "王某",
            "level": "city",
            "text": "阅",
            "instructed_on": "2027-01-05",
        },
    )
    assert not_adopted.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 1


def test_the_documents_list_every_article_issue_and_instruction_operation(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    paths = {
        path: set(item)
        for path, item in doc["paths"].items()
        if path.startswith(("/article-issues", "/article-instructions", "/article-follow-ups"))
    }
    assert paths == {
        "/article-issues": {"get", "post"},
        "/article-issues/{issue_id}": {"get", "patch"},
        "/article-issues/{issue_id}/candidates": {"get"},
        "/article-issues/{issue_id}/items": {"post"},
        "/article-issues/{issue_id}/order": {"put"},
        "/article-issues/{issue_id}/items/{item_id}": {"delete"},
        "/article-issues/{issue_id}/lock": {"post"},
        "/article-issues/{issue_id}/corrections": {"post"},
        "/article-issues/{issue_id}/export.docx": {"get"},
        "/article-issues/{issue_id}/export.pdf": {"get"},
        "/article-instructions": {"get", "post"},
        "/article-instructions/{instruction_id}/follow-ups": {"post"},
        "/article-follow-ups": {"get"},
        "/article-follow-ups/{follow_up_id}/report": {"post"},
    }


def test_an_issues_candidates_are_counted_up_to_the_cap(
    as_user: Any, world: World, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province publication's adoptions waiting for an issue run to tens of thousands: they are counted up to
    `issues.CANDIDATES_CAP` (here 3), oldest first, and the page, the API and the service say there are more."""
    from tests.webapp.articles.unit_helpers import login
    from webapp.articles.services import issues

    editor = as_user("editor")
    issue = _new_issue(editor, world)
    made = [adopted(world, f"第{n}篇").id for n in range(5)]
    monkeypatch.setattr(issues, "CANDIDATES_CAP", 3)
    stored = db.session.get(PublicationIssue, issue["id"])
    page = issues.candidates(world.editor, stored, page=9, per_page=2)
    assert (page.total, page.capped, page.pages, page.page, [a.id for a in page.items]) == (
        3,
        True,
        2,
        2,
        made[2:4],
    )
    answer = editor.get(f"/article-issues/{issue['id']}/candidates?per_page=2").get_json()
    assert (answer["count"], answer["count_capped"], answer["pages"]) == (3, True, 2)
    assert [c["adoption_id"] for c in answer["candidates"]] == made[:2]
    monkeypatch.setattr(issues, "CANDIDATES_CAP", 10)
    assert issues.candidates(world.editor, stored).capped is False
    monkeypatch.setattr(issues, "CANDIDATES_CAP", 3)
    login(client, "editor")
    shown = client.get(f"/office/publishing/issues/{issue['id']}").get_data(as_text=True)
    assert "超过 3 篇，先编入采用较早的稿件" in shown and f'value="{made[0]}"' in shown
