"""Commissions (约稿), urgent reports with their timers (紧急信息) and incidents, for the office and its units.
Every URL is here."""

from flask import Blueprint

bp = Blueprint("articles_requests", __name__, url_prefix="/requests")
