"""Help pages: how Kaoping reads the regulation where its text is silent (the ids people never need to type)."""

from flask import Blueprint

from webapp.core.help import views

bp = Blueprint("help", __name__, url_prefix="/help")
bp.add_url_rule("/interpretations", view_func=views.interpretations, endpoint="interpretations")
