"""Flask-Migrate, set up on the app the first time something uses it (issue 12: worker RSS).

Importing Flask-Migrate imports Alembic, and with it Mako and Pygments: ~10 MB resident and ~0.1 s in every
process that builds the app, though only `kaoping init-db`, `kaoping db …` and the tests' migrations use it; a
gunicorn worker and `kaoping tick` never do. So `init_app` leaves two stand-ins:

- ``app.extensions["migrate"]``, where Flask-Migrate's functions (`upgrade`, `downgrade`…) and
  `webapp/migrations/env.py` read its settings: the first attribute read of it sets Flask-Migrate up on the app
  with the settings given here, which replaces the stand-in;
- the ``db`` command group (`kaoping db upgrade`, `downgrade`, `current`, `history`…): Flask-Migrate's own
  commands, loaded when the command line asks for one of them or for their list.

tests/webapp/test_startup.py checks that building the app loads no Alembic, and tests/webapp/test_migrations.py
that the migrations still run through both.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask


class _Settings:
    """Flask-Migrate's settings for ``app``, set up when one of them is first read."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self._app = app
        self._options = options

    def __getattr__(self, name: str) -> Any:
        from flask_migrate import Migrate

        from webapp.core.extensions import db

        # Flask-Migrate's init_app puts its own settings in app.extensions["migrate"] (and its db group in app.cli)
        Migrate(self._app, db, **self._options)
        settings = self._app.extensions["migrate"]
        if settings is self:
            raise RuntimeError("Flask-Migrate did not set itself up on the app")
        return getattr(settings, name)


class _Commands(click.Group):
    """Flask-Migrate's ``db`` command group, loaded when the command line reaches it: the group parses its own
    options (``-d``, ``-x``) and runs its commands; this one only names it in ``kaoping --help``."""

    @staticmethod
    def _loaded() -> click.Group:
        from flask_migrate.cli import db as commands

        return commands

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        return self._loaded().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._loaded().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._loaded().get_command(ctx, cmd_name)


def init_app(app: Flask, **options: Any) -> None:
    """``options`` as for ``Migrate.init_app`` (directory, render_as_batch, compare_type…)."""
    app.extensions["migrate"] = _Settings(app, options)
    app.cli.add_command(_Commands("db", help="Perform database migrations (Flask-Migrate)."))
