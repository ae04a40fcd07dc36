"""The ledger's pages (台账计分, issue 10) under ``/ledger``: the office's period results, rankings, advanced units,
closing and recomputing, the bulletin (page, .xlsx, PDF) and charts (views.py, bulletin_views.py); the import
of an office's spreadsheet ledger (import_views.py); a unit's own points and quota progress (unit_views.py).

Every view decides access through `webapp.articles.services.permissions` (can_see_ledger, can_close_ledger,
can_see_unit_points) and reads results through `webapp.articles.services.ledger`.
"""

from flask import Blueprint

bp = Blueprint("articles_ledger", __name__, url_prefix="/ledger")

from webapp.articles.ledger import bulletin_views, chart_views, import_views, unit_views, views  # noqa: E402, F401
