"""Charts of a ledger period (台账计分): PNG images to paste into a report, and a small SVG for a unit's dashboard.

Data in, image out: plain rows such as ``[(u["unit"], u["total"]) for u in result["units"]]`` taken from a
``LedgerResult.to_dict()``, no database and no request. The caller decides the order of the rows (rank order,
for instance); a chart draws them as given.

- ``points_by_unit_png``            horizontal bars, one per unit, value at each bar's end; totals may be negative
- ``points_by_month_png``           vertical bars, one per month (「1月」), value above (or below) each bar
- ``adoptions_by_publication_png``  horizontal bars, adoptions (篇) per publication
- ``points_by_month_svg``           the month chart as inline SVG for a unit's dashboard (no extra request)

The PNGs are drawn with matplotlib's object-oriented API on the Agg canvas (never pyplot: it keeps global
figures and is not safe in a web worker), 16 × 9 cm at 200 dpi to fit an A4 report; a long list grows the
image up to 22 cm and then shows the first ``limit`` rows with a note 「另有×个单位未列出」. The same data gives
the same bytes: fixed rcParams, no software/date metadata. Text goes in the project's CJK font
(``webapp.core.documents.fonts.FONT_PATHS``); matplotlib is imported on first use so that starting the app does
not pay for it.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from markupsafe import Markup, escape

from webapp.core.documents.fonts import FONT_PATHS

log = logging.getLogger(__name__)

#: A chart value: what a LedgerResult dict holds (int / float) or the engine's Decimal; None is drawn as 「—」.
Number = int | float | Decimal | None

CM = 1 / 2.54
WIDTH_CM = 16.0
HEIGHT_CM = 9.0
#: A long bar list grows the image by ROW_CM per bar up to MAX_HEIGHT_CM (A4 type area is 22.5 cm high).
MAX_HEIGHT_CM = 22.0
ROW_CM = 0.45
CHROME_CM = 2.8
#: At most this many bars; the rest are counted in a note. 40 × 0.45 cm + chrome stays under MAX_HEIGHT_CM.
DEFAULT_LIMIT = 40
DPI = 200
#: Longest label drawn in full (a unit's name; 16 characters fit a quarter of the width at 7.5 pt).
LABEL_CHARS = 16
TITLE_CHARS = 38
EMPTY_TEXT = "本期暂无数据"

POSITIVE = "#2f5597"
NEGATIVE = "#c0392b"
INK = "#222222"
GRID = "#d9d9d9"
NOTE = "#555555"

#: Everything the drawing depends on, fixed, so the output does not change with a matplotlibrc on the server.
_RC: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 11,
    "figure.titlesize": 11,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    # Unit names are data: "$…$" must be printed, not parsed as mathematics (an unbalanced "$" would fail).
    "text.parse_math": False,
    "text.usetex": False,
    "axes.formatter.use_mathtext": False,
    "axes.unicode_minus": False,
    "text.antialiased": True,
    "text.hinting": "default",
    "path.simplify": True,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 3,
    "ytick.major.size": 0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "figure.constrained_layout.use": True,
}

#: rc_context changes matplotlib's global rcParams and font cache: one chart at a time per process, so that two
#: requests drawing at once cannot restore each other's settings in the middle of a drawing.
_LOCK = threading.Lock()


# --- public ---------------------------------------------------------------------------------------------------


def points_by_unit_png(
    title: str, rows: Sequence[tuple[str, Number]], unit_label: str = "分", *, limit: int = DEFAULT_LIMIT
) -> bytes:
    """Points per unit as horizontal bars in the order given (first row on top), each value at its bar's end;
    a negative total is drawn to the left of the zero line. ``unit_label`` is the scheme's currency (分 / 元).
    More than ``limit`` rows: the first ``limit`` are drawn and a note says how many units are not listed."""
    return _render(
        lambda fig: _hbars(fig, title, rows, unit_label, "另有{}个单位未列出", limit, integer=False)
    )


def points_by_month_png(title: str, months: Sequence[tuple[str, Number]], unit_label: str = "分") -> bytes:
    """Points per month as vertical bars in the order given. A label 'YYYY-MM' is printed 「1月」 (with 「2027年」
    under the first month and under each January when the months span more than one year); other labels as
    given."""
    return _render(lambda fig: _vbars(fig, title, months, unit_label))


def adoptions_by_publication_png(
    title: str, rows: Sequence[tuple[str, Number]], *, limit: int = DEFAULT_LIMIT
) -> bytes:
    """Adoptions (篇) per publication as horizontal bars in the order given, the count at each bar's end."""
    return _render(lambda fig: _hbars(fig, title, rows, "篇", "另有{}种刊物未列出", limit, integer=True))


def points_by_month_svg(
    months: Sequence[tuple[str, Number]], unit_label: str = "分", *, title: str = ""
) -> Markup:
    """The month chart as an inline ``<svg>`` (Markup: safe to put in a template as is; every text escaped).

    It scales to its container's width, takes the page's font and colour, and names each bar in a tooltip
    (「3月：20分」); value labels are printed while there is room for them. ``title`` is the accessible name of
    the image; the page prints its own heading."""
    name = escape(_clean(title, TITLE_CHARS) if title else "各月得分")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{name}" class="ledger-month-chart" '
    )
    if not months:
        return Markup(
            f'{head}viewBox="0 0 640 60" width="100%"><title>{name}</title>'
            f'<text x="320" y="34" text-anchor="middle" font-size="13" fill="currentColor">{EMPTY_TEXT}</text>'
            "</svg>"
        )
    unit = escape(_clean(unit_label, 4))
    labels = [label.split("\n") for label in _month_labels([label for label, _ in months], two_lines=True)]
    values = [_value(v) for _, v in months]
    width, height = 640.0, 220.0
    left, right = 8.0, 632.0
    bottom = height - (34.0 if any(len(lines) > 1 for lines in labels) else 20.0)
    slot = (right - left) / len(values)
    bar = slot * 0.6
    numbered = slot >= 28  # room for a value label such as "-12.5" over each bar
    lo = min(0.0, *(v for v, _ in values))
    hi = max(0.0, *(v for v, _ in values))
    # The plot leaves a value label's height above the highest bar and below the lowest (negative) one.
    top = 22.0 + (14.0 if numbered and hi > 0 else 0.0)
    floor = bottom - (14.0 if numbered and lo < 0 else 0.0)
    scale = (floor - top) / ((hi - lo) or 1.0)
    zero = top + hi * scale
    parts = [
        f'{head}viewBox="0 0 {width:.0f} {height:.0f}" width="100%"><title>{name}</title>',
        f'<text x="{left:.1f}" y="12" font-size="11" fill="currentColor" opacity="0.7">单位：{unit}</text>',
    ]
    for i, ((value, text), lines) in enumerate(zip(values, labels, strict=True)):
        x = left + slot * i + (slot - bar) / 2
        y, h = (zero - value * scale, value * scale) if value >= 0 else (zero, -value * scale)
        colour = NEGATIVE if value < 0 else POSITIVE
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(h, 0.5):.1f}" fill="{colour}">'
            f"<title>{escape(''.join(reversed(lines)))}：{escape(text)}{unit}</title></rect>"
        )
        centre = x + bar / 2
        if numbered:
            ty = y - 3 if value >= 0 else y + h + 11
            parts.append(
                f'<text x="{centre:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="10" '
                f'fill="currentColor">{escape(text)}</text>'
            )
        if _show_month(i, labels, slot):
            for row, line in enumerate(lines):
                parts.append(
                    f'<text x="{centre:.1f}" y="{bottom + 15 + 13 * row:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="currentColor">{escape(line)}</text>'
                )
    parts.append(
        f'<line x1="{left:.1f}" y1="{zero:.1f}" x2="{right:.1f}" y2="{zero:.1f}" '
        'stroke="currentColor" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _show_month(i: int, labels: list[list[str]], slot: float) -> bool:
    """Whether the i-th month label is printed on a crowded axis: one every n slots (a label is ~11 px a
    character), always the ones carrying a year, and none right beside those."""
    widest = max(len(line) for lines in labels for line in lines)
    every = max(1, math.ceil((11 * widest + 6) / slot))
    if len(labels[i]) > 1 or every == 1:
        return True
    near = range(max(0, i - every + 1), min(len(labels), i + every))
    return i % every == 0 and not any(len(labels[j]) > 1 for j in near)


# --- drawing --------------------------------------------------------------------------------------------------


def _render(draw: Any) -> bytes:
    """Draw on a fresh Figure (Agg canvas) under the fixed rcParams and return the PNG bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK, matplotlib.rc_context(_RC | {"font.family": [_font_family()]}):
        fig = Figure(figsize=(WIDTH_CM * CM, HEIGHT_CM * CM), dpi=DPI)
        canvas = FigureCanvasAgg(fig)
        try:
            draw(fig)
            out = BytesIO()
            # No "Software" entry (matplotlib's version stamp): same data, same bytes, for a given matplotlib and
            # FreeType (an upgrade of either may move a pixel).
            fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            _let_go(fig, canvas)
    return out.getvalue()


def _let_go(fig: Any, canvas: Any) -> None:
    """Free a drawn figure now. A figure, its canvas and its artists refer to one another, so none is freed when
    the drawing returns: each waited for the cyclic collector's next full pass with its pixel buffer (~4 MB at
    16 × 9 cm, 200 dpi) and the ~2.5 MB of its artists, and a worker that drew a few charts between two passes
    grew by ~50 MB (issue 12: a worker ≤ 200 MB). Dropping the artists and the renderer frees those at once; what
    is left for the collector is ~0.5 MB a chart. The canvas is never drawn on again (``_lastKey`` forgotten
    with the renderer, so it could not hand back the one dropped)."""
    fig.clear()
    canvas.renderer = None
    canvas._lastKey = None


def _empty(fig: Any, title: str) -> None:
    fig.suptitle(_text(title, TITLE_CHARS))
    fig.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", fontsize=12, color=NOTE)


def _hbars(
    fig: Any,
    title: str,
    rows: Sequence[tuple[str, Number]],
    axis_label: str,
    more: str,
    limit: int,
    *,
    integer: bool,
) -> None:
    if not rows:
        _empty(fig, title)
        return
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    shown = list(rows[: max(1, limit)])
    hidden = len(rows) - len(shown)
    fig.set_size_inches(WIDTH_CM * CM, _height_cm(len(shown)) * CM)
    fig.suptitle(_text(title, TITLE_CHARS))
    ax = fig.add_subplot()
    values = [_value(v) for _, v in shown]
    floats = [v for v, _ in values]
    ys = list(range(len(shown)))
    ax.barh(ys, floats, height=0.62, color=[NEGATIVE if v < 0 else POSITIVE for v in floats])
    ax.set_yticks(ys, [_text(name, LABEL_CHARS) or "（未命名）" for name, _ in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)  # first row on top
    lo, hi = _limits(floats)
    ax.set_xlim(lo, hi)
    ax.axvline(0, color=INK, linewidth=0.8)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _number_text(x)))
    if integer:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_text(axis_label, 4), loc="right")
    for y, (value, text) in zip(ys, values, strict=True):
        ax.annotate(
            text,
            (value, y),
            xytext=(3 if value >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=7,
        )
    if hidden > 0:
        fig.supxlabel(more.format(hidden), fontsize=7.5, color=NOTE)


def _vbars(fig: Any, title: str, months: Sequence[tuple[str, Number]], unit_label: str) -> None:
    if not months:
        _empty(fig, title)
        return
    from matplotlib.ticker import FuncFormatter

    fig.suptitle(_text(title, TITLE_CHARS))
    ax = fig.add_subplot()
    labels = _month_labels([label for label, _ in months], two_lines=True)
    values = [_value(v) for _, v in months]
    floats = [v for v, _ in values]
    xs = list(range(len(months)))
    ax.bar(xs, floats, width=0.6, color=[NEGATIVE if v < 0 else POSITIVE for v in floats])
    crowded = len(xs) > 12
    ticks = ["\n".join(_text(line, 10) for line in label.split("\n")) for label in labels]
    ax.set_xticks(xs, ticks, fontsize=6 if crowded else 7.5)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    lo, hi = _limits(floats)
    ax.set_ylim(lo, hi)
    ax.axhline(0, color=INK, linewidth=0.8)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: _number_text(y)))
    ax.set_ylabel(_text(unit_label, 4), rotation=0, loc="top")
    if len(xs) <= 24:
        for x, (value, text) in zip(xs, values, strict=True):
            ax.annotate(
                text,
                (x, value),
                xytext=(0, 2 if value >= 0 else -2),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=6.5 if crowded else 7,
            )


def _height_cm(bars: int) -> float:
    return min(MAX_HEIGHT_CM, max(HEIGHT_CM, CHROME_CM + ROW_CM * bars))


def _limits(values: list[float]) -> tuple[float, float]:
    """Axis range with zero in it and room beyond the longest bars for their value labels."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    if lo == hi:
        return 0.0, 1.0
    pad = (hi - lo) * 0.14
    return (lo - pad if lo < 0 else 0.0), (hi + pad if hi > 0 else 0.0)


# --- text and numbers -----------------------------------------------------------------------------------------


def _value(value: Number) -> tuple[float, str]:
    """(the bar's length, its label). None or a non-finite number draws no bar and reads 「—」."""
    number = _decimal(value)
    if number is None:
        return 0.0, "—"
    return float(number), _decimal_text(number)


def _decimal(value: Number) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(int(value))
        else:  # a float, numpy's float64 (tick positions) included: its shortest repr, not its binary expansion
            number = Decimal(repr(float(value)))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _decimal_text(number: Decimal) -> str:
    """20 not 20.00, 12.5, -0.25; at most two decimals (a point table has no finer step)."""
    text = format(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _number_text(value: float) -> str:
    number = _decimal(value)
    return "" if number is None else _decimal_text(number)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month_labels(labels: list[str], *, two_lines: bool) -> list[str]:
    """'2027-01' → 「1月」; across years the first month and each January carry the year: 「2027年1月」, or with
    ``two_lines`` 「1月」 over 「2027年」 so that a crowded axis does not run the labels into each other."""
    parsed = [_MONTH.match(str(label).strip()) for label in labels]
    years = {m.group(1) for m in parsed if m}
    out = []
    for i, (label, m) in enumerate(zip(labels, parsed, strict=True)):
        if not m or not 1 <= int(m.group(2)) <= 12:
            out.append(_clean(str(label), 10))
            continue
        year, month = m.group(1), int(m.group(2))
        if len(years) > 1 and (i == 0 or month == 1):
            out.append(f"{month}月\n{year}年" if two_lines else f"{year}年{month}月")
        else:
            out.append(f"{month}月")
    return out


def _clean(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters: control characters become spaces, format characters
    (such as a right-to-left override) go, a longer text ends in 「…」."""
    kept = []
    for char in str(text):
        category = unicodedata.category(char)
        if category == "Cc" or char.isspace():
            kept.append(" ")
        elif category not in ("Cf", "Cs", "Co"):
            kept.append(char)
    line = " ".join("".join(kept).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _text(text: str, limit: int) -> str:
    """_clean for the PNG: characters the font cannot draw (an emoji) become one 「□」 per run."""
    glyphs = _font_glyphs()
    out: list[str] = []
    for char in _clean(text, limit):
        if glyphs and ord(char) not in glyphs:
            if not out or out[-1] != "□":
                out.append("□")
        else:
            out.append(char)
    return "".join(out)


@functools.cache
def _font() -> tuple[str, str]:
    """(family name, file) of the CJK font, registered with matplotlib once; matplotlib's default font if the
    file is missing (the chart still draws, Chinese as empty boxes, and the log says why)."""
    from matplotlib import font_manager

    for path in FONT_PATHS:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name(), str(path)
    log.warning("CJK font not found in %s; charts use matplotlib's default font", FONT_PATHS)
    fallback = font_manager.FontProperties(family="DejaVu Sans")
    return fallback.get_name(), font_manager.findfont(fallback)


def _font_family() -> str:
    return _font()[0]


@functools.cache
def _font_glyphs() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(_font()[1]).get_charmap())
    except (OSError, RuntimeError):  # unreadable font file: draw the text as it is
        return frozenset()
