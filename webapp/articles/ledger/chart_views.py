"""The ledger's charts as PNG images an office pastes into a report: points by unit for the period (the frozen
result once closed), points by month over the period's year, adoptions by publication in the period."""

from __future__ import annotations

from collections import Counter

from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.articles.documents import charts
from webapp.articles.ledger import bp
from webapp.articles.models import ArticleOffice
from webapp.articles.services import ledger, ledger_months, permissions
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.services.errors import ServiceError
from workflow.scoring.ledger import Period
from workflow.scoring.ledger.period import month_index

CHARTS = ("units", "months", "publications")


@bp.get("/<period>/charts/<name>.png")
@login_required
def chart(period: str, name: str) -> Response:
    office = permissions.office_of(current_user)
    if office is None or not permissions.can_see_ledger(current_user, office) or name not in CHARTS:
        abort(404)
    try:
        when = ledger.period_from(period)
        png = ledger.drawn(office, when, name, lambda: _draw(office, when, name))
    except ServiceError:
        abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="ledger-{when.label}-{name}.png"'
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _draw(office: ArticleOffice, when: Period, name: str) -> bytes:
    if name == "units":
        result = ledger.view(office, when).result
        rows = sorted(((u["unit"], u["total"]) for u in result["units"]), key=lambda row: -row[1])
        return charts.points_by_unit_png(f"{when.chinese}各单位得分", rows, result.get("currency", "分"))
    if name == "months":
        months = ledger_months.points_by_month(office, when.year)
        rows = [(m["month"], sum(m["units"].values())) for m in months]
        return charts.points_by_month_png(f"{when.year}年各月稿件得分", rows)
    scheme = ledger.require_scheme(office)
    who = ledger.roster(office, scheme)
    # the period's adoptions counted as they are read, never all held (a year of 宜昌's in the generated province:
    # ~100,000, the worker grew by ~8 MB reading them at once)
    collected = ledger.records(office, scheme, when, who, clock.today(), by_unit=True)
    names = ledger.publication_names(office, scheme)
    counted = Counter(
        names[a.publication] for a in collected.by_unit or () if month_index(a.day, scheme.cutoff_day) in when
    )
    rows = sorted(counted.items(), key=lambda row: (-row[1], row[0]))
    return charts.adoptions_by_publication_png(f"{when.chinese}各刊物采用篇数", rows)
