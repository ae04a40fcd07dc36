"""The bureaus' cases revision (issue 12): a counter per bureau (`BureauCasesRevision`) raised at every commit that
changes what the bureau's counts and its yearly summary are made of — a case that names the bureau, or a bureau
below it, in a function column (lodged with, forwarder, planner, pre-checker, organizer, approver, summary to), a
filing or a grade of such a case, the bureau's yearly summary, the name or place of an organ below it, and any
bureau's name or place (rare: every bureau is raised) — so those values are kept per process under (bureau,
revision) and read back with one index probe instead of being read again on every view.

What is kept: the worklist's tab totals, its counts per state and the ids of the pages its tabs showed, the
overdue count of the navigation bar, the capped total of a case list and where its numbered pages start, and the
rows of a city's yearly summary (plain values, never mapped objects); and, under every bureau's revision at once
(`kept_everywhere`), the public notice list's bureaus and pages, the same for every visitor. A city's supervised
tab counted up to a thousand cases of its counties on every view (5 ms on SQLite, 6 on PostgreSQL); the county's overdue count walked its 1,500 open
cases on every page it showed (1.7 and 2.5 ms); the city's summary read its few hundred approvals with their
organs, filings and grades (~60 % of the page); page 1,000 of the province's cases skipped 19,980 index entries
(6 ms of PostgreSQL's time); the public list counted its running notices and read a page of them (~4 ms of
~6).

A case names its bureaus on its row and its filings: the bureaus named at commit, and those a change took off the
row (the bureau columns keep their old value for that, ``active_history``), are raised with every bureau above
them (the closure table, depth 0 included). Rows written through the ORM are noticed by the flush; no bulk
statement writes cases, filings, grades' shown columns or summaries (`kaoping tick` lapses grades: the lapse is
shown nowhere that is kept; a new bulk writer calls `note`). Kept values are used on GET requests only and never
while the transaction holds unwritten changes; the revision is read before the value is made, so what is kept
under a revision is at least as new as it (`webapp.core.services.revisions`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from webapp.core.extensions import db
from webapp.core.models import Organisation, OrganisationTree, User
from webapp.core.models.organisation import OrgKind
from webapp.core.pagination import KeptPages
from webapp.core.request_cache import memo, once
from webapp.core.services import person_extras
from webapp.core.services.kept import Kept, may_keep
from webapp.core.services.revisions import Noticed, Revision
from webapp.grading.models import BureauCasesRevision, Case, CaseFiling, Grade, SummarySubmission

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
#: values kept per process: a province has ~120 bureaus, a few kinds of count each, a few filters in use, and a
#: summary per city and year looked at
KEPT_VALUES = 512
#: page starts kept per process: a few lists paged deep by a few bureaus
KEPT_ANCHORS = 2048
#: lists of every bureau (the 档案局 filter), one per bureau whose staff are looking: a province has ~120
KEPT_CHOICES = 128


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
    if isinstance(obj, CaseFiling):
        # counted on the filing bureau's tab; named on the summary of the bureaus the case names
        return [("case", obj.case_id), *_named(obj, ("bureau_id",))]
    if isinstance(obj, SummarySubmission):
        return _named(obj, ("bureau_id",))
    if isinstance(obj, Grade):  # its certificate number and validity are on the summary
        return [("case", obj.case_id)] if obj.case_id else []
    if isinstance(obj, Organisation):
        if obj.kind == OrgKind.BUREAU:
            # a bureau renamed, added, moved or removed: its name is on other bureaus' summaries (filed with,
            # approved by) and its place decides what those above it see; rare enough to raise every bureau
            return [("every", 0)]
        return _named(obj, ("parent_id",))  # an organ renamed or moved: the bureaus above it name it
    return ()


def _above(bureau_ids: sa.Select[tuple[int]] | Iterable[int]) -> sa.Select[tuple[int]]:
    """The bureaus at or above each of ``bureau_ids`` (the closure table: an organisation is its own ancestor)."""
    return (
        sa.select(OrganisationTree.ancestor_id)
        .where(OrganisationTree.descendant_id.in_(bureau_ids))
        .distinct()
    )


def _bureaus_of_cases(case_ids: Any) -> sa.Select[tuple[int]]:
    named = sa.union(
        *(sa.select(getattr(Case, column)).where(Case.id.in_(case_ids)) for column in BUREAU_COLUMNS),
        sa.select(CaseFiling.bureau_id).where(CaseFiling.case_id.in_(case_ids)),
    ).subquery()
    return _above(sa.select(named.c[0]))


CASES = Revision(
    "bureau_cases",
    BureauCasesRevision.__table__.c.value,
    _noticed,
    owners_of={
        "case": _bureaus_of_cases,
        "bureau": _above,
        "every": lambda _: sa.select(Organisation.id).where(Organisation.kind == OrgKind.BUREAU),
    },
    rows_on_first_raise=True,
).register()


def _own_bureau_revision() -> sa.ColumnElement[Any]:
    return (
        sa.select(BureauCasesRevision.value)
        .where(BureauCasesRevision.id == User.organisation_id)
        .scalar_subquery()
    )


def _keep_own_bureau_revision(user: User, value: Any) -> None:
    """The revision of the person's own organisation, read with the person: `_key`'s first probe on every page
    of a bureau's staff (the navigation's overdue count) costs no statement of its own."""
    revisions: dict[int, int] | None = memo("bureau_cases_revisions")
    if revisions is not None and user.organisation_id is not None:
        revisions.setdefault(user.organisation_id, int(value or 0))


person_extras.read_with_person("bureau_cases_revision", _own_bureau_revision, _keep_own_bureau_revision)


def note(session: Session, *, bureaus: Iterable[int] = (), cases: Iterable[int] = ()) -> None:
    """Say that a bulk statement changed what the counts of ``bureaus`` (or of the bureaus ``cases`` name) are
    made of."""
    CASES.note(session, parents={"bureau": bureaus, "case": cases})


def current(session: Session, bureau_id: int) -> int:
    """The bureau's revision as committed now (one probe by primary key; 0 before its first change)."""
    return CASES.current(session, bureau_id)


_KEPT: Kept[object] = Kept("bureau_cases", KEPT_VALUES)
#: values made of the cases of every bureau (the public notice list: its bureaus and a few pages of each filter)
_EVERYWHERE: Kept[object] = Kept("every_bureau_cases", 64)
#: where pages of a case list start (`paging.Anchors`): a key of two values each, two per page served
_ANCHORS: Kept[tuple[Any, ...]] = Kept("bureau_cases_anchors", KEPT_ANCHORS)
#: the keys of a list's pages (`webapp.core.pagination.KeptPages`): up to 101 ids each, a few pages of a few
#: lists per bureau
_PAGES: Kept[tuple[Any, ...]] = Kept("bureau_cases_pages", KEPT_ANCHORS)
#: the bureau filter's choices, in a store of their own: a list of ~120 bureaus per bureau looking would otherwise
#: push the counts out of `_KEPT`
CHOICES: Kept[object] = Kept("bureau_choices", KEPT_CHOICES)


def _key(bureau_id: int, what: Hashable) -> tuple[int, int, Hashable] | None:
    """Where a value made of the bureau's cases and ``what`` is kept now, or None when nothing may be kept: not
    a GET, or the transaction holds unwritten changes. The revision is read once per request, before the value
    is made (so what is kept is at least as new as its key)."""
    if not may_keep() or CASES.pending(db.session):
        return None
    return (
        bureau_id,
        once("bureau_cases_revisions", bureau_id, lambda: current(db.session, bureau_id)),
        what,
    )


def kept(bureau_id: int, what: Hashable, make: Callable[[], V], *, store: Kept[object] = _KEPT) -> V:
    """``make()``, kept per process under the bureau's revision and ``what`` (everything else the value is made
    of: its kind, the filters, the day, the year). On a GET whose transaction has nothing unwritten; made afresh
    otherwise. The value is shared: read it, never change it. ``store``: where (the counts' store by default)."""
    return store.made(_key(bureau_id, what), make)  # type: ignore[return-value]


def anchor(bureau_id: int, what: Hashable) -> tuple[Any, ...] | None:
    """The start of a page (`paging.Anchors`) kept under the bureau's revision and ``what`` (the list, its
    filters and the offset), or None."""
    key = _key(bureau_id, what)
    return _ANCHORS.get(key) if key is not None else None


def keep_anchor(bureau_id: int, what: Hashable, start: tuple[Any, ...]) -> None:
    """Keep where a page starts, as `kept` keeps a value (on a GET with nothing unwritten)."""
    key = _key(bureau_id, what)
    if key is not None:
        _ANCHORS.put(key, start)


def kept_pages(bureau_id: int, what: Hashable, column: Any) -> KeptPages:
    """The keys of a list's pages (`webapp.core.pagination.KeptPages`) kept under the bureau's revision and
    ``what`` (the list and its filters), as the anchors are, in a store of their own."""
    return KeptPages(column, _PAGES, lambda offset, per_page: _key(bureau_id, (what, offset, per_page)))


def every_bureau(session: Session) -> tuple[int, int]:
    """Every bureau's revision at once, as (rows, their sum): it moves at every commit that moves any bureau's
    (each raise adds one to a row; a row goes only with its bureau, whose removal raises every other bureau in
    the same commit). One statement over the province's ~120 rows."""
    rows, total = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(BureauCasesRevision.value), 0))
    ).one()
    return int(rows), int(total)


def kept_everywhere(what: Hashable, make: Callable[[], V]) -> V:
    """``make()``, kept per process under every bureau's revision at once (`every_bureau`, read once per request,
    before the value is made) and ``what`` (everything else the value is made of: its kind, the day, the rulesets,
    the filters), for a value made of the cases of any bureau: the public notice list, the same for every visitor.
    On a GET whose transaction has nothing unwritten; made afresh otherwise. Read it, never change it."""
    if not may_keep() or CASES.pending(db.session):
        return make()
    revision = once("every_bureau_revision", "every", lambda: every_bureau(db.session))
    return _EVERYWHERE.made((revision, what), make)  # type: ignore[return-value]
