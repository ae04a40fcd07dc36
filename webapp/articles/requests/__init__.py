"""Commissions (约稿), urgent reports with their timers (紧急信息) and incidents, for the office and its units.
Every URL is here."""

from flask import Blueprint

from webapp.articles.requests import commission_views, incident_views, partial, urgent_views, views

bp = Blueprint("articles_requests", __name__, url_prefix="/requests")
bp.context_processor(views.template_helpers)

bp.add_url_rule("/commissions", view_func=commission_views.index, endpoint="commissions")
bp.add_url_rule(
    "/commissions/new", view_func=commission_views.new, endpoint="commission_new", methods=["GET", "POST"]
)
bp.add_url_rule("/commissions/<int:commission_id>", view_func=commission_views.show, endpoint="commission")
bp.add_url_rule(
    "/commissions/<int:commission_id>/cancel",
    view_func=commission_views.cancel,
    endpoint="commission_cancel",
    methods=["POST"],
)
bp.add_url_rule("/urgent", view_func=urgent_views.board, endpoint="urgent")
bp.add_url_rule("/urgent/new", view_func=urgent_views.new, endpoint="urgent_new", methods=["GET", "POST"])
bp.add_url_rule("/urgent/<int:event_id>", view_func=urgent_views.show, endpoint="urgent_event")
bp.add_url_rule(
    "/urgent/<int:event_id>/close", view_func=urgent_views.close, endpoint="urgent_close", methods=["POST"]
)
bp.add_url_rule(
    "/urgent/<int:event_id>/dismiss-late",
    view_func=urgent_views.dismiss_late,
    endpoint="urgent_dismiss_late",
    methods=["POST"],
)
bp.add_url_rule("/incidents", view_func=incident_views.index, endpoint="incidents")
bp.add_url_rule(
    "/incidents/new", view_func=incident_views.new, endpoint="incident_new", methods=["GET", "POST"]
)
bp.add_url_rule("/incidents/<int:incident_id>", view_func=incident_views.show, endpoint="incident")
bp.add_url_rule(
    "/incidents/<int:incident_id>/withdraw",
    view_func=incident_views.withdraw,
    endpoint="incident_withdraw",
    methods=["POST"],
)
# the article page (the unit helper's) includes templates/articles/article/_requests_actions.html
bp.add_app_template_global(partial.article_requests, "article_requests")
