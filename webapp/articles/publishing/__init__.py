"""Issues of the office's publications (assembly, order, numbers, lock, corrections, .docx/PDF) and leaders'
instructions (批示) with their follow-ups. Every URL is here."""

from typing import Any

from flask import Blueprint, url_for
from flask_login import current_user

from webapp.articles.publishing import views
from webapp.articles.services import instructions

bp = Blueprint("articles_publishing", __name__, url_prefix="/office/publishing")

bp.add_url_rule("/", view_func=views.index, endpoint="index")
bp.add_url_rule(
    "/publications/<int:publication_id>/issues",
    view_func=views.issue_list,
    endpoint="issues",
    methods=["GET", "POST"],
)
bp.add_url_rule("/issues/<int:issue_id>", view_func=views.issue, endpoint="issue")
bp.add_url_rule(
    "/issues/<int:issue_id>/details", view_func=views.issue_details, endpoint="details", methods=["POST"]
)
bp.add_url_rule(
    "/issues/<int:issue_id>/items", view_func=views.add_items, endpoint="add_items", methods=["POST"]
)
bp.add_url_rule(
    "/issues/<int:issue_id>/items/<int:item_id>/move/<direction>",
    view_func=views.move_item,
    endpoint="move_item",
    methods=["POST"],
)
bp.add_url_rule(
    "/issues/<int:issue_id>/items/<int:item_id>/remove",
    view_func=views.remove_item,
    endpoint="remove_item",
    methods=["POST"],
)
bp.add_url_rule(
    "/issues/<int:issue_id>/items/<int:item_id>/text",
    view_func=views.item_text,
    endpoint="item_text",
    methods=["GET", "POST"],
)
bp.add_url_rule("/issues/<int:issue_id>/order", view_func=views.reorder, endpoint="reorder", methods=["POST"])
bp.add_url_rule("/issues/<int:issue_id>/lock", view_func=views.lock, endpoint="lock", methods=["POST"])
bp.add_url_rule(
    "/issues/<int:issue_id>/corrections", view_func=views.correct, endpoint="correct", methods=["POST"]
)
bp.add_url_rule("/issues/<int:issue_id>/export.<fmt>", view_func=views.export, endpoint="export")
bp.add_url_rule("/instructions", view_func=views.instruction_list, endpoint="instructions")
bp.add_url_rule(
    "/instructions/new", view_func=views.instruction_new, endpoint="instruction_new", methods=["GET", "POST"]
)
bp.add_url_rule(
    "/instructions/<int:instruction_id>/follow-ups",
    view_func=views.follow_up_new,
    endpoint="follow_up_new",
    methods=["GET", "POST"],
)
bp.add_url_rule("/follow-ups", view_func=views.follow_up_list, endpoint="follow_ups")
bp.add_url_rule(
    "/follow-ups/<int:follow_up_id>", view_func=views.follow_up, endpoint="follow_up", methods=["GET", "POST"]
)


@bp.app_context_processor
def publishing_helpers() -> dict[str, Any]:
    """For the article page's partial (templates/articles/article/_publishing_actions.html): the article's
    instructions, the issues it was printed in, and whether the person may enter an instruction."""

    def publishing_records(article: Any) -> instructions.ArticleRecords:
        return instructions.article_records(current_user, article)

    return {"publishing_records": publishing_records, "article_url": article_url}


def article_url(article_id: int) -> str:
    """The article's page (the unit area's ``/articles/<id>``)."""
    return url_for("articles.view", article_id=article_id)
