"""Issue 12 (fast at scale): the office's intake queue and the API's article list issue the same few SQL statements
(≤ 15) with 5 articles or 300, and the API list pages by an opaque cursor that walks every visible article once.

The 300 are copies of one signed-off article written straight into the tables (the services would take minutes
for that many); each copy is a real row the queries must read, split over the office's two units."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import g

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import Article, ArticleRevision
from webapp.articles.services import ledger_revision, unit_lists
from webapp.core.extensions import db

LIMIT = 15


def copies(world: World, n: int) -> None:
    """``n`` more submitted articles like the first one, alternating units 甲 and 乙, a minute apart."""
    source = db.session.scalar(sa.select(Article).order_by(Article.id).limit(1))
    assert source is not None
    table, revisions = Article.__table__, ArticleRevision.__table__
    row = {c.name: getattr(source, c.key) for c in Article.__mapper__.column_attrs for c in [c.columns[0]]}
    revision = (
        db.session.execute(sa.select(revisions).where(revisions.c.article_id == source.id)).mappings().first()
    )
    assert revision is not None
    first = int(db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
    rows, revs = [], []
    for k in range(n):
        unit = world.unit_a if k % 2 else world.unit_b
        author = world.officer_a if k % 2 else world.officer_b
        at = source.created_at + timedelta(minutes=k + 1)
        rows.append(
            row
            | {"id": first + k, "number": f"S-{k:05d}", "unit_id": unit.id, "author_id": author.id,
               "title": f"第{k}篇", "submitted_at": at, "created_at": at, "updated_at": at}
        )  # fmt: skip
        revs.append(
            {key: value for key, value in revision.items() if key != "id"} | {"article_id": first + k}
        )
    db.session.execute(table.insert(), rows)
    db.session.execute(revisions.insert(), revs)
    # a bulk statement the flush does not see says what it changed, as the ledger's import does
    ledger_revision.note(db.session, offices=[source.office_id])
    db.session.commit()
    db.session.expire_all()


def _get(client: Any, url: str, **kwargs: Any) -> Any:
    g.pop("_login_user", None)  # each request authenticates itself, as separate requests do
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response


def _counted(client: Any, url: str, **kwargs: Any) -> int:
    _get(client, url, **kwargs)  # warm: the session reloads what the commits expired
    with steps.counted_statements() as seen:
        _get(client, url, **kwargs)
    return len(seen)


def test_the_intake_queue_page_issues_the_same_few_statements_with_5_or_300_articles(
    world: World, client
) -> None:
    for n in range(5):
        steps.submitted(world, f"稿件{n}", unit="a" if n % 2 else "b")
    steps.login(client, world.editor)
    urls = ("/office/articles", "/office/articles?state=submitted", "/office/articles?page=2")
    few = {url: _counted(client, url) for url in urls}
    copies(world, 295)
    steps.login(client, world.editor)
    many = {url: _counted(client, url) for url in urls}
    assert many == few and max(many.values()) <= LIMIT, (few, many)
    page = _get(client, "/office/articles?page=15").get_data(as_text=True)
    assert "第294篇" in page or "第293篇" in page  # the last page holds the latest copies: the queue is read


def test_the_api_article_list_issues_the_same_few_statements_in_both_forms_with_5_or_300_articles(
    world: World, client
) -> None:
    for n in range(5):
        steps.submitted(world, f"稿件{n}")
    headers = steps.bearer(client, world.editor)
    urls = ("/api/v1/articles?limit=20", "/api/v1/articles?page=1", "/api/v1/articles?page=2&per_page=2")
    few = {url: _counted(client, url, headers=headers) for url in urls}
    copies(world, 295)
    many = {url: _counted(client, url, headers=headers) for url in urls}
    assert many == few and max(many.values()) <= LIMIT, (few, many)
    # a deep cursor costs what the first page costs
    first = _get(client, "/api/v1/articles?limit=20", headers=headers).get_json()
    deep = first
    for _ in range(10):
        deep = _get(
            client, f"/api/v1/articles?limit=20&cursor={deep['next_cursor']}", headers=headers
        ).get_json()
    assert (
        _counted(client, f"/api/v1/articles?limit=20&cursor={deep['next_cursor']}", headers=headers)
        == (many["/api/v1/articles?limit=20"])
    )


def test_the_cursor_walks_every_visible_article_once_latest_change_first(world: World, client) -> None:
    for n in range(3):
        steps.submitted(world, f"稿件{n}")
    copies(world, 44)
    headers = steps.bearer(client, world.editor)
    seen: list[int] = []
    cursor = ""
    while True:
        body = _get(client, f"/api/v1/articles?limit=10&cursor={cursor}", headers=headers).get_json()
        assert set(body) == {"articles", "next_cursor", "per_page"} and body["per_page"] == 10
        seen.extend(a["id"] for a in body["articles"])
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
    expected = db.session.scalars(
        sa.select(Article.id).order_by(Article.updated_at.desc(), Article.id.desc())
    ).all()
    assert seen == list(expected) and len(seen) == 47


def test_a_forged_cursor_is_refused_with_400_naming_the_field(world: World, client) -> None:
    headers = steps.bearer(client, world.editor)
    g.pop("_login_user", None)
    response = client.get("/api/v1/articles?cursor=bm90LW91cnM", headers=headers)
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "cursor" and "游标" in body["message"]


def test_the_page_form_counts_up_to_a_cap_and_says_so(world: World, client, monkeypatch) -> None:
    """A province's office holds hundreds of thousands of articles: the old form counts no further than a cap."""
    for n in range(3):
        steps.submitted(world, f"稿件{n}")
    copies(world, 9)
    monkeypatch.setattr(unit_lists, "COUNT_CAP", 10)
    headers = steps.bearer(client, world.editor)
    body = _get(client, "/api/v1/articles?page=1&per_page=5", headers=headers).get_json()
    assert (body["count"], body["count_capped"], body["pages"]) == (10, True, 2)
    monkeypatch.setattr(unit_lists, "COUNT_CAP", 1_000)
    body = _get(client, "/api/v1/articles?page=3&per_page=5", headers=headers).get_json()
    assert (body["count"], body["count_capped"], len(body["articles"])) == (12, False, 2)
