"""Shared ReportLab plumbing for the printed documents: styles, page numbers, reproducible output."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Paragraph as _ReportLabParagraph
from reportlab.platypus.paragraph import _handleBulletWidth

from webapp.core.documents.fonts import cjk_font

#: Red of the letterhead (发文机关标志) and of the certificate frame.
OFFICIAL_RED = colors.HexColor("#D00000")
#: Grey of table header rows and section rows.
HEADER_GREY = colors.HexColor("#E6E6E6")
SECTION_GREY = colors.HexColor("#F3F3F3")

#: Passed to every document: `invariant` fixes creation date and file id, so the same data always gives the
#: same bytes (a document's hash can be recorded next to the audit row that produced it).
REPRODUCIBLE = {"invariant": 1, "creator": "Kaoping 考评", "producer": "Kaoping 考评 (ReportLab)"}

PageDrawer = Callable[[Canvas, int, int], None]


def style(
    name: str, size: float, leading: float | None = None, align: str = "left", **kw: Any
) -> ParagraphStyle:
    """A paragraph style in the CJK font that wraps between any two Chinese characters."""
    alignment = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}[align]
    return ParagraphStyle(
        name,
        fontName=cjk_font(),
        fontSize=size,
        leading=leading if leading is not None else size * 1.4,
        alignment=alignment,
        wordWrap="CJK",
        **kw,
    )


def with_page_count(draw: PageDrawer) -> type[Canvas]:
    """A canvas class that calls draw(canvas, page, page_count) on every page once the page count is known."""

    class PageCountCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                draw(self, number, total)
                super().showPage()
            super().save()

    return PageCountCanvas


def build(doc_factory: Callable[[BytesIO], BaseDocTemplate], story: list, canvasmaker: type[Canvas]) -> bytes:
    buffer = BytesIO()
    doc = doc_factory(buffer)
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


def draw_heading(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    color: colors.Color = colors.black,
    align: str = "center",
    stroke: float = 0.6,
    char_space: float = 0,
) -> None:
    """Draw a one-line heading. The CJK font has no bold face, so glyphs are filled and stroked (mode 2)."""
    font = cjk_font()
    width = canvas.stringWidth(text, font, size) + char_space * max(len(text) - 1, 0)
    start = {"left": x, "center": x - width / 2, "right": x - width}[align]
    text_object = canvas.beginText(start, y)
    text_object.setFont(font, size)
    text_object.setCharSpace(char_space)
    text_object.setTextRenderMode(2)
    text_object.textOut(text)
    canvas.saveState()
    canvas.setFillColor(color)
    canvas.setStrokeColor(color)
    canvas.setLineWidth(stroke)
    canvas.drawText(text_object)
    canvas.restoreState()


def escape(text: str) -> str:
    """Plain text for a Paragraph, which parses its text as mini-markup."""
    return _xml_escape(text)


# --------------------------------------------------------------------------------------------------------
# Chinese line breaking (避头尾): no line starts with a closing punctuation mark and none ends with an opening one

#: marks that may not start a line (ReportLab's list plus ASCII punctuation met in mixed text)
CANNOT_START = frozenset(ALL_CANNOT_START) | frozenset(",.;:!?)]}%、，。；：！？）」』】》〉”’")
#: marks that may not end a line
CANNOT_END = frozenset(ALL_CANNOT_END) | frozenset("([{（「『【《〈“‘")


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def break_cjk(text: str, max_widths: list[float], font: str, size: float) -> list[tuple[float, str]]:
    """Lines of ``text`` as (space left, line) within ``max_widths`` (one per line, the last repeating).

    ReportLab's CJK wrapping puts 「，」 at the start of a line whenever a digit or a Latin letter is where the
    line overflows (issue 7 point 14). Here a break never leaves a closing mark (，。；：、）」…) at a line start nor
    an opening mark at a line end — the character before moves down with it — and never splits a run of
    digits or Latin letters (扣12分, ARC-7.2) unless the run fills the whole line.
    """
    lines: list[tuple[float, str]] = []
    start, n = 0, len(text)
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        width, end = 0.0, start
        while end < n:
            step = stringWidth(text[end], font, size)
            if width + step > max_width + 1e-6 and end > start:
                break
            width += step
            end += 1
        if end < n:
            cut = end
            if _ascii_word(text[cut]) and _ascii_word(text[cut - 1]):
                back = cut
                while back > start and _ascii_word(text[back - 1]):
                    back -= 1
                if back > start:
                    cut = back
            while cut > start + 1 and (text[cut] in CANNOT_START or text[cut - 1] in CANNOT_END):
                cut -= 1
            if text[cut] in CANNOT_START:  # a line of one character and a mark: let the mark hang
                cut = end + 1
            end = cut
        line = text[start:end]
        lines.append((max_width - stringWidth(line, font, size), line))
        start = end
    return lines


class Paragraph(_ReportLabParagraph):
    """A Paragraph whose CJK wrapping follows the Chinese line-breaking rule (see `break_cjk`).

    Plain text in one font (what `paragraph` makes) is wrapped by `break_cjk`; mixed markup falls back to
    ReportLab's own wrapping.
    """

    def breakLinesCJK(self, maxWidths):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201, N802, N803
        frags = self.frags
        single = len(frags) == 1 and hasattr(frags[0], "text") and not hasattr(frags[0], "cbDefn")
        if not single or self.style.endDots or getattr(self, "_splitpara", 0):
            return super().breakLinesCJK(maxWidths)
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]  # noqa: N806
        maxWidths = list(maxWidths)  # noqa: N806
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        frag = frags[0]
        lines = break_cjk(frag.text, maxWidths, frag.fontName, frag.fontSize)
        return frag.clone(
            kind=0,
            lines=[(space, [line]) for space, line in lines],
            ascent=frag.fontSize,
            descent=-0.2 * frag.fontSize,
        )


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text (escaped here) as a paragraph that breaks lines by the Chinese rule."""
    return Paragraph(escape(text), style)
