"""Pages every logged-in user sees."""

from flask import Blueprint

from webapp.core.main import views

bp = Blueprint("main", __name__)
bp.add_url_rule("/", view_func=views.home)
