"""The article procedure's JSON API under ``/api/v1/articles…`` (and the office's records)."""

from __future__ import annotations

from flask import Blueprint

from webapp.articles.api import articles, ledger, office, publishing, requests


def register_api(bp: Blueprint) -> None:
    """Every URL of the articles API, added to the shared ``/api/v1`` blueprint."""
    articles.register(bp)
    office.register(bp)
    publishing.register(bp)
    requests.register(bp)
    ledger.register(bp)
