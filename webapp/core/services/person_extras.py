"""Values read on every request of a signed-in person, read with the person in the statement that loads them
(issue 12): a statement fewer per page for each such value.

The statement that loads the signed-in person (`webapp.core.auth.load_user` for a session, `accounts.user_for_token`
for a bearer token) reads, besides the person with their roles and organisation, one scalar column per registered
extra (a subquery, correlated to ``users`` where it needs the person), and hands each value to its ``keep``, which
puts it where the code that needs it looks first. Core registers the request's settings (`prime_request_settings`);
grading registers the revision of the person's bureau (`webapp.grading.services.case_revision`), which its
navigation's overdue count and its lists' kept counts read on every page. Registered at import, before any
request; a value kept this way is as fresh as the start of the request, which is what the first read of it would
have seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from webapp.core.models import User
from webapp.core.models.setting import prime_request_settings, request_settings_column


@dataclass(frozen=True)
class Extra:
    name: str
    #: the value as a scalar subquery, correlated to ``users`` where it needs the person (built with the statement)
    column: Callable[[], sa.ColumnElement[Any]]
    #: called with the signed-in person and the value read
    keep: Callable[[User, Any], None]


_EXTRAS: dict[str, Extra] = {}


def read_with_person(
    name: str, column: Callable[[], sa.ColumnElement[Any]], keep: Callable[[User, Any], None]
) -> None:
    """Register a value to read with the signed-in person (again under the same ``name``: replaced)."""
    _EXTRAS[name] = Extra(name, column, keep)


def columns() -> list[sa.ColumnElement[Any]]:
    """The registered values' columns, in registration order, each labelled with its name."""
    return [extra.column().label(f"extra_{extra.name}") for extra in _EXTRAS.values()]


_STATEMENTS: dict[tuple[str, tuple[str, ...]], sa.Select[Any]] = {}


def statement(loader: str, build: Callable[[list[sa.ColumnElement[Any]]], sa.Select[Any]]) -> sa.Select[Any]:
    """The ``loader``'s statement, ``build(columns())``: built once for the extras registered (again if they
    change; building a statement cost about as much as running it)."""
    key = (loader, tuple(_EXTRAS))
    if key not in _STATEMENTS:
        _STATEMENTS[key] = build(columns())
    return _STATEMENTS[key]


def keep(user: User, values: Sequence[Any]) -> None:
    """Hand each value read (in `columns` order) to its feature."""
    for extra, value in zip(_EXTRAS.values(), values, strict=True):
        extra.keep(user, value)


read_with_person("request_settings", request_settings_column, lambda _user, raw: prime_request_settings(raw))
