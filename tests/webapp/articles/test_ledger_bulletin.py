"""The bulletin (通报) of a closed ledger period: the head publishes it; the office reads it as a page, an .xlsx
and a PDF in the official layout (marked 未发布 until published); the units read it once it is published.

The world: 市委组织部办公室 scores 甲县委组织部 and 乙区委组织部 (group 县（市、区）委组织部) under the ZG scheme;
today is 2027-01-05, so 2026-Q4 is over and can be closed."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import load_workbook

from config.articles import load_rules
from config.ledger_schemes import load_ledger_scheme
from tests.webapp.articles.conftest import World
from tests.webapp.articles.office_steps import login, submitted
from tests.webapp.documents.conftest import assert_embeds_cjk_font, inflate, read_pdf
from webapp.articles.documents.ledger_bulletin import bulletin_document, default_title
from webapp.articles.documents.ledger_pdf import bulletin_pdf
from webapp.articles.documents.ledger_xlsx import bulletin_xlsx
from webapp.articles.models import LedgerPeriod
from webapp.articles.services import articles, ledger
from webapp.articles.services.adoptions import AdoptionInput
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of

Q4 = "2026-Q4"
NOVEMBER = date(2026, 11, 10)
PUBLISH = f"/ledger/{Q4}/publish"
BULLETIN = f"/ledger/{Q4}/bulletin"
FORM = {
    "bulletin_number": "宜组信通〔2027〕1号",
    "bulletin_title": "关于第四季度组工信息的通报",
    "bulletin_text": "导语一\n导语二",
}


def _adopt_in_november(world: World, title: str, unit: str = "a") -> None:
    article_id = submitted(world, title, unit=unit, day=NOVEMBER)
    articles.fire(world.editor, article_id, "receive", today=NOVEMBER)
    articles.fire(
        world.editor, article_id, "adopt", today=NOVEMBER,
        adoption=AdoptionInput(world.own_publication.id, "exp", "single"),
    )  # fmt: skip


def _close(world: World) -> LedgerPeriod:
    return ledger.close(world.head, world.office, ledger.period_from(Q4))


def _record(world: World) -> LedgerPeriod:
    db.session.expire_all()
    record = ledger.closed_period(world.office, ledger.period_from(Q4))
    assert record is not None
    return record


def _published(world: World) -> LedgerPeriod:
    _close(world)
    return ledger.publish(world.head, world.office, ledger.period_from(Q4), FORM)


def _unit_url(world: World, suffix: str = "") -> str:
    return f"{BULLETIN}{suffix}?office={world.office.id}"


# -- publish ---------------------------------------------------------------------------------------------------


def test_publishing_is_refused_before_the_period_is_closed(client: FlaskClient, world: World) -> None:
    login(client, world.head)
    page = client.get(PUBLISH)
    assert page.status_code == 404 and "尚未结算" in page.get_data(as_text=True)
    response = client.post(PUBLISH, data=FORM)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerPeriod)) == 0


@pytest.mark.parametrize("who", ["editor", "reader", "officer_a", "signer_a", "outsider", "upper_editor"])
def test_only_the_office_head_may_open_or_post_the_publish_form(
    client: FlaskClient, world: World, who: str
) -> None:
    _close(world)
    login(client, getattr(world, who))
    assert client.get(PUBLISH).status_code == 404
    assert client.post(PUBLISH, data=FORM).status_code == 404
    assert _record(world).state == "closed"


def test_the_form_offers_a_title_from_the_office_and_period_and_a_preview_of_the_tables(
    client: FlaskClient, world: World
) -> None:
    _close(world)
    login(client, world.head)
    page = client.get(PUBLISH).get_data(as_text=True)
    assert "关于2026年第四季度全市组工信息工作情况的通报" in page
    assert "现将有关情况通报如下" in page  # the default opening paragraph
    assert "二、各单位得分及排名" in page and "甲县委组织部" in page and "乙区委组织部" in page
    assert "未发布" in page


def test_a_missing_title_is_refused_beside_the_field_and_the_typed_text_is_kept(
    client: FlaskClient, world: World
) -> None:
    _close(world)
    login(client, world.head)
    response = client.post(
        PUBLISH, data={**FORM, "bulletin_title": "  ", "bulletin_text": "本办公室自拟导语甲乙"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写通报标题。" in page and "is-invalid" in page
    assert "本办公室自拟导语甲乙" in page and "宜组信通〔2027〕1号" in page
    assert _record(world).state == "closed"


def test_a_title_over_120_characters_is_refused_and_kept(client: FlaskClient, world: World) -> None:
    _close(world)
    login(client, world.head)
    long_title = "关于" + "标" * 119
    response = client.post(PUBLISH, data={**FORM, "bulletin_title": long_title})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "不能超过120个字。" in page and long_title in page
    number = client.post(PUBLISH, data={**FORM, "bulletin_number": "号" * 41})
    assert number.status_code == 400 and "不能超过40个字。" in number.get_data(as_text=True)
    control = client.post(PUBLISH, data={**FORM, "bulletin_text": "导语\x0b含控制字符"})
    assert control.status_code == 400 and "控制字符" in control.get_data(as_text=True)
    assert _record(world).state == "closed"


def test_the_head_publishes_the_bulletin_and_the_act_is_audited(client: FlaskClient, world: World) -> None:
    _close(world)
    login(client, world.head)
    response = client.post(PUBLISH, data=FORM)
    assert response.status_code == 302 and f"/ledger/{Q4}/bulletin" in response.headers["Location"]
    record = _record(world)
    assert record.state == "published" and record.published_by_id == world.head.id
    assert (record.bulletin_number, record.bulletin_title) == (
        FORM["bulletin_number"],
        FORM["bulletin_title"],
    )
    event = trail_of(ledger.SUBJECT, record.id)[-1]
    assert (event.event, event.from_state, event.to_state) == ("publish", "closed", "published")
    assert event.actor_user_id == world.head.id and FORM["bulletin_title"] in event.comment
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已发布" in page and "导语一" in page and "导语二" in page and FORM["bulletin_number"] in page
    assert 'data-testid="bulletin-watermark"' not in page and 'data-testid="publish-link"' not in page


def test_publishing_twice_is_a_conflict_and_changes_nothing(client: FlaskClient, world: World) -> None:
    _close(world)
    login(client, world.head)
    assert client.post(PUBLISH, data=FORM).status_code == 302
    again = client.post(PUBLISH, data={**FORM, "bulletin_title": "另一个标题"})
    assert again.status_code == 409 and "已发布" in again.get_data(as_text=True)
    assert _record(world).bulletin_title == FORM["bulletin_title"]
    assert [e.event for e in trail_of(ledger.SUBJECT, _record(world).id)].count("publish") == 1
    assert client.get(PUBLISH).status_code == 302  # the form of a published bulletin leads to the bulletin


# -- who reads it ----------------------------------------------------------------------------------------------


def test_the_office_reads_a_closed_bulletin_marked_unpublished_before_it_is_published(
    client: FlaskClient, world: World
) -> None:
    _close(world)
    for who in (world.reader, world.editor, world.head):
        login(client, who)
        response = client.get(BULLETIN)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, who.username
        assert 'data-testid="draft-notice"' in page and 'data-testid="bulletin-watermark"' in page
        assert ('data-testid="publish-link"' in page) == (who is world.head)
        for suffix in (".xlsx", ".pdf"):
            assert client.get(f"{BULLETIN}{suffix}").status_code == 200


def test_units_read_the_bulletin_only_once_it_is_published(client: FlaskClient, world: World) -> None:
    _close(world)
    for who in (world.officer_a, world.signer_b):
        login(client, who)
        for suffix in ("", ".xlsx", ".pdf"):
            assert client.get(_unit_url(world, suffix)).status_code == 404
    ledger.publish(world.head, world.office, ledger.period_from(Q4), FORM)
    login(client, world.officer_a)
    for suffix in ("", ".xlsx", ".pdf"):
        assert client.get(_unit_url(world, suffix)).status_code == 200, suffix
    page = client.get(BULLETIN).get_data(as_text=True)  # without ?office= : the office the unit writes to
    assert "乙区委组织部" in page and 'data-testid="bulletin-watermark"' not in page


@pytest.mark.parametrize("who", ["outsider", "upper_editor"])
def test_people_outside_the_office_and_its_units_never_see_the_bulletin(
    client: FlaskClient, world: World, who: str
) -> None:
    _published(world)
    login(client, getattr(world, who))
    for suffix in ("", ".xlsx", ".pdf"):
        assert client.get(_unit_url(world, suffix)).status_code == 404


def test_a_period_not_closed_has_no_bulletin_and_the_office_is_told_why(
    client: FlaskClient, world: World
) -> None:
    login(client, world.reader)
    response = client.get("/ledger/2027-Q1/bulletin")
    assert response.status_code == 404 and "尚未结算" in response.get_data(as_text=True)
    login(client, world.officer_a)
    unit = client.get(f"/ledger/2027-Q1/bulletin?office={world.office.id}")
    assert unit.status_code == 404 and "尚未结算" not in unit.get_data(as_text=True)


@pytest.mark.parametrize("period", ["2026-Q9", "第四季度", "99999"])
def test_a_badly_written_period_is_a_chinese_400(client: FlaskClient, world: World, period: str) -> None:
    login(client, world.reader)
    response = client.get(f"/ledger/{period}/bulletin")
    assert response.status_code == 400 and "考核期" in response.get_data(as_text=True)


def test_a_bad_office_argument_is_a_400_or_404_never_a_500(client: FlaskClient, world: World) -> None:
    _published(world)
    login(client, world.officer_a)
    assert client.get(f"{BULLETIN}?office=abc").status_code == 400
    assert client.get(f"{BULLETIN}?office=99999999").status_code == 404
    assert client.get(f"{BULLETIN}?office=99999999999999999999999").status_code == 400


# -- what it says ----------------------------------------------------------------------------------------------


def test_the_page_ranks_the_units_and_cites_the_rules_ZG_5_2_ZG_5_3(
    client: FlaskClient, world: World
) -> None:
    """ZG-5.2: units ranked on their points; ZG-5.3: the last-placed unit is named for criticism."""
    _adopt_in_november(world, "甲县经验一")
    _published(world)
    login(client, world.reader)
    page = client.get(BULLETIN).get_data(as_text=True)
    assert (
        page.index("一、总体情况")
        < page.index("二、各单位得分及排名")
        < page.index("三、零报送及排名末位单位")
    )
    assert "先进单位" not in page.split("三、")[0]  # ZG selects no advanced units: no such section
    assert "· ZG-5.2" in page and "· ZG-5.3" in page and "ledger-zg" not in page
    assert "排名末位单位：乙区委组织部。" in page
    assert "参加考核的单位共2个" in page and "被采用并计分1篇次" in page
    row_a = page.index('data-unit="甲县委组织部"')
    row_b = page.index('data-unit="乙区委组织部"')
    assert row_a < row_b  # rank 1 before rank 2
    assert "ZG-4.8" in page  # the lines under the paper explain each total


def test_units_with_the_same_total_share_a_rank_and_none_is_last_ZG_5_2(
    client: FlaskClient, world: World
) -> None:
    """GAP-12 reading of ZG-5.2: ties share a rank (1, 1); with one rank there is no last place; units that sent
    nothing are listed as 零报送 (ZG-5.3)."""
    _published(world)
    login(client, world.reader)
    page = client.get(BULLETIN).get_data(as_text=True)
    ranks = [
        page[page.index(f'data-unit="{u}"') :].split("<td", 2)[1] for u in ("甲县委组织部", "乙区委组织部")
    ]
    assert all(">1</td>" in cell for cell in ranks)
    listed = page.split("零报送单位：", 1)[1].split("。", 1)[0]
    assert sorted(listed.split("、")) == ["乙区委组织部", "甲县委组织部"] and "排名末位单位：" not in page
    assert "以-100分并列第一" in page


def _workbook(raw: bytes) -> Any:
    return load_workbook(BytesIO(raw))


def test_the_xlsx_holds_every_unit_its_total_and_the_lines_behind_it(
    client: FlaskClient, world: World
) -> None:
    _adopt_in_november(world, "甲县经验一")
    _adopt_in_november(world, "乙区经验一", unit="b")
    _adopt_in_november(world, "乙区经验二", unit="b")
    _published(world)
    login(client, world.officer_a)
    response = client.get(_unit_url(world, ".xlsx"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("UTF-8''", 1)[1]) == "市委组织部办公室2026年第四季度通报.xlsx"
    book = _workbook(response.data)
    assert book.sheetnames == ["得分排名", "得分明细"]
    ranking, lines = book["得分排名"], book["得分明细"]
    assert ranking["A1"].value == FORM["bulletin_title"] and "A1" in str(ranking.merged_cells)
    assert FORM["bulletin_number"] in ranking["A2"].value
    assert ranking.freeze_panes is not None
    rows = {r[1]: r for r in ranking.iter_rows(values_only=True) if r[1] in ("甲县委组织部", "乙区委组织部")}
    result = _record(world).result
    for unit in result["units"]:
        row = rows[unit["unit"]]
        assert row[0] == unit["rank"] and row[5] == unit["total"] and row[6] == unit["missing"]
    assert rows["乙区委组织部"][0] == 1 and rows["甲县委组织部"][0] == 2
    header = [c.value for c in lines[1]]
    assert header[:4] == ["单位", "类别", "依据条款", "说明"]
    body = list(lines.iter_rows(min_row=2, values_only=True))
    for unit in result["units"]:
        own = [r for r in body if r[0] == unit["unit"] and r[3] != "合计"]
        assert sum(r[4] for r in own) == unit["total"]  # the lines add up to the total
        assert next(r for r in body if r[0] == unit["unit"] and r[3] == "合计")[4] == unit["total"]
    assert {"ZG-4.3", "ZG-4.8"} <= {r[2] for r in body}


def test_the_pdf_is_the_official_layout_with_every_unit(client: FlaskClient, world: World) -> None:
    _adopt_in_november(world, "甲县经验一")
    _published(world)
    login(client, world.reader)
    response = client.get(f"{BULLETIN}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = read_pdf(inflate(response.data)).text
    for phrase in (
        "市委组织部办公室",
        FORM["bulletin_number"],
        FORM["bulletin_title"],
        "导语一",
        "一、总体情况",
        "二、各单位得分及排名",
        "甲县委组织部",
        "乙区委组织部",
        "第 1 页 共",
        "2027年1月5日",
    ):
        assert phrase in text, phrase
    assert "未发布" not in text
    assert_embeds_cjk_font(response.data)


def test_hostile_unit_names_are_escaped_on_the_page_and_stay_text_in_the_files(
    client: FlaskClient, world: World
) -> None:
    world.unit_a.name = "<script>alert(1)</script>县委组织部"
    world.unit_b.name = '=HYPERLINK("http://evil.example","点我")' + "乙" * 80
    db.session.commit()
    _published(world)
    login(client, world.reader)
    page = client.get(BULLETIN).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;县委组织部" in page
    book = _workbook(client.get(f"{BULLETIN}.xlsx").data)
    names = [c for row in book["得分排名"].iter_rows() for c in row if isinstance(c.value, str)]
    hostile = next(c for c in names if c.value.startswith("=HYPERLINK"))
    assert hostile.data_type == "s"  # a name, not a formula Excel would run
    pdf = client.get(f"{BULLETIN}.pdf")
    text = read_pdf(inflate(pdf.data)).text
    assert pdf.status_code == 200 and "<script>alert(1)</script>县委组织部" in text


# -- the documents on their own --------------------------------------------------------------------------------


def _result(n: int, *, name: str = "单位", lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    units = []
    for i in range(n):
        total = 100 - i
        units.append(
            {
                "unit": f"{name}{i:03d}",
                "group": "县（市、区）委组织部",
                "group_id": "county",
                "points": total,
                "bonus": 0,
                "deductions": 0,
                "total": total,
                "missing": 0,
                "rank": i + 1,
                "advanced": None,
                "flags": [{"flag": "last_place", "rule": "ZG-5.3", "text": "排名末位"}] if i == n - 1 else [],
                "lines": lines
                or [{"rule": "ZG-4.3", "text": f"《**组工信息》经验类单条：6分×{total}篇", "points": total}],
            }
        )
    return {
        "period": Q4,
        "period_text": "2026年第四季度",
        "currency": "分",
        "partial": False,
        "units": units,
        "zero_submission": [],
        "last_place": [units[-1]["unit"]] if n > 1 else [],
        "advanced": [],
    }


def _document(result: dict[str, Any], scheme_id: str = "ledger-zg", **kw: Any) -> Any:
    values = {"office": "宜昌市委组织部办公室", "number": "宜组信通〔2027〕1号", "title": "关于通报的通报",
              "text": "导语。", "issued_on": date(2027, 1, 6), "draft": False} | kw  # fmt: skip
    return bulletin_document(result, scheme=load_ledger_scheme(scheme_id), rules=load_rules(), **values)


def test_sixty_units_paginate_with_the_table_header_on_every_page() -> None:
    doc = _document(_result(60, name="宜昌市某某县（市、区）委组织部信息科" * 2))
    read = read_pdf(bulletin_pdf(doc, compress=False))
    assert len(read.pages) >= 3
    assert all(
        "名次" in page for page in read.pages[1:-1]
    )  # repeatRows: the header on each page of the table
    assert all(f"共 {len(read.pages)} 页" in page for page in read.pages)
    assert all(row.unit in read.text for row in doc.units)
    assert read.pages[-1].rstrip().endswith(f"第 {len(read.pages)} 页 共 {len(read.pages)} 页")


def test_a_200_character_unit_name_wraps_inside_its_cell() -> None:
    long_name = "很长的单位名称" * 28 + "办"
    assert len(long_name) == 197
    result = _result(3)
    result["units"][1]["unit"] = long_name
    read = read_pdf(bulletin_pdf(_document(result), compress=False))
    assert long_name in read.text
    assert not any(long_name in run for run in read.runs)  # printed over several lines, none of them the name


def test_the_longest_texts_a_person_may_type_still_print() -> None:
    """A 120-character office name wraps in the masthead; a 5,000-character paragraph with markup runs over
    pages as text; a 120-character title wraps."""
    office = "某" * 119 + "室"
    text = "<b>加粗</b>&amp;" + "导" * 4990
    doc = _document(_result(2), office=office, title="题" * 120, text=text)
    read = read_pdf(bulletin_pdf(doc, compress=False))
    assert len(read.pages) >= 3
    assert read.pages[0].count("某") == 119  # the whole name in the masthead, none of it cut
    assert office in read.text and "<b>加粗</b>&amp;" in read.text and "题" * 120 in read.text


def test_an_unpublished_bulletin_says_so_in_every_file() -> None:
    doc = _document(_result(2), draft=True)
    read = read_pdf(bulletin_pdf(doc, compress=False))
    assert all("未发布" in page for page in read.pages)
    book = _workbook(bulletin_xlsx(doc))
    assert "（未发布）" in book["得分排名"]["A1"].value
    assert doc.filename_stem.endswith("（未发布）")


def test_a_period_without_units_still_prints_every_file() -> None:
    doc = _document(_result(0))
    assert "参加考核的单位共0个。" in doc.overview[0]
    assert "本期没有参加考核的单位。" in read_pdf(bulletin_pdf(doc, compress=False)).text
    assert _workbook(bulletin_xlsx(doc)).sheetnames == ["得分排名", "得分明细"]


def test_the_overview_counts_adoptions_not_instruction_bonuses() -> None:
    lines = [
        {"rule": "ZG-4.3", "text": "《**组工信息》经验类单条：6分×3篇", "points": 18},
        {"rule": "ZG-4.5", "text": "省领导批示加分：20分×1篇", "points": 20},
        {"rule": "ZG-4.8", "text": "2026年第四季度信息工作任务缺7篇（…）：每缺一篇扣10分", "points": -70},
    ]
    doc = _document(_result(2, lines=lines))
    assert "各单位信息被采用并计分6篇次" in "".join(doc.overview)


def test_a_gap_reading_is_never_shown_by_its_id_in_the_lines_sheet() -> None:
    """Lines whose rule is our reading of a gap (PUB GAP-4) are labelled 本系统解释, never 「GAP-4」."""
    lines = [{"rule": "GAP-4", "text": "全年累计任务", "points": 0}]
    book = _workbook(bulletin_xlsx(_document(_result(2, lines=lines), "ledger-pub")))
    shown = [v for row in book.worksheets[1].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "本系统解释" in shown and not any("GAP-" in v for v in shown)


def test_advanced_units_are_listed_with_the_pool_and_its_cap_INF_3_4() -> None:
    """INF-3.4: towns are advanced within a cap of 35 % of the pool; direct listings (INF-3.6) are outside it."""
    result = _result(6)
    for unit in result["units"]:
        unit["group"], unit["group_id"] = "镇（街道）", "town"
    result["advanced"] = [
        {"pool": "towns", "name": "镇（街道）", "rule": "INF-3.4", "share": 0.35, "participants": 6, "cap": 2,
         "inside": ["单位000", "单位001"], "direct": ["单位003"], "outside": ["单位002"], "not_eligible": [],
         "tie_at_cap": []},
    ]  # fmt: skip
    doc = _document(result, "ledger-inf")
    assert [s.heading for s in doc.sections][2] == "三、先进单位"
    text = "".join(doc.advanced_lines)
    assert "镇（街道）参评6个，按不超过35%控制，名额2个。" in text
    assert (
        "评为先进单位的是：单位000、单位001。" in text
        and "直接列为先进单位（不占名额）的是：单位003。" in text
    )
    assert doc.advanced[0].cite.endswith("INF-3.4") and "towns" not in text
    read = read_pdf(bulletin_pdf(doc, compress=False))
    assert "三、先进单位" in read.text and "名额2个" in read.text


def test_the_default_title_reads_the_scope_from_the_office_name() -> None:
    assert default_title("组工信息", "宜昌市委组织部办公室", "2026年第四季度") == (
        "关于2026年第四季度全市组工信息工作情况的通报"
    )
    assert default_title("政务", "某县人民政府办公室", "2026年度") == "关于2026年度全县政务信息工作情况的通报"


def test_every_row_of_both_sheets_keeps_its_borders_number_format_and_bold_totals() -> None:
    """Issue 12: styles are assigned once per combination and copied after (a 600-unit bulletin took 8 s of
    style hashing); the last rows must look exactly like the first."""
    lines = [{"rule": "ZG-4.3", "text": "经验类单条", "points": 5}]
    book = _workbook(bulletin_xlsx(_document(_result(30, lines=lines))))
    ranking, details = book.worksheets
    totals = [c for c in ranking["A"] if c.value == 1 or c.value == 30]
    assert totals
    for cell in (*totals, *(ranking.cell(row=c.row, column=4) for c in totals)):
        assert cell.border.left.style == "thin" and cell.alignment.vertical == "center"
    rows = [r for r in details.iter_rows(min_row=2) if r[0].value]
    assert len(rows) == 60  # a line and a total per unit
    for row in (rows[0], rows[1], rows[-2], rows[-1]):
        assert all(c.border.left.style == "thin" for c in row) and row[4].number_format == "0"
    assert rows[-1][3].value == "合计" and rows[-1][3].font.bold and not rows[-2][3].font.bold
