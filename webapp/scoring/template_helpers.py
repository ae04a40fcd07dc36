"""Scoring's Jinja filters and globals: how points and score tables are written for people."""

from __future__ import annotations

from flask import Flask

from webapp.core.services.errors import ServiceError
from webapp.scoring.services import schemes
from workflow.scoring.numbers import format_points


def scheme_name(scheme_id: str | None, version: str | None) -> str:
    """A score table's Chinese name (not its id and version)."""
    if not scheme_id or not version:
        return ""
    try:
        return schemes.get_scheme(scheme_id, version).name
    except ServiceError:
        return "（评分表已不存在）"


def register_template_helpers(app: Flask) -> None:
    # the one way a score is written for people, as in the PDFs: 97, 97.5, 97.25; "" for none
    app.add_template_filter(format_points, "points")
    app.add_template_global(scheme_name, "scheme_name")
