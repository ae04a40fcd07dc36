"""A unit's dashboard (我的计分, ``GET /ledger/mine?period=&office=``): this period's points and the lines that make
them, quota progress with what is missing and the day by which an article must be published to count (ZG-6.6),
its rank among the units ranked with it, a chart of its points by month and its articles with their points.

For the officers, leaders in charge and reading leaders of a unit; anyone else is answered 404 (as is an office
the unit does not write to). What a unit may read is decided in `services.ledger_units`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import render_template, request
from flask_login import current_user

from webapp.articles.ledger import bp
from webapp.articles.models.ledger import LEDGER_STATE_LABELS
from webapp.articles.services import ledger_units
from webapp.articles.services.ledger_units import MonthPoints
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import id_arg, page_arg
from webapp.core.services.errors import InvalidInput
from workflow.scoring.ledger.result import fmt

# -- the chart: an inline SVG drawn here, no script, no image (it must work on a phone and in print) ------------

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 16, 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    negative: bool
    #: where the value's label sits (above a positive bar, below a negative one)
    value_y: float
    center: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    zero_y: float
    top_label: str
    bottom_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    #: the month names under the bars (a negative bar's value label sits between the bar and them)
    label_y: float = HEIGHT - 6


def month_chart(points: list[MonthPoints]) -> Chart | None:
    """Bars for each month's points, scaled to the largest magnitude; a negative month goes below the zero line."""
    if not points:
        return None
    values = [p.points for p in points]
    high = max([Decimal(0), *values])
    low = min([Decimal(0), *values])
    plot = Decimal(HEIGHT - TOP - BOTTOM)
    span = high - low
    # all zero: the zero line at the bottom, no bar; else the line splits the plot in proportion
    zero_y = TOP + float(high / span * plot) if span else HEIGHT - BOTTOM
    span = span or Decimal(1)
    slot = (WIDTH - LEFT - RIGHT) / 12
    bars = []
    for index, month in enumerate(points):
        size = float(abs(month.points) / span * plot)
        negative = month.points < 0
        x = LEFT + index * slot + slot * 0.15
        y = zero_y if negative else zero_y - size
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(y, 1),
                width=round(slot * 0.7, 1),
                height=round(size, 1),
                label=month.label,
                value=fmt(month.points),
                negative=negative,
                value_y=round(zero_y + size + 10 if negative else zero_y - size - 3, 1),
                center=round(x + slot * 0.35, 1),
            )
        )
    return Chart(bars, round(zero_y, 1), fmt(high), fmt(low))


# -- the page --------------------------------------------------------------------------------------------------


@login_required
def mine() -> tuple[str, int]:
    """The unit's dashboard for one of its offices and one period (default: the office's current period)."""
    office, offices = ledger_units.member_office(current_user, id_arg("office"))
    typed = request.args.get("period", "")
    common = {
        "office": office,
        "offices": offices,
        "typed": typed[:20],
        "periods": ledger_units.recent_periods(office),
        "state_labels": LEDGER_STATE_LABELS,
    }
    try:
        period = ledger_units.period_or_current(office, typed)
    except InvalidInput as refused:  # the form keeps what was typed, the message beside it
        return render_template("articles/ledger/unit_dashboard.html", error=refused.message, **common), 400
    reading = ledger_units.reading(
        current_user, office, period, current_user.organisation_id, page=page_arg()
    )
    return render_template(
        "articles/ledger/unit_dashboard.html",
        error=None,
        period=period,
        reading=reading,
        chart=month_chart(reading.months),
        today=clock.today(),
        **common,
    ), 200


bp.add_url_rule("/mine", view_func=mine, endpoint="mine")
