"""An issue as a Word document (.docx, python-docx), laid out like the PDF (see `webapp.articles.documents.pdf`).

Offices edit and print bulletins in Word or WPS, so the .docx uses the fonts of official documents by name
(方正小标宋简体 masthead and titles, 仿宋_GB2312 text, 黑体 and 楷体_GB2312 for marks and notes); a machine without
them substitutes its own. A draft carries 草稿 in the page header of every page.
"""

from __future__ import annotations

from datetime import datetime, time
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from webapp.articles.documents.data import IssueDocument

RED = RGBColor(0xD0, 0x00, 0x00)
GREY = RGBColor(0xB0, 0xB0, 0xB0)
MASTHEAD_FONT = "方正小标宋简体"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
MARK_FONT = "黑体"
NOTE_FONT = "楷体_GB2312"
#: A4 with the GB/T 9704-2012 margins; the type area is 156 mm wide.
TEXT_WIDTH = Mm(156)
#: pPr children that must follow w:pBdr (the schema fixes their order; Word rejects a file that breaks it).
_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip

#: rPr children that must follow w:spacing.
_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish",
    "w:oMath",
)  # fmt: skip


def _run(paragraph: Paragraph, text: str, font: str, size: float, *, bold: bool = False,
         color: RGBColor | None = None) -> Run:  # fmt: skip
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    # East Asian text takes the w:eastAsia font; font.name sets only the Latin one.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _borders(
    paragraph: Paragraph, *, top: str | None = None, bottom: str | None = None, size: int = 8
) -> None:
    """Rules above / below a paragraph (colour as hex; ``size`` in eighths of a point)."""
    borders = OxmlElement("w:pBdr")
    for side, colour in (("top", top), ("bottom", bottom)):
        if colour is None:
            continue
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "1")
        edge.set(qn("w:color"), colour)
        borders.append(edge)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_BORDER)


def _paragraph(document: object, *, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
               indent: bool = False, before: float = 0, after: float = 0,
               line: float | None = None) -> Paragraph:  # fmt: skip
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = Pt(line)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号 (16 pt)
    return paragraph


def _page_number_footer(section: object) -> None:
    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", BODY_FONT, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _run(paragraph, " —", BODY_FONT, 14)


def issue_docx(doc: IssueDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    properties = document.core_properties
    properties.title = f"{doc.masthead} {doc.number_label}"
    properties.author = doc.office
    properties.last_modified_by = doc.office
    properties.subject = doc.number_label
    moment = datetime.combine(doc.issued_on, time(0, 0))
    properties.created = moment
    properties.modified = moment
    properties.revision = 1
    if doc.draft:
        header = section.header.paragraphs[0]
        header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(header, "草稿（未定稿，不得印发）", MARK_FONT, 22, bold=True, color=GREY)
    _page_number_footer(section)

    if doc.secrecy_mark:
        _run(_paragraph(document), doc.secrecy_mark, MARK_FONT, 16, bold=True)
    masthead = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=6)
    size = 42 if len(doc.masthead) <= 8 else 30
    run = _run(masthead, doc.masthead, MASTHEAD_FONT, size, bold=True, color=RED)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(size * 4))  # twentieths of a point: a fifth of the size between characters
    rpr = run._element.get_or_add_rPr()
    rpr.insert_element_before(spacing, *_AFTER_SPACING)
    _run(_paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=10), doc.number_label, BODY_FONT, 16)
    office = document.add_paragraph()
    _borders(office, bottom="D00000", size=24)
    office.paragraph_format.space_after = Pt(18)
    office.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(office, f"{doc.office_line}\t{doc.date_line}", BODY_FONT, 14)

    if doc.editor_note:
        note = _paragraph(document, indent=True, line=28, after=6)
        _run(note, "编者按：", MARK_FONT, 16)
        _run(note, doc.editor_note, NOTE_FONT, 16)
    for entry in doc.entries:
        title = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, before=14, after=8, line=30)
        _run(title, entry.title, TITLE_FONT, 18, bold=True)
        for text in entry.paragraphs:
            _run(
                _paragraph(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, line=28),
                text,
                BODY_FONT,
                16,
            )
        if entry.source_line:
            _run(_paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, line=28, after=6), entry.source_line,
                 NOTE_FONT, 16)  # fmt: skip
    if doc.corrections:
        _run(
            _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=4), "勘　误", MARK_FONT, 16
        )
        for line in doc.corrections:
            _run(_paragraph(document, indent=True, line=28), line, BODY_FONT, 16)
    lines = doc.distribution_lines + ([doc.copies_line] if doc.copies_line else [])
    if lines:
        _paragraph(document, before=12)
        for index, line in enumerate(lines):
            paragraph = document.add_paragraph()
            _borders(
                paragraph,
                top="000000" if index == 0 else None,
                bottom="000000" if index == len(lines) - 1 else None,
            )
            is_copies = bool(doc.copies_line) and index == len(lines) - 1
            paragraph.paragraph_format.alignment = (
                WD_ALIGN_PARAGRAPH.RIGHT if is_copies else WD_ALIGN_PARAGRAPH.LEFT
            )
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, line, BODY_FONT, 14)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
