"""Rows of long lists as plain records, read without the ORM (issue 12).

A list page shows twenty rows, each with an organisation or two, reads them, writes them and changes nothing.
Loaded as mapped objects, twenty cases with their organisations cost 0.94 ms of Python to build (identity map,
instance state, every attribute) against 0.31 ms as rows of the same statement. A feature describes its record
once (`Records`: the table, the columns a list reads, the organisations it may show, each named by a column of
the row) and gets, for a page of keys and an order, the SELECT of those rows joined to the organisations asked
for, and its records: a named tuple of the columns, under their attributes' names, and of the organisations as
`OrgRecord`. A feature's record class adds what its mapped class says about a row from its columns alone (a
mixin both share), so a template or a check reads a record as it reads the mapped object. A record has no
relationships beyond those it was read with and cannot be changed: a page that acts on a row loads the row.

A page's short reads of one table (a subject's audit trail, a case's objections) are records too: `plain_rows`
runs a statement built once, without the ORM's handling of each statement.

The statement selects whole tables where it can (their cache key is one entry, not one per column: building
and keying a SELECT of 68 named columns at every page cost more than the ORM did) and is built once per process
for each set of organisations shown; each page adds its keys and its order.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.models.organisation import OrganisationNames

ORGANISATIONS = Organisation.__table__
#: an organisation's columns (each mapped attribute has its column's name)
ORG_COLUMNS: tuple[str, ...] = tuple(column.name for column in ORGANISATIONS.c)


class OrgRecord(namedtuple("OrgRecord", ORG_COLUMNS), OrganisationNames):  # type: ignore[misc]
    """An organisation's columns, named as `Organisation` names it."""

    __slots__ = ()


class Records:
    """How one kind of row is read as records: ``table``'s ``columns`` (all of them when None), then for each
    relation shown the organisation its column names (``relations``: relation → column), joined where the column
    is always set (``required``) and outer-joined where it may be NULL. ``record`` is a named tuple class of the
    columns and then every relation, in that order."""

    def __init__(
        self,
        table: sa.Table,
        record: type[tuple[Any, ...]],
        relations: Mapping[str, str],
        *,
        columns: Sequence[str] | None = None,
        required: frozenset[str] = frozenset(),
    ) -> None:
        self.table = table
        self.record = record
        self.relations = dict(relations)
        self.columns = tuple(columns) if columns is not None else tuple(column.name for column in table.c)
        self.required = required
        self._built: dict[tuple[str, ...], sa.Select[Any]] = {}

    def _joined(self, shown: tuple[str, ...]) -> sa.Select[Any]:
        built = self._built.get(shown)
        if built is None:
            froms: Any = self.table
            selected: list[Any] = (
                [self.table]
                if len(self.columns) == len(self.table.c)
                else [self.table.c[name] for name in self.columns]
            )
            for relation in shown:
                org = ORGANISATIONS.alias(f"record_{relation}")
                on = org.c.id == self.table.c[self.relations[relation]]
                froms = froms.join(org, on) if relation in self.required else froms.outerjoin(org, on)
                selected.append(org)
            built = self._built[shown] = (
                sa.select(*selected).select_from(froms).execution_options(kaoping_records=shown)
            )
        return built

    def select(self, keys: sa.Select[Any], order: Sequence[Any], shown: Sequence[str] = ()) -> sa.Select[Any]:
        """The SELECT of the rows ``keys`` selects (their ids, as a subquery), in ``order``, each with the
        organisations of ``shown``. Read it with `read`."""
        wanted = tuple(relation for relation in self.relations if relation in shown)
        return self._joined(wanted).where(self.table.c.id.in_(keys)).order_by(*order)

    def read(self, select: sa.Select[Any]) -> list[Any]:
        """The record of each row of a statement made by `select`, in its order."""
        shown: tuple[str, ...] = select.get_execution_options()["kaoping_records"]
        width, org_width = len(self.columns), len(ORG_COLUMNS)
        made = []
        for row in plain_rows(select, {}):
            orgs: dict[str, OrgRecord | None] = dict.fromkeys(self.relations)
            at = width
            for relation in shown:
                values = row[at : at + org_width]
                orgs[relation] = OrgRecord._make(values) if values[0] is not None else None
                at += org_width
            made.append(self.record(*row[:width], **orgs))
        return made


def plain_rows(statement: sa.Executable, params: Mapping[str, Any]) -> list[sa.Row[Any]]:
    """The rows of a Core ``statement`` (where it can be, built once and its values bound by ``params``) on
    the session's connection, in its transaction. What the session holds unwritten is written first, as an ORM statement's
    autoflush would (a transition's answer reads the trail row it has just added). Measured on the case page's
    audit trail (13 rows, PostgreSQL, in process): 0.54 ms of Python as mapped rows from a SELECT built at each
    call, 0.33 as rows through the session, 0.19 here: the session's handling of a statement (its events, the
    ORM's compile and result setup) is ~0.13 ms whatever the statement reads."""
    session = db.session
    if session.autoflush:
        session.flush()
    return list(session.connection().execute(statement, params))
