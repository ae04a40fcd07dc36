"""Searching articles: keyword (full text on title and body, Chinese-aware: FTS5 trigram on SQLite, LIKE for one
or two characters, ILIKE on PostgreSQL), unit, state, publication and dates — only what the person may see (a
秘密 article never reaches a reader), paginated in the query, bad values a Chinese message and never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.dialects import postgresql

from tests import database as test_database
from tests.factories import make_test_app, make_user
from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import Article
from webapp.articles.services import articles, forwarding, offices, permissions, search
from webapp.core.extensions import db
from webapp.core.models import Role, User

DAY = steps.DAY


def _ids(user, **filters) -> list[int]:  # type: ignore[no-untyped-def]
    found, errors = search.parse_filters({k: str(v) for k, v in filters.items()})
    assert errors == {}
    return [a.id for a in search.search(user, found).items]


@pytest.fixture
def three(world: World) -> dict[str, int]:
    return {
        "sink": steps.submitted(
            world, "甲县推行组工干部下沉一线工作机制", "建立“民情日记”制度，走访群众3600余户。"
        ),
        "young": steps.submitted(
            world, "乙区年轻干部递进培养", "实施选苗育苗壮苗计划，ABC Training 100%覆盖。", unit="b"
        ),
        "flood": steps.submitted(world, "甲县防汛工作有序开展", "转移受威胁群众1200余人，储备冲锋舟。"),
    }


def test_a_chinese_keyword_finds_its_substring_in_title_or_text(world: World, three: dict[str, int]) -> None:
    assert _ids(world.editor, q="民情日记") == [
        three["sink"]
    ]  # in the text, four characters: the trigram index
    assert _ids(world.editor, q="递进培养") == [three["young"]]  # in the title
    assert sorted(_ids(world.editor, q="群众")) == sorted(
        [three["sink"], three["flood"]]
    )  # two characters: LIKE
    assert _ids(world.editor, q="群众 冲锋舟") == [three["flood"]]  # every keyword must occur
    assert _ids(world.editor, q="abc training") == [three["young"]]  # case does not matter
    assert _ids(world.editor, q="不存在的词语") == []


HOSTILE = ['"', '""', "*", "NEAR(a b)", "a OR b", "^甲县", "'; DROP TABLE articles; --", "\\", "_", "%%"]


def test_search_syntax_in_a_keyword_is_just_text(world: World, client, three: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    steps.login(client, world.editor)
    for hostile in HOSTILE:
        assert _ids(world.editor, q=hostile) == [], hostile
        answer = client.get("/office/articles/search", query_string={"q": hostile})
        assert answer.status_code == 200 and 'data-testid="search-empty"' in answer.get_data(as_text=True)


def test_a_percent_sign_is_searched_literally(world: World, three: dict[str, int]) -> None:
    assert _ids(world.editor, q="100%") == [three["young"]]
    assert _ids(world.editor, q="0%覆") == [three["young"]]


def test_filters_by_unit_state_publication_and_dates(world: World, three: dict[str, int]) -> None:
    assert _ids(world.editor, unit=world.unit_b.id) == [three["young"]]
    adopted = steps.adopted(world, title="已采用的稿件")
    assert _ids(world.editor, state="adopted") == [adopted]
    assert _ids(world.editor, publication=world.own_publication.id) == [adopted]
    old = steps.submitted(world, "去年的稿件", day=DAY - timedelta(days=40))
    assert _ids(world.editor, date_to=(DAY - timedelta(days=1)).isoformat()) == [old]
    assert old not in _ids(world.editor, date_from=DAY.isoformat())


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"state": "bogus"}, "state"),
        ({"unit": "abc"}, "unit"),
        ({"unit": "99999999999999999999"}, "unit"),
        ({"publication": "-1"}, "publication"),
        ({"date_from": "2027-02-30"}, "date_from"),
        ({"date_to": "1899-01-01"}, "date_to"),
        ({"date_from": "2027-03-01", "date_to": "2027-01-01"}, "date_to"),
        ({"q": "长" * 61}, "q"),
        ({"q": "一 二 三 四 五 六"}, "q"),
    ],
)
def test_bad_filter_values_are_named_in_chinese_never_a_500(world: World, client, args, field) -> None:  # type: ignore[no-untyped-def]
    _, errors = search.parse_filters(args)
    assert list(errors) == [field]
    steps.login(client, world.editor)
    answer = client.get("/office/articles/search", query_string=args)
    assert answer.status_code == 400 and 'data-testid="filter-errors"' in answer.get_data(as_text=True)
    assert client.get("/office/articles/search?page=0").status_code == 400


def test_a_secret_article_never_reaches_a_reader_or_the_units_other_officers(world: World) -> None:
    secret = steps.submitted(world, "涉密稿件标题", "秘密内容不外传", secrecy="secret")
    internal = steps.submitted(world, "内部稿件标题", "内部内容", secrecy="internal")
    for viewer in (world.reader, world.officer_a2):
        assert secret not in _ids(viewer) and secret not in _ids(viewer, q="秘密内容")
    assert internal in _ids(world.reader)
    assert secret in _ids(world.editor, q="秘密内容") and secret in _ids(world.officer_a, q="秘密内容")
    assert _ids(world.outsider) == [] and _ids(world.upper_editor) == []


def test_a_unit_sees_only_its_own_articles(world: World, three: dict[str, int]) -> None:
    assert sorted(_ids(world.officer_b)) == [three["young"]]
    assert sorted(_ids(world.signer_a)) == sorted([three["sink"], three["flood"]])


def test_the_index_follows_an_edited_text(world: World, three: dict[str, int]) -> None:
    articles.fire(world.editor, three["flood"], "receive", today=DAY)
    articles.save_text(world.editor, three["flood"], title="甲县防汛", body="加固堤防三十公里。")
    assert _ids(world.editor, q="加固堤防") == [three["flood"]]
    assert _ids(world.editor, q="冲锋舟") == []


def test_the_search_pages_in_the_query(world: World) -> None:
    for n in range(3):
        steps.submitted(world, f"组工信息第{n}篇")
    with steps.counted_statements() as few:
        search.search(world.editor, search.parse_filters({"q": "组工信息"})[0])
    for n in range(3, 30):
        steps.submitted(world, f"组工信息第{n}篇")
    with steps.counted_statements() as many:
        found = search.search(world.editor, search.parse_filters({"q": "组工信息"})[0])
    assert found.total == 30 and len(found.items) == search.PER_PAGE
    assert len(many) == len(few)


def test_the_total_is_counted_up_to_the_cap_and_says_there_are_more(
    world: World, client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A province office holds hundreds of thousands of articles: the count stops at `COUNT_CAP` (here 3)."""
    for n in range(5):
        steps.submitted(world, f"组工信息第{n}篇")
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    found = search.search(world.editor, search.parse_filters({})[0], per_page=2)
    assert (found.total, found.capped, found.pages, len(found.items)) == (3, True, 2, 2)
    assert search.search(world.editor, search.parse_filters({"q": "第1篇"})[0]).capped is False
    steps.login(client, world.editor)
    page = client.get("/office/articles/search").get_data(as_text=True)
    assert "超过 3 篇，可加条件缩小范围" in page
    answer = client.get("/api/v1/office/articles/search").get_json()
    assert (answer["count"], answer["count_capped"]) == (3, True)


def test_the_postgresql_path_names_no_sqlite_table() -> None:
    clause = search.keyword_clause(["民情日记", "群众"], "postgresql")
    sql = str(sa.select(Article.id).where(clause).compile(dialect=postgresql.dialect()))
    assert "articles_fts" not in sql and "MATCH" not in sql.upper() and "ILIKE" in sql.upper()
    sqlite_sql = str(sa.select(Article.id).where(search.keyword_clause(["民情日记"], "sqlite")))
    assert "articles_fts MATCH" in sqlite_sql


@pytest.mark.skipif(
    test_database.on_postgres(),
    reason="SQLite's own full-text table; PostgreSQL searches with ILIKE (test_the_postgresql_path_names_no_sqlite_table)",
)
def test_the_migrations_head_has_the_full_text_table_and_its_triggers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SQLite's batch mode drops a table's triggers when it rebuilds it: a later migration that batch-alters
    ``articles`` must make them again, or the search stops seeing new text (webapp/articles/models/fulltext.py)."""
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade()
        names = dict(
            db.session.execute(
                sa.text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'articles_fts%'")
            ).all()
        )
        assert {"articles_fts", "articles_fts_ai", "articles_fts_ad", "articles_fts_au"} <= set(names)
        assert "trigram" in names["articles_fts"]
        assert (
            db.session.execute(
                sa.text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '\"民情日记\"'")
            ).scalar()
            == 0
        )
        db.session.remove()
        db.engine.dispose()


def test_the_search_page_over_http(world: World, client, three: dict[str, int]) -> None:
    steps.login(client, world.editor)
    page = client.get("/office/articles/search", query_string={"q": "民情日记"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f'data-article-id="{three["sink"]}"' in text
    assert "民情日记" in text and "共 1 篇" in text
    steps.login(client, world.reader)
    assert client.get("/office/articles/search").status_code == 200


def _written(world: World, officer: User, signer: User, office_id: int, title: str, day: date) -> int:
    article = articles.create_draft(officer, office_id=office_id, title=title, body="正文" * 50, today=day)
    articles.fire(officer, article.id, "submit", today=day)
    articles.fire(signer, article.id, "sign_off", today=day)
    return article.id


def test_each_way_to_an_article_is_searched_once_and_the_pages_merge_in_order(world: World) -> None:
    """The search takes the page from each way a person sees articles (their unit, their office, forwarded to it
    under INF-2.5) and merges them: every page, at any size, is the list `visible_clause` orders, each article
    once — here with a person whose office is also a unit of itself (their own articles are theirs both ways)
    and an upper office that has articles of its own and forwarded ones."""
    office_org = world.editor.organisation
    offices.add_units(world.office.id, [(office_org.id, "county")])
    offices.add_units(world.upper.id, [(office_org.id, "county")])
    both = make_user(office_org, Role.OFFICE_EDITOR, Role.INFO_OFFICER, username="editor-and-officer")
    signer = make_user(office_org, Role.INFO_SIGNER, username="office-signer")
    db.session.commit()
    steps.upper_head(world)
    for n in range(4):  # by both at its own office: in its unit's arm and its office's
        _written(world, both, signer, world.office.id, f"本部稿件{n}", DAY - timedelta(days=2 * n))
    for n in range(3):  # to the upper office
        _written(world, both, signer, world.upper.id, f"报省稿件{n}", DAY - timedelta(days=2 * n + 1))
    articles.create_draft(both, office_id=world.office.id, title="草稿", body="正文", today=DAY)
    for n in range(3):
        steps.submitted(world, f"甲县稿件{n}", day=DAY - timedelta(days=n))
    for _ in range(2):
        forwarding.forward(world.editor, steps.adopted(world), "up", today=DAY)
    for person in (both, world.upper_editor, world.editor, world.reader, world.officer_a):
        expected = db.session.scalars(
            sa.select(Article.id)
            .where(permissions.visible_clause(person))
            .order_by(Article.submitted_on.desc(), Article.id.desc())
        ).all()
        assert set(expected) == {
            a.id for a in db.session.scalars(sa.select(Article)) if permissions.functions_on(person, a)
        }
        assert len(permissions.visible_arms(person)) > 1 or person is world.officer_a
        for per_page in (1, 2, 3, 50):
            shown: list[int] = []
            for page in range(1, len(expected) // per_page + 2):
                found = search.search(person, search.SearchFilters(), page=page, per_page=per_page)
                assert found.total == len(expected), (person.username, per_page)
                shown += [a.id for a in found.items]
            assert shown == expected, (person.username, per_page)
    assert len(permissions.visible_arms(both)) == 3
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(permissions.visible_clause(both)))
        == 4 + 3 + 1 + 3 + 2
    )
