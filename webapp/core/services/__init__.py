"""Use cases. Only code here loads, checks, changes and commits; views call one service function per request.

Each public service function is one transaction: it commits whole on success and rolls back on any error.
Building blocks that are meant to run inside a caller's transaction say so and never commit. Refusals are the
classes of `errors` (a feature's own refusals subclass them in its ``services/errors.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from webapp.core.extensions import db
from webapp.core.services.errors import Stale


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit the session if the block finishes, roll everything back if it raises."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def one_writer_at_a_time() -> bool:
    """True where a write transaction locks the whole database from its first write to its end (SQLite: write-ahead
    logging lets readers on, never a second writer); False where it locks only the rows it writes (PostgreSQL).
    A use case that reads after writing (an answer to send back) reads after the commit on the first, so the next
    writer does not wait while it reads."""
    return db.engine.dialect.name == "sqlite"


#: How each database names the audit trail's (subject, seq) uniqueness in its error message.
_AUDIT_SEQ_CLASH = (
    "uq_audit_events_subject_seq",
    "audit_events.subject_type, audit_events.subject_id, audit_events.seq",
)


@contextmanager
def unit_of_work(stale: type[Stale] = Stale) -> Iterator[Session]:
    """`transaction()` that turns a lost optimistic-lock race (two people acting on one record at once) into
    ``stale`` — 409 已被他人处理，请刷新 — instead of a server error.

    Two transactions appending to one subject's audit trail at once both take the next ``seq``; the unique
    (subject, seq) index refuses the second. That too is someone else acting on the record meanwhile (a path whose
    row carries no version, or SQLite, where ``FOR UPDATE`` is not rendered), so it is ``stale`` as well."""
    try:
        with transaction() as session:
            yield session
    except StaleDataError as exc:
        raise stale() from exc
    except IntegrityError as exc:
        if any(name in str(exc.orig) for name in _AUDIT_SEQ_CLASH):
            raise stale() from exc
        raise
