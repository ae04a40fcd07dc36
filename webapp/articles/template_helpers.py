"""The article feature's Jinja globals: labels of its states, secrecy levels and kinds, and the badges a list of
articles shows on every row (made here rather than in macros, issue 12)."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, request
from markupsafe import Markup

from webapp.articles.models import (
    ARTICLE_KIND_LABELS,
    ARTICLE_STATE_COLOURS,
    ARTICLE_STATE_LABELS,
    SECRECY_LEVEL_LABELS,
)
from webapp.core.template_helpers import state_badges

#: an article state's badge, its colour and its Chinese label
article_state_badge = state_badges(ARTICLE_STATE_COLOURS, ARTICLE_STATE_LABELS)


def secrecy_badge(secrecy: str | None) -> Markup:
    """A classified article's badge in a list (内部 amber, 秘密 red); nothing for an unclassified one."""
    return _secrecy_badge(str(secrecy or "none"))


@lru_cache(maxsize=16)
def _secrecy_badge(secrecy: str) -> Markup:
    if secrecy == "none":
        return Markup("")
    colour = "text-bg-danger" if secrecy == "secret" else "text-bg-warning"
    return Markup('<span class="badge {}">{}</span>').format(
        colour, SECRECY_LEVEL_LABELS.get(secrecy, secrecy)
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
        article_state_badge=article_state_badge,
        office_secrecy_badge=secrecy_badge,
    )
