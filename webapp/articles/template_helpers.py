"""The article feature's Jinja globals: labels of its states, secrecy levels and kinds."""

from __future__ import annotations

from flask import Flask

from webapp.articles.models import (
    ARTICLE_KIND_LABELS,
    ARTICLE_STATE_COLOURS,
    ARTICLE_STATE_LABELS,
    SECRECY_LEVEL_LABELS,
)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        ARTICLE_STATE_LABELS=ARTICLE_STATE_LABELS,
        ARTICLE_STATE_COLOURS=ARTICLE_STATE_COLOURS,
        ARTICLE_KIND_LABELS=ARTICLE_KIND_LABELS,
        SECRECY_LEVEL_LABELS=SECRECY_LEVEL_LABELS,
    )
