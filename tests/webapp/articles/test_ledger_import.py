"""Import of an office's spreadsheet ledger (issue 10, services/ledger_import.py and ledger/import_views.py): the
roster (单位, 类别, 基础分) and the adoption records become the flow's own records, which the ledger then scores.
All or nothing: one bad row and nothing is written, every row's problem is named. Today is 2027-01-05."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    ArticleRevision,
    Instruction,
    LedgerImport,
    OfficeUnit,
)
from webapp.articles.services import ledger, ledger_import
from webapp.articles.services import ledger_import_files as files
from webapp.articles.services.ledger_import_files import MAX_BYTES, MAX_ROWS, ImportRefused
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Organisation
from webapp.core.services.audit import verify_chain

ROSTER = ["单位", "类别", "基础分"]
RECORDS = ["单位", "稿件编号", "标题", "刊物", "类别", "形式", "刊发日期", "批示级别"]
Q4 = ledger.period_from("2026-Q4")
JIA, YI = "甲县委组织部", "乙区委组织部"


def xlsx(*rows: list[Any]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(*rows: list[Any], encoding: str = "utf-8") -> bytes:
    return "\n".join(",".join("" if c is None else str(c) for c in row) for row in rows).encode(encoding)


def record(number: str = "ZG-001", unit: str = JIA, **cells: Any) -> list[Any]:
    values = {
        "标题": "甲县推行组工干部下沉一线",
        "刊物": "中组部《组工信息》",
        "类别": "经验类",
        "形式": "专期",
        "刊发日期": date(2026, 11, 10),
        "批示级别": "",
    } | cells
    return [unit, number, *(values[c] for c in RECORDS[2:])]


def refused(call: Any) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        call()
    return [p.text for p in caught.value.problems]


def count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def office_unit(world: World, name: str) -> OfficeUnit | None:
    return db.session.scalar(
        sa.select(OfficeUnit)
        .join(Organisation, Organisation.id == OfficeUnit.unit_id)
        .where(OfficeUnit.office_id == world.office.id, Organisation.name == name)
    )


def points(world: World, name: str, period: Any = Q4) -> Any:
    unit = ledger.unit_result(ledger.live(world.office, period), name)
    assert unit is not None
    return unit["points"]


# -- roster ----------------------------------------------------------------------------------------------------


def test_a_roster_adds_a_unit_and_moves_another_to_its_group_with_a_base_score(world: World) -> None:
    """The groups are named the scheme's way (names and aliases, ZG: 县区委组织部 = 县（市、区）委组织部)."""
    outcome = ledger_import.import_roster(
        world.head,
        "名册.xlsx",
        xlsx(ROSTER, ["无关单位", "园区党工委组织（人事）部门", "85.5"], [JIA, "县区委组织部", None]),
    )
    added = office_unit(world, "无关单位")
    assert added is not None and (added.group_code, added.base_score, added.active) == (
        "zone",
        Decimal("85.50"),
        True,
    )
    kept = office_unit(world, JIA)
    assert kept is not None and (kept.group_code, kept.base_score) == ("county", None)
    assert office_unit(world, YI) is not None  # not in the file: left as it was
    assert (outcome.record.rows, outcome.record.created, outcome.record.unchanged) == (2, 1, 1)
    assert "名册外的1个报送单位未改动" in outcome.summary


def test_a_roster_reimported_changes_nothing_and_a_changed_base_score_is_an_update(world: World) -> None:
    file = xlsx(ROSTER, [JIA, "县（市、区）委组织部", 100])
    ledger_import.import_roster(world.head, "名册.xlsx", file)
    again = ledger_import.import_roster(world.head, "名册.xlsx", file)
    assert (again.record.created, again.record.unchanged) == (0, 1)
    changed = ledger_import.import_roster(world.head, "名册.xlsx", xlsx(ROSTER, [JIA, "县区委组织部", 120]))
    assert (changed.record.created, changed.record.unchanged) == (1, 0)
    unit = office_unit(world, JIA)
    assert unit is not None and unit.base_score == Decimal("120.00")


def test_a_roster_without_the_base_score_column_keeps_the_base_scores(world: World) -> None:
    ledger_import.import_roster(world.head, "a.xlsx", xlsx(ROSTER, [JIA, "县区委组织部", 90]))
    ledger_import.import_roster(
        world.head, "b.csv", csv_bytes(["单位", "类别"], [JIA, "园区党工委组织（人事）部门"])
    )
    unit = office_unit(world, JIA)
    assert unit is not None and (unit.group_code, unit.base_score) == ("zone", Decimal("90.00"))


def test_unknown_unit_unknown_group_and_a_base_out_of_range_are_named_by_row_and_nothing_is_written(
    world: World,
) -> None:
    before = (count(OfficeUnit), count(LedgerImport), count(AuditEvent))
    problems = refused(
        lambda: ledger_import.import_roster(
            world.head,
            "名册.xlsx",
            xlsx(
                ROSTER,
                ["无关单位", "县区委组织部", 50],  # fine, but the file fails as a whole
                ["不存在的单位", "县区委组织部", None],
                [JIA, "乡镇", None],
                [YI, "县区委组织部", 10001],
                [YI, "县区委组织部", "0"],
                ["无关单位", "县区委组织部", "1.005"],
            ),
        )
    )
    assert problems[0].startswith("第3行「单位」：系统中没有名称为「不存在的单位」的单位")
    assert problems[1].startswith(
        "第4行「类别」：类别「乡镇」不是本办法的单位类别（可用：县（市、区）委组织部"
    )
    assert problems[2].startswith("第5行「基础分」：「10001」不是合理的基础分")
    assert problems[3].startswith("第6行「单位」：单位「乙区委组织部」与第5行重复")
    assert any(p.startswith("第6行「基础分」") for p in problems)
    assert any(p.startswith("第7行「单位」：单位「无关单位」与第2行重复") for p in problems)
    assert any(p.startswith("第7行「基础分」") for p in problems)
    assert (count(OfficeUnit), count(LedgerImport), count(AuditEvent)) == before
    assert office_unit(world, "无关单位") is None


# -- records ---------------------------------------------------------------------------------------------------


def _articles(world: World) -> list[Article]:
    return list(
        db.session.scalars(sa.select(Article).where(Article.import_id.is_not(None)).order_by(Article.id))
    )


def test_imported_records_become_adopted_articles_that_the_ledger_scores_zg_4_1_and_zg_4_5(
    world: World,
) -> None:
    """ZG-4.1: 中组部《组工信息》经验类专期 50 (GAP-8: scored as 单条); ZG-4.5: 省领导批示 +20 (就高不就低 per
    dimension, GAP-6): one article adopted in two publications scores its highest adoption plus the bonus."""
    outcome = ledger_import.import_records(
        world.head,
        "台账.xlsx",
        xlsx(
            RECORDS,
            record("ZG-001", 批示级别="省领导"),
            record("ZG-001", 刊物="市组工信息", 形式="单条", 刊发日期="2026-11-12"),
            record(
                "ZG-002", unit=YI, 刊物="《河南组工信息》", 类别="参阅类", 形式="单条", 刊发日期="2026/12/01"
            ),
        ),
    )
    assert (outcome.record.rows, outcome.record.created, outcome.record.unchanged) == (3, 3, 0)
    articles = _articles(world)
    assert [(a.number, a.state, a.unit_id) for a in articles] == [
        ("ZG-001", "adopted", world.unit_a.id),
        ("ZG-002", "adopted", world.unit_b.id),
    ]
    first = articles[0]
    assert (first.submitted_on, first.received_on, first.decided_on) == (date(2026, 11, 10),) * 3
    assert first.author_id == world.head.id and first.import_id == outcome.record.id
    assert first.title == "甲县推行组工干部下沉一线"
    adoptions = db.session.scalars(
        sa.select(Adoption).where(Adoption.article_id == first.id).order_by(Adoption.adopted_on)
    ).all()
    assert [(a.publication.code, a.class_code, a.form_code, a.note) for a in adoptions] == [
        ("P1", "exp", "special", "台账导入"),
        ("P3", "exp", "single", "台账导入"),
    ]
    instruction = db.session.scalars(sa.select(Instruction).where(Instruction.article_id == first.id)).one()
    assert (instruction.level, instruction.leader, instruction.instructed_on) == (
        "provincial",
        "（台账导入）",
        date(2026, 11, 10),
    )
    assert points(world, JIA) == 50 + 20
    assert points(world, YI) == 20  # ZG-4.2 《河南组工信息》参阅类单条


def test_the_same_file_imported_again_creates_nothing_twice(world: World) -> None:
    file = xlsx(RECORDS, record("ZG-001", 批示级别="省领导"), record("2026-0042", 刊发日期="2026-12-02"))
    ledger_import.import_records(world.head, "台账.xlsx", file)
    counts = (count(Article), count(Adoption), count(Instruction), count(ArticleRevision))
    again = ledger_import.import_records(world.head, "台账.xlsx", file)
    assert (again.record.rows, again.record.created, again.record.unchanged) == (2, 0, 2)
    assert (count(Article), count(Adoption), count(Instruction), count(ArticleRevision)) == counts
    assert points(world, JIA) == 50 + 20 + 50


def test_a_number_in_the_flows_own_form_is_kept_apart_from_the_flows_numbering(world: World) -> None:
    ledger_import.import_records(world.head, "台账.xlsx", xlsx(RECORDS, record("2026-0042")))
    assert [a.number for a in _articles(world)] == ["台账2026-0042"]


def test_a_later_file_adds_a_further_adoption_and_an_instruction_to_an_imported_article(world: World) -> None:
    ledger_import.import_records(world.head, "十一月.xlsx", xlsx(RECORDS, record("ZG-001")))
    later = ledger_import.import_records(
        world.head,
        "十二月.xlsx",
        xlsx(
            RECORDS,
            record("ZG-001", 批示级别="市领导"),
            record("ZG-001", 刊物="市组工信息", 形式="单条", 刊发日期="2026-12-01"),
        ),
    )
    assert (later.record.created, later.record.unchanged) == (1, 1)
    assert len(_articles(world)) == 1
    assert count(Adoption) == 2 and count(Instruction) == 1
    assert points(world, JIA) == 50 + 10


def test_an_unknown_publication_names_the_row_and_the_column_and_nothing_is_written(world: World) -> None:
    before = (count(Article), count(Adoption), count(LedgerImport), count(AuditEvent))
    problems = refused(
        lambda: ledger_import.import_records(
            world.head,
            "台账.xlsx",
            xlsx(
                RECORDS,
                record("ZG-001"),
                record("ZG-002", 刊物="人民日报"),
                record("ZG-003", unit="无关单位"),
                record("ZG-004", 批示级别="县（区）领导"),
                record("ZG-005", 刊发日期="2027-02-01"),
                record("ZG-006", 刊物="微博微信", 形式=""),  # ZG-4.4 scores any form; the flow needs one
                record("ZG-001", 刊发日期="2026-11-11"),
            ),
        )
    )
    assert problems[0].startswith(
        "第3行「刊物」：刊物「人民日报」不是本办法所列刊物（可用：中组部《组工信息》"
    )
    assert problems[1] == "第4行「单位」：单位「无关单位」不是本办公室的报送单位（请先导入单位名册）"
    assert problems[2].startswith("第5行「批示级别」：批示级别「县（区）领导」不是本办法所列级别")
    assert problems[3] == "第6行「刊发日期」：刊发日期2027-02-01晚于今天"
    assert problems[4] == "第7行「形式」：此处不能为空（系统中的采用记录都有类别和形式）"
    assert problems[5].startswith("第8行「刊物」：与第2行重复")
    assert len(problems) == 6
    assert (count(Article), count(Adoption), count(LedgerImport), count(AuditEvent)) == before


def test_a_publication_the_office_has_not_set_up_is_a_row_message(world: World) -> None:
    db.session.execute(
        sa.update(ArticleOffice).where(ArticleOffice.id == world.office.id).values(scheme_id="ledger-zg")
    )
    p2 = next(p for p in world.office.publications if p.code == "P2")
    db.session.delete(p2)
    db.session.commit()
    problems = refused(
        lambda: ledger_import.import_records(
            world.head, "台账.xlsx", xlsx(RECORDS, record("ZG-1", 刊物="河南组工信息", 形式="单条"))
        )
    )
    assert problems == [
        "第2行「刊物」：本办公室没有设置刊物「《河南组工信息》」，请先在办公室设置中增加该刊物"
    ]


def test_the_offices_own_name_of_a_publication_is_accepted_like_the_schemes_aliases(world: World) -> None:
    """The office runs its P3 as 《市组工信息》 (its settings); the scheme calls it 《**组工信息》. ZG-4.3: 6 points."""
    ledger_import.import_records(
        world.head, "台账.xlsx", xlsx(RECORDS, record(刊物="《市组工信息》", 形式="单条"))
    )
    assert points(world, JIA) == 6


def test_a_changed_adoption_of_an_imported_article_is_refused_not_added_twice(world: World) -> None:
    ledger_import.import_records(world.head, "台账.xlsx", xlsx(RECORDS, record()))
    problems = refused(
        lambda: ledger_import.import_records(
            world.head, "台账.xlsx", xlsx(RECORDS, record(刊发日期="2026-11-20"))
        )
    )
    assert problems == [
        "第2行「刊物」：该稿件在「中组部《组工信息》」已有采用记录（2026-11-10刊发，经验类·专期），与本行不同；"
        "如需更正，请先在稿件页面撤销原采用记录后再导入"
    ]
    assert count(Adoption) == 1


def test_a_unit_that_no_longer_writes_to_the_office_is_named(world: World) -> None:
    unit = office_unit(world, YI)
    assert unit is not None
    unit.active = False
    db.session.commit()
    problems = refused(
        lambda: ledger_import.import_records(world.head, "台账.xlsx", xlsx(RECORDS, record(unit=YI)))
    )
    assert problems == ["第2行「单位」：单位「乙区委组织部」已停用报送"]


def test_a_level_the_flow_cannot_record_is_named_zg_4_5(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheme's instruction levels map back onto the flow's through its [flow] table; a level with no flow
    level behind it (here: a scheme whose table leaves out 市领导) cannot become an instruction."""
    scheme = ledger.require_scheme(world.office)
    narrowed = dataclasses.replace(
        scheme,
        flow=dataclasses.replace(scheme.flow, levels={"national": "national", "provincial": "provincial"}),
    )
    monkeypatch.setattr(ledger, "require_scheme", lambda office: narrowed)
    problems = refused(
        lambda: ledger_import.import_records(
            world.head, "台账.xlsx", xlsx(RECORDS, record(批示级别="省领导、市领导"))
        )
    )
    assert problems == ["第2行「批示级别」：「市领导」批示在本系统的批示记录中没有对应的领导级别，无法导入"]


def test_records_of_a_closed_period_say_that_its_frozen_result_waits_for_a_recompute(world: World) -> None:
    ledger.close(world.head, world.office, Q4)
    outcome = ledger_import.import_records(world.head, "台账.xlsx", xlsx(RECORDS, record()))
    assert outcome.notes and "已结算的2026年第四季度" in outcome.notes[0]
    assert ledger.unit_result(ledger.view(world.office, Q4).result, JIA)["points"] == 0  # type: ignore[index]


# -- files -----------------------------------------------------------------------------------------------------


def test_a_gbk_csv_from_excel_is_refused_with_the_way_out(world: World) -> None:
    data = csv_bytes(RECORDS, record(), encoding="gbk")
    problems = refused(lambda: ledger_import.import_records(world.head, "台账.csv", data))
    assert len(problems) == 1 and "请另存为UTF-8编码的CSV，或直接上传.xlsx" in problems[0]


def test_a_utf8_csv_is_read_like_a_workbook(world: World) -> None:
    data = csv_bytes(RECORDS, record(刊发日期="2026-11-10"))
    outcome = ledger_import.import_records(world.head, "台账.csv", data)
    assert outcome.record.created == 1 and points(world, JIA) == 50


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("台账.xlsx", "单位,类别\n甲,乙\n".encode(), "内容不是Excel工作簿"),
        ("台账.txt", "单位,类别\n".encode(), "只能上传Excel工作簿（.xlsx）或UTF-8编码的CSV文件（.csv）"),
        ("台账.csv", b"%PDF-1.4 something", "内容是PDF文件"),
        ("台账.xlsx", b"PK\x03\x04 broken zip", "内容不是Excel工作簿"),
        ("台账.xlsx", b"", "文件为空"),
    ],
)
def test_a_file_that_is_not_a_workbook_or_csv_is_refused_in_words(
    world: World, filename: str, data: bytes, words: str
) -> None:
    problems = refused(lambda: ledger_import.import_records(world.head, filename, data))
    assert len(problems) == 1 and words in problems[0]


def _rewritten(data: bytes, name: str, content: bytes | None) -> bytes:
    """The workbook with one entry replaced (None: left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item))
            elif content is not None:
                target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        lambda good: good[: len(good) // 2],
        lambda good: _rewritten(good, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r="),
        lambda good: _rewritten(good, "xl/worksheets/sheet1.xml", None),
        lambda good: _rewritten(good, "xl/workbook.xml", b"not xml"),
    ],
)
def test_a_damaged_workbook_is_refused_in_words(world: World, damage: Any) -> None:
    damaged = damage(xlsx(RECORDS, record()))
    problems = refused(lambda: ledger_import.import_records(world.head, "台账.xlsx", damaged))
    assert len(problems) == 1 and ("损坏" in problems[0] or "内容不是Excel工作簿" in problems[0]), problems


def test_a_file_over_five_megabytes_is_refused(world: World) -> None:
    data = csv_bytes(RECORDS, record()) + b" " * MAX_BYTES
    problems = refused(lambda: ledger_import.import_records(world.head, "台账.csv", data))
    assert len(problems) == 1 and problems[0].startswith("文件超过5 MB")


def test_more_than_twenty_thousand_rows_are_refused(world: World) -> None:
    data = csv_bytes(RECORDS, *[record(f"N{n}") for n in range(MAX_ROWS + 1)])
    problems = refused(lambda: ledger_import.import_records(world.head, "台账.csv", data))
    assert problems == ["文件超过每次导入的上限20000行数据，请分成几个文件分批导入。"]
    assert count(Article) == 0


def test_a_missing_column_is_named(world: World) -> None:
    problems = refused(
        lambda: ledger_import.import_records(world.head, "台账.xlsx", xlsx(RECORDS[:3], [JIA, "1", "标题"]))
    )
    assert problems == [
        "缺少「刊物」、「刊发日期」列。第1行应为表头，列名为：单位、稿件编号、标题、刊物、类别、形式、刊发日期、批示级别、采稿方式。"
    ]


def test_only_the_office_head_imports(world: World) -> None:
    from webapp.core.services.errors import NotFound

    for user in (world.editor, world.reader, world.officer_a, world.outsider):
        with pytest.raises(NotFound):
            ledger_import.import_records(user, "台账.xlsx", xlsx(RECORDS, record()))
    assert count(Article) == 0


def test_every_problem_is_counted_and_the_first_two_hundred_are_shown(world: World) -> None:
    data = csv_bytes(RECORDS, *[record(f"N{n}", 刊物="人民日报") for n in range(250)])
    with pytest.raises(ImportRefused) as caught:
        ledger_import.import_records(world.head, "台账.csv", data)
    error = caught.value
    assert len(error.problems) == 250 and len(error.shown) == 200 and error.more == 50
    assert error.shown[0].row == 2 and error.shown[-1].row == 201
    assert "共250处问题" in error.message


def test_the_templates_example_rows_import_as_they_are(world: World) -> None:
    """The example row is in the source's words (the scheme's names), so the template is a file that works."""
    _, roster = files.template(world.office, "roster")
    assert ledger_import.import_roster(world.head, "单位名册导入模板.xlsx", roster).record.unchanged == 1
    _, records = files.template(world.office, "records")
    row = list(load_workbook(io.BytesIO(records)).worksheets[0].iter_rows(values_only=True))[1]
    assert row[3:6] == ("中组部《组工信息》", "经验类", "单条")
    outcome = ledger_import.import_records(world.head, "采用记录导入模板.xlsx", records)
    assert (outcome.record.created, len(_articles(world))) == (1, 1)


# -- pages -----------------------------------------------------------------------------------------------------


def test_the_head_uploads_records_and_the_imported_article_page_opens(client, world: World) -> None:  # type: ignore[no-untyped-def]
    steps.login(client, world.head)
    page = client.get("/ledger/import")
    assert page.status_code == 200 and "采用记录" in page.get_data(as_text=True)
    response = client.post(
        "/ledger/import/records",
        data={"records-file": (io.BytesIO(xlsx(RECORDS, record(批示级别="省领导"))), "台账.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    listing = client.get("/ledger/import").get_data(as_text=True)
    assert "台账.xlsx" in listing and "新增采用记录1条" in listing
    article = _articles(world)[0]
    shown = client.get(f"/articles/{article.id}")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "由台账导入" in text and "ZG-001" in text and "省领导" in text
    assert verify_chain("article", article.id).ok


def test_a_refused_upload_shows_every_row_message_and_keeps_the_page(client, world: World) -> None:  # type: ignore[no-untyped-def]
    steps.login(client, world.head)
    response = client.post(
        "/ledger/import/records",
        data={
            "records-file": (
                io.BytesIO(xlsx(RECORDS, record(刊物="人民日报"), record(unit="无关单位"))),
                "a.xlsx",
            )
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "第2行「刊物」" in text and "第3行「单位」" in text and "共2处问题" in text


def test_an_upload_without_a_file_or_in_gbk_is_answered_beside_the_form(client, world: World) -> None:  # type: ignore[no-untyped-def]
    steps.login(client, world.head)
    empty = client.post("/ledger/import/roster", data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "请选择要导入的文件。" in empty.get_data(as_text=True)
    gbk = client.post(
        "/ledger/import/roster",
        data={
            "roster-file": (
                io.BytesIO(csv_bytes(ROSTER, [JIA, "县区委组织部", ""], encoding="gbk")),
                "名册.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert gbk.status_code == 400
    assert "请另存为UTF-8编码的CSV，或直接上传.xlsx" in gbk.get_data(as_text=True)


def test_an_editor_sees_the_page_read_only_and_others_get_404(client, world: World) -> None:  # type: ignore[no-untyped-def]
    steps.login(client, world.editor)
    page = client.get("/ledger/import")
    assert page.status_code == 200 and "import-records-form" not in page.get_data(as_text=True)
    upload = {"records-file": (io.BytesIO(xlsx(RECORDS, record())), "a.xlsx")}
    assert (
        client.post("/ledger/import/records", data=upload, content_type="multipart/form-data").status_code
        == 404
    )
    for user in (world.reader, world.officer_a, world.outsider):
        steps.login(client, user)
        assert client.get("/ledger/import").status_code == 404
        assert client.get("/ledger/import/template/records.xlsx").status_code == 404
    assert count(Article) == 0


def test_the_templates_have_the_header_and_an_example_in_the_sources_words(client, world: World) -> None:  # type: ignore[no-untyped-def]
    steps.login(client, world.head)
    for kind, header in (("roster", ROSTER), ("records", RECORDS)):
        response = client.get(f"/ledger/import/template/{kind}.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == header and len(rows) == 2
    assert client.get("/ledger/import/template/other.xlsx").status_code == 404


def test_imported_rows_move_the_offices_records_revision_and_a_repeat_does_not(world: World) -> None:
    """Issue 12: the bulk INSERTs bypass the ORM's flush, so the import tells the ledger's revision itself —
    else the live ledger would keep scoring from its cache without the imported adoptions (ZG-4.1)."""
    from webapp.articles.services import ledger_revision

    file = xlsx(RECORDS, record("ZG-001", 批示级别="省领导"))
    before = ledger_revision.current(db.session, world.office.id)
    ledger_import.import_records(world.head, "台账.xlsx", file)
    after = ledger_revision.current(db.session, world.office.id)
    assert after == before + 1
    # nothing new: nothing for the ledger to rescore
    ledger_import.import_records(world.head, "台账.xlsx", file)
    assert ledger_revision.current(db.session, world.office.id) == after
