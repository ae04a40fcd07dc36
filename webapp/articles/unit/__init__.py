"""The unit's pages and the article page: my articles by state, write and edit (versions, compare, attachments),
the leader's sign-off queue, returns with reasons, this period's adoptions. Every URL is here."""

from flask import Blueprint

from webapp.articles.unit import article_views, views

bp = Blueprint("articles", __name__, url_prefix="/articles")

# the unit's pages
bp.add_url_rule("/", view_func=views.index, endpoint="index")
bp.add_url_rule("/new", view_func=views.new, endpoint="new", methods=["GET", "POST"])
bp.add_url_rule("/signoff", view_func=views.signoff, endpoint="signoff")
bp.add_url_rule("/returns", view_func=views.returns, endpoint="returns")
bp.add_url_rule("/adoptions", view_func=views.adoptions, endpoint="adoptions")
bp.add_url_rule("/<int:article_id>/edit", view_func=views.edit, endpoint="edit", methods=["GET", "POST"])

# the article page, shared by every role that may see the article
bp.add_url_rule("/<int:article_id>", view_func=article_views.view, endpoint="view")
bp.add_url_rule(
    "/<int:article_id>/events/<event>", view_func=article_views.fire, endpoint="event", methods=["POST"]
)
bp.add_url_rule(
    "/<int:article_id>/delete", view_func=article_views.delete, endpoint="delete", methods=["POST"]
)
bp.add_url_rule("/<int:article_id>/compare", view_func=article_views.compare, endpoint="compare")
bp.add_url_rule("/<int:article_id>/revisions/<int:no>", view_func=article_views.revision, endpoint="revision")
bp.add_url_rule(
    "/<int:article_id>/attachments", view_func=article_views.upload, endpoint="upload", methods=["POST"]
)
bp.add_url_rule(
    "/<int:article_id>/attachments/<int:attachment_id>", view_func=article_views.download, endpoint="download"
)
bp.add_url_rule(
    "/<int:article_id>/attachments/<int:attachment_id>/delete",
    view_func=article_views.remove_attachment,
    endpoint="remove_attachment",
    methods=["POST"],
)
bp.register_error_handler(413, article_views.too_large)
