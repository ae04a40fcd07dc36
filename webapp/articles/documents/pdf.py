"""An issue as a PDF in the usual layout of an internal information bulletin (内部信息刊物).

First page: the 密级 top left (unless 非密), the publication's name as a large red masthead, the number line
「2027年第12期（总第345期）」, the office (…编) flush left and the date flush right over a red rule. Then the editor's
note, the items (title centred in bold, text indented two characters, the source unit after each item), the
corrections (勘误) and, at the end, the distribution block between two black rules (报：… 送：… 发：…, 共印×份).
A draft (not locked) carries the watermark 草稿 on every page. Page numbers 「— 1 —」 when there is more than one.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, NextPageTemplate, Spacer

from webapp.articles.documents.data import IssueDocument
from webapp.core.documents import _pdf, official
from webapp.core.documents.official import PAGE_HEIGHT, PAGE_WIDTH

#: The first page's frame starts under the masthead's red rule.
RULE_Y = PAGE_HEIGHT - 78 * mm
BODY_SIZE = 14
BODY_LEADING = 25
TITLE_SIZE = 16
DRAFT = official.Watermark("草稿", 110, colors.Color(0.82, 0.82, 0.82), drop=-40)


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
    size = official.fitted_size(canvas, doc.masthead, largest=48.0, smallest=20, spacing=0.2)
    official.masthead(
        canvas,
        [doc.masthead],
        top=PAGE_HEIGHT - 45 * mm,
        size=size,
        spacing=0.2,
        number=doc.number_label,
        number_y=PAGE_HEIGHT - 60 * mm,
        rule_y=RULE_Y,
        secrecy=doc.secrecy_mark,
        office_and_date=(doc.office_line, doc.date_line),
        body_size=BODY_SIZE,
    )


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
    return official.official_pdf(
        _story(doc),
        first_page=lambda canvas: _masthead(canvas, doc),
        page_number=_page_number,
        rule_y=RULE_Y,
        watermark=DRAFT if doc.draft else None,
        title=f"{doc.masthead} {doc.number_label}",
        author=doc.office,
        subject=doc.number_label,
        compress=compress,
    )
