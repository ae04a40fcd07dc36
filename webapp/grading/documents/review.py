"""评审结论: the panel's printable review conclusion (ARC-10.4.5 step 3: 「逐项评议(评分)，形成评审结论」).

One agreed score per item (GAP-12); total against the pass line, 90 for 省一级 and 80 for 省二级, reached when
equal (ARC-7.2); 省特级 has a panel conclusion and no points line (ARC-6.1, GAP-11); any veto (一票否决) fails
the review. The score table may run over many pages: its header row repeats on each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from webapp.core.documents import _pdf
from webapp.grading.documents.labels import DateStyle, Points, format_date, kind_of, level_of
from workflow.ruleset import Ruleset
from workflow.scoring.numbers import format_points

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN
#: 序号 | 考核项目 | 分数 | 评审评分 | 扣分原因
SCORE_COLUMNS = (14 * mm, 72 * mm, 16 * mm, 20 * mm, TABLE_WIDTH - 122 * mm)


@dataclass(frozen=True)
class ReviewItem:
    """One line of the scoring table."""

    #: Number as printed in the scheme, e.g. "3" or "2.1".
    number: str
    #: 考核项目: what is assessed.
    title: str
    #: 分数: the item's maximum.
    max_points: Points
    #: 评审评分: the panel's agreed score (GAP-12); None for an item not scored (e.g. a level-only item).
    score: Points | None
    #: 扣分原因: why points were deducted; empty when full marks.
    reason: str = ""


@dataclass(frozen=True)
class ReviewSection:
    """A section of the scoring table (e.g. 一、组织管理) with its items."""

    #: Section number as printed, e.g. "一".
    number: str
    title: str
    items: Sequence[ReviewItem]


@dataclass(frozen=True)
class PanelMember:
    """A member of the review panel (3–5, 5–7 or 7–9 persons, ARC-10.4.2–10.4.4); signs on paper."""

    name: str
    #: 评审组职务: 组长 / 副组长 / 成员.
    role: str
    #: 工作单位, e.g. "宜昌市档案局".
    affiliation: str = ""


@dataclass(frozen=True)
class ReviewData:
    """A review (or recheck) conclusion as the panel signs it."""

    #: The organ reviewed, e.g. "宜昌市财政局".
    organ_name: str
    #: The case's ruleset: the words for the level and kind, the default pass line, the programme.
    ruleset: Ruleset
    #: Level sought, an id of the ruleset (``first``).
    level: str
    #: Kind id (``evaluation``, ``recheck``).
    kind: str
    #: Bureau that organised the review (section 6 of the rules), e.g. "宜昌市档案局".
    organizer: str
    #: Day of the on-site review.
    reviewed_on: dt.date
    #: The scoring table, in scheme order.
    sections: Sequence[ReviewSection]
    #: The panel, leader first.
    panel: Sequence[PanelMember]
    #: Points line; defaults to the level's pass line in the ruleset, none for an unscored level (ARC-7.2, GAP-11).
    pass_line: Points | None = None
    #: Panel total; defaults to the sum of the item scores (GAP-12). Give it when bonuses or caps apply.
    total: Points | None = None
    #: Veto items (一票否决) found, one note each; any veto fails the review.
    vetoes: Sequence[str] = ()
    #: The panel's conclusion; computed from total, pass line and vetoes when None. Required for 省特级.
    passed: bool | None = None
    #: Sections below their minimum (each fails the review), one note each.
    failures: Sequence[str] = ()
    #: Free text for 评审意见 (strengths, points to improve): the panel's own words; optional.
    remarks: str = ""
    #: A note printed small under the score table (e.g. that the table is a sample); optional.
    note: str = ""
    #: "arabic" (2027年3月10日) or "hanzi" (二〇二七年三月十日).
    date_style: DateStyle = "arabic"


def review_pass_line(data: ReviewData) -> Points | None:
    return data.pass_line if data.pass_line is not None else level_of(data.ruleset, data.level).pass_line


def review_total(data: ReviewData) -> Decimal:
    if data.total is not None:
        return Decimal(str(data.total))
    return sum(
        (
            Decimal(str(item.score))
            for section in data.sections
            for item in section.items
            if item.score is not None
        ),
        Decimal(0),
    )


def review_passed(data: ReviewData) -> bool:
    """The conclusion: no veto and total ≥ pass line (90.0 passes 省一级, GAP-12), unless the panel says."""
    line = review_pass_line(data)
    computed: bool | None = None
    if line is not None:
        computed = not data.vetoes and review_total(data) >= Decimal(str(line))
    if data.passed is None:
        if computed is None:
            raise ValueError(
                "an unscored level has no points line (GAP-11): give the panel's conclusion as `passed`"
            )
        return computed
    if data.passed and data.vetoes:
        raise ValueError("a review with a veto (一票否决) cannot pass")
    return data.passed


def review_supertitle(data: ReviewData) -> str:
    """The programme and the procedure over the title: 「…目标管理等级考评」."""
    return f"{data.ruleset.documents.programme}等级{data.ruleset.granting_kind.name}"


def review_conclusion_text(data: ReviewData) -> str:
    """「达到省一级标准」 or 「未达到省一级标准」."""
    level = level_of(data.ruleset, data.level).name
    return f"达到{level}标准" if review_passed(data) else f"未达到{level}标准"


def review_conclusion_pdf(data: ReviewData, *, compress: bool = True) -> bytes:
    """Render the review conclusion as an A4 PDF (table over as many pages as needed, CJK font embedded)."""
    level = level_of(data.ruleset, data.level).name
    kind = kind_of(data.ruleset, data.kind).name
    heading = f"{data.organ_name}档案工作{level}{kind}评审结论"
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(review_supertitle(data), styles["supertitle"]),
        Paragraph("评 审 结 论", styles["title"]),
        _facts(data, styles),
        Spacer(1, 6 * mm),
        Paragraph("一、评审评分", styles["heading"]),
        _score_table(data, styles),
        *([Spacer(1, 2 * mm), _p("注：" + data.note, styles["note"])] if data.note else []),
        Spacer(1, 5 * mm),
        KeepTogether([Paragraph("二、评审结论", styles["heading"]), *_conclusion(data, styles)]),
        Spacer(1, 5 * mm),
        KeepTogether([Paragraph("三、评审组成员签名", styles["heading"]), _panel_table(data, styles)]),
    ]

    def make_doc(buffer: BytesIO) -> BaseDocTemplate:
        return SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=20 * mm,
            bottomMargin=18 * mm,
            title=heading,
            author=data.organizer,
            subject="评审结论",
            pageCompression=int(compress),
            **_pdf.REPRODUCIBLE,
        )

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(_pdf.cjk_font(), 9)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawCentredString(PAGE_WIDTH / 2, 10 * mm, f"第 {page} 页  共 {total} 页")
        if page > 1:
            canvas.drawString(MARGIN, PAGE_HEIGHT - 12 * mm, heading)
            canvas.setStrokeColor(colors.HexColor("#999999"))
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, PAGE_HEIGHT - 14 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 14 * mm)
        canvas.restoreState()

    return _pdf.build(make_doc, story, _pdf.with_page_count(decorate))


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "supertitle": _pdf.style("rv-supertitle", 14, 20, align="center"),
        "title": _pdf.style("rv-title", 22, 32, align="center", spaceAfter=4 * mm),
        "heading": _pdf.style("rv-heading", 13, 20, spaceBefore=2, spaceAfter=4),
        "cell": _pdf.style("rv-cell", 10, 13.5),
        "cell-center": _pdf.style("rv-cell-center", 10, 13.5, align="center"),
        "cell-head": _pdf.style("rv-cell-head", 10.5, 14, align="center"),
        "section": _pdf.style("rv-section", 10.5, 14),
        "body": _pdf.style("rv-body", 12, 20, firstLineIndent=24),
        "verdict": _pdf.style("rv-verdict", 15, 22, align="center"),
        "veto": _pdf.style("rv-veto", 11, 17, leftIndent=24),
        "note": _pdf.style("rv-note", 9, 13),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text as a paragraph broken by the Chinese line rule (no line starts with 「，」)."""
    return _pdf.paragraph(text, style)


def _facts(data: ReviewData, styles: dict) -> Table:
    line = review_pass_line(data)
    line_text = f"{format_points(line)}分" if line is not None else "无分数线（现场评议结合抽查）"
    cell, head = styles["cell"], styles["cell-head"]
    rows = [
        [
            _p("被考评机关", head),
            _p(data.organ_name, cell),
            _p("考评等级", head),
            _p(level_of(data.ruleset, data.level).name, cell),
        ],
        [
            _p("考评类型", head),
            _p(kind_of(data.ruleset, data.kind).name, cell),
            _p("组织评审机关", head),
            _p(data.organizer, cell),
        ],
        [
            _p("评审日期", head),
            _p(format_date(data.reviewed_on, data.date_style), cell),
            _p("达标分数线", head),
            _p(line_text, cell),
        ],
    ]
    table = Table(rows, colWidths=[28 * mm, 59 * mm, 28 * mm, TABLE_WIDTH - 115 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), _pdf.HEADER_GREY),
                ("BACKGROUND", (2, 0), (2, -1), _pdf.HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _score_table(data: ReviewData, styles: dict) -> LongTable:
    cell, centre, head = styles["cell"], styles["cell-center"], styles["cell-head"]
    rows: list[list] = [[_p(text, head) for text in ("序号", "考核项目", "分数", "评审评分", "扣分原因")]]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), _pdf.HEADER_GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    grand_max = Decimal(0)
    for section in data.sections:
        section_max = sum((Decimal(str(item.max_points)) for item in section.items), Decimal(0))
        scored = [Decimal(str(item.score)) for item in section.items if item.score is not None]
        section_score = format_points(sum(scored, Decimal(0))) if scored else ""
        grand_max += section_max
        commands.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), _pdf.SECTION_GREY))
        rows.append(
            [
                _p(section.number, centre),
                _p(section.title, styles["section"]),
                _p(format_points(section_max), centre),
                _p(section_score, centre),
                "",
            ]
        )
        for item in section.items:
            rows.append(
                [
                    _p(item.number, centre),
                    _p(item.title, cell),
                    _p(format_points(item.max_points), centre),
                    _p(format_points(item.score) if item.score is not None else "—", centre),
                    _p(item.reason, cell),
                ]
            )
    commands.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), _pdf.HEADER_GREY))
    commands.append(("SPAN", (0, len(rows)), (1, len(rows))))
    rows.append(
        [
            _p("合计", head),
            "",
            _p(format_points(grand_max), centre),
            _p(format_points(review_total(data)), centre),
            _p("", cell),
        ]
    )
    table = LongTable(rows, colWidths=list(SCORE_COLUMNS), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _conclusion(data: ReviewData, styles: dict) -> list[Flowable]:
    level = level_of(data.ruleset, data.level).name
    line = review_pass_line(data)
    flowables: list[Flowable] = []
    if line is not None:
        total = format_points(review_total(data))
        reached = "达到" if review_total(data) >= Decimal(str(line)) else "未达到"
        flowables.append(
            _p(f"评审总分{total}分，{reached}{level}达标分数线（{format_points(line)}分）。", styles["body"])
        )
    else:
        flowables.append(
            _p(f"{level}采取现场评议结合抽查系统档案工作的方式进行，不设分数线。", styles["body"])
        )
    if data.vetoes:
        flowables.append(_p("存在以下一票否决事项：", styles["body"]))
        flowables += [_p(f"{n}. {note}", styles["veto"]) for n, note in enumerate(data.vetoes, start=1)]
    else:
        flowables.append(_p("未发现一票否决事项。", styles["body"]))
    flowables += [_p(failure + "。", styles["body"]) for failure in data.failures]
    if data.remarks:
        flowables.append(_p(f"评审意见：{data.remarks}", styles["body"]))
    verdict = review_conclusion_text(data)
    flowables.append(_p("经评审组逐项评议（评分），形成评审结论如下：", styles["body"]))
    box = Table(
        [[_p(f"{data.organ_name}档案工作{verdict}", styles["verdict"])]], colWidths=[TABLE_WIDTH - 24 * mm]
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black if review_passed(data) else _pdf.OFFICIAL_RED),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    flowables += [Spacer(1, 2 * mm), box]
    return flowables


def _panel_table(data: ReviewData, styles: dict) -> Table:
    cell, centre, head = styles["cell"], styles["cell-center"], styles["cell-head"]
    rows: list[list] = [[_p(text, head) for text in ("序号", "姓名", "评审组职务", "工作单位", "签名")]]
    for number, member in enumerate(data.panel, start=1):
        rows.append(
            [
                _p(str(number), centre),
                _p(member.name, centre),
                _p(member.role, centre),
                _p(member.affiliation, cell),
                "",
            ]
        )
    rows.append([_p("评审日期", head), "", _p(format_date(data.reviewed_on, data.date_style), cell), "", ""])
    table = Table(
        rows,
        colWidths=[14 * mm, 28 * mm, 26 * mm, 62 * mm, TABLE_WIDTH - 130 * mm],
        rowHeights=[None] + [11 * mm] * len(data.panel) + [None],
    )
    last = len(rows) - 1
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), _pdf.HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("SPAN", (0, last), (1, last)),
                ("SPAN", (2, last), (-1, last)),
            ]
        )
    )
    return table
