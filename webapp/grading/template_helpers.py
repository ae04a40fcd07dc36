"""Grading's Jinja globals: the labels of its states, levels and kinds."""

from __future__ import annotations

from flask import Flask

from webapp.grading.models import CASE_KIND_LABELS, CASE_STATE_COLOURS, CASE_STATE_LABELS, LEVEL_LABELS


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        CASE_STATE_LABELS=CASE_STATE_LABELS,
        CASE_STATE_COLOURS=CASE_STATE_COLOURS,
        LEVEL_LABELS=LEVEL_LABELS,
        CASE_KIND_LABELS=CASE_KIND_LABELS,
    )
