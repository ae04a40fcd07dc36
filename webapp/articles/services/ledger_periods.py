"""The ledger's scheme, periods and roster: which scheme an office scores by, the periods it scores (a month,
quarter, half or year, and the one to close), and the units it scores with their groups and base scores (read
once per change: kept per process under the office's records revision, which moves with the roster too). Split
from `ledger` (the records, scoring and acts), which re-exports these names.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import has_request_context, request

from config.ledger_schemes import load_ledger_scheme
from webapp.articles.models import ArticleOffice, LedgerPeriod, OfficeUnit
from webapp.articles.services import ledger_revision
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.request_cache import memo
from webapp.core.services.errors import InvalidInput, ServiceError
from webapp.core.services.kept import Kept
from workflow.scoring.ledger import LedgerError, LedgerScheme, Period, Unit, parse_period


class LedgerUnavailable(ServiceError):
    """The office has no ledger scheme, or its scheme cannot be read: nothing to score."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message, code="ledger_unavailable")


# -- scheme, period, roster ------------------------------------------------------------------------------------


def scheme_of(office: ArticleOffice) -> LedgerScheme | None:
    """The office's ledger scheme, None when it has none (the office scores nothing)."""
    if not office.scheme_id:
        return None
    try:
        return load_ledger_scheme(office.scheme_id)
    except LedgerError:
        return None


def require_scheme(office: ArticleOffice) -> LedgerScheme:
    scheme = scheme_of(office)
    if scheme is None:
        raise LedgerUnavailable("本办公室未设置计分办法，无法计分。请由系统管理员为办公室选定计分办法。")
    return scheme


def period_from(text: Any) -> Period:
    """`2027-01`, `2027-Q1`, `2027-H1`, `2027` → Period; anything else is a Chinese message on ``period``."""
    try:
        period = parse_period(str(text or ""))
    except LedgerError:
        raise InvalidInput(
            "考核期写法不对：可写 2027-01（月）、2027-Q1（季度）、2027-H1（半年）或 2027（年度）。",
            field="period",
        ) from None
    if not 2000 <= period.year <= 2100:
        raise InvalidInput("考核期的年份应在2000年至2100年之间。", field="period")
    return period


def first_day(period: Period) -> date:
    year, month = divmod(period.first, 12)
    return date(year, month + 1, 1)


def last_day(period: Period) -> date:
    year, month = divmod(period.first + period.length - 1, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def current_period(office: ArticleOffice, today: date | None = None) -> Period:
    """The period the office works in today: the kind of its scheme's first quota (ZG: quarter), else a
    quarter."""
    today = today or clock.today()
    scheme = scheme_of(office)
    kind = scheme.quotas[0].period if scheme is not None and scheme.quotas else "quarter"
    length = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    month = today.year * 12 + today.month - 1
    return Period(kind, month - (month % 12) % length)


def closed_period(office: ArticleOffice, period: Period) -> LedgerPeriod | None:
    """The period's frozen result, None while it is scored live. Within a request the office's current period and
    the one before it are read with the first one asked, in one statement, and remembered until the session
    writes (`request_cache`): the ledger's page asks for both (is the last one still to close? is the one shown
    closed?), a statement each until December 2026."""
    made = memo("ledger_closed_periods")
    if made is None:
        return db.session.scalar(_closed(office, (period.label,)))
    key = (office.id, period.label)
    if key not in made:
        current = current_period(office)
        labels = {period.label, current.label, Period(current.kind, current.first - current.length).label}
        found = {row.period: row for row in db.session.scalars(_closed(office, tuple(sorted(labels))))}
        for label in labels:
            made.setdefault((office.id, label), found.get(label))
    found_one: LedgerPeriod | None = made[key]
    return found_one


def _closed(office: ArticleOffice, labels: tuple[str, ...]) -> sa.Select[tuple[LedgerPeriod]]:
    return sa.select(LedgerPeriod).where(LedgerPeriod.office_id == office.id, LedgerPeriod.period.in_(labels))


def to_close(office: ArticleOffice, today: date | None = None) -> Period | None:
    """The period before the current one when it is over and the office has not closed it (the office's next
    act in its ledger), else None."""
    today = today or clock.today()
    if scheme_of(office) is None:
        return None
    current = current_period(office, today)
    previous = Period(current.kind, current.first - current.length)
    if closed_period(office, previous) is not None:
        return None
    return previous


def default_period(office: ArticleOffice, today: date | None = None) -> Period:
    """What the office's ledger page opens on: the period waiting to be closed, else the current one."""
    return to_close(office, today) or current_period(office, today)


def is_over(period: Period, today: date | None = None) -> bool:
    return (today or clock.today()) > last_day(period)


@dataclass(frozen=True)
class Roster:
    units: list[Unit]
    #: organisation id → name in the ledger (its name), and back
    names: dict[int, str]
    ids: dict[str, int]
    #: units whose group is not one of the scheme's (they are listed, not scored)
    unplaced: list[str]
    #: what tells this roster from another in a cache key: the revision it was read at, when it is the shared
    #: copy; else (read in an act, or narrowed to one unit) its content
    stamp: Any = field(default=None, compare=False, repr=False)

    def key(self) -> Any:
        if self.stamp is not None:
            return self.stamp
        return (tuple(self.units), tuple(self.unplaced), tuple(sorted(self.names.items())))


def _per_request(name: str) -> dict[Any, Any]:
    """A memo that lives as long as the request (outside one: none), kept in its WSGI environ — never in ``g``,
    which outlives a request when an app context is already pushed (tests, the CLI)."""
    if not has_request_context():
        return {}
    memo: dict[Any, Any] = request.environ.setdefault(f"kaoping.ledger.{name}", {})
    return memo


V = TypeVar("V")

#: rosters kept per process (a province has a few dozen offices; the busy ones stay)
_ROSTERS: Kept[Roster] = Kept("ledger_rosters", 16)


def revision(office: ArticleOffice) -> int:
    """The office's records revision as committed (`ledger_revision`), read once per GET request (a GET
    changes nothing); an act reads it afresh each time."""
    if not (has_request_context() and request.method == "GET"):
        return ledger_revision.current(db.session, office.id)
    memo: dict[int, int] = _per_request("revisions")
    found = memo.get(office.id)
    if found is None:
        found = ledger_revision.read_with_person(office)
        if found is None:
            found = ledger_revision.current(db.session, office.id)
        memo[office.id] = found
    return found


def roster(office: ArticleOffice, scheme: LedgerScheme) -> Roster:
    """The office's scored units, read once per request (a unit's page reads it for its result, its articles
    and its months) and, on a GET, once per change of the roster: shared within the process under the office's
    records revision, which moves at the commit of any change to its units or their organisations' names."""
    memo: dict[tuple[int, str], Roster] = _per_request("rosters")
    found = memo.get((office.id, scheme.id))
    if found is None:
        found = memo[(office.id, scheme.id)] = _shared_roster(office, scheme)
    return found


def kept_under_revision(
    store: Kept[V], office: ArticleOffice, what: tuple[Any, ...], read: Callable[[Any], V]
) -> V:
    """On a GET whose transaction changed nothing the ledger reads, the value kept in ``store`` under ``what`` and
    the office's records revision, read (``read(key)``) once per revision; otherwise ``read(None)``, kept
    nowhere. Read after the revision, what is read is at least as new as its key (the revision is raised in the
    transaction that changes the records)."""
    keeping = has_request_context() and request.method == "GET" and not ledger_revision.pending(db.session)
    key = (office.id, *what, revision(office)) if keeping else None
    return store.made(key, lambda: read(key))


def _shared_roster(office: ArticleOffice, scheme: LedgerScheme) -> Roster:
    return kept_under_revision(
        _ROSTERS, office, (scheme.id, scheme.version), lambda key: _read_roster(office, scheme, stamp=key)
    )


def _read_roster(office: ArticleOffice, scheme: LedgerScheme, stamp: Any = None) -> Roster:
    groups = {g.id for g in scheme.groups}
    rows = db.session.execute(
        sa.select(OfficeUnit.unit_id, OfficeUnit.group_code, OfficeUnit.base_score, Organisation.name)
        .join(Organisation, Organisation.id == OfficeUnit.unit_id)
        .where(OfficeUnit.office_id == office.id, OfficeUnit.active.is_(True))
        .order_by(Organisation.name, OfficeUnit.unit_id)
    ).all()
    units: list[Unit] = []
    names: dict[int, str] = {}
    unplaced: list[str] = []
    taken: set[str] = set()
    for unit_id, group, base, name in rows:
        if name in taken:  # two organisations of one name: tell them apart by id
            name = f"{name}（{unit_id}）"
        taken.add(name)
        names[unit_id] = name
        if group in groups:
            units.append(Unit(name, group, base))
        else:
            unplaced.append(name)
    return Roster(units, names, {v: k for k, v in names.items()}, unplaced, stamp)
