"""The office's intake: the queue with keyboard triage (receive, return with a reason, adopt in one screen),
possible duplicates, forwarding up, search, and the office's configuration. Every URL is here."""

from flask import Blueprint

from webapp.articles.office import search_views, settings_views, views
from webapp.articles.services import duplicates

bp = Blueprint("articles_office", __name__, url_prefix="/office")

bp.add_url_rule("/articles", view_func=views.intake_page, endpoint="intake")
bp.add_url_rule("/articles/search", view_func=search_views.search_page, endpoint="search")
bp.add_url_rule(
    "/articles/<int:article_id>/triage",
    view_func=views.triage_page,
    endpoint="triage",
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/articles/<int:article_id>/duplicates", view_func=views.duplicates_page, endpoint="duplicates"
)
bp.add_url_rule(
    "/articles/<int:article_id>/forward", view_func=views.forward, endpoint="forward", methods=["POST"]
)
bp.add_url_rule(
    "/articles/<int:article_id>/adoptions",
    view_func=views.adopt_again,
    endpoint="adopt_again",
    methods=["POST"],
)
bp.add_url_rule(
    "/articles/<int:article_id>/adoptions/<int:adoption_id>/cancel",
    view_func=views.cancel_adoption,
    endpoint="cancel_adoption",
    methods=["POST"],
)
bp.add_url_rule(
    "/articles/<int:article_id>/forwardings/<int:forwarding_id>/decide",
    view_func=views.decide_forwarding,
    endpoint="decide_forwarding",
    methods=["POST"],
)
# the office's configuration (信息科负责人)
bp.add_url_rule("/settings", view_func=settings_views.settings, endpoint="settings")
bp.add_url_rule(
    "/settings/publications",
    view_func=settings_views.add_publication,
    endpoint="add_publication",
    methods=["POST"],
)
bp.add_url_rule(
    "/settings/publications/<int:publication_id>",
    view_func=settings_views.edit_publication,
    endpoint="edit_publication",
    methods=["POST"],
)
bp.add_url_rule("/settings/terms", view_func=settings_views.add_term, endpoint="add_term", methods=["POST"])
bp.add_url_rule(
    "/settings/terms/<int:term_id>",
    view_func=settings_views.edit_term,
    endpoint="edit_term",
    methods=["POST"],
)
bp.add_url_rule("/settings/units", view_func=settings_views.add_unit, endpoint="add_unit", methods=["POST"])
bp.add_url_rule(
    "/settings/units/<int:office_unit_id>",
    view_func=settings_views.edit_unit,
    endpoint="edit_unit",
    methods=["POST"],
)
bp.add_url_rule(
    "/settings/timers", view_func=settings_views.set_timers, endpoint="set_timers", methods=["POST"]
)
bp.add_app_template_global(views.office_panel, "office_panel")

# fingerprints of texts that reached an office are written on every flush that changes one (duplicates.py)
duplicates.track_fingerprints()
