"""The ruleset selected for new cases, read from the settings table (cached per request, like the demo clock).

A case stores the ruleset it started with and keeps it to the end, so pages and documents of a case read
``load_ruleset(case.ruleset_id)``; only what belongs to no case (new cases, list filters, organisation tiers, the
yearly summary) reads the selection. Choosing one is `webapp.core.services.rulesets.select`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask import g, has_app_context

from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.core.models.setting import forget_request_settings, request_settings
from workflow.errors import RulesetError
from workflow.ruleset import Ruleset

#: SettingKV key of the selected ruleset id
SELECTED_KEY = "selected_ruleset"


def selected_ruleset_id() -> str:
    """The id stored by `kaoping ruleset use`, or the shipped default; cached per request."""
    if not has_app_context():  # no application, no database: the shipped default
        return DEFAULT_RULESET
    if "kaoping_ruleset_id" in g:
        return str(g.kaoping_ruleset_id)
    raw = request_settings().get(SELECTED_KEY)  # one statement with the demo clock's offset
    selected = raw or DEFAULT_RULESET
    g.kaoping_ruleset_id = selected
    return selected


def forget_cached_selection() -> None:
    """Call after changing the selection within a request."""
    if has_app_context():
        g.pop("kaoping_ruleset_id", None)
        forget_request_settings()


def selected_ruleset() -> Ruleset:
    """The ruleset new cases get. A selection whose file has gone (removed by hand) falls back to the shipped
    default here, so no page fails on it; the admin page says so and new cases are refused until it is fixed."""
    try:
        return load_ruleset(selected_ruleset_id())
    except RulesetError:
        return load_ruleset(DEFAULT_RULESET)


class SelectedNames(Mapping[str, str]):
    """One of the selected ruleset's name tables (``level_names``, ``kind_names``, ``tier_names`` …), read when
    a template uses it: a page without filters issues no query for it."""

    def __init__(self, table: str) -> None:
        self.table = table

    def _names(self) -> Mapping[str, str]:
        names: Mapping[str, str] = getattr(selected_ruleset(), self.table)
        return names

    def __getitem__(self, key: str) -> str:
        return self._names()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())
