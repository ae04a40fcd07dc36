"""`kaoping run` without a version banner: Werkzeug's development server sends ``Server: Werkzeug/3.x
Python/3.y`` with every response, which tells an attacker which known flaws to try. This handler sends no
``Server`` header at all; everything else is Flask's own ``run`` command (options, reloader, debugger).

Production runs gunicorn behind nginx, which send no version either (docs/operations.md: ``server_tokens off``).
"""

from __future__ import annotations

import functools
from typing import Any

import click
from flask import cli as flask_cli
from werkzeug.serving import WSGIRequestHandler, run_simple


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler minus the ``Server`` header (`http.server` always sends one in `send_response`)."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())


def _run(**options: Any) -> None:
    # Flask's run command calls the ``run_simple`` it imported; give it ours for the time of the command.
    original = flask_cli.run_simple
    flask_cli.run_simple = functools.partial(run_simple, request_handler=QuietRequestHandler)
    try:
        flask_cli.run_command.callback(**options)  # type: ignore[misc]
    finally:
        flask_cli.run_simple = original


run_command = click.Command(
    "run",
    params=flask_cli.run_command.params,
    callback=_run,
    help=flask_cli.run_command.help,
    short_help=flask_cli.run_command.short_help,
)
