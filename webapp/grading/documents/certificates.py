"""证书: the grade certificate, or for a recheck the recheck-pass certificate (复查合格证书).

All certificates are produced and issued centrally by the provincial bureau (ARC-10.5.5; for rechecks ARC-11.4
and GAP-7), whichever bureau approved the case. Landscape A4, framed, to be printed and sealed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from webapp.core.documents import _pdf
from webapp.core.documents.fonts import cjk_font
from webapp.grading.documents.labels import DateStyle, format_date, kind_of, level_of
from workflow.ruleset import Ruleset

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
GOLD = colors.HexColor("#B8922E")
DARK_RED = colors.HexColor("#A80000")


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate."""

    #: The organ's full name, e.g. "宜昌市财政局".
    organ_name: str
    #: The case's ruleset: the words printed for the level and the kind, the programme, the issuer.
    ruleset: Ruleset
    #: Level held, an id of the ruleset (``first``).
    level: str
    #: Kind id: its certificate title is printed (等级证书; 复查合格证书 for a recheck, ARC-11.4).
    kind: str
    #: Certificate number as registered by the provincial bureau, with the ruleset's prefix.
    certificate_number: str
    #: First and last day of validity, as decided by the domain (three years, ARC-10.5.6 / GAP-3 / GAP-6).
    valid_from: dt.date
    valid_until: dt.date
    #: Date of issue printed above the seal.
    issued_on: dt.date
    #: Issuer: always the provincial bureau (ARC-10.5.5); None: the ruleset's provincial bureau.
    issuer: str | None = None
    #: Approving bureau (ARC-10.5.2) when it is not the issuer, printed as 审批机关; None hides the line.
    approved_by: str | None = None
    #: "hanzi" (二〇二七年三月十五日, customary on certificates) or "arabic" for every date.
    date_style: DateStyle = "hanzi"


def certificate_title(data: CertificateData) -> str:
    return kind_of(data.ruleset, data.kind).certificate_title


def certificate_statement(data: CertificateData) -> str:
    """The sentence under the organ's name (without the level, which is printed large on its own line)."""
    kind = kind_of(data.ruleset, data.kind)
    programme = data.ruleset.documents.programme
    return f"经{kind.name}，你单位档案工作{'继续保持' if kind.renews else '达到'}{programme}"


def certificate_issuer(data: CertificateData) -> str:
    return data.issuer or data.ruleset.documents.province_bureau


def certificate_pdf(data: CertificateData, *, compress: bool = True) -> bytes:
    """Render the certificate as a one-page landscape A4 PDF with the CJK font embedded."""
    buffer = BytesIO()
    title = certificate_title(data)
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        pageCompression=int(compress),
        **_pdf.REPRODUCIBLE,
    )
    canvas.setTitle(title)
    canvas.setAuthor(certificate_issuer(data))
    canvas.setSubject(
        f"{data.certificate_number} {data.organ_name} {level_of(data.ruleset, data.level).name}"
    )
    _frame(canvas)
    _content(canvas, data, title)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frame(canvas: Canvas) -> None:
    """Double red frame with a gold line between and small corner squares."""
    canvas.saveState()
    outer = 12 * mm
    canvas.setStrokeColor(DARK_RED)
    canvas.setLineWidth(5)
    canvas.rect(outer, outer, PAGE_WIDTH - 2 * outer, PAGE_HEIGHT - 2 * outer)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.5)
    gold = outer + 3.5 * mm
    canvas.rect(gold, gold, PAGE_WIDTH - 2 * gold, PAGE_HEIGHT - 2 * gold)
    canvas.setStrokeColor(DARK_RED)
    canvas.setLineWidth(0.8)
    inner = outer + 5.5 * mm
    canvas.rect(inner, inner, PAGE_WIDTH - 2 * inner, PAGE_HEIGHT - 2 * inner)
    canvas.setFillColor(DARK_RED)
    size = 5 * mm
    for x in (gold - size / 2, PAGE_WIDTH - gold - size / 2):
        for y in (gold - size / 2, PAGE_HEIGHT - gold - size / 2):
            canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.restoreState()


def _content(canvas: Canvas, data: CertificateData, title: str) -> None:
    font = cjk_font()
    centre = PAGE_WIDTH / 2
    left = 40 * mm
    right = PAGE_WIDTH - 40 * mm
    width = right - left

    title_size = 30 if len(title) <= 14 else 27
    _pdf.draw_heading(
        canvas, centre, PAGE_HEIGHT - 48 * mm, title, size=title_size, color=_pdf.OFFICIAL_RED,
        char_space=title_size * 0.12, stroke=0.9,
    )  # fmt: skip

    # Organ name (shrinks for long names), then the statement, the level in large type, and the closing.
    name_style = _pdf.style("cert-name", 24, 32)
    if len(data.organ_name) > 18:
        name_style = _pdf.style("cert-name-long", 20, 26)
    name = Paragraph(f"<u>{_pdf.escape(data.organ_name)}</u>：", name_style)
    _, name_height = name.wrapOn(canvas, width, 80 * mm)
    y = PAGE_HEIGHT - 72 * mm - name_height
    name.drawOn(canvas, left, y)

    statement = Paragraph(
        _pdf.escape(certificate_statement(data)), _pdf.style("cert-text", 18, 30, firstLineIndent=36)
    )
    _, statement_height = statement.wrapOn(canvas, width, 60 * mm)
    y -= statement_height + 4 * mm
    statement.drawOn(canvas, left, y)

    level = level_of(data.ruleset, data.level).name
    y -= 22 * mm
    _pdf.draw_heading(canvas, centre, y, level, size=46, color=_pdf.OFFICIAL_RED, char_space=20, stroke=1.2)

    closing = (
        f"标准，{kind_of(data.ruleset, data.kind).name}合格。特发此证。"
        if kind_of(data.ruleset, data.kind).renews
        else "标准。特发此证。"
    )
    canvas.setFont(font, 19)
    y -= 14 * mm
    canvas.drawCentredString(centre, y, closing)

    # Register data bottom left; issuer and date bottom right, where the seal goes.
    canvas.setFont(font, 13)
    canvas.setFillColor(colors.black)
    lines = [f"证书编号：{data.certificate_number}"]
    lines.append(
        f"有效期：{format_date(data.valid_from, data.date_style)}至{format_date(data.valid_until, data.date_style)}"
    )
    if data.approved_by and data.approved_by != certificate_issuer(data):
        lines.append(f"审批机关：{data.approved_by}")
    base = 36 * mm
    for number, text in enumerate(reversed(lines)):
        canvas.drawString(left, base + number * 20, text)

    issue_centre = right - 40 * mm
    canvas.setFont(font, 18)
    canvas.drawCentredString(issue_centre, base + 30, certificate_issuer(data))
    canvas.setFont(font, 15)
    canvas.drawCentredString(issue_centre, base + 6, format_date(data.issued_on, data.date_style))
