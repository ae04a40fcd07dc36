"""Revision counters raised at commit: an integer column on an owner row (an article office, a campaign) that moves
with every committed change of the rows a cached read model is made of, so the model is kept per process under
the counter and read back with one probe (issue 12). The ledger's `records_revision` and a campaign's
`standing_revision` are two of them.

Rows written through the ORM are noticed by the session's flush; a bulk statement that bypasses the ORM says what
it changed with `Revision.note`. A noticed row names its owner directly, or through a parent row whose owner one
statement finds (a commission target through its commission, a score sheet through its campaign unit, a unit's
organisation through the offices it writes to, a case through the bureaus it names and the bureaus above them); a
row may name several, and a counter may follow parents of several kinds. The
counters are raised once per commit, just before it, after every other row lock the transaction takes and in
owner order, so two transactions never wait on each other's owner rows in a cycle; the column's ``onupdate``
(an ``updated_at``) is left as it was, and so is the ORM's version counter (a plain UPDATE). A rolled-back
transaction raises nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

#: one thing a changed row tells the counter: (None, owner id) when the row names its owner, (kind, parent id) when
#: its owners are found through ``Revision.owners_of[kind]``
Notice = tuple[str | None, int]
#: everything a changed row tells the counter: empty when the row is not one the counter follows
Noticed = Iterable[Notice]
#: INSERT … ON CONFLICT of the two databases Kaoping runs on (the same clause, two constructs)
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
#: each revision's upsert by the kinds it noticed, built once (`Revision._upsert`)
_UPSERT_STATEMENTS: dict[tuple[str, tuple[str, ...], str], Any] = {}
#: the statement that maps parent ids of one kind to their owners' ids (a list, or an expanding bind parameter)
OwnersOf = Callable[[Any], sa.Select[tuple[int]]]


@dataclass(frozen=True)
class Revision:
    """One counter: ``column`` on the owners' table, ``noticed`` for each changed ORM object (what it names, an
    empty tuple for a row the counter does not follow), ``owners_of`` the statement per parent kind that maps parent
    ids to owner ids."""

    name: str
    column: sa.Column[int]
    noticed: Callable[[object], Noticed]
    owners_of: Mapping[str, OwnersOf] = field(default_factory=dict)
    #: columns the raise sets to themselves, so their ``onupdate`` does not move them
    untouched: tuple[str, ...] = ()
    #: the counters live in a table of their own, one row per owner made by the owner's first raise; the raise is
    #: then one INSERT … SELECT … ON CONFLICT DO UPDATE that finds the owners itself; no row reads as 0
    rows_on_first_raise: bool = False

    @property
    def _keys(self) -> tuple[str, str]:
        return f"kaoping_revision_{self.name}_owners", f"kaoping_revision_{self.name}_parents"

    def note(
        self,
        session: Session,
        *,
        owners: Iterable[int] = (),
        parents: Mapping[str, Iterable[int]] | None = None,
    ) -> None:
        """Say that a statement changed rows of ``owners`` (or of the owners of ``parents``, by kind)."""
        owner_key, parent_key = self._keys
        session.info.setdefault(owner_key, set()).update(int(o) for o in owners if o is not None)
        noted: dict[str, set[int]] = session.info.setdefault(parent_key, {})
        for kind, ids in (parents or {}).items():
            if kind not in self.owners_of:
                raise ValueError(f"{self.name}: no owners_of for parents of kind {kind!r}")
            noted.setdefault(kind, set()).update(int(p) for p in ids if p is not None)

    def pending(self, session: Session) -> bool:
        """Whether the transaction changed rows it has not committed yet (what is pending is flushed first, as
        the next query would; nothing to do and no scan of the session when nothing is)."""
        session.flush()
        owner_key, parent_key = self._keys
        return bool(session.info.get(owner_key) or any(session.info.get(parent_key, {}).values()))

    @cached_property
    def _current(self) -> sa.Select[tuple[int]]:
        # built once per counter: pages read the counter on every GET (issue 12)
        return sa.select(self.column).where(self.column.table.c.id == sa.bindparam("owner"))

    def current(self, session: Session, owner_id: int) -> int:
        """The owner's counter as committed now (one probe by primary key; a loaded row may be older)."""
        value = session.scalar(self._current, {"owner": owner_id})
        return int(value or 0)

    def register(self) -> Revision:
        """Listen to every session: notice flushed rows, raise the counters before commit, forget on rollback."""
        sa.event.listen(Session, "after_flush", self._note_flushed)
        sa.event.listen(Session, "before_commit", self._raise_before_commit)
        sa.event.listen(Session, "after_soft_rollback", self._forget_on_rollback)
        return self

    def _note_flushed(self, session: Session, flush_context: Any) -> None:
        # new, dirty and deleted still hold what was just flushed (SQLAlchemy: "pre-flush state" in after_flush)
        owners: set[int] = set()
        parents: dict[str, set[int]] = {}
        for bucket, changed in ((session.new, False), (session.dirty, True), (session.deleted, False)):
            for obj in bucket:
                found = tuple(self.noticed(obj))
                if not found or (changed and not session.is_modified(obj, include_collections=False)):
                    continue
                for kind, value in found:
                    if value is None:
                        continue
                    if kind is None:
                        owners.add(value)
                    else:
                        parents.setdefault(kind, set()).add(value)
        if owners or parents:
            self.note(session, owners=owners, parents=parents)

    def _raise_before_commit(self, session: Session) -> None:
        if not self.pending(session):  # flushed here: the commit's own flush comes after this hook
            return
        owner_key, parent_key = self._keys
        owners = session.info.pop(owner_key, set())
        parents: dict[str, set[int]] = session.info.pop(parent_key, {})
        if self.rows_on_first_raise:
            self._upsert(session, owners, parents)
            return
        for kind, ids in sorted(parents.items()):
            if ids:
                owners |= set(session.scalars(self.owners_of[kind](sorted(ids))))
        owners.discard(None)
        if not owners:
            return
        table = self.column.table
        session.execute(
            sa.update(table)
            .where(table.c.id.in_(sorted(owners)))
            .values({self.column.name: self.column + 1, **{name: table.c[name] for name in self.untouched}})
        )

    def _upsert(self, session: Session, owners: set[int], parents: dict[str, set[int]]) -> None:
        """One statement, whatever was noticed: INSERT the owners found by every ``owners_of`` (and those named
        directly) with 1, or add 1 to the rows they already have, in owner order. Built once per set of kinds
        noticed, the ids bound as expanding parameters (building it was most of its cost)."""
        kinds = tuple(sorted(kind for kind, ids in parents.items() if ids))
        if not kinds and not owners:
            return
        dialect = session.connection().dialect.name
        found: list[sa.Select[Any]] = [
            sa.select(sa.literal(owner, sa.Integer)) for owner in sorted(owners)
        ]  # owners named directly (rare): their ids, whether or not they have a row yet; not kept
        statement = _UPSERT_STATEMENTS.get((self.name, kinds, dialect)) if not found else None
        if statement is None:
            found += [
                self.owners_of[kind](sa.bindparam(f"revision_{kind}", expanding=True)) for kind in kinds
            ]
            statement = self._upsert_of(found, dialect)
            if not owners:
                _UPSERT_STATEMENTS[(self.name, kinds, dialect)] = statement
        session.execute(statement, {f"revision_{kind}": sorted(parents[kind]) for kind in kinds})

    def _upsert_of(self, found: list[sa.Select[Any]], dialect: str) -> Any:
        every = sa.union(*found).subquery() if len(found) > 1 else found[0].subquery()
        owner = every.c[0]
        table = self.column.table
        return (
            _UPSERTS[dialect](table)
            .from_select(
                ["id", self.column.name],
                sa.select(owner, sa.literal(1, sa.Integer)).where(owner.is_not(None)).order_by(owner),
            )
            .on_conflict_do_update(index_elements=[table.c.id], set_={self.column.name: self.column + 1})
        )

    def _forget_on_rollback(self, session: Session, previous_transaction: Any) -> None:
        if previous_transaction.nested:  # a savepoint: what the outer transaction changed is still to commit
            return
        for key in self._keys:
            session.info.pop(key, None)
