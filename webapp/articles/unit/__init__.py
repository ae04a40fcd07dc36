"""The unit's pages and the article page: my articles by state, write and edit (versions, compare, attachments),
the leader's sign-off queue, returns with reasons, this period's adoptions. Every URL is here."""

from flask import Blueprint

bp = Blueprint("articles", __name__, url_prefix="/articles")
