"""Grading's Jinja globals: the labels of its states, levels and kinds, a case's link, its state's badge and its
lateness badge (made here rather than in macros: a list shows them on every row, issue 12)."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from webapp.core.row_urls import int_url
from webapp.core.rulesets import SelectedNames
from webapp.core.template_helpers import state_badges
from webapp.grading.models import CASE_STATE_COLOURS, CASE_STATE_LABELS
from webapp.grading.services.overdue import OverdueFlag


def case_url(case_id: int) -> str:
    """The case page, ``/cases/<id>`` (`row_urls`: a list links every row to it)."""
    return int_url("cases.show", "case_id")(case_id)


#: a case state's badge, its colour and its Chinese label
state_badge = state_badges(CASE_STATE_COLOURS, CASE_STATE_LABELS)


def overdue_badge(flag: OverdueFlag | None) -> Markup:
    """A late case's badge in a list: the words, the days and the rule behind the limit; nothing when on time."""
    if not flag:
        return Markup("")
    return Markup(
        '<span class="badge text-bg-danger" data-testid="overdue" data-days="{}" title="依据 {}">{}</span>'
    ).format(flag.days, flag.rule, flag.text)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        CASE_STATE_LABELS=CASE_STATE_LABELS,
        CASE_STATE_COLOURS=CASE_STATE_COLOURS,
        # the selected ruleset's names, for filters and pages without a case (a case shows its own ruleset's)
        LEVEL_LABELS=SelectedNames("level_names"),
        CASE_KIND_LABELS=SelectedNames("kind_names"),
        case_url=case_url,
        case_state_badge=state_badge,
        case_overdue_badge=overdue_badge,
    )
