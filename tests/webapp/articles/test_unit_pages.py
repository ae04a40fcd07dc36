"""The unit's pages over HTTP: my unit's articles by state, writing and editing, the leader's sign-off queue, the
returns awaiting an answer, this period's adoptions — who may open them, what they show, and hostile input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.webapp.articles.conftest import World
from tests.webapp.articles.unit_helpers import login, page, walk, write
from webapp.articles.models import Article, ArticleRevision, Commission, CommissionTarget, UrgentEvent
from webapp.articles.services import articles, offices
from webapp.core.extensions import db

UNIT_PAGES = ["/articles/", "/articles/returns", "/articles/adoptions"]


# -- access --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", UNIT_PAGES + ["/articles/new", "/articles/signoff"])
@pytest.mark.parametrize("username", ["editor", "head", "upper-editor"])
def test_office_people_cannot_open_the_units_pages(world, client, url, username):
    login(client, username)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", UNIT_PAGES)
def test_a_unit_officer_and_leader_open_the_unit_pages(world, client, url):
    for username in ("officer-a", "signer-a"):
        login(client, username)
        assert client.get(url).status_code == 200, (username, url)


def test_only_the_leader_in_charge_has_the_sign_off_queue_zg_6_1(world, client):
    login(client, "officer-a")
    assert client.get("/articles/signoff").status_code == 403
    login(client, "signer-a")
    assert client.get("/articles/signoff").status_code == 200


def test_only_an_information_officer_writes(world, client):
    login(client, "signer-a")
    assert client.get("/articles/new").status_code == 403
    assert client.post("/articles/new", data={"title": "x", "body": "y"}).status_code == 403


def test_a_person_of_an_organisation_that_writes_to_no_office_is_refused(world, client):
    login(client, "outsider")  # an information officer, but 无关单位 writes to no office
    assert client.get("/articles/").status_code == 403
    assert client.get("/articles/new").status_code == 403


# -- my unit's articles ----------------------------------------------------------------------------------------


def test_my_units_articles_show_a_tab_per_state_with_counts_and_only_the_units_own(world, client):
    with client.application.app_context():
        walk(world, "draft", title="甲县草稿一")
        walk(world, "draft", title="甲县草稿二")
        walk(world, "submitted", title="甲县已报送")
        articles.create_draft(
            world.officer_b, office_id=world.office.id, title="乙区稿件", body="正文", today=TODAY
        )
    login(client, "officer-a")
    response = client.get("/articles/")
    text = page(response)
    assert response.status_code == 200
    assert 'data-state-tab="all" data-count="3"' in text
    assert 'data-state-tab="draft" data-count="2"' in text
    assert 'data-state-tab="submitted" data-count="1"' in text
    assert "乙区稿件" not in text
    drafts = page(client.get("/articles/?state=draft"))
    assert "甲县草稿一" in drafts and "甲县已报送" not in drafts


def test_the_leader_does_not_see_the_officers_drafts(world, client):
    with client.application.app_context():
        walk(world, "draft", title="尚未送审的草稿")
        walk(world, "awaiting_signoff", title="已送审的稿件")
    login(client, "signer-a")
    text = page(client.get("/articles/"))
    assert "已送审的稿件" in text and "尚未送审的草稿" not in text


def test_the_keyword_filters_titles_and_treats_wildcards_as_text(world, client):
    with client.application.app_context():
        walk(world, "draft", title="乡村振兴100%落实")
        walk(world, "draft", title="党建引领基层治理")
    login(client, "officer-a")
    text = page(client.get("/articles/?q=100%25"))
    assert "乡村振兴100%落实" in text and "党建引领基层治理" not in text
    assert "党建引领基层治理" not in page(client.get("/articles/?q=%25"))


@pytest.mark.parametrize(
    ("query", "words"),
    [("state=nonsense", "稿件状态的取值无效"), ("q=" + "长" * 61, "关键词不能超过60个字")],
)
def test_a_bad_filter_is_400_with_the_reason(world, client, query, words):
    login(client, "officer-a")
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 400 and words in page(response)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999999999999999999", "1.5"])
def test_a_bad_page_number_is_400_not_a_failure(world, client, value):
    login(client, "officer-a")
    response = client.get(f"/articles/?page={value}")
    assert response.status_code == 400 and "页码须为" in page(response)


def test_the_list_is_paginated_in_the_query_with_the_same_statements_for_any_size(world, client, app):
    with app.app_context():
        for n in range(3):
            walk(world, "draft", title=f"第{n}篇")
    login(client, "officer-a")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/articles/?per_page=2")
        statements.clear()
        client.get("/articles/?per_page=2")
        few = len(statements)
        with app.app_context():
            for n in range(25):
                walk(world, "draft", title=f"更多{n}")
        statements.clear()
        response = client.get("/articles/?per_page=2")
        many = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200 and "下一页" in page(response)
    assert many == few, "\n".join(statements)
    assert any("LIMIT" in s for s in statements) and any("GROUP BY" in s for s in statements)


# -- writing ---------------------------------------------------------------------------------------------------


def test_an_officer_writes_a_draft_and_lands_on_its_page(world, client):
    login(client, "officer-a")
    response = client.post(
        "/articles/new",
        data={
            "office_id": str(world.office.id),
            "title": " 甲县 干部下沉 ",
            "body": "第一段。\n第二段。",
            "secrecy": "internal",
        },
    )
    assert response.status_code == 302
    with client.application.app_context():
        article = db.session.scalars(sa.select(Article)).one()
        assert (article.title, article.secrecy, article.state, article.unit_id) == (
            "甲县 干部下沉",
            "internal",
            "draft",
            world.unit_a.id,
        )
    assert response.headers["Location"].endswith(f"/articles/{article.id}")


def test_an_overlong_title_is_refused_beside_the_field_and_the_text_is_kept(world, client):
    login(client, "officer-a")
    title = "长" * 121
    response = client.post(
        "/articles/new",
        data={"office_id": str(world.office.id), "title": title, "body": "保留的正文内容", "secrecy": "none"},
    )
    text = page(response)
    assert response.status_code == 400
    assert "标题不超过120字" in text and "保留的正文内容" in text and title in text
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("secrecy", "top-secret"), ("office_id", "999999"), ("office_id", "abc")],
)
def test_a_value_not_offered_is_refused_and_nothing_is_written(world, client, field, value):
    login(client, "officer-a")
    data = {
        "office_id": str(world.office.id),
        "title": "标题",
        "body": "正文",
        "secrecy": "none",
        field: value,
    }
    assert client.post("/articles/new", data=data).status_code == 400
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


def _commission(world: World, unit_id: int, due: date) -> int:
    commission = Commission(
        office_id=world.office.id, topic="基层党建创新做法", detail="请各单位报送典型做法", due_on=due,
        created_by_id=world.editor.id,
    )  # fmt: skip
    db.session.add(commission)
    db.session.flush()
    target = CommissionTarget(commission_id=commission.id, unit_id=unit_id)
    db.session.add(target)
    db.session.commit()
    return target.id


def test_a_draft_from_a_commission_is_prefilled_and_answers_it_zg_6_2(world, client):
    with client.application.app_context():
        target_id = _commission(world, world.unit_a.id, TODAY + timedelta(days=5))
    login(client, "officer-a")
    response = client.get(f"/articles/new?commission={target_id}")
    text = page(response)
    assert response.status_code == 200 and "基层党建创新做法" in text and f'value="{target_id}"' in text
    response = client.post(
        "/articles/new",
        data={
            "office_id": str(world.office.id),
            "commission_target_id": str(target_id),
            "title": "基层党建创新做法",
            "body": "正文",
            "secrecy": "none",
        },
    )
    assert response.status_code == 302
    with client.application.app_context():
        article = db.session.scalars(sa.select(Article)).one()
        assert (article.kind, article.commission_target_id) == ("commissioned", target_id)


def test_another_units_commission_cannot_be_answered(world, client):
    with client.application.app_context():
        target_id = _commission(world, world.unit_b.id, TODAY + timedelta(days=5))
    login(client, "officer-a")
    assert client.get(f"/articles/new?commission={target_id}").status_code == 404
    data = {
        "office_id": str(world.office.id),
        "commission_target_id": str(target_id),
        "title": "t",
        "body": "b",
    }
    assert client.post("/articles/new", data=data).status_code == 404
    assert client.get("/articles/new?commission=abc").status_code == 400


def test_a_draft_reporting_an_urgent_event_is_an_urgent_report_pub_2_3(world, client):
    with client.application.app_context():
        from webapp.core import clock

        now = clock.now()
        event = UrgentEvent(
            office_id=world.office.id, unit_id=world.unit_a.id, title="某镇突发山洪", occurred_at=now,
            first_due_at=now + timedelta(hours=1), followup_minutes=240, registered_by_id=world.officer_a.id,
        )  # fmt: skip
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    login(client, "officer-a")
    text = page(client.get(f"/articles/new?urgent={event_id}"))
    assert "某镇突发山洪" in text and "PUB-2.3" in text
    response = client.post(
        "/articles/new",
        data={
            "office_id": str(world.office.id),
            "urgent_event_id": str(event_id),
            "title": "某镇突发山洪首报",
            "body": "正文",
            "secrecy": "none",
        },
    )
    assert response.status_code == 302
    with client.application.app_context():
        assert db.session.scalars(sa.select(Article.kind)).one() == "urgent"


# -- editing ---------------------------------------------------------------------------------------------------


def test_editing_saves_a_new_revision_with_its_note(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
        version = db.session.get(Article, article_id).version_id
    login(client, "officer-a")
    assert client.get(f"/articles/{article_id}/edit").status_code == 200
    response = client.post(
        f"/articles/{article_id}/edit",
        data={
            "title": "甲县推行组工干部下沉一线",
            "body": "改过的正文。",
            "secrecy": "none",
            "note": "压缩篇幅",
            "version": version,
        },
    )
    assert response.status_code == 302
    with client.application.app_context():
        revisions = db.session.scalars(
            sa.select(ArticleRevision)
            .where(ArticleRevision.article_id == article_id)
            .order_by(ArticleRevision.no)
        ).all()
        assert [(r.no, r.note) for r in revisions] == [(1, "初稿"), (2, "压缩篇幅")]


def test_saving_over_a_version_someone_else_changed_says_so_and_keeps_the_text(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
        version = db.session.get(Article, article_id).version_id
        articles.save_text(world.officer_a2, article_id, title="别人先改了标题", body="别人的正文")
    login(client, "officer-a")
    response = client.post(
        f"/articles/{article_id}/edit",
        data={"title": "我的标题", "body": "我刚写的正文", "secrecy": "none", "version": version},
    )
    text = page(response)
    assert response.status_code == 409
    assert "已被他人处理，请刷新。" in text and "我刚写的正文" in text
    with client.application.app_context():
        assert db.session.get(Article, article_id).title == "别人先改了标题"


def test_an_edit_without_its_version_is_refused_not_saved_blind(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    response = client.post(
        f"/articles/{article_id}/edit", data={"title": "新标题", "body": "新正文", "secrecy": "none"}
    )
    assert response.status_code == 400 and "新正文" in page(response)


def test_the_unit_cannot_edit_once_the_office_has_it_and_others_see_404(world, client):
    with client.application.app_context():
        article_id = walk(world, "submitted")
    login(client, "officer-a")
    response = client.get(f"/articles/{article_id}/edit")
    assert response.status_code == 403 and "已报送" in page(response)
    login(client, "officer-b")
    assert client.get(f"/articles/{article_id}/edit").status_code == 404


# -- the leader's queue, returns, adoptions ---------------------------------------------------------------------


def test_the_sign_off_queue_puts_urgent_reports_on_top_then_the_oldest_zg_6_1(world, client, app):
    with app.app_context():
        older = write(world, title="较早送审的稿件")
        articles.fire(world.officer_a, older, "submit", today=TODAY - timedelta(days=4))
        newer = walk(world, "awaiting_signoff", title="今天送审的稿件")
        urgent = walk(world, "awaiting_signoff", title="紧急：某镇山洪", kind="urgent")
        walk(world, "draft", title="还在起草的稿件")
    login(client, "signer-a")
    text = page(client.get("/articles/signoff"))
    order = [text.index(f'data-article-id="{i}"') for i in (urgent, older, newer)]
    assert order == sorted(order)
    assert 'data-days="4"' in text and "还在起草的稿件" not in text
    assert "ZG-6.1" in text


def test_returns_show_the_reason_awaiting_the_units_answer(world, client):
    with client.application.app_context():
        walk(world, "returned", title="被退改的稿件")
        walk(world, "submitted", title="已报送的稿件")
    login(client, "officer-a")
    text = page(client.get("/articles/returns"))
    assert "被退改的稿件" in text and "数据来源请注明出处" in text and "分管领导退改" in text
    assert "已报送的稿件" not in text


def test_adoptions_of_the_period_month_and_quarter(world, client):
    with client.application.app_context():
        walk(world, "adopted", title="被采用的稿件")
    login(client, "officer-a")
    month = page(client.get("/articles/adoptions"))
    assert "被采用的稿件" in month and "《市组工信息》" in month and "经验类" in month
    assert "被采用的稿件" in page(client.get("/articles/adoptions?period=2027-Q1"))
    assert "被采用的稿件" not in page(client.get("/articles/adoptions?period=2026-12"))
    login(client, "officer-b")
    assert "被采用的稿件" not in page(client.get("/articles/adoptions"))


@pytest.mark.parametrize("value", ["2027-13", "2027-Q5", "1999-01", "abc", "2027-1"])
def test_a_bad_period_is_400_with_the_reason(world, client, value):
    login(client, "officer-a")
    response = client.get(f"/articles/adoptions?period={value}")
    assert response.status_code == 400 and "统计期须为月份" in page(response)


def test_a_unit_writing_to_several_offices_chooses_one(world, client):
    with client.application.app_context():
        offices.add_units(world.upper.id, [(world.unit_a.id, "")])
    login(client, "officer-a")
    text = page(client.get("/articles/new"))
    assert "省委组织部办公室" in text and "市委组织部办公室" in text and 'name="office_id"' in text
    data = {"office_id": str(world.upper.id), "title": "报省里的稿件", "body": "正文", "secrecy": "none"}
    assert client.post("/articles/new", data=data).status_code == 302
    with client.application.app_context():
        assert db.session.scalars(sa.select(Article.office_id)).one() == world.upper.id
