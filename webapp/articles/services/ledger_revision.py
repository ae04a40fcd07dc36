"""The ledger's records revision: a counter on each office (`ArticleOffice.records_revision`) that moves with
every committed change of a record the ledger reads — adoptions, articles, instructions, incidents, commissions
and their targets — so a live result is cached per process under (…, revision) and read back with one index
probe, not with counts over the office's whole history (issue 12: at province scale those counts cost ~90 ms a
view on SQLite and more on PostgreSQL).

Rows written through the ORM are noticed by the session's flush (`_note_flushed`); a bulk statement that
bypasses the ORM says what it changed with `note`. The counters are raised once per commit, just before it
(`_bump_before_commit`), after every other row lock the transaction takes and in office order, so two
transactions never wait on each other's office rows in a cycle. A rolled-back transaction raises nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    Commission,
    CommissionTarget,
    Incident,
    Instruction,
)

#: session.info keys: office ids and commission ids (a target names its office through its commission)
OFFICES, COMMISSIONS = "kaoping_ledger_offices", "kaoping_ledger_commissions"
#: the records whose office id is on the row
WITH_OFFICE = (Adoption, Article, Instruction, Incident, Commission)


def note(session: Session, *, offices: Iterable[int] = (), commissions: Iterable[int] = ()) -> None:
    """Say that a bulk statement changed records of ``offices`` (or of the offices of ``commissions``)."""
    session.info.setdefault(OFFICES, set()).update(int(o) for o in offices if o is not None)
    session.info.setdefault(COMMISSIONS, set()).update(int(c) for c in commissions if c is not None)


@sa.event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, flush_context: Any) -> None:
    # new, dirty and deleted still hold what was just flushed (SQLAlchemy: "pre-flush state" in after_flush)
    offices: set[int] = set()
    commissions: set[int] = set()
    for bucket, changed in ((session.new, False), (session.dirty, True), (session.deleted, False)):
        for obj in bucket:
            if not isinstance(obj, (*WITH_OFFICE, CommissionTarget)):
                continue
            if changed and not session.is_modified(obj, include_collections=False):
                continue
            if isinstance(obj, CommissionTarget):
                commissions.add(obj.commission_id)
            else:
                offices.add(obj.office_id)
    if offices or commissions:
        note(session, offices=offices, commissions=commissions)


@sa.event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    # the commit's own flush comes after this hook: flush now so what it writes is noted (nothing to do, and
    # no scan of the session, when nothing is pending)
    session.flush()
    if not session.info.get(OFFICES) and not session.info.get(COMMISSIONS):
        return
    offices = session.info.pop(OFFICES, set())
    commissions = session.info.pop(COMMISSIONS, set())
    if commissions:
        offices |= set(
            session.scalars(sa.select(Commission.office_id).where(Commission.id.in_(sorted(commissions))))
        )
    if offices:
        table = ArticleOffice.__table__
        session.execute(
            sa.update(table)
            .where(table.c.id.in_(sorted(offices)))
            .values(records_revision=table.c.records_revision + 1)
        )


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.nested:  # a savepoint: what the outer transaction changed is still to commit
        return
    session.info.pop(OFFICES, None)
    session.info.pop(COMMISSIONS, None)


def current(session: Session, office_id: int) -> int:
    """The office's revision as committed now (one index probe; the loaded row may be older)."""
    value = session.scalar(sa.select(ArticleOffice.records_revision).where(ArticleOffice.id == office_id))
    return int(value or 0)
