"""The ledger (台账计分) of an office: its records of the flow scored by period under its ledger scheme.

What the engine (`workflow.scoring.ledger`, pure) scores is read here from the article procedure's own records:
the roster is the office's units with their groups and base scores; adoptions (withdrawn ones left out) carry
the publication's code in the scheme, class and form; instructions, incidents and missed important commissions
are mapped onto the scheme's ids by its `[flow]` table; submissions are the articles units sent in.

A period is scored live until the office head closes it. Closing freezes the result (`LedgerPeriod.result`);
from then on every page, export and API answer reads the frozen result, and a late correction changes it only
through a recorded recompute that shows the difference. Publishing the bulletin (通报) is the last act.

Results are plain dicts — `LedgerResult.to_dict()` plus ``scheme``, ``office``, ``skipped`` and
``computed_on`` — so a live result and a frozen one are read the same way.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from webapp.articles.models import (
    ArticleOffice,
    LedgerPeriod,
    LedgerRecompute,
    Publication,
)
from webapp.articles.services import permissions

# the scheme, periods and roster live in ledger_periods; callers keep reading them as ledger.<name>
from webapp.articles.services.ledger_periods import (  # noqa: F401 - re-exported
    LedgerUnavailable,
    Roster,
    _per_request,
    closed_period,
    current_period,
    default_period,
    first_day,
    is_over,
    kept_under_revision,
    last_day,
    period_from,
    require_scheme,
    revision,
    roster,
    scheme_of,
    to_close,
)

# the period's records are read in ledger_records; callers keep reading them as ledger.records
from webapp.articles.services.ledger_records import Collected, records  # noqa: F401 - re-exported
from webapp.core import clock
from webapp.core.collector import collector_paused
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import transaction
from webapp.core.services.audit import append_event
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from webapp.core.services.kept import Kept
from workflow.scoring.ledger import (
    LedgerError,
    LedgerScheme,
    Period,
    score_ledger,
)

T = TypeVar("T")

#: the audit trail's subject type for a closed period
SUBJECT = "ledger_period"
PERIOD_KIND_LABELS = {"month": "月度", "quarter": "季度", "half": "半年", "year": "年度"}
#: what a recompute compares per unit (the bulletin's columns)
COMPARED = (("total", "总分"), ("rank", "名次"), ("missing", "缺稿篇数"), ("advanced", "先进单位"))
REASON_MIN, REASON_MAX = 4, 500


# -- scoring ---------------------------------------------------------------------------------------------------


def records_stamp(office: ArticleOffice) -> tuple[Any, ...]:
    """What moves whenever a record the ledger reads changes: the office's records revision, raised at every
    commit that writes an adoption, article, instruction, incident, commission or target of it, or changes its
    roster (`ledger_revision`). One index probe, whatever the office holds, once per GET (`revision`)."""
    return (revision(office),)


#: live results kept per process, a few periods deep (the pages of one office read the same period again and
#: again; a change of any record moves `records_stamp` and the next view scores afresh)
LIVE_CACHE_SIZE = 8
#: and no more than this weight of them together (`result_weight`: a result's units and their lines, quotas and
#: flags). A large office's result is large: in the generated province 宜昌's (1,206 units) weighs ~7,000 for a
#: month, ~15,000 for a quarter (~2.2 MB in memory, each repeated line and word held once: `renamed_copy`) and
#: ~34,000 for its year (~3.5 MB), the province office's (1,800 units) ~23,000 and ~52,000 (~3.0 and ~4.8 MB); a
#: small office's, a few hundred. Bounded by count only, an office head looking at a few periods kept eight such
#: results in a worker (measured before lines were shared: 256 MB resident after eight periods, against the 200
#: MB a worker is to stay under, issue 12).
LIVE_CACHE_WEIGHT = 40_000


@dataclass
class _Live:
    """A kept live result, with what callers made of it (`kept_with`): dropped together."""

    result: dict[str, Any]
    made: dict[Hashable, Any] = field(default_factory=dict)


_LIVE: Kept[_Live] = Kept("ledger_live", LIVE_CACHE_SIZE, budget=LIVE_CACHE_WEIGHT)
_MADE_LOCK = threading.Lock()


def result_weight(result: dict[str, Any]) -> int:
    """What a live result counts against `LIVE_CACHE_WEIGHT`: its units, and their lines, quotas and flags (its
    memory follows them)."""
    return sum(
        1 + len(unit.get("lines") or ()) + len(unit.get("quotas") or ()) + len(unit.get("flags") or ())
        for unit in result.get("units") or ()
    )


def expected_weight(who: Roster, period: Period) -> int:
    """A result's `result_weight` before it is scored, from its roster and its months: measured on a province
    office's 1,206 units, a month ~5.8 a unit, a quarter ~12.7, a half ~19.3, a year ~28.5 — about 4 and 2 a
    month."""
    return len(who.units) * (4 + 2 * period.length)


def _entry_of(result: dict[str, Any]) -> _Live | None:
    """The kept entry of the live result ``result`` itself (not an equal one), or None when it is not kept."""
    return next((entry for entry in _LIVE.values() if entry.result is result), None)


def still_kept(result: dict[str, Any]) -> bool:
    """Whether ``result`` is one of the live results kept now."""
    return _entry_of(result) is not None


def kept_with(result: dict[str, Any], name: Hashable, make: Callable[[], T]) -> T:
    """``make()``, kept with the live result ``result`` under ``name`` for as long as the ledger keeps the result
    and dropped with it (the ranking page's facts and rendered sections of it: kept apart, they kept a result the
    ledger had let go of alive); made afresh each time for a result that is not kept (a closed period's)."""
    entry = _entry_of(result)
    if entry is None:
        return make()
    with _MADE_LOCK:
        found = entry.made.get(name)
    if found is None:
        found = make()
        with _MADE_LOCK:
            found = entry.made.setdefault(name, found)
    return cast(T, found)


def _made_of(
    office: ArticleOffice, what: Hashable, as_of: date, scheme: LedgerScheme, who: Roster
) -> tuple[Any, ...]:
    """Everything a kept result of the office's records is made of (`live`, `points_by_month`): ``what`` (a
    period's label, a year), the day, the scheme, the roster, the office's publications and `records_stamp`."""
    return (
        office.id,
        what,
        as_of,
        scheme.id,
        scheme.version,
        who.key(),
        _publications(office),
        records_stamp(office),
    )


def live(
    office: ArticleOffice, period: Period, as_of: date | None = None, *, fresh: bool = False
) -> dict[str, Any]:
    """Score ``period`` now from the flow's records (a closed period's frozen result is `view`'s job).

    A page's repeated views are answered from a small per-process cache keyed by the period, the day, the
    scheme, the roster, the office's publications and `records_stamp` (two statements, none over the office's
    history; the roster is kept under the same revision), so a province's period is scored once per change, not
    once per view. The result is shared: callers read it, never change it. Acts (closing, recomputing) pass ``fresh`` and always score from the records."""
    as_of = as_of or clock.today()
    scheme = require_scheme(office)
    who = roster(office, scheme)
    key: tuple[Any, ...] | None = None
    if not fresh:
        key = _made_of(office, period.label, as_of, scheme, who)
        found = _LIVE.get(key)
        if found is not None:
            return found.result
    if key is not None:
        # what is kept makes room first: a worker that keeps a province office's year and scores another held both
        # and the second's records at once (tracemalloc, the second year's peak: 73.7 MB, 56.6 with room made)
        _LIVE.make_room(expected_weight(who, period))
    # the scoring makes many objects that live until the result is made: the cyclic collector would walk them
    # again and again as they grow and free nothing (webapp/core/collector.py)
    with collector_paused():
        # the adoptions are read unit after unit as the engine scores them, never all held (tracemalloc, the
        # generated province's year: 宜昌's 99,638 scored adoptions held ~15 MB; the scoring's peak went from 41.5
        # to 29.9 MB, the province office's from 61.4 to 44.2; with lines shared and no JSON text, 18.8 and 22.5)
        collected = records(office, scheme, period, who, as_of, by_unit=True)
        try:
            result = score_ledger(
                scheme, who.units, collected.records, period, unit_by_unit=collected.by_unit
            )
        except LedgerError as exc:  # a stored value the scheme cannot place: say which, never fail the page
            raise LedgerUnavailable(f"本期记录无法按计分办法计分：{exc}") from None
        skipped = collected.skipped  # counted as the adoptions were read
        # the engine's result goes before the result is copied into the office's words, and its units as they are
        # copied, so a worker's peak holds about one of them at a time
        del collected
        dumped = result.to_dict()
        del result
        out = _into_office_words(office, scheme, dumped)
        del dumped
    out["scheme"] = {"id": scheme.id, "version": scheme.version, "name": scheme.name}
    out["office"] = office.name
    out["computed_on"] = as_of.isoformat()
    out["skipped"] = skipped
    out["unplaced"] = who.unplaced
    out["unit_ids"] = {name: unit_id for name, unit_id in who.ids.items()}
    if key is not None:
        _LIVE.put(key, _Live(out), result_weight(out))
    return out


def publication_names(office: ArticleOffice, scheme: LedgerScheme) -> dict[str, str]:
    """Scheme publication id → the name the office reads: its own publication of that code (《宜昌组工信息》),
    else the scheme's, which is the source's (《**组工信息》 — the text's own redaction)."""
    own = {code: name for _, code, name in _publications(office)}
    return {p.id: own.get(p.id, p.name) for p in scheme.publications}


#: an office's publications kept per process under its records revision, which moves with every committed change
#: of them (`ledger_revision`): the ledger's pages read them at every view (the names the results show, and part
#: of what a kept result is made of), a statement of their own each until issue 12
_PUBLICATIONS: Kept[tuple[tuple[int, str, str], ...]] = Kept("ledger_publications", 256)


def _publications(office: ArticleOffice) -> tuple[tuple[int, str, str], ...]:
    """The office's publications (id, code, name), read once per request and, on a GET, once per change."""
    memo: dict[int, tuple[tuple[int, str, str], ...]] = _per_request("publications")
    found = memo.get(office.id)
    if found is None:
        found = memo[office.id] = kept_under_revision(
            _PUBLICATIONS, office, (), lambda _key: _read_publications(office)
        )
    return found


def _read_publications(office: ArticleOffice) -> tuple[tuple[int, str, str], ...]:
    return tuple(
        (pid, code, name)
        for pid, code, name in db.session.execute(
            sa.select(Publication.id, Publication.code, Publication.name)
            .where(Publication.office_id == office.id)
            .order_by(Publication.id)
        )
    )


def in_office_words(text: str, scheme: LedgerScheme, names: dict[str, str]) -> str:
    """``text`` worded by the engine with the scheme's publication names, in the office's (`publication_names`)."""
    for old, own in _renamed(scheme, names):
        text = text.replace(old, own)
    return text


def _renamed(scheme: LedgerScheme, names: dict[str, str]) -> list[tuple[str, str]]:
    """(the scheme's name, the office's) of each publication the office names otherwise, in the scheme's order."""
    return [
        (pub.name, names[pub.id]) for pub in scheme.publications if names.get(pub.id, pub.name) != pub.name
    ]


def _into_office_words(office: ArticleOffice, scheme: LedgerScheme, dumped: dict[str, Any]) -> dict[str, Any]:
    """The engine's result (``dumped``, `LedgerResult.to_dict`) as the office reads it (`renamed_copy`)."""
    return renamed_copy(dumped, _renamed(scheme, publication_names(office, scheme)))


#: the JSON values a dict `renamed_copy` shares holds (its keys are strings)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def renamed_copy(dumped: dict[str, Any], renamed: list[tuple[str, str]]) -> dict[str, Any]:
    """A copy of ``dumped`` (a result's JSON values) with each (old, new) of ``renamed`` replaced in every string,
    keys included, in order, and each distinct string one object: what its JSON text would read back as with the
    names replaced in it. ``dumped`` is used up: its ``units`` are dropped one by one as their copies are made.

    Equal strings, and equal dicts of scalars (a line, a flag), are one object because the units repeat the same
    lines: in the generated province 宜昌's year held 88,621 strings of 1,776 values (7.1 of the 17.0 MB a worker
    kept), the province office's 38,789 line dicts of 543 (kept: 14.8 MB, 4.8 with one of each). Consumers read
    a result and never change it (`live`). The copy is made unit by unit because it was the scoring's heaviest
    moment: made through the result's JSON text, the engine's dicts, the text and the copy were all held at once
    (tracemalloc, the province office's year: 43.5 MB, against 30.2 while it was scored), and it took ~160 ms
    against ~90 now."""
    worded: dict[str, str] = {}  # each string met → its copy
    shared: dict[str, str] = {}  # each copy's value → the one object
    alike: dict[tuple[Any, ...], dict[str, Any]] = {}  # each dict of scalars → the one object

    def word(text: str) -> str:
        found = worded.get(text)
        if found is None:
            new = text
            for old, own in renamed:
                new = new.replace(old, own)
            found = worded[text] = shared.setdefault(new, new)
        return found

    def copy(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return word(value)
        if kind is dict:
            copied = {
                word(key) if type(key) is str else key_of(key): copy(item) for key, item in value.items()
            }
            if all(type(item) in _SCALARS for item in copied.values()):
                # a line or flag of many units (the same words and points): one dict. Keyed by each value's
                # type as well, so 1, 1.0 and True stay what they are
                return alike.setdefault(tuple((k, type(v), v) for k, v in copied.items()), copied)
            return copied
        if kind is list or kind is tuple:
            return [copy(item) for item in value]
        if kind is int or kind is float or kind is bool or value is None:
            return value
        # anything else as its JSON reads back (what a frozen result keeps): TypeError where it has none
        return copy(json.loads(json.dumps(value, ensure_ascii=False)))

    def key_of(key: Any) -> str:
        # a key that is not a string as JSON writes it: 1 → "1", True → "true" (TypeError where it cannot)
        return word(next(iter(json.loads(json.dumps({key: None})))))

    out: dict[str, Any] = {}
    for key, value in dumped.items():
        if key == "units" and type(value) is list:
            value.reverse()
            units = []
            while value:  # each engine-made unit dropped as its copy is made
                units.append(copy(value.pop()))
            out[word(key)] = units
        else:
            out[word(key)] = copy(value)
    return out


#: the charts' images kept per process (`drawn`): matplotlib takes ~0.7 s to draw forty units' bars with their
#: names, and the publications chart reads the period's records (~1 s for a province office's quarter)
_DRAWN: Kept[bytes] = Kept("ledger_charts", 12)


def drawn(office: ArticleOffice, period: Period, name: str, draw: Callable[[], bytes]) -> bytes:
    """``draw()`` — the chart ``name`` of ``period`` — kept under everything it is drawn from: what `_made_of`
    says of the office's records, and the period's frozen result when it is closed (changed only by a recompute,
    which moves the record's version). A view after any change draws afresh."""
    scheme = require_scheme(office)
    record = closed_period(office, period)
    key = (
        *_made_of(office, (period.label, name), clock.today(), scheme, roster(office, scheme)),
        (record.id, record.version_id) if record is not None else None,
    )
    found = _DRAWN.get(key)
    return found if found is not None else _DRAWN.put(key, draw())


@dataclass(frozen=True)
class PeriodView:
    office: ArticleOffice
    period: Period
    result: dict[str, Any]
    #: the closed period, None while it is scored live
    record: LedgerPeriod | None

    @property
    def state(self) -> str:
        return self.record.state if self.record is not None else "open"

    @property
    def frozen(self) -> bool:
        return self.record is not None


def view(office: ArticleOffice, period: Period) -> PeriodView:
    """The frozen result of a closed period, else the live one."""
    record = closed_period(office, period)
    if record is not None:
        return PeriodView(office, period, record.result, record)
    return PeriodView(office, period, live(office, period), None)


def unit_result(result: dict[str, Any], unit_name: str) -> dict[str, Any] | None:
    return next((u for u in result.get("units", []) if u["unit"] == unit_name), None)


def closed_periods(office: ArticleOffice, *, limit: int = 40) -> list[LedgerPeriod]:
    return list(
        db.session.scalars(
            sa.select(LedgerPeriod)
            .where(LedgerPeriod.office_id == office.id)
            .order_by(LedgerPeriod.closed_at.desc(), LedgerPeriod.id.desc())
            .limit(limit)
        )
    )


# -- acts ------------------------------------------------------------------------------------------------------


def _office_for_head(user: User, office: ArticleOffice) -> None:
    if not permissions.can_close_ledger(user, office):
        raise NotFound()


def close(user: User, office: ArticleOffice, period: Period) -> LedgerPeriod:
    """Freeze the period's results (the office head, once the period is over and every unit has a group)."""
    _office_for_head(user, office)
    today = clock.today()
    if not is_over(period, today):
        raise InvalidInput(
            f"{period.chinese}尚未结束（{last_day(period):%Y年%m月%d日}止），结束后才能结算。", field="period"
        )
    if closed_period(office, period) is not None:
        raise Conflict(f"{period.chinese}已结算，已被他人处理，请刷新。")
    result = live(office, period, today, fresh=True)
    if result["unplaced"]:
        raise InvalidInput(
            "以下单位未设置考核类别，不能结算："
            + "、".join(result["unplaced"])
            + "。请先在办公室设置中为其选定类别。",
            field="period",
        )
    scheme = require_scheme(office)
    record = LedgerPeriod(
        office_id=office.id,
        period=period.label,
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        result=result,
        closed_by_id=user.id,
    )
    try:
        with transaction() as session:
            session.add(record)
            session.flush()
            append_event(
                SUBJECT,
                record.id,
                "close",
                actor=user,
                to_state="closed",
                comment=f"{office.name}{period.chinese}信息工作计分结算（{len(result['units'])}个单位）",
                rule_id=result_rule(scheme),
            )
    except IntegrityError:
        raise Conflict(f"{period.chinese}已结算，已被他人处理，请刷新。") from None
    return record


def result_rule(scheme: LedgerScheme) -> str | None:
    return scheme.ranking_rule or scheme.cutoff_rule or None


def difference(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed per unit between two results: [{unit, field, label, before, after}], units added or gone."""
    old = {u["unit"]: u for u in before.get("units", [])}
    new = {u["unit"]: u for u in after.get("units", [])}
    changes: list[dict[str, Any]] = []
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name), new.get(name)
        if a is None or b is None:
            changes.append(
                {
                    "unit": name,
                    "field": "unit",
                    "label": "单位",
                    "before": a is not None,
                    "after": b is not None,
                }
            )
            continue
        for key, label in COMPARED:
            if a.get(key) != b.get(key):
                changes.append(
                    {"unit": name, "field": key, "label": label, "before": a.get(key), "after": b.get(key)}
                )
    return changes


def preview_recompute(
    office: ArticleOffice, period: Period
) -> tuple[LedgerPeriod, dict[str, Any], list[dict]]:
    record = closed_period(office, period)
    if record is None:
        raise InvalidInput(f"{period.chinese}尚未结算，页面显示的已是实时结果。", field="period")
    fresh = live(office, period, fresh=True)
    return record, fresh, difference(record.result, fresh)


def recompute(
    user: User, office: ArticleOffice, period: Period, reason: Any, *, version: Any = None
) -> LedgerRecompute:
    """Replace a closed period's result by a fresh one after a late correction — a recorded act with its
    reason, the difference and the result it replaced."""
    _office_for_head(user, office)
    text = str(reason or "").strip()
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise InvalidInput(f"请写明重新计算的原因（{REASON_MIN}至{REASON_MAX}个字）。", field="reason")
    record, fresh, changes = preview_recompute(office, period)
    if record.state == "published":
        raise InvalidInput(
            f"{period.chinese}的通报已发布，结果不再重新计算；如需更正，请另行发文更正。", field="reason"
        )
    if version is not None and str(version) != str(record.version_id):
        raise Conflict("结算结果已被他人更新，已被他人处理，请刷新。")
    if not changes:
        raise InvalidInput("重新计算的结果与已结算结果相同，无需重新计算。", field="reason")
    entry = LedgerRecompute(
        period_id=record.id, reason=text, changes=changes, previous=record.result, by_id=user.id
    )
    with transaction() as session:
        session.add(entry)
        record.result = fresh
        session.flush()
        append_event(
            SUBJECT,
            record.id,
            "recompute",
            actor=user,
            from_state=record.state,
            to_state=record.state,
            comment=f"重新计算（{len(changes)}处变化）：{text}",
        )
    return entry


BULLETIN_LIMITS = {"bulletin_number": 40, "bulletin_title": 120, "bulletin_text": 5000}


def publish(user: User, office: ArticleOffice, period: Period, form: dict[str, Any]) -> LedgerPeriod:
    """Issue the bulletin (通报) of a closed period: its number, title and the office's own paragraph."""
    _office_for_head(user, office)
    record = closed_period(office, period)
    if record is None:
        raise InvalidInput(f"{period.chinese}尚未结算，结算后才能发布通报。", field="period")
    if record.state == "published":
        raise Conflict(f"{period.chinese}的通报已发布，已被他人处理，请刷新。")
    values = {key: str(form.get(key) or "").strip() for key in BULLETIN_LIMITS}
    if not values["bulletin_title"]:
        raise InvalidInput("请填写通报标题。", field="bulletin_title")
    for key, limit in BULLETIN_LIMITS.items():
        if len(values[key]) > limit:
            raise InvalidInput(f"不能超过{limit}个字。", field=key)
        if "\x00" in values[key]:
            raise InvalidInput("含有不可见的控制字符，请删除后再提交。", field=key)
    with transaction():
        for key, value in values.items():
            setattr(record, key, value)
        record.state = "published"
        record.published_at = clock.now()
        record.published_by_id = user.id
        append_event(
            SUBJECT,
            record.id,
            "publish",
            actor=user,
            from_state="closed",
            to_state="published",
            comment=f"发布通报：{values['bulletin_title']}",
        )
    return record
