"""Searching articles (稿件查询): by unit, date range, state, publication and keyword — among the articles the
person may see. Bad filter values are named beside their fields (400), never a 500."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_login import current_user

from webapp.articles.models import ARTICLE_STATE_LABELS, Article
from webapp.articles.services import permissions, search
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


#: the article page (the unit helper's blueprint), when it is registered, under the names it may have
ARTICLE_PAGES = ("articles.show", "articles.article")


def article_link(article: Article) -> str | None:
    """The article page; the triage screen for the office's editors when there is none; else nothing."""
    for endpoint in ARTICLE_PAGES:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, article_id=article.id)
    if permissions.functions_on(current_user, article) & (permissions.OFFICE_FUNCTIONS | {"upper_editor"}):
        return url_for("articles_office.triage", article_id=article.id)
    return None
