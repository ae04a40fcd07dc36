"""A campaign's bulletin (通报) as an A4 PDF in the official layout (GB/T 9704-2012, `webapp.core.documents.official`):
the office's name as a red masthead, the document number over the red rule, the title, the office's paragraph,
the rule the grades follow, one ranking table per group (header repeated on every page a table runs onto), the
落款 flush right, page numbers 「第 x 页 共 y 页」, and the watermark 未发布 on every page of a draft."""

from __future__ import annotations

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

from webapp.campaigns.documents.bulletin import NO_UNITS, BulletinDocument, BulletinTable, amount
from webapp.core.documents import _pdf, official

BODY_SIZE, BODY_LEADING = 14, 25
CELL_SIZE = 10.5
DRAFT = official.Watermark("未发布", 96, colors.Color(0.85, 0.85, 0.85), drop=-36)
#: (header, width in mm): the widths add up to the type area (156 mm)
COLUMNS = (("名次", 14), ("单位", 54), ("总分", 20), ("等次", 18), ("备注", 50))


def _table(table: BulletinTable) -> Table:
    head = _pdf.style("cb-head", CELL_SIZE - 1, CELL_SIZE + 2, align="center")
    text = _pdf.style("cb-cell", CELL_SIZE, CELL_SIZE + 3)
    figure = _pdf.style("cb-figure", CELL_SIZE, CELL_SIZE + 3, align="center")
    data = [[_pdf.paragraph(label, head) for label, _w in COLUMNS]]
    for row in table.rows:
        data.append(
            [
                _pdf.paragraph(str(row.rank), figure),
                _pdf.paragraph(row.unit, text),
                _pdf.paragraph(amount(row.total), figure),
                _pdf.paragraph(row.grade or "—", figure),
                _pdf.paragraph(row.note, text),
            ]
        )
    out = Table(data, colWidths=[w * mm for _l, w in COLUMNS], repeatRows=1, hAlign="CENTER")
    out.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), _pdf.HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return out


def _story(doc: BulletinDocument) -> list[Flowable]:
    title = _pdf.style("cb-title", 18, 28, align="center", spaceAfter=10)
    body = _pdf.style("cb-body", BODY_SIZE, BODY_LEADING, align="justify", firstLineIndent=2 * BODY_SIZE)
    cite = _pdf.style("cb-cite", 9.5, 13, textColor=colors.HexColor("#555555"), spaceAfter=4)
    caption = _pdf.style("cb-caption", 12, 18, spaceBefore=6, spaceAfter=3)
    signature = _pdf.style("cb-signature", BODY_SIZE, BODY_LEADING, align="right")
    story: list[Flowable] = [NextPageTemplate("later"), _pdf.paragraph(doc.title, title)]
    if doc.draft:
        story.append(_pdf.paragraph("（未发布：本通报为审定结果的草稿，发布后方可分送各单位。）", cite))
    story += [_pdf.paragraph(text, body) for text in doc.paragraphs]
    if doc.grade_rule:
        story.append(_pdf.paragraph(doc.grade_rule, cite))
    if not doc.tables:
        story.append(_pdf.paragraph(NO_UNITS, body))
    for index, table in enumerate(doc.tables):
        story.append(CondPageBreak(45 * mm))
        story.append(KeepTogether([_pdf.paragraph(doc.table_label(index), caption)]))
        story.append(_table(table))
    story.append(
        KeepTogether(
            [
                Spacer(1, BODY_LEADING * 2),
                _pdf.paragraph(doc.office, signature),
                _pdf.paragraph(doc.date_line, signature),
            ]
        )
    )
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
        subject=doc.number or doc.period,
        compress=compress,
    )
