"""Filters and globals every template can use."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, url_for
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from config.interpretations import load_readings
from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.feature import NavLink, features, features_of
from webapp.core.models import ROLE_LABELS
from webapp.core.models.user import acting
from webapp.core.row_urls import int_url
from webapp.core.rulesets import SelectedNames, selected_ruleset, selected_ruleset_id
from workflow.errors import RulesetError


def format_datetime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp shown in Asia/Shanghai."""
    local = clock.local(moment)
    return local.strftime(fmt) if local else ""


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def rule_reference(rule: str | None, ruleset_id: str | None = None) -> Markup:
    """A rule as people read it. A gap of the regulation (GAP-9, our reading) is cited by its nearest article
    and links to the help page; its id is only in the tooltip. Rule IDs of the regulation are printed as is."""
    if not rule:
        return Markup("")
    if rule.startswith("GAP-"):
        reading = load_readings(ruleset_id or selected_ruleset_id()).get(rule)
        article = f"依据{reading.article}，" if reading else ""
        href = f"{url_for('help.interpretations')}#{rule.lower()}"
        return Markup('<a class="kp-rule" href="{}" title="办法解读 {}">{}本系统解释</a>').format(
            href, rule, article
        )
    return Markup('<span class="kp-rule">{}</span>').format(rule)


def reason_with_rule(message: str, rule: str | None, ruleset_id: str | None = None) -> Markup:
    """A refusal's message and its rule, the rule printed once: messages made by `Ruleset.cite` already end
    with the rule ID, so it is added only when the message does not name it."""
    text = escape(message or "")
    if not rule or rule in (message or ""):
        return Markup(text)
    return Markup("{} · {}").format(text, rule_reference(rule, ruleset_id))


def ruleset_name(ruleset_id: str | None) -> str:
    """The regulation's Chinese name for a ruleset id (its ``name``, e.g. the title and document number)."""
    if not ruleset_id:
        return ""
    try:
        return load_ruleset(ruleset_id).name
    except (RulesetError, OSError):
        return "（未知的考评办法）"


def clock_context() -> dict[str, Any]:
    return {
        "effective_today": clock.today(),
        "clock_is_fixed": clock.is_fixed(),
        "nav_overdue_count": _nav_overdue_count,
        "nav_links": _nav_links,
    }


def _nav_links() -> list[tuple[NavLink, int]]:
    """The signed-in person's links of every feature, each with its feature's overdue count where the link
    shows it (one counting query per such feature)."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    user = acting(current_user)
    today = clock.today()
    links: list[tuple[NavLink, int]] = []
    for feature in features():
        if feature.nav is None:
            continue
        overdue: int | None = None
        for link in feature.nav(user):
            if link.overdue and overdue is None:
                try:
                    overdue = feature.overdue_count(user, today) if feature.overdue_count else 0
                except SQLAlchemyError:
                    overdue = 0  # the error page of a failed request must still render
            links.append((link, (overdue or 0) if link.overdue else 0))
    return links


def _nav_overdue_count() -> int:
    """Overdue work of the signed-in user for the navigation bar, summed over every feature's worklist."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return 0
    user = acting(current_user)
    today = clock.today()
    total = 0
    for feature in features():
        if feature.overdue_count is None:
            continue
        try:
            total += feature.overdue_count(user, today)
        except SQLAlchemyError:
            # the error page of a failed request must still render: no count rather than a second failure
            return 0
    return total


def state_badges(colours: Mapping[str, str], labels: Mapping[str, str]) -> Callable[[str | None], Markup]:
    """A procedure's state badge (``<span class="badge text-bg-<colour>" data-state=…>label</span>``), each state's
    made once per process: a list shows one on every row, and a macro call cost ~6 µs against ~1.6 for this
    (issue 12). A state the tables do not know shows as stored, escaped, in grey."""

    @lru_cache(maxsize=64)
    def badge(state: str) -> Markup:
        return Markup('<span class="badge text-bg-{}" data-state="{}">{}</span>').format(
            colours.get(state, "secondary"), state, labels.get(state, state)
        )

    return lambda state: badge(str(state or ""))


def option_tags(options: Mapping[Any, str] | Iterable[tuple[Any, str]], selected: Hashable) -> Markup:
    """A filter's ``<option>`` tags, value and label each, ``selected`` on the one equal to ``selected``. The same
    few lists (the states, the levels, a province's 120 bureaus) come back on every list page with the same
    choice: each list is written once per process and choice (at most 512 kept), keyed on its whole content, so
    a renamed bureau or another ruleset's names is a list of its own (issue 12: the filter bar of a worklist
    was a tenth of its rendering, 0.13 ms for the bureaus alone)."""
    pairs = tuple(options.items()) if isinstance(options, Mapping) else tuple(options)
    return _option_tags(pairs, selected)


@lru_cache(maxsize=512)
def _option_tags(pairs: tuple[tuple[Any, str], ...], selected: Hashable) -> Markup:
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            value, Markup(" selected") if value == selected else "", text
        )
        for value, text in pairs
    )


def checkbox_cells(field: Any) -> Markup:
    """A multiple-choice field's options as checkboxes in the grid cells of the ``render_field`` macro, written
    here as WTForms writes them: WTForms makes a bound field per option (~0.2 ms each), and a province office's
    约稿 form lists its 1,801 units (the page took 295 ms, 35 ms since). A box is not ``required`` each: the
    field says what is missing when the form comes back."""
    name = escape(field.name)
    cells = []
    for index, (value, label, selected, _render_kw) in enumerate(field.iter_choices()):
        option_id = escape(f"{field.id}-{index}")
        checked = "checked " if selected else ""
        cells.append(
            f'<div class="col"><div class="form-check"><input {checked}class="form-check-input" id="{option_id}" '
            f'name="{name}" type="checkbox" value="{escape(value)}"> '
            f'<label class="form-check-label" for="{option_id}">{escape(label or value)}</label></div></div>'
        )
    return Markup("\n".join(cells))


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime_cn")
    app.add_template_filter(format_date, "date_cn")
    app.add_template_global(rule_reference, "rule_ref")
    app.add_template_global(checkbox_cells, "checkbox_cells")
    app.add_template_global(option_tags, "option_tags")
    app.add_template_global(int_url, "row_url")
    app.add_template_global(reason_with_rule, "reason_with_rule")
    app.add_template_global(ruleset_name, "ruleset_name")
    app.add_template_global(selected_ruleset, "selected_ruleset")
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        ORGAN_TIER_LABELS=SelectedNames("tier_names"),
        PRODUCT_NAME="考评 · 档案工作等级考评与信息报送系统",
        PRODUCT_SHORT_NAME="考评 · 档案等级考评",
    )
    app.context_processor(clock_context)
    for feature in features_of(app):
        if feature.template_helpers is not None:
            feature.template_helpers(app)
