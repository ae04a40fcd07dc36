"""The issue pages over HTTP: list, new issue, assembly, lock, corrections, downloads, access and hostile input."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import DAY, adopted
from webapp.articles.models import IssueCorrection, PublicationIssue
from webapp.articles.services import issues
from webapp.core.extensions import db


def _login(client: FlaskClient, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def _issue(world: World, *titles: str, locked: bool = False) -> PublicationIssue:
    issue = issues.create(world.editor, world.own_publication.id, issued_on=DAY, today=DAY)
    if titles:
        issues.add_items(world.editor, issue.id, [adopted(world, t).id for t in titles])
    if locked:
        issues.lock(world.head, issue.id)
    return issue


def _version(issue_id: int) -> int:
    db.session.expire_all()
    return db.session.get(PublicationIssue, issue_id).version_id


def test_the_editor_creates_an_issue_and_sees_its_number(client: FlaskClient, world: World) -> None:
    _login(client, "editor")
    listing = client.get(f"/office/publishing/publications/{world.own_publication.id}/issues")
    assert listing.status_code == 200 and "新建一期" in listing.get_data(as_text=True)
    response = client.post(
        f"/office/publishing/publications/{world.own_publication.id}/issues",
        data={
            "issued_on": "2027-01-05",
            "editor_note": "本期关注基层",
            "distribution": "报：市委领导同志",
            "copies": "80",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2027年第1期，总第1期" in page and "暂无可编入的稿件" in page


def test_a_bad_new_issue_form_keeps_what_was_typed_and_says_why(client: FlaskClient, world: World) -> None:
    _login(client, "editor")
    url = f"/office/publishing/publications/{world.own_publication.id}/issues"
    response = client.post(url, data={"issued_on": "2030-01-01", "editor_note": "保留的按语", "copies": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "印数应在1至100000份之间" in page and "保留的按语" in page
    response = client.post(url, data={"issued_on": "2030-01-01", "editor_note": "保留的按语"})
    assert response.status_code == 400 and "出刊日期应在今天前后一年之内" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PublicationIssue.id))) == 0


def test_the_editor_assembles_moves_and_the_head_locks(client: FlaskClient, world: World) -> None:
    issue = _issue(world, "甲文", "乙文")
    spare = adopted(world, "丙文")
    _login(client, "editor")
    page = client.get(f"/office/publishing/issues/{issue.id}").get_data(as_text=True)
    assert "丙文" in page and "编入本期" in page
    response = client.post(
        f"/office/publishing/issues/{issue.id}/items",
        data={"adoption_ids": [str(spare.id)], "version": _version(issue.id)},
    )
    assert response.status_code == 302
    second = issues.load(world.editor, issue.id).items[1]
    response = client.post(
        f"/office/publishing/issues/{issue.id}/items/{second.id}/move/up",
        data={"version": _version(issue.id)},
    )
    assert response.status_code == 302
    assert [i.title for i in issues.load(world.editor, issue.id).items] == ["乙文", "甲文", "丙文"]
    ids = [i.id for i in issues.load(world.editor, issue.id).items]
    response = client.post(
        f"/office/publishing/issues/{issue.id}/order",
        data={"order": ",".join(str(i) for i in reversed(ids)), "version": _version(issue.id)},
    )
    assert response.status_code == 302
    assert [i.title for i in issues.load(world.editor, issue.id).items] == ["丙文", "甲文", "乙文"]
    response = client.post(f"/office/publishing/issues/{issue.id}/lock", data={"version": _version(issue.id)})
    assert response.status_code == 403 and "只有信息科负责人可以定稿" in response.get_data(as_text=True)
    client.post("/auth/logout")
    _login(client, "head")
    response = client.post(f"/office/publishing/issues/{issue.id}/lock", data={"version": _version(issue.id)})
    assert response.status_code == 302
    page = client.get(f"/office/publishing/issues/{issue.id}").get_data(as_text=True)
    assert "已定稿" in page and "/corrections" in page and "编入本期" not in page


def test_an_old_page_is_stale_and_says_so(client: FlaskClient, world: World) -> None:
    issue = _issue(world, "甲文")
    old = _version(issue.id)
    issues.update_details(world.head, issue.id, issued_on=DAY, editor_note="他人先改", today=DAY)
    _login(client, "editor")
    response = client.post(
        f"/office/publishing/issues/{issue.id}/details", data={"issued_on": "2027-01-05", "version": old}
    )
    assert response.status_code == 409 and "已被他人处理，请刷新。" in response.get_data(as_text=True)
    response = client.post(f"/office/publishing/issues/{issue.id}/details", data={"issued_on": "2027-01-05"})
    assert response.status_code == 400 and "无法确认您提交的页面是否为最新" in response.get_data(as_text=True)


def test_a_locked_issue_refuses_changes_over_http_quoting_the_rule(client: FlaskClient, world: World) -> None:
    issue = _issue(world, "甲文", locked=True)
    item = issues.load(world.head, issue.id).items[0]
    _login(client, "head")
    for url in (
        f"/office/publishing/issues/{issue.id}/items/{item.id}/remove",
        f"/office/publishing/issues/{issue.id}/items/{item.id}/move/down",
    ):
        response = client.post(url, data={"version": _version(issue.id)})
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "PUB-5.3" in page and "登记勘误" in page
    response = client.post(
        f"/office/publishing/issues/{issue.id}/details",
        data={"issued_on": "2027-01-05", "editor_note": "改按语", "version": _version(issue.id)},
    )
    assert response.status_code == 409
    assert client.get(f"/office/publishing/issues/{issue.id}/items/{item.id}/text").status_code == 403
    assert issues.load(world.head, issue.id).editor_note == ""


def test_the_head_records_a_correction_and_the_page_and_export_show_it(
    client: FlaskClient, world: World
) -> None:
    issue = _issue(world, "甲文", "乙文", locked=True)
    first = issues.load(world.head, issue.id).items[0]
    _login(client, "head")
    response = client.post(
        f"/office/publishing/issues/{issue.id}/corrections",
        data={"kind": "withdraw", "item_id": str(first.id), "reason": "", "version": _version(issue.id)},
    )
    assert response.status_code == 400 and "请填写勘误原因" in response.get_data(as_text=True)
    response = client.post(
        f"/office/publishing/issues/{issue.id}/corrections",
        data={
            "kind": "withdraw",
            "item_id": str(first.id),
            "reason": "数据有误",
            "version": _version(issue.id),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/office/publishing/issues/{issue.id}").get_data(as_text=True)
    assert "勘误记录" in page and "撤销第1条《甲文》" in page and "数据有误" in page
    docx = client.get(f"/office/publishing/issues/{issue.id}/export.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert db.session.scalar(sa.select(sa.func.count(IssueCorrection.id))) == 1


def test_downloads_are_files_with_the_issues_name(client: FlaskClient, world: World) -> None:
    issue = _issue(world, "甲文")
    _login(client, "editor")
    pdf = client.get(f"/office/publishing/issues/{issue.id}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    disposition = pdf.headers["Content-Disposition"]
    assert "attachment" in disposition and re.search(r"filename\*=UTF-8''.+\.pdf", disposition)
    assert client.get(f"/office/publishing/issues/{issue.id}/export.txt").status_code == 404


def test_other_offices_units_and_outsiders_get_404_and_the_reader_reads_only(
    client: FlaskClient, world: World
) -> None:
    draft = _issue(world, "甲文")
    locked = _issue(world, "乙文", locked=True)
    pages = [
        f"/office/publishing/issues/{draft.id}",
        f"/office/publishing/issues/{draft.id}/export.pdf",
        f"/office/publishing/publications/{world.own_publication.id}/issues",
    ]
    for username in ("upper-editor", "outsider", "officer-a", "signer-a"):
        _login(client, username)
        for url in pages:
            assert client.get(url).status_code == 404, (username, url)
        response = client.post(
            f"/office/publishing/issues/{draft.id}/lock", data={"version": _version(draft.id)}
        )
        assert response.status_code == 404
        client.post("/auth/logout")
    _login(client, "reader")
    assert client.get(f"/office/publishing/issues/{draft.id}").status_code == 404
    page = client.get(f"/office/publishing/issues/{locked.id}").get_data(as_text=True)
    assert "乙文" in page and "/corrections" not in page and "编入本期" not in page
    listing = client.get(f"/office/publishing/publications/{world.own_publication.id}/issues").get_data(
        as_text=True
    )
    assert "新建一期" not in listing
    response = client.post(
        f"/office/publishing/publications/{world.own_publication.id}/issues", data={"issued_on": "2027-01-05"}
    )
    assert response.status_code == 403


def test_a_secret_issue_downloads_only_for_those_who_see_every_item(
    client: FlaskClient, world: World
) -> None:
    issue = issues.create(world.editor, world.own_publication.id, issued_on=DAY, today=DAY)
    issues.add_items(world.editor, issue.id, [adopted(world, "秘密稿", secrecy="secret").id])
    issues.lock(world.head, issue.id)
    _login(client, "reader")
    assert client.get(f"/office/publishing/issues/{issue.id}/export.pdf").status_code == 404
    client.post("/auth/logout")
    _login(client, "head")
    page = client.get(f"/office/publishing/issues/{issue.id}").get_data(as_text=True)
    assert "密级：秘密" in page
    assert client.get(f"/office/publishing/issues/{issue.id}/export.pdf").status_code == 200


def test_hostile_input_is_refused_in_chinese_never_a_server_error(client: FlaskClient, world: World) -> None:
    issue = _issue(world, "甲文")
    item = issues.load(world.editor, issue.id).items[0]
    _login(client, "editor")
    base = f"/office/publishing/issues/{issue.id}"
    answers = [
        client.post(f"{base}/items", data={"adoption_ids": ["x", "9" * 30], "version": _version(issue.id)}),
        client.post(f"{base}/items", data={"adoption_ids": ["999999"], "version": _version(issue.id)}),
        client.post(f"{base}/order", data={"order": "1,2,<script>", "version": _version(issue.id)}),
        client.post(f"{base}/order", data={"order": "999,998", "version": _version(issue.id)}),
        client.post(f"{base}/details", data={"issued_on": "2027-02-30", "version": _version(issue.id)}),
        client.post(f"{base}/details", data={"issued_on": "2027-01-05", "copies": "1e9", "version": _version(issue.id)}),
        client.post(f"{base}/details", data={"issued_on": "2027-01-05", "editor_note": "按" * 501, "version": "x"}),
        client.post(f"{base}/items/{item.id}/text", data={"title": "题" * 121, "body": "正文", "version": _version(issue.id)}),
        client.post(f"{base}/items/{item.id}/move/up", data={"version": "99999999999999999999999"}),
        client.get(f"{base}?cpage=abc"),
        client.get(f"/office/publishing/publications/{world.own_publication.id}/issues?page=-1"),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400]
    assert client.get("/office/publishing/issues/99999999999999999999").status_code == 404
    assert [i.title for i in issues.load(world.editor, issue.id).items] == ["甲文"]
