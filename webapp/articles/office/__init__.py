"""The office's intake: the queue with keyboard triage (receive, return with a reason, adopt in one screen),
possible duplicates, forwarding up, search, and the office's configuration. Every URL is here."""

from flask import Blueprint

bp = Blueprint("articles_office", __name__, url_prefix="/office")
