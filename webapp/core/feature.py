"""What a feature package (the shared core, the scoring engines, each procedure) hands the application.

A package declares one `Feature` in its ``declaration.py``; `webapp/features.py` lists them, and the application
factory and the ``kaoping`` command read only that list. Adding a procedure is one package plus one line there.
Core code that must reach every feature (the home worklist, ``kaoping tick``, ``init-db``) reads the list from
``current_app.extensions["kaoping.features"]`` (see `features`), so the core never imports a procedure.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import click
from flask import Blueprint, Flask, current_app

from workflow.procedure import Procedure

if TYPE_CHECKING:
    from webapp.core.models import User

EXTENSION_KEY = "kaoping.features"


@dataclass(frozen=True)
class WorkArea:
    """One line of a person's worklist on the home page: a place where they have work, with counts."""

    title: str
    description: str
    endpoint: str
    #: items waiting there for this person (None: a place without a count, e.g. a search)
    count: int | None = None
    #: of which past a deadline set by the rules
    overdue: int = 0


@dataclass(frozen=True)
class NavLink:
    """A link of the navigation bar a feature gives a person (their places of work in it)."""

    title: str
    endpoint: str
    #: endpoints that mark the link active: exact names, or prefixes ending in "." (a whole blueprint)
    active: tuple[str, ...] = ()
    #: the feature's overdue count (``Feature.overdue_count``) shows on this link
    overdue: bool = False

    def is_active(self, endpoint: str | None) -> bool:
        if not endpoint:
            return False
        marks = self.active or (self.endpoint,)
        return any(endpoint.startswith(m) if m.endswith(".") else endpoint == m for m in marks)


@dataclass(frozen=True)
class HomePanel:
    """A card on the home page beside the worklist (e.g. the unit's grades)."""

    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Feature:
    name: str
    """The package's short name (``grading``); also its templates' folder under ``templates/``."""
    label: str
    """What people call it (档案工作等级考评)."""
    procedure: Procedure[Any, Any] | None = None
    """Its state machine (`workflow.procedure.Procedure`), for ``kaoping diagram`` and the case page's drawing."""
    blueprints: tuple[Blueprint, ...] = ()
    """Its pages, registered on the application in this order."""
    register_api: Callable[[Blueprint], None] | None = None
    """Adds its JSON routes to the shared ``/api/v1`` blueprint (called once, before the blueprint is registered)."""
    app_commands: tuple[click.Command, ...] = ()
    """Commands that need the application (``flask``/``kaoping`` with an app context)."""
    cli_commands: tuple[click.Command, ...] = ()
    """Commands of the ``kaoping`` console script only (no database needed)."""
    template_helpers: Callable[[Flask], None] | None = None
    """Registers its Jinja filters and globals (labels of its states, levels…)."""
    worklist: Callable[[User, date], list[WorkArea]] | None = None
    """The person's work in this feature, for the home page: a few counting queries, never a list of rows."""
    overdue_count: Callable[[User, date], int] | None = None
    """The person's overdue work in this feature for the navigation bar: one query, cached for the request."""
    nav: Callable[[User], list[NavLink]] | None = None
    """Its links in the navigation bar for this person (none: the feature adds no link)."""
    home_panels: Callable[[User, date], list[HomePanel]] | None = None
    """Cards for the home page beside the worklist."""
    on_init_db: Callable[[], None] | None = None
    """Runs inside ``init-db``'s transaction after the migrations (idempotent), e.g. registering shipped tables."""
    tick: Callable[[date], dict[str, Any]] | None = None
    """Advances what is due on ``date`` (idempotent); returns a JSON-able report for ``kaoping tick``: lists of
    the ids it changed (or listed), under its own keys."""
    tick_listings: tuple[str, ...] = ()
    """Keys of its tick report that list what people must do (e.g. organs whose recheck is due) rather than rows
    the run changed: counted in the report, left out of its ``changed`` total."""
    audit_subject_names: Callable[[str, Collection[int]], dict[int, str]] | None = None
    """The readable names of this feature's audit subjects of one type, for the auditor's page and its exports
    (e.g. a case → its organ, year and level): one query per type, ids that no longer exist left out; ``{}``
    without a query for a type the feature does not own. Never an internal id (等保 2.0 8.1.4.3 b)."""


def features_of(app: Flask) -> tuple[Feature, ...]:
    """The features ``app`` was built with, in registration order."""
    return tuple(app.extensions[EXTENSION_KEY])


def features() -> tuple[Feature, ...]:
    """The features of the running application (inside an app context)."""
    return features_of(current_app._get_current_object())  # type: ignore[attr-defined]


def procedures() -> dict[str, Procedure[Any, Any]]:
    """The registered procedures by name (the features that run one), for the running application."""
    return {feature.name: feature.procedure for feature in features() if feature.procedure is not None}
