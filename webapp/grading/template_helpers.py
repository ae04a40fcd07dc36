"""Grading's Jinja globals: the labels of its states, levels and kinds."""

from __future__ import annotations

from flask import Flask

from webapp.core.rulesets import SelectedNames
from webapp.grading.models import CASE_STATE_COLOURS, CASE_STATE_LABELS


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        CASE_STATE_LABELS=CASE_STATE_LABELS,
        CASE_STATE_COLOURS=CASE_STATE_COLOURS,
        # the selected ruleset's names, for filters and pages without a case (a case shows its own ruleset's)
        LEVEL_LABELS=SelectedNames("level_names"),
        CASE_KIND_LABELS=SelectedNames("kind_names"),
    )
