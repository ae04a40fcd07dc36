"""A unit's dashboard (我的计分, ``GET /ledger/mine``): its points and quota progress with the 28th cut-off, its own
rank (the others' only once the bulletin is published), its points by month and its articles with their points.
The world's office scores under ledger-zg; both units are county departments (ZG-2.2: 10 a quarter, of which 2
参阅类). Today is 2027-01-05, so the current period is 2027-Q1."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask.testing import FlaskClient

from tests.factories import make_user
from tests.webapp.articles.conftest import World
from tests.webapp.articles.office_steps import counted_statements, login
from webapp.articles.ledger.unit_views import month_chart
from webapp.articles.models import Adoption
from webapp.articles.services import articles, ledger
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.ledger_units import MonthPoints
from webapp.core.extensions import db
from webapp.core.models import Role, User

Q4 = ledger.period_from("2026-Q4")


def adopt(
    world: World,
    day: date,
    *,
    klass: str = "exp",
    unit: str = "a",
    title: str = "甲县推行组工干部下沉一线",
    secrecy: str = "none",
) -> int:
    """An article of unit 甲 (or 乙) adopted on ``day`` in the office's 《市组工信息》 (ZG-4.3: 经验类单条 6, 参阅类单条 10)."""
    officer, signer = (world.officer_a, world.signer_a) if unit == "a" else (world.officer_b, world.signer_b)
    article = articles.create_draft(
        officer, office_id=world.office.id, title=title, body=f"{title}。正文。", secrecy=secrecy, today=day
    )
    articles.fire(officer, article.id, "submit", today=day)
    articles.fire(signer, article.id, "sign_off", today=day)
    articles.fire(world.editor, article.id, "receive", today=day)
    adoption = AdoptionInput(world.own_publication.id, klass, "single", adopted_on=day)
    articles.fire(world.editor, article.id, "adopt", adoption=adoption, today=day)
    assert db.session.scalar(db.select(Adoption.id).where(Adoption.article_id == article.id))
    return article.id


def text_of(html: str) -> str:
    """The page's words without tags and with runs of blanks as one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def dashboard(client: FlaskClient, user: User, **args: str) -> tuple[int, str]:
    login(client, user)
    response = client.get("/ledger/mine", query_string=args)
    return response.status_code, response.get_data(as_text=True)


def test_quota_progress_shows_what_is_missing_and_the_28th_deadline_zg_2_2_zg_6_6(
    world: World, client: FlaskClient
) -> None:
    """ZG-2.2: ≥ 10 a quarter, of which ≥ 2 参阅类; with 3 经验类 and 1 参阅类 adopted the unit still misses 6
    (nested, GAP-3) and would lose 60 (ZG-4.8). ZG-6.6: the quarter's articles must be published by 28 March."""
    for day in (date(2027, 1, 2), date(2027, 1, 3), date(2027, 1, 4)):
        adopt(world, day, title=f"经验{day.day}")
    adopt(world, date(2027, 1, 5), klass="ref", title="参阅一")
    status, html = dashboard(client, world.officer_a)
    assert status == 200
    words = text_of(html)
    assert 'data-rule="ZG-2.2" data-missing="6"' in html
    assert "还缺6篇" in words
    assert "高质量信息 10 4 6" in words and "其中参阅类 2 1 1" in words
    assert "每季度上报高质量信息不少于10篇，其中参阅类信息不少于2篇 · ZG-2.2" in words
    assert "按现有进度将扣60分（每缺一篇扣10分）" in words
    assert "未完成信息工作任务的，缺少一篇扣10分 · ZG-4.8" in words
    assert "本季度稿件须于3月28日前刊发方计入本期" in words
    assert "还有82天" in words  # 5 January → 28 March
    assert "对当月28日后刊发稿件的计分累积至下月 · ZG-6.6" in words
    # the total is the sum of its lines: 3 × 6 + 10 − 60
    assert re.search(r'data-testid="total">-32<', html)


def test_an_adoption_on_the_29th_of_the_quarters_last_month_counts_next_quarter_zg_6_6(
    world: World, client: FlaskClient
) -> None:
    """ZG-6.6 / GAP-9: 28 December still counts in the fourth quarter; 29 December counts in the first quarter."""
    on_28 = adopt(world, date(2026, 12, 28), title="二十八日刊发")
    on_29 = adopt(world, date(2026, 12, 29), title="二十九日刊发")

    status, html = dashboard(client, world.officer_a, period="2026-Q4")
    assert status == 200
    words = text_of(html)
    assert "本季度稿件须于12月28日前刊发方计入本期" in words and "已截止" in words
    assert "高质量信息 10 1 9" in words
    assert f'data-article-id="{on_28}"' in html and f'data-article-id="{on_29}"' not in html

    status, html = dashboard(client, world.officer_a, period="2027-Q1")
    assert "高质量信息 10 1 9" in text_of(html)
    assert "2026-12-29 《市组工信息》经验类单条 28日后刊发，计入2027年1月" in text_of(html)
    assert f'data-article-id="{on_29}"' in html and f'data-article-id="{on_28}"' not in html


def test_each_article_shows_its_points_and_why_zg_4_3(world: World, client: FlaskClient) -> None:
    """ZG-4.3: 《**组工信息》参阅类单条 10 — the article's own explanation, in the office's words (its P3 is
    《市组工信息》; the source's redacted name never shows)."""
    article_id = adopt(world, date(2027, 1, 4), klass="ref", title="参阅稿")
    _, html = dashboard(client, world.officer_a)
    assert f'data-article-id="{article_id}" data-points="10"' in html
    assert "10 = 《市组工信息》参阅类单条" in text_of(html)
    assert "**" not in text_of(html)


def test_the_own_rank_is_shown_and_the_other_units_are_hidden_until_the_bulletin_zg_5_2(
    world: World, client: FlaskClient
) -> None:
    """ZG-5.2 ranks the units; before the bulletin a unit sees only its own place (第2名，共2个单位), never the
    other unit's name or points; once published it sees the ranking."""
    adopt(world, date(2026, 11, 10), title="甲县一篇")
    adopt(world, date(2026, 11, 11), unit="b", title="乙区一篇")
    adopt(world, date(2026, 11, 12), unit="b", klass="ref", title="乙区二篇")
    _, html = dashboard(client, world.officer_a, period="2026-Q4")
    words = text_of(html)
    assert "在县（市、区）委组织部中排第 2 名（共2个单位）" in words
    assert "乙区委组织部" not in html
    assert 'data-testid="ranking-hidden"' in html

    ledger.close(world.head, world.office, Q4)
    _, html = dashboard(client, world.officer_a, period="2026-Q4")
    assert "已结算" in html and "乙区委组织部" not in html

    ledger.publish(
        world.head, world.office, Q4, {"bulletin_title": "关于2026年第四季度组工信息工作情况的通报"}
    )
    _, html = dashboard(client, world.officer_a, period="2026-Q4")
    assert 'data-testid="ranking-table"' in html and "乙区委组织部" in html


def test_a_closed_period_shows_its_frozen_result_not_a_late_adoption(
    world: World, client: FlaskClient
) -> None:
    adopt(world, date(2026, 11, 10))
    ledger.close(world.head, world.office, Q4)
    adopt(world, date(2026, 12, 10), title="补录的十二月采用")
    _, html = dashboard(client, world.officer_a, period="2026-Q4")
    assert "已结算" in html and "以结算结果为准" in html
    assert re.search(r'data-testid="total">-84<', html)  # 6 − 9 missing × 10, as frozen


def test_the_month_chart_labels_each_month_of_the_year(world: World, client: FlaskClient) -> None:
    """Each month scored on its own (ZG-6.6 places 29 November in December)."""
    adopt(world, date(2026, 11, 10), title="十一月")
    adopt(world, date(2026, 11, 29), klass="ref", title="十一月二十九日")
    _, html = dashboard(client, world.officer_a, period="2026-Q4")
    bars = dict(re.findall(r'data-testid="bar" data-month="(\d+月)" data-value="(-?[\d.]+)"', html))
    assert len(bars) == 12
    assert bars["11月"] == "6" and bars["12月"] == "10" and bars["1月"] == "0"


def test_a_negative_month_is_drawn_below_the_zero_line() -> None:
    chart = month_chart(
        [MonthPoints("2027-01", "1月", Decimal(20)), MonthPoints("2027-02", "2月", Decimal(-10))]
    )
    assert chart is not None
    up, down = chart.bars
    assert not up.negative and up.y + up.height == chart.zero_y
    assert down.negative and down.y == chart.zero_y and down.height == up.height / 2
    assert down.value == "-10" and down.value_y > chart.zero_y
    assert month_chart([]) is None


def test_a_secret_article_of_another_officer_shows_its_points_without_its_title(
    world: World, client: FlaskClient
) -> None:
    """A 秘密 article is shown only to its writer and the unit's leader in charge: another officer of the unit
    sees that it counts, not what it is."""
    article_id = adopt(world, date(2027, 1, 4), title="涉密稿件标题", secrecy="secret")
    _, html = dashboard(client, world.officer_a2)
    assert f'data-article-id="{article_id}"' in html
    assert "涉密稿件标题" not in html and "标题不显示" in html
    _, html = dashboard(client, world.officer_a)
    assert "涉密稿件标题" in html


def test_a_reading_leader_of_the_unit_sees_its_dashboard(world: World, client: FlaskClient) -> None:
    reader = make_user(world.unit_a, Role.INFO_READER, username="unit-reader")
    db.session.commit()
    status, html = dashboard(client, reader)
    assert status == 200 and "甲县委组织部" in html


def test_people_without_a_unit_at_an_office_and_another_office_get_404(
    world: World, client: FlaskClient
) -> None:
    for someone in (world.outsider, world.editor, world.head, world.reader, world.upper_editor):
        status, _ = dashboard(client, someone)
        assert status == 404, someone.username
    status, _ = dashboard(client, world.officer_a, office=str(world.upper.id))
    assert status == 404
    status, _ = dashboard(client, world.officer_a, office=str(world.office.id))
    assert status == 200


def test_a_bad_period_is_400_with_a_chinese_message_and_keeps_what_was_typed(
    world: World, client: FlaskClient
) -> None:
    for typed in ("2026-Q5", "去年", "1999-Q1", "2026-13"):
        status, html = dashboard(client, world.officer_a, period=typed)
        assert status == 400, typed
        assert 'data-testid="period-error"' in html and "考核期" in html
        assert f'value="{typed}"' in html
    status, _ = dashboard(client, world.officer_a, page="x")
    assert status == 400


def test_the_page_issues_the_same_statements_whatever_the_number_of_articles(
    world: World, client: FlaskClient
) -> None:
    adopt(world, date(2027, 1, 2), title="第一篇")
    login(client, world.officer_a)
    client.get("/ledger/mine")  # the first page after signing in also fills the navigation's counts
    db.session.expire_all()
    with counted_statements() as few:
        assert client.get("/ledger/mine").status_code == 200
    for n in range(6):
        adopt(world, date(2027, 1, 3), title=f"又一篇{n}", klass="ref" if n % 2 else "exp")
    client.get("/ledger/mine")  # the records changed: this view scores afresh, the next reads the cache
    db.session.expire_all()
    with counted_statements() as more:
        assert client.get("/ledger/mine").status_code == 200
    assert len(more) == len(few) <= 15


def test_the_dashboard_fits_a_phone(world: World, client: FlaskClient) -> None:
    """390 px: the chart scales with its viewBox, tables scroll inside their cards (base.html)."""
    adopt(world, date(2027, 1, 2))
    _, html = dashboard(client, world.officer_a)
    assert 'class="kp-ledger-chart" viewBox="0 0 360 200"' in html
    assert "<script" not in html.split('data-testid="period-picker"', 1)[1].split("</main>", 1)[0]


def test_under_a_scheme_without_a_cut_off_the_period_counts_to_its_last_day(
    world: World, client: FlaskClient
) -> None:
    """INF has no monthly cut-off (ZG-6.6 is the city's rule) and no quota period, so the office works in quarters
    and a quarter's articles count to its last day."""
    from webapp.articles.models import ArticleOffice, OfficeUnit

    office = db.session.get(ArticleOffice, world.office.id)
    office.scheme_id = "ledger-inf"
    for unit in db.session.scalars(db.select(OfficeUnit).where(OfficeUnit.office_id == office.id)):
        unit.group_code, unit.base_score = "town", 100
    db.session.commit()
    status, html = dashboard(client, world.officer_a)
    assert status == 200
    words = text_of(html)
    assert "本季度稿件须于3月31日前刊发方计入本期" in words
    assert "28日" not in words
