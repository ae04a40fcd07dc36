"""A memo for reads a single request repeats (the lower bureaus of a permission check, the score sheets of a
case, a scheme version): the case page asks the same question a dozen times while it decides each button.

Only inside a request (a CLI run such as ``kaoping tick`` has no request and reads afresh every time), never
while the session holds unwritten changes (a query would autoflush and see them), and dropped on any write:
every flush, commit or rollback of the session forgets everything memoised, so a value read after a change in
the same request is read again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from sqlalchemy.orm import Session

from webapp.core.extensions import db

_KEY = "kaoping_request_cache"
V = TypeVar("V")


def memo(name: str) -> dict[Any, Any] | None:
    """The request's memo called ``name`` (a dict to read and fill), or None outside a request."""
    if not has_request_context():
        return None
    session = db.session
    if session.new or session.dirty or session.deleted:
        # unwritten changes: a query would autoflush them first and see them, a memo would not; read afresh
        return None
    caches: dict[str, dict[Any, Any]] = g.setdefault(_KEY, {})
    return caches.setdefault(name, {})


def once(name: str, key: Hashable, read: Callable[[], V]) -> V:
    """``read()`` once per request under ``key`` in the memo called ``name`` (None is remembered too); read every
    time where there is no memo (outside a request, or unwritten changes)."""
    made = memo(name)
    if made is None:
        return read()
    if key not in made:
        made[key] = read()
    found: V = made[key]
    return found


def forget() -> None:
    if has_app_context():
        g.pop(_KEY, None)


@sa.event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, flush_context: object) -> None:
    forget()


@sa.event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    forget()


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    forget()
