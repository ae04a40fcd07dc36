"""Small key/value settings kept in the database (e.g. the demo clock offset)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now
from webapp.core.read_transactions import in_constants


class SettingKV(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now, onupdate=app_now)


#: The security policy (`webapp.core.services.passwords.SecurityPolicy`): every signed-in request checks the
#: session's idle and absolute limits, so the policy is read with the other per-request keys, not on its own
SECURITY_POLICY_KEYS = (
    "password_min_length",
    "password_classes",
    "password_history",
    "password_max_age_days",
    "lock_threshold",
    "lock_minutes",
    "session_idle_minutes",
    "session_absolute_hours",
    "one_active_session",
)
#: Keys every request may read (the demo clock's offset, the selected ruleset, the security policy): read
#: together, once
REQUEST_KEYS = ("demo_clock_offset_days", "selected_ruleset", *SECURITY_POLICY_KEYS)
#: the keys written into the statement's text (`in_constants`): it is part of the statement that loads the
#: signed-in person
_IS_REQUEST_KEY = in_constants(SettingKV.key, REQUEST_KEYS)


#: built once (every page reads it; building it cost about as much as running it)
_REQUEST_SETTINGS = sa.select(SettingKV.key, SettingKV.value).where(_IS_REQUEST_KEY)


class _settings_object(FunctionElement[str]):
    """``key``/``value`` rows as one JSON object in text (``{}``-like; NULL when there is no row)."""

    type = sa.Text()
    inherit_cache = True
    name = "settings_object"


@compiles(_settings_object)
def _settings_object_sqlite(element: _settings_object, compiler: Any, **kw: Any) -> str:
    return f"json_group_object({compiler.process(element.clauses, **kw)})"


@compiles(_settings_object, "postgresql")
def _settings_object_postgresql(element: _settings_object, compiler: Any, **kw: Any) -> str:
    return f"CAST(json_object_agg({compiler.process(element.clauses, **kw)}) AS TEXT)"


def request_settings_column() -> sa.ScalarSelect[str]:
    """The per-request settings as one JSON text, for the statement that loads the signed-in person
    (`webapp.core.services.person_extras` reads it there and hands it to `prime_request_settings`)."""
    return (
        sa.select(_settings_object(SettingKV.key, SettingKV.value)).where(_IS_REQUEST_KEY).scalar_subquery()
    )


def prime_request_settings(raw: str | None) -> None:
    """Keep the settings `request_settings_column` read with the person (every signed-in request loads the person
    first): a statement fewer on every signed-in page (issue 12). What is already kept for the request wins."""
    if has_app_context() and "kaoping_settings" not in g:
        values = json.loads(raw) if raw else {}
        g.kaoping_settings = {str(key): str(value) for key, value in values.items()}


def request_settings() -> dict[str, str]:
    """The per-request settings (``REQUEST_KEYS``) in ONE statement, cached on ``g`` for the request, so the
    clock and the ruleset selection do not cost a statement each on every page.

    Missing keys are absent from the dict. An empty database (no tables yet: ``init-db`` still to run) reads
    as no settings. `forget_request_settings` drops the cache after a write."""
    if not has_app_context():
        return {}
    if "kaoping_settings" in g:
        return dict(g.kaoping_settings)
    try:
        values = {key: value for key, value in db.session.execute(_REQUEST_SETTINGS)}
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as error:
        if error.connection_invalidated:  # the server went away: an error, not a database without settings
            raise
        db.session.rollback()
        values = {}
    g.kaoping_settings = values
    return dict(values)


def forget_request_settings() -> None:
    if has_app_context():
        g.pop("kaoping_settings", None)
