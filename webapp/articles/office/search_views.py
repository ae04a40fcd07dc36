"""Searching articles (稿件查询): by unit, date range, state, publication and keyword — among the articles the
person may see. Bad filter values are named beside their fields (400), never a 500."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from webapp.articles.models import ARTICLE_STATE_LABELS, Article
from webapp.articles.services import search
from webapp.core.auth.permissions import login_required


@login_required
def search_page() -> tuple[str, int]:
    filters, errors = search.parse_filters(request.args)
    try:
        page_no, per_page = search.parse_page(request.args)
    except search.SearchError as exc:
        errors = {**errors, **exc.errors}
        page_no, per_page = 1, search.PER_PAGE
    page = search.search(current_user, filters, page=page_no, per_page=per_page) if not errors else None
    return render_template(
        "articles/office/search.html",
        filters=filters,
        errors=errors,
        page=page,
        kept=filters.query_args(),
        offered=search.choices(current_user),
        states=ARTICLE_STATE_LABELS,
        raw=request.args,
        snippet=search.snippet,
        article_link=article_link,
    ), 400 if errors else 200


def article_link(article: Article) -> str:
    """The article page (every row of the search is an article the person may see)."""
    return url_for("articles.view", article_id=article.id)
