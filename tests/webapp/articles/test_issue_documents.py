"""An issue exported as .docx and PDF: read back, the files carry the masthead, the number, the titles, the texts,
the source units, the corrections and the distribution block; a draft is marked 草稿, a secret issue 秘密."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
import sqlalchemy as sa

from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import DAY, adopted
from tests.webapp.documents.conftest import assert_embeds_cjk_font, read_pdf
from webapp.articles.documents.data import IssueDocument, IssueEntry
from webapp.articles.documents.docx import issue_docx
from webapp.articles.documents.pdf import issue_pdf
from webapp.articles.services import issue_corrections, issue_exports, issues
from webapp.articles.services.errors import Refused
from webapp.core.services.errors import NotFound

DOCUMENT = IssueDocument(
    publication="《市组工信息》",
    office="市委组织部办公室",
    number_label="2027年第12期（总第345期）",
    issued_on=date(2027, 3, 2),
    secrecy_label="内部",
    draft=False,
    entries=[
        IssueEntry(
            1,
            "甲县推行组工干部下沉一线",
            "甲县从三个方面推进。\n一是建立机制。\n二是压实责任。",
            "甲县委组织部",
        ),
        IssueEntry(2, "乙区探索“两新”组织党建新路径", "乙区以党建引领。", "乙区委组织部"),
    ],
    editor_note="本期刊发两篇基层经验，供各地参阅。",
    corrections=["2027年3月5日　第2条《乙区…》：标题更正。原因：错字"],
    distribution="报：市委领导同志\n送：市直各单位\n发：各县（市、区）委组织部",
    copies=120,
)


def _docx_text(raw: bytes) -> tuple[list[str], list[str]]:
    document = docx.Document(BytesIO(raw))
    header = [p.text for section in document.sections for p in section.header.paragraphs if p.text]
    return [p.text for p in document.paragraphs], header


def test_the_pdf_carries_masthead_number_titles_texts_and_sources() -> None:
    raw = issue_pdf(DOCUMENT, compress=False)
    assert raw.startswith(b"%PDF")
    text = read_pdf(raw).text
    for phrase in (
        "内部",
        "市组工信息",
        "2027年第12期（总第345期）",
        "市委组织部办公室编",
        "2027年3月2日",
        "编者按：本期刊发两篇基层经验，供各地参阅。",
        "甲县推行组工干部下沉一线",
        "一是建立机制。",
        "（甲县委组织部供稿）",
        "乙区探索“两新”组织党建新路径",
        "（乙区委组织部供稿）",
        "勘　误",
        "原因：错字",
        "报：市委领导同志",
        "发：各县（市、区）委组织部",
        "（共印120份）",
    ):
        assert phrase in text, phrase
    assert "草稿" not in text
    assert text.index("甲县推行") < text.index("（甲县委组织部供稿）") < text.index("乙区探索")


def test_the_pdf_embeds_the_cjk_font_and_renders_the_same_bytes_each_time() -> None:
    raw = issue_pdf(DOCUMENT)
    assert_embeds_cjk_font(raw)
    assert issue_pdf(DOCUMENT) == raw


def test_a_draft_pdf_is_watermarked_and_a_non_secret_one_has_no_mark() -> None:
    text = read_pdf(issue_pdf(replace(DOCUMENT, draft=True, secrecy_label="非密"), compress=False)).text
    assert "草稿" in text and "非密" not in text and "内部" not in text


def test_a_long_issue_runs_over_pages_with_page_numbers() -> None:
    entries = [IssueEntry(n, f"第{n}篇经验", "正文内容。" * 120, "甲县委组织部") for n in range(1, 7)]
    pdf = read_pdf(issue_pdf(replace(DOCUMENT, entries=entries), compress=False))
    assert len(pdf.pages) >= 3
    assert "— 2 —" in pdf.pages[1]
    assert "市组工信息" in pdf.pages[0] and "市组工信息" not in pdf.pages[1]  # the masthead is on page 1 only


def test_the_docx_reads_back_with_the_same_content() -> None:
    paragraphs, header = _docx_text(issue_docx(DOCUMENT))
    assert paragraphs[:4] == [
        "内部",
        "市组工信息",
        "2027年第12期（总第345期）",
        "市委组织部办公室编\t2027年3月2日",
    ]
    for phrase in (
        "甲县推行组工干部下沉一线",
        "二是压实责任。",
        "（甲县委组织部供稿）",
        "（乙区委组织部供稿）",
        "勘　误",
        "报：市委领导同志",
        "（共印120份）",
    ):
        assert phrase in paragraphs, phrase
    assert header == []
    draft, header = _docx_text(issue_docx(replace(DOCUMENT, draft=True, secrecy_label="非密")))
    assert header == ["草稿（未定稿，不得印发）"] and draft[0] == "市组工信息"


def test_an_exported_issue_prints_its_items_in_order_and_its_corrections(world: World) -> None:
    issue = issues.create(
        world.editor,
        world.own_publication.id,
        issued_on=DAY,
        today=DAY,
        distribution="发：各县（市、区）委组织部",
    )
    first = adopted(world, "甲县推行组工干部下沉一线")
    second = adopted(world, "乙区经验", officer=world.officer_b, signer=world.signer_b)
    issues.add_items(world.editor, issue.id, [first.id, second.id])
    draft = read_pdf(
        issue_pdf(issue_exports.document_of(issues.load(world.editor, issue.id)), compress=False)
    )
    assert "草稿" in draft.text and "2027年第1期（总第1期）" in draft.text
    issues.lock(world.head, issue.id)
    withdrawn = issues.load(world.head, issue.id).items[1]
    issue_corrections.correct(
        world.head,
        issue.id,
        issue_corrections.CorrectionInput("withdraw", "数据待核实", item_id=withdrawn.id),
    )
    exported = issue_exports.export(world.head, issue.id, "docx")
    assert exported.filename == "市组工信息2027年第1期.docx"
    paragraphs, header = _docx_text(exported.content)
    assert header == []
    assert "（甲县委组织部供稿）" in paragraphs and "（乙区委组织部供稿）" not in paragraphs
    assert any("撤销第2条《乙区经验》（乙区委组织部供稿）。原因：数据待核实" in p for p in paragraphs)
    pdf = issue_exports.export(world.head, issue.id, "pdf")
    assert pdf.mimetype == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_secret_issue_is_marked_secret_and_goes_only_to_those_who_see_every_item(world: World) -> None:
    issue = issues.create(world.editor, world.own_publication.id, issued_on=DAY, today=DAY)
    issues.add_items(
        world.editor, issue.id, [adopted(world, "秘密稿件", secrecy="secret").id, adopted(world).id]
    )
    issues.lock(world.head, issue.id)
    paragraphs, _ = _docx_text(issue_exports.export(world.editor, issue.id, "docx").content)
    assert paragraphs[0] == "秘密"
    with pytest.raises(NotFound):
        issue_exports.export(world.reader, issue.id, "pdf")


def test_download_is_refused_when_an_item_is_not_visible_to_the_caller(world: World, monkeypatch) -> None:
    """Someone who may see the issue but not one of its articles gets 403 naming the 密级, not the file."""
    issue = issues.create(world.editor, world.own_publication.id, issued_on=DAY, today=DAY)
    issues.add_items(world.editor, issue.id, [adopted(world, "内部稿件", secrecy="internal").id])
    monkeypatch.setattr(issue_exports.permissions, "visible_clause", lambda user: sa.false())
    with pytest.raises(Refused) as refused:
        issue_exports.export(world.editor, issue.id, "pdf")
    assert refused.value.status == 403 and "密级为内部" in refused.value.message
