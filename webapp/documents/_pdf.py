"""Shared ReportLab plumbing for the printed documents: styles, page numbers, reproducible output."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate

from webapp.documents.fonts import cjk_font

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
