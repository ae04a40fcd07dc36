"""An issue as a PDF in the usual layout of an internal information bulletin (内部信息刊物).

First page: the 密级 top left (unless 非密), the publication's name as a large red masthead, the number line
「2027年第12期（总第345期）」, the office (…编) flush left and the date flush right over a red rule. Then the editor's
note, the items (title centred in bold, text indented two characters, the source unit after each item), the
corrections (勘误) and, at the end, the distribution block between two black rules (报：… 送：… 发：…, 共印×份).
A draft (not locked) carries the watermark 草稿 on every page. Page numbers 「— 1 —」 when there is more than one.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Spacer,
)

from webapp.articles.documents.data import IssueDocument
from webapp.core.documents import _pdf

PAGE_WIDTH, PAGE_HEIGHT = A4
# GB/T 9704-2012 type area: top margin 37 mm, left 28 mm.
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 37 * mm, 35 * mm
WIDTH = PAGE_WIDTH - LEFT - RIGHT
#: The first page's frame starts under the masthead's red rule.
RULE_Y = PAGE_HEIGHT - 78 * mm
FIRST_TOP = PAGE_HEIGHT - RULE_Y + 6 * mm
BODY_SIZE = 14
BODY_LEADING = 25
TITLE_SIZE = 16
WATERMARK_GREY = colors.Color(0.82, 0.82, 0.82)


class Heading(Flowable):
    """A title in the CJK font drawn bold (filled and stroked, the font has no bold face), centred, wrapped by
    the Chinese line-breaking rule."""

    def __init__(self, text: str, size: float = TITLE_SIZE, space_before: float = 14, space_after: float = 8):
        super().__init__()
        self.text = text
        self.size = size
        self.leading = size * 1.5
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._lines: list[str] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:  # noqa: ARG002
        self.width = avail_width
        lines = _pdf.break_cjk(self.text, [avail_width], _pdf.cjk_font(), self.size)
        self._lines = [line for _space, line in lines] or [""]
        self.height = len(self._lines) * self.leading
        return avail_width, self.height

    def draw(self) -> None:
        y = self.height - self.size
        for line in self._lines:
            _pdf.draw_heading(self.canv, self.width / 2, y, line, size=self.size, stroke=0.5)
            y -= self.leading


def _masthead(canvas: Canvas, doc: IssueDocument) -> None:
    centre = PAGE_WIDTH / 2
    canvas.saveState()
    if doc.secrecy_mark:
        _pdf.draw_heading(canvas, LEFT, PAGE_HEIGHT - 22 * mm, doc.secrecy_mark, size=16, align="left")
    name = doc.masthead
    size = 48.0
    font = _pdf.cjk_font()
    while size > 20 and canvas.stringWidth(name, font, size) + size * 0.2 * (len(name) - 1) > WIDTH:
        size -= 2
    _pdf.draw_heading(
        canvas,
        centre,
        PAGE_HEIGHT - 45 * mm,
        name,
        size=size,
        color=_pdf.OFFICIAL_RED,
        char_space=size * 0.2,
        stroke=1.0,
    )
    canvas.setFont(font, 16)
    canvas.setFillColor(colors.black)
    canvas.drawCentredString(centre, PAGE_HEIGHT - 60 * mm, doc.number_label)
    canvas.setFont(font, BODY_SIZE)
    canvas.drawString(LEFT, RULE_Y + 4 * mm, doc.office_line)
    canvas.drawRightString(PAGE_WIDTH - RIGHT, RULE_Y + 4 * mm, doc.date_line)
    canvas.setStrokeColor(_pdf.OFFICIAL_RED)
    canvas.setLineWidth(2.2)
    canvas.line(LEFT, RULE_Y, PAGE_WIDTH - RIGHT, RULE_Y)
    canvas.restoreState()


def _watermark(canvas: Canvas, doc: IssueDocument) -> None:
    if not doc.draft:
        return
    canvas.saveState()
    canvas.setFillColor(WATERMARK_GREY)
    canvas.setFont(_pdf.cjk_font(), 110)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, -40, "草稿")
    canvas.restoreState()


def _page_number(canvas: Canvas, page: int, total: int) -> None:
    if total < 2:
        return
    canvas.saveState()
    canvas.setFont(_pdf.cjk_font(), 12)
    canvas.drawCentredString(PAGE_WIDTH / 2, 25 * mm, f"— {page} —")
    canvas.restoreState()


def _story(doc: IssueDocument) -> list[Flowable]:
    body = _pdf.style("issue-body", BODY_SIZE, BODY_LEADING, align="justify", firstLineIndent=2 * BODY_SIZE)
    source = _pdf.style("issue-source", BODY_SIZE, BODY_LEADING, align="right", spaceAfter=6)
    note = _pdf.style("issue-note", BODY_SIZE, BODY_LEADING, align="justify", firstLineIndent=2 * BODY_SIZE)
    small = _pdf.style("issue-small", 12, 20)
    story: list[Flowable] = [NextPageTemplate("later")]
    if doc.editor_note:
        story.append(_pdf.paragraph(f"编者按：{doc.editor_note}", note))
        story.append(Spacer(1, 6))
    for entry in doc.entries:
        story.append(Heading(entry.title))
        story += [_pdf.paragraph(text, body) for text in entry.paragraphs]
        if entry.source_line:
            story.append(_pdf.paragraph(entry.source_line, source))
    if doc.corrections:
        block: list[Flowable] = [Heading("勘　误", size=BODY_SIZE, space_before=18, space_after=4)]
        block += [_pdf.paragraph(line, body) for line in doc.corrections]
        story.append(KeepTogether(block))
    footer: list[Flowable] = [Spacer(1, BODY_LEADING)]
    if doc.distribution_lines or doc.copies_line:
        footer.append(HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceAfter=4))
        footer += [_pdf.paragraph(line, small) for line in doc.distribution_lines]
        if doc.copies_line:
            footer.append(_pdf.paragraph(doc.copies_line, _pdf.style("issue-copies", 12, 20, align="right")))
        footer.append(HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceBefore=4))
        story.append(KeepTogether(footer))
    return story


def issue_pdf(doc: IssueDocument, *, compress: bool = True) -> bytes:
    """The issue as an A4 PDF with the CJK font embedded; the same data gives the same bytes."""
    title = f"{doc.masthead} {doc.number_label}"

    def make_doc(buffer: BytesIO) -> BaseDocTemplate:
        template = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=title,
            author=doc.office,
            subject=doc.number_label,
            pageCompression=int(compress),
            **_pdf.REPRODUCIBLE,
        )
        first = Frame(LEFT, BOTTOM, WIDTH, PAGE_HEIGHT - FIRST_TOP - BOTTOM, id="first", showBoundary=0)
        later = Frame(LEFT, BOTTOM, WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id="later", showBoundary=0)

        def on_first(canvas: Canvas, _doc: Any) -> None:
            _watermark(canvas, doc)
            _masthead(canvas, doc)

        def on_later(canvas: Canvas, _doc: Any) -> None:
            _watermark(canvas, doc)

        template.addPageTemplates(
            [PageTemplate("first", [first], onPage=on_first), PageTemplate("later", [later], onPage=on_later)]
        )
        return template

    return _pdf.build(make_doc, _story(doc), _pdf.with_page_count(_page_number))
