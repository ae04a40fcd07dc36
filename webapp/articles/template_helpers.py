"""The article feature's Jinja globals: labels of its states, secrecy levels and kinds."""

from __future__ import annotations

from flask import Flask, request

from webapp.articles.models import (
    ARTICLE_KIND_LABELS,
    ARTICLE_STATE_COLOURS,
    ARTICLE_STATE_LABELS,
    SECRECY_LEVEL_LABELS,
)

#: The article feature's blueprints: their pages' footer names the article procedure, not the grading measures.
_BLUEPRINTS = frozenset(
    {"articles", "articles_office", "articles_publishing", "articles_requests", "articles_ledger"}
)


def _footer() -> dict[str, str]:
    if request.blueprint in _BLUEPRINTS:
        return {"footer_basis": "信息稿件报送：依据各办公室的信息工作考评办法"}
    return {}


def register_template_helpers(app: Flask) -> None:
    app.context_processor(_footer)
    app.jinja_env.globals.update(
        ARTICLE_STATE_LABELS=ARTICLE_STATE_LABELS,
        ARTICLE_STATE_COLOURS=ARTICLE_STATE_COLOURS,
        ARTICLE_KIND_LABELS=ARTICLE_KIND_LABELS,
        SECRECY_LEVEL_LABELS=SECRECY_LEVEL_LABELS,
    )
