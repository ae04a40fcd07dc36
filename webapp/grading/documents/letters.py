"""确认函: the approving bureau's confirmation letter for an approved evaluation or recheck (ARC-10.5.4).

Laid out as a letter in the letter format (信函格式) of GB/T 9704-2012: red bureau name and red double line as
letterhead, document number flush right under it, centred title, addressee, body indented two characters,
signature and date right of centre (leaving room for the seal), copies (抄送) at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

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
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from webapp.core.documents import _pdf
from webapp.grading.documents.labels import (
    DateStyle,
    Points,
    format_date,
    hanzi_number,
    kind_of,
    level_of,
)
from workflow.ruleset import Ruleset
from workflow.scoring.numbers import format_points

PAGE_WIDTH, PAGE_HEIGHT = A4
# GB/T 9704-2012: type area 156 mm × 225 mm; top margin 37 mm, left 28 mm.
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 37 * mm, 35 * mm
#: First-page frame starts below the letterhead.
FIRST_PAGE_TOP = 62 * mm
BODY_SIZE = 14
BODY_LEADING = 25
RULE_LENGTH = 170 * mm


@dataclass(frozen=True)
class LetterData:
    """Everything printed on one confirmation letter."""

    #: Approving bureau = organizing bureau (ARC-10.5.2), e.g. "宜昌市档案局"; letterhead and signature.
    bureau_name: str
    #: 发文字号 as registered by the bureau, e.g. "宜档函〔2027〕12号".
    document_number: str
    #: The organ whose archive work was graded, e.g. "宜昌市财政局".
    organ_name: str
    #: The case's ruleset: the words printed for the level and kind, the regulation cited, validity, rewards.
    ruleset: Ruleset
    #: Level reached, an id of the ruleset (``first``).
    level: str
    #: Kind id; a renewing kind (recheck) confirms the grade is kept (ARC-11.4).
    kind: str
    #: Date the organ passed the review (评审) or recheck.
    passed_on: dt.date
    #: First and last day of validity, as decided by the domain (three years, ARC-10.5.6 / GAP-3).
    valid_from: dt.date
    valid_until: dt.date
    #: Date of the letter (成文日期).
    issued_on: dt.date
    #: Panel total, printed for 省一级/省二级 when given; 省特级 has no points line (GAP-11).
    review_score: Points | None = None
    #: Salutation line; defaults to the organ's name.
    addressee: str | None = None
    #: Bureau the recheck materials are filed with (the authority row's filings: ARC-9.3, ARC-9.5). None when no
    #: filing is required.
    filed_with: str | None = None
    #: Further copies (抄送); `filed_with` is always copied and need not be repeated.
    copy_to: Sequence[str] = ()
    #: Who produces the certificate (ARC-10.5.5, GAP-7); None: the ruleset's provincial bureau.
    certificate_issuer: str | None = None
    #: Overrides the generated title.
    title: str | None = None
    #: "arabic" (2027年3月15日, GB/T 9704-2012) or "hanzi" (二〇二七年三月十五日) for every date in the letter.
    date_style: DateStyle = "arabic"


def letter_title(data: LetterData) -> str:
    if data.title:
        return data.title
    level = level_of(data.ruleset, data.level).name
    kind = kind_of(data.ruleset, data.kind)
    if kind.renews:
        return f"关于确认{data.organ_name}档案工作{level}{kind.name}合格的函"
    return f"关于确认{data.organ_name}档案工作达到{level}标准的函"


def letter_paragraphs(data: LetterData) -> list[str]:
    """The body, one string per paragraph (also usable for an HTML preview)."""
    rules = data.ruleset
    level = level_of(rules, data.level)
    kind = kind_of(rules, data.kind)
    measures, programme = rules.documents.measures, rules.documents.programme
    day = format_date(data.passed_on, data.date_style)
    score = f"（评审得分{format_points(data.review_score)}分）" if data.review_score is not None else ""
    passed = (
        f"根据{measures}，经申报、预检、公示、评审，你单位档案工作于{day}通过{level.name}{kind.name}{score}，"
    )
    if kind.renews:
        result = f"{passed}经我局审批，确认{kind.name}合格，继续保持{programme}{level.name}标准。"
    else:
        result = f"{passed}经我局审批，确认达到{programme}{level.name}标准。"
    issuer = data.certificate_issuer or rules.documents.province_bureau
    validity = (
        f"{level.name}有效期{hanzi_number(rules.calendar.validity_years)}年，"
        f"自{format_date(data.valid_from, data.date_style)}起"
        f"至{format_date(data.valid_until, data.date_style)}止。"
        f"{kind.certificate}由{issuer}统一制作、颁发。"
    )
    if level.reward_policy:  # ARC-14.1: not for 省二级
        validity += "在有效期内，你单位可以按规定享受档案达标先进单位奖励政策。"
    paragraphs = [
        result,
        validity,
        f"你单位应在有效期满的当年（{data.valid_until.year}年）提出复查申请；"
        "到期未申请复查的，等级资格自动失效。",
    ]
    if data.filed_with:  # ARC-9.3, ARC-9.5
        paragraphs.append(f"本次复查材料按规定报{data.filed_with}备案。")
    paragraphs.append("希望你单位巩固成果，不断提高档案管理和服务水平。特此函告。")
    return paragraphs


def copies(data: LetterData) -> list[str]:
    names = [data.filed_with] if data.filed_with else []
    return names + [name for name in data.copy_to if name not in names]


def confirmation_letter_pdf(data: LetterData, *, compress: bool = True) -> bytes:
    """Render the confirmation letter as an A4 PDF with the CJK font embedded."""
    title = letter_title(data)
    body = _pdf.style("letter-body", BODY_SIZE, BODY_LEADING, align="justify", firstLineIndent=2 * BODY_SIZE)
    story: list[Flowable] = [
        NextPageTemplate("later"),
        Paragraph(
            _pdf.escape(title), _pdf.style("letter-title", 18, 28, align="center", spaceAfter=BODY_LEADING)
        ),
        Paragraph(
            _pdf.escape(f"{data.addressee or data.organ_name}："),
            _pdf.style("letter-to", BODY_SIZE, BODY_LEADING),
        ),
    ]
    story += [_pdf.paragraph(text, body) for text in letter_paragraphs(data)]  # 避头尾 line breaking
    # Room for the seal, which overlaps signature and date; never split them from each other.
    story.append(KeepTogether([Spacer(1, BODY_LEADING * 1.5), _signature(data)]))
    if names := copies(data):
        story.append(Spacer(1, BODY_LEADING / 2))
        story.append(
            KeepTogether(
                [
                    HRFlowable(width="100%", thickness=1, color=colors.black, spaceAfter=4),
                    _pdf.paragraph(
                        f"抄送：{'，'.join(names)}。",
                        _pdf.style("letter-cc", 13, 20, leftIndent=13, firstLineIndent=0),
                    ),
                    HRFlowable(width="100%", thickness=1, color=colors.black, spaceBefore=4),
                ]
            )
        )

    def make_doc(buffer: BytesIO) -> BaseDocTemplate:
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=title,
            author=data.bureau_name,
            subject=f"{data.document_number} 确认函",
            pageCompression=int(compress),
            **_pdf.REPRODUCIBLE,
        )
        width = PAGE_WIDTH - LEFT - RIGHT
        first = Frame(LEFT, BOTTOM, width, PAGE_HEIGHT - FIRST_PAGE_TOP - BOTTOM, id="first", showBoundary=0)
        later = Frame(LEFT, BOTTOM, width, PAGE_HEIGHT - TOP - BOTTOM, id="later", showBoundary=0)
        doc.addPageTemplates(
            [
                PageTemplate("first", [first], onPage=lambda canvas, _doc: _letterhead(canvas, data)),
                PageTemplate("later", [later]),
            ]
        )
        return doc

    return _pdf.build(make_doc, story, _pdf.with_page_count(_page_number))


def _signature(data: LetterData) -> Table:
    """Bureau name centred over the date; the block ends four characters left of the right margin."""
    date_style = _pdf.style("letter-date", BODY_SIZE, BODY_LEADING, align="center")
    text_width = max(len(data.bureau_name), len(format_date(data.issued_on, data.date_style))) * BODY_SIZE + 8
    table = Table(
        [
            [Paragraph(_pdf.escape(data.bureau_name), date_style), ""],
            [Paragraph(_pdf.escape(format_date(data.issued_on, data.date_style)), date_style), ""],
        ],
        colWidths=[text_width, 4 * BODY_SIZE],
        hAlign="RIGHT",
    )
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _letterhead(canvas: Canvas, data: LetterData) -> None:
    """发文机关标志 in red, red double rule (thick over thin), document number flush right; footer rule."""
    centre = PAGE_WIDTH / 2
    rule_left = centre - RULE_LENGTH / 2
    name_size = 30 if len(data.bureau_name) <= 10 else 24
    _pdf.draw_heading(
        canvas,
        centre,
        PAGE_HEIGHT - 30 * mm - name_size * 0.85,
        data.bureau_name,
        size=name_size,
        color=_pdf.OFFICIAL_RED,
        char_space=name_size * 0.15,
        stroke=0.8,
    )
    top_rule = PAGE_HEIGHT - 30 * mm - name_size * 1.1 - 4 * mm
    canvas.saveState()
    canvas.setStrokeColor(_pdf.OFFICIAL_RED)
    canvas.setLineWidth(2)
    canvas.line(rule_left, top_rule, rule_left + RULE_LENGTH, top_rule)
    canvas.setLineWidth(0.6)
    canvas.line(rule_left, top_rule - 3, rule_left + RULE_LENGTH, top_rule - 3)
    # GB/T 9704 信函格式: a second red double line (thin over thick) 20 mm above the bottom edge.
    canvas.setLineWidth(0.6)
    canvas.line(rule_left, 20 * mm + 3, rule_left + RULE_LENGTH, 20 * mm + 3)
    canvas.setLineWidth(2)
    canvas.line(rule_left, 20 * mm, rule_left + RULE_LENGTH, 20 * mm)
    canvas.setFont(_pdf.cjk_font(), BODY_SIZE)
    canvas.setFillColor(colors.black)
    canvas.drawRightString(PAGE_WIDTH - RIGHT, top_rule - 8 * mm, data.document_number)
    canvas.restoreState()


def _page_number(canvas: Canvas, page: int, total: int) -> None:
    """Page number as "— 2 —" under the type area, only when the letter runs over one page."""
    if total < 2:
        return
    canvas.saveState()
    canvas.setFont(_pdf.cjk_font(), 12)
    canvas.drawCentredString(PAGE_WIDTH / 2, 25 * mm, f"— {page} —")
    canvas.restoreState()
