"""What a feature package (the shared core, the scoring engines, each procedure) hands the application.

A package declares one `Feature` in its ``feature.py``; `webapp/features.py` lists them, and the application
factory and the ``kaoping`` command read only that list. Adding a procedure is one package plus one line there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask import Blueprint


@dataclass(frozen=True)
class Feature:
    name: str
    """The package's short name (``grading``); also its templates' folder under ``templates/``."""
    label: str
    """What people call it (档案工作等级考评)."""
    blueprints: tuple[Blueprint, ...] = ()
    """Its pages, registered on the application in this order."""
    register_api: Callable[[Blueprint], None] | None = None
    """Adds its JSON routes to the shared ``/api/v1`` blueprint (called once, before the blueprint is registered)."""
    app_commands: tuple[click.Command, ...] = ()
    """Commands that need the application (``flask``/``kaoping`` with an app context)."""
    cli_commands: tuple[click.Command, ...] = field(default=())
    """Commands of the ``kaoping`` console script only (no database needed)."""
