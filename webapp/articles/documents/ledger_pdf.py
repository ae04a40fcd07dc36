"""The bulletin (通报) of a closed ledger period as a PDF in the official layout (GB/T 9704-2012, like the issue PDF).

First page: the office's name as a large red masthead (发文机关标志), the document number (宜组信通〔2027〕1号)
centred over the red rule, then the title centred in bold. The office's paragraph, the numbered sections with the
rule each one follows, the ranking tables (their header repeated on every page a table runs onto; long unit
names wrap inside their cell), and the 落款 (the office and the date) flush right. Page numbers
「第 x 页 共 y 页」 on every page; a bulletin not yet published carries the watermark 未发布 on every page.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from webapp.articles.documents.ledger_bulletin import (
    NO_UNITS,
    BulletinDocument,
    RankingTable,
    amount,
    table_label,
)
from webapp.articles.documents.pdf import BODY_LEADING, BODY_SIZE, Heading
from webapp.core.documents import _pdf, official

#: the red rule under the number line; the first page's frame starts under it
CELL_SIZE = 10.5
SECTION_SIZE = 15
DRAFT = official.Watermark("未发布", 96, colors.Color(0.85, 0.85, 0.85), drop=-36)
#: room a table needs below its caption to start on this page (header and a few rows)
TABLE_START = 45 * mm


class SectionHeading(Flowable):
    """「一、总体情况」 flush left in the CJK font drawn bold; it stays with what follows it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.spaceBefore = 10
        self.spaceAfter = 2
        self.height = SECTION_SIZE * 1.5

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:  # noqa: ARG002
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        _pdf.draw_heading(self.canv, 0, SECTION_SIZE * 0.4, self.text, size=SECTION_SIZE, align="left")


def _columns(table: RankingTable) -> list[tuple[str, str, float]]:
    """(key, header, width in mm) — the widths add up to the type area (156 mm). The figures' unit (分 / 元)
    is printed above the table (单位：分), as official tables do, so the headers stay on one line."""
    completion = any(r.completion is not None for r in table.rows)
    columns: list[tuple[str, str, float]] = [("rank", "名次", 10)]
    names = 36.0 - (6 if completion else 0)
    if table.shows_group:
        columns += [("unit", "单位", names - 4), ("group", "类别", 30 - (6 if completion else 0))]
    else:
        columns += [("unit", "单位", names + 22)]
    columns += [
        ("points", "稿件得分", 15),
        ("bonus", "加分", 12),
        ("deductions", "扣分", 12),
        ("total", "总分", 13),
    ]
    if completion:
        columns.append(("completion", "完成率", 14))
    columns.append(("missing", "缺稿篇数", 11))
    used = sum(width for _k, _l, width in columns)
    columns.append(("notes", "备注", 156 - used))
    return columns


def _cell(row: Any, key: str) -> str:
    if key == "rank":
        return str(row.rank_label)
    if key in ("unit", "group"):
        return str(getattr(row, key))
    if key == "completion":
        return str(row.completion_label)
    if key == "missing":
        return str(row.missing) if row.missing else "—"
    if key == "notes":
        return str(row.notes_label)
    return amount(getattr(row, key))


def _table(table: RankingTable) -> Table:
    head = _pdf.style("bulletin-head", CELL_SIZE - 1, CELL_SIZE + 2, align="center")
    text = _pdf.style("bulletin-cell", CELL_SIZE, CELL_SIZE + 3)
    figure = _pdf.style("bulletin-figure", CELL_SIZE, CELL_SIZE + 3, align="center")
    columns = _columns(table)
    data: list[list[Any]] = [[_pdf.paragraph(label, head) for _k, label, _w in columns]]
    for row in table.rows:
        data.append(
            [
                _pdf.paragraph(_cell(row, key), text if key in ("unit", "group", "notes") else figure)
                for key, _l, _w in columns
            ]
        )
    out = Table(data, colWidths=[width * mm for _k, _l, width in columns], repeatRows=1, hAlign="CENTER")
    out.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), _pdf.HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return out


def _story(doc: BulletinDocument) -> list[Flowable]:
    body = _pdf.style(
        "bulletin-body", BODY_SIZE, BODY_LEADING, align="justify", firstLineIndent=2 * BODY_SIZE
    )
    cite = _pdf.style("bulletin-cite", 9.5, 13, textColor=colors.HexColor("#555555"), spaceAfter=4)
    caption = _pdf.style("bulletin-caption", 12, 18, spaceBefore=6, spaceAfter=3)
    signature = _pdf.style("bulletin-signature", BODY_SIZE, BODY_LEADING, align="right")
    unit = _pdf.style("bulletin-unit", 9.5, 13, align="right", spaceAfter=2)
    story: list[Flowable] = [NextPageTemplate("later"), Heading(doc.title, space_before=4, space_after=10)]
    if doc.draft:
        story.append(_pdf.paragraph("（未发布：本通报为结算结果的草稿，发布后方可分送各单位。）", cite))
    story += [_pdf.paragraph(text, body) for text in doc.paragraphs]
    if doc.partial:
        story.append(_pdf.paragraph("本期计分办法原文不完整，仅按可见部分计分。", body))
    for section in doc.sections:
        block: list[Flowable] = [SectionHeading(section.heading)]
        if section.cite:
            block.append(_pdf.paragraph(section.cite, cite))
        if section.key == "overview":
            story.append(KeepTogether([*block, _pdf.paragraph(doc.overview[0], body)]))
            story += [_pdf.paragraph(text, body) for text in doc.overview[1:]]
        elif section.key == "ranking":
            if not doc.tables:
                story.append(KeepTogether([*block, _pdf.paragraph(NO_UNITS, body)]))
            for number, table in enumerate(doc.tables, start=1):
                label = table_label(number - 1, table.title)
                head = (
                    [*block, _pdf.paragraph(label, caption)]
                    if number == 1
                    else [_pdf.paragraph(label, caption)]
                )
                # a caption never ends a page: with less than a few rows' room left the table starts on the next
                # page (the table itself splits across pages, its header repeated)
                story.append(CondPageBreak(TABLE_START))
                story.append(KeepTogether([*head, _pdf.paragraph(f"单位：{doc.currency}", unit)]))
                story.append(_table(table))
        elif section.key == "advanced":
            lines = doc.advanced_lines
            story.append(KeepTogether([*block, _pdf.paragraph(lines[0], body)]))
            story += [_pdf.paragraph(text, body) for text in lines[1:]]
        elif section.key == "criticism":
            lines = doc.criticism_lines
            story.append(KeepTogether([*block, _pdf.paragraph(lines[0], body)]))
            story += [_pdf.paragraph(text, body) for text in lines[1:]]
    # the 落款 never stands alone on a page: it keeps the last paragraph with it (a table ending the text
    # stays where it is; the 落款 then follows it on its own only if the table fills the page)
    closing: list[Flowable] = [
        Spacer(1, BODY_LEADING * 2),
        _pdf.paragraph(doc.office, signature),
        _pdf.paragraph(doc.date_line, signature),
    ]
    if isinstance(story[-1], _pdf.Paragraph):
        closing.insert(0, story.pop())
    story.append(KeepTogether(closing))
    return story


def bulletin_pdf(doc: BulletinDocument, *, compress: bool = True) -> bytes:
    """The bulletin as an A4 PDF with the CJK font embedded; the same data gives the same bytes."""
    return official.official_pdf(
        _story(doc),
        first_page=lambda canvas: official.bulletin_masthead(canvas, doc.office, doc.number),
        page_number=official.page_number,
        rule_y=official.BULLETIN_RULE_Y,
        watermark=DRAFT if doc.draft else None,
        title=doc.title,
        author=doc.office,
        subject=doc.number or doc.period_text,
        compress=compress,
    )
