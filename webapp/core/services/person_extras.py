"""Values a feature reads on every request of a signed-in person, read with the person in the statement that loads
them (issue 12): a statement fewer per page for each such value.

The statement that loads the signed-in person (`webapp.core.auth.load_user` for a session, `accounts.user_for_token`
for a bearer token) reads, besides the person, their roles and organisation and the request's settings, one
scalar column per registered extra (a subquery correlated to ``users``), and hands each value to its ``keep``,
which puts it where the feature's own code looks first (its request memo). Grading registers the revision of the
person's bureau (`webapp.grading.services.case_revision`), which its navigation's overdue count and its lists'
kept counts read on every page. Registered at import, before any request; a value kept this way is as fresh as
the start of the request, which is what the feature's own first read would have seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from webapp.core.models import User


@dataclass(frozen=True)
class Extra:
    name: str
    #: the value as a scalar subquery correlated to ``users`` (built when the statement is, after registration)
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


def registered() -> tuple[str, ...]:
    """The registered names (the statements that read them are rebuilt when this changes)."""
    return tuple(_EXTRAS)


def keep(user: User, values: Sequence[Any]) -> None:
    """Hand each value read (in `columns` order) to its feature."""
    for extra, value in zip(_EXTRAS.values(), values, strict=True):
        extra.keep(user, value)
