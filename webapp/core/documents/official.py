"""The official layout (GB/T 9704-2012) that the procedures' PDFs share: the article issue and ledger bulletin,
the campaign bulletin.

The A4 type area; the first page's red masthead — the name in large red type, the number line, the red rule —
with the first page's frame starting under the rule; the diagonal watermark of a draft on every page; and the
document built with the CJK font embedded, the same data giving the same bytes. What differs between the two
(the masthead's size and spacing, where the number line stands, the watermark's words) is the caller's to say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from webapp.core.documents import _pdf

PAGE_WIDTH, PAGE_HEIGHT = A4
# GB/T 9704-2012 type area: top margin 37 mm, left 28 mm.
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 37 * mm, 35 * mm
WIDTH = PAGE_WIDTH - LEFT - RIGHT
RULE_WIDTH = 2.2
NUMBER_SIZE = 16
#: where a bulletin's (通报) red rule stands on its first page
BULLETIN_RULE_Y = PAGE_HEIGHT - 70 * mm


def name_width(canvas: Canvas, name: str, size: float, spacing: float) -> float:
    """How wide ``name`` prints at ``size`` with ``spacing`` × size between its characters."""
    return canvas.stringWidth(name, _pdf.cjk_font(), size) + size * spacing * (len(name) - 1)


def fitted_size(canvas: Canvas, name: str, *, largest: float, smallest: float, spacing: float) -> float:
    """The largest size, in steps of 2 pt from ``largest`` down to ``smallest``, at which ``name`` fits on one
    line of the type area (``smallest`` when none does)."""
    size = largest
    while size > smallest and name_width(canvas, name, size, spacing) > WIDTH:
        size -= 2
    return size


def masthead(
    canvas: Canvas,
    lines: Sequence[str],
    *,
    top: float,
    size: float,
    spacing: float,
    number: str,
    number_y: float,
    rule_y: float,
    secrecy: str = "",
    office_and_date: tuple[str, str] | None = None,
    body_size: float = 14,
) -> None:
    """The first page's head: the 密级 top left (when given); the name's ``lines`` in red, centred, the first at
    ``top``; the number line centred at ``number_y`` (when there is one); the office flush left and the date
    flush right just over the rule (when given); the red rule across the type area at ``rule_y``."""
    centre = PAGE_WIDTH / 2
    font = _pdf.cjk_font()
    canvas.saveState()
    if secrecy:
        _pdf.draw_heading(canvas, LEFT, PAGE_HEIGHT - 22 * mm, secrecy, size=16, align="left")
    for index, line in enumerate(lines):
        _pdf.draw_heading(
            canvas,
            centre,
            top - index * size * 1.25,
            line,
            size=size,
            color=_pdf.OFFICIAL_RED,
            char_space=size * spacing,
            stroke=1.0,
        )
    if number:
        canvas.setFont(font, NUMBER_SIZE)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(centre, number_y, number)
    if office_and_date is not None:
        office, day = office_and_date
        canvas.setFont(font, body_size)
        canvas.drawString(LEFT, rule_y + 4 * mm, office)
        canvas.drawRightString(PAGE_WIDTH - RIGHT, rule_y + 4 * mm, day)
    canvas.setStrokeColor(_pdf.OFFICIAL_RED)
    canvas.setLineWidth(RULE_WIDTH)
    canvas.line(LEFT, rule_y, PAGE_WIDTH - RIGHT, rule_y)
    canvas.restoreState()


@dataclass(frozen=True)
class Watermark:
    """The words across every page of a draft (草稿, 未发布), grey, turned 40°."""

    text: str
    size: float
    grey: colors.Color
    #: how far below the page's centre the baseline sits, so that the words look centred
    drop: float

    def draw(self, canvas: Canvas) -> None:
        canvas.saveState()
        canvas.setFillColor(self.grey)
        canvas.setFont(_pdf.cjk_font(), self.size)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(40)
        canvas.drawCentredString(0, self.drop, self.text)
        canvas.restoreState()


def bulletin_masthead(canvas: Canvas, office: str, number: str) -> None:
    """A bulletin's first-page masthead: the office's name as large as fits, never cut — a name too long for one
    line is broken into at most three, in smaller type until it fits (a 120-character name: 10 pt) — then the
    document number and the red rule at `BULLETIN_RULE_Y`."""
    size = fitted_size(canvas, office, largest=40.0, smallest=16, spacing=0.1)
    lines = [office]
    if name_width(canvas, office, size, 0.1) > WIDTH:
        while True:
            lines = [line for _space, line in _pdf.break_cjk(office, [WIDTH * 0.9], _pdf.cjk_font(), size)]
            if len(lines) <= 3 or size <= 8:
                break
            size -= 1
    masthead(
        canvas,
        lines,
        top=PAGE_HEIGHT - 48 * mm + (len(lines) - 1) * size * 1.25,
        size=size,
        spacing=0.1,
        number=number,
        number_y=BULLETIN_RULE_Y + 5 * mm,
        rule_y=BULLETIN_RULE_Y,
    )


def page_number(canvas: Canvas, page: int, total: int) -> None:
    """「第 2 页 共 5 页」 centred at the foot of every page."""
    canvas.saveState()
    canvas.setFont(_pdf.cjk_font(), 11)
    canvas.drawCentredString(PAGE_WIDTH / 2, 22 * mm, f"第 {page} 页 共 {total} 页")
    canvas.restoreState()


def official_pdf(
    story: list[Flowable],
    *,
    first_page: Callable[[Canvas], None],
    page_number: Callable[[Canvas, int, int], None],
    rule_y: float,
    watermark: Watermark | None,
    title: str,
    author: str,
    subject: str,
    compress: bool,
) -> bytes:
    """An A4 PDF: ``first_page`` draws the masthead on page one, whose frame starts 6 mm under the rule at
    ``rule_y``; the later pages use the whole type area (the story starts with ``NextPageTemplate("later")``);
    a ``watermark`` on every page; ``page_number`` once the page count is known."""
    first_top = PAGE_HEIGHT - rule_y + 6 * mm

    def make_doc(buffer: BytesIO) -> BaseDocTemplate:
        template = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=title,
            author=author,
            subject=subject,
            pageCompression=int(compress),
            **_pdf.REPRODUCIBLE,
        )
        first = Frame(LEFT, BOTTOM, WIDTH, PAGE_HEIGHT - first_top - BOTTOM, id="first", showBoundary=0)
        later = Frame(LEFT, BOTTOM, WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id="later", showBoundary=0)

        def on_first(canvas: Canvas, _doc: Any) -> None:
            if watermark is not None:
                watermark.draw(canvas)
            first_page(canvas)

        def on_later(canvas: Canvas, _doc: Any) -> None:
            if watermark is not None:
                watermark.draw(canvas)

        template.addPageTemplates(
            [PageTemplate("first", [first], onPage=on_first), PageTemplate("later", [later], onPage=on_later)]
        )
        return template

    return _pdf.build(make_doc, story, _pdf.with_page_count(page_number))
