"""The bureaus' cases revision (issue 12): a counter per bureau (`BureauCasesRevision`) raised at every commit that
changes what the bureau's counts are made of — a case that names the bureau, or a bureau below it, in a function
column (lodged with, forwarder, planner, pre-checker, organizer, approver, summary to) or a filing; the bureau's
yearly summary; the bureau's place in the tree — so those counts are kept per process under (bureau, revision)
and read back with one index probe instead of counting again on every view.

What is kept is counts only, never rows: the worklist's tab totals and its counts per state, the overdue count of
the navigation bar, the capped total of a case list. A city's supervised tab counted up to a thousand cases of
its counties on every view (5 ms on SQLite, 6 on PostgreSQL); the county's overdue count walked its 1,500 open
cases on every page it showed (1.7 and 2.5 ms).

A case names its bureaus on its row and its filings: the bureaus named at commit, and those a change took off the
row (the function columns keep their old value for that, ``active_history``), are raised with every bureau above
them (the closure table, depth 0 included). Rows written through the ORM are noticed by the flush; no bulk
statement writes cases, filings or summaries (a new one calls `note`). Kept entries are used on GET requests only
and never while the transaction holds unwritten changes; the revision is read before the count, so what is kept
under a revision is at least as new as it (`webapp.core.services.revisions`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from webapp.core.extensions import db
from webapp.core.models import Organisation, OrganisationTree
from webapp.core.models.organisation import OrgKind
from webapp.core.request_cache import memo
from webapp.core.services.kept import Kept
from webapp.core.services.revisions import Noticed, Revision
from webapp.grading.models import BureauCasesRevision, Case, CaseFiling, SummarySubmission

V = TypeVar("V")

#: the columns of a case that name a bureau (the six functions of ARC-9 and where the yearly summary goes)
BUREAU_COLUMNS = (
    "lodged_with_id",
    "forwarder_id",
    "planner_id",
    "prechecker_id",
    "organizer_id",
    "approver_id",
    "summary_to_id",
)
#: counts kept per process: a province has ~120 bureaus, a few kinds of count each, a few filters in use
KEPT_COUNTS = 512


def _named(obj: object, columns: Iterable[str]) -> Noticed:
    """The bureaus ``obj``'s ``columns`` name, as loaded and as a pending change left them or took them off."""
    state = sa.inspect(obj)
    return [
        ("bureau", value)
        for column in columns
        for part in state.attrs[column].history  # (added, unchanged, deleted)
        for value in part or ()
        if value
    ]


def _noticed(obj: object) -> Noticed:
    if isinstance(obj, Case):
        # and its filings' bureaus, and what a change of state or dates means to them, read back at the commit
        return [("case", obj.id), *_named(obj, BUREAU_COLUMNS)]
    if isinstance(obj, CaseFiling | SummarySubmission):
        return _named(obj, ("bureau_id",))
    if isinstance(obj, Organisation) and obj.kind == OrgKind.BUREAU:
        # a bureau added, moved or removed: what the bureaus above it (before and after) see changes
        return [("bureau", obj.id), *_named(obj, ("parent_id",))]
    return ()


def _above(bureau_ids: sa.Select[tuple[int]] | Iterable[int]) -> sa.Select[tuple[int]]:
    """The bureaus at or above each of ``bureau_ids`` (the closure table: an organisation is its own ancestor)."""
    return (
        sa.select(OrganisationTree.ancestor_id)
        .where(OrganisationTree.descendant_id.in_(bureau_ids))
        .distinct()
    )


def _bureaus_of_cases(case_ids: list[int]) -> sa.Select[tuple[int]]:
    named = sa.union(
        *(sa.select(getattr(Case, column)).where(Case.id.in_(case_ids)) for column in BUREAU_COLUMNS),
        sa.select(CaseFiling.bureau_id).where(CaseFiling.case_id.in_(case_ids)),
    ).subquery()
    return _above(sa.select(named.c[0]))


CASES = Revision(
    "bureau_cases",
    BureauCasesRevision.__table__.c.value,
    _noticed,
    owners_of={"case": _bureaus_of_cases, "bureau": _above},
    rows_on_first_raise=True,
).register()


def note(session: Session, *, bureaus: Iterable[int] = (), cases: Iterable[int] = ()) -> None:
    """Say that a bulk statement changed what the counts of ``bureaus`` (or of the bureaus ``cases`` name) are
    made of."""
    CASES.note(session, parents={"bureau": bureaus, "case": cases})


def current(session: Session, bureau_id: int) -> int:
    """The bureau's revision as committed now (one probe by primary key; 0 before its first change)."""
    return CASES.current(session, bureau_id)


_COUNTS: Kept[object] = Kept("bureau_counts", KEPT_COUNTS)


def kept_count(bureau_id: int, what: Hashable, count: Callable[[], V]) -> V:
    """``count()``, kept per process under the bureau's revision and ``what`` (everything else the count is made
    of: its kind, the filters, the day). On a GET whose transaction has nothing unwritten; counted afresh
    otherwise. The revision is read once per request."""
    if not (has_request_context() and request.method in ("GET", "HEAD")) or CASES.pending(db.session):
        return count()
    revisions: dict[int, int] | None = memo("bureau_cases_revisions")
    revision = revisions.get(bureau_id) if revisions is not None else None
    if revision is None:
        revision = current(db.session, bureau_id)
        if revisions is not None:
            revisions[bureau_id] = revision
    key = (bureau_id, revision, what)
    found = _COUNTS.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    # counted after the revision was read: what is kept is at least as new as the key
    return _COUNTS.put(key, count())  # type: ignore[return-value]
