"""Parsing a ruleset: plain data (a TOML document) → the frozen model, through the shared validator
(`workflow.validation`); anything not understood is refused naming the file and the field."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from workflow import validation as v
from workflow.errors import RulesetError
from workflow.ruleset.model import (
    CERTIFICATE_PREFIX_FIELDS,
    CITATION_ROLES,
    KNOWN_BASIS_FACTS,
    LETTER_PREFIX_FIELDS,
    MAX_DAYS_AHEAD,
    WAITABLE_STATES,
    AuthorityRow,
    BasisDocument,
    CalendarSettings,
    Deadlines,
    Documents,
    Kind,
    Level,
    MonthDay,
    Named,
    Precondition,
    Procedure,
    Ruleset,
    RuleText,
    Switches,
    Wait,
)

T = TypeVar("T")


class _Table:
    """A ruleset mapping read with the shared validator (`workflow.validation`); the field kinds a ruleset uses
    are declared here, and `_ruleset_error` words every refusal with the file and the field path."""

    def __init__(self, data: Any, at: v.Path, source: str) -> None:
        self.source = source
        #: where the table sits, e.g. ("authority", 14); `path` is the same as people read it
        self.at = at
        self.path = v.dotted(at)
        self.reader = v.Reader(data, error=lambda invalid: _ruleset_error(source, invalid), path=at)
        self.data = self.reader.data

    def field(self, key: str) -> str:
        return v.dotted(self.at + (key,))

    def error(self, key: str, problem: str) -> RulesetError:
        return RulesetError(self.source, self.field(key), problem)

    def get(self, key: str, kind: type[T] | tuple[type, ...], default: Any = v.REQUIRED) -> Any:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        return self.reader.get(key, v.Field(kinds, default=default))

    def text(self, key: str, default: Any = v.REQUIRED) -> Any:
        return self.reader.get(key, v.text(default=default, nonempty=True))

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value: str = self.reader.get(key, v.text(nonempty=True, choices=tuple(allowed)))
        return value

    def positive(self, key: str) -> int:
        value: int = self.reader.get(key, v.integer(min=1))
        return value

    def strings(
        self, key: str, allowed: Sequence[str] | None = None, default: Any = v.REQUIRED
    ) -> tuple[str, ...]:
        each = v.text(choices=None if allowed is None else tuple(allowed))
        values: tuple[str, ...] = tuple(self.reader.get(key, v.Field((list,), default=default, each=each)))
        return values

    def month_day(self, key: str) -> MonthDay:
        return _month_day(self.text(key), self.source, self.field(key))

    def table(self, key: str) -> _Table:
        return _Table(self.reader.get(key, v.table()), self.at + (key,), self.source)

    def tables(self, key: str) -> list[_Table]:
        values = self.reader.get(key, v.Field((list,), nonempty=True))
        return [_Table(value, self.at + (key, index), self.source) for index, value in enumerate(values)]

    def done(self) -> None:
        self.reader.done()


def _ruleset_error(source: str, invalid: v.Invalid) -> RulesetError:
    """The one translation of a validator problem into a ruleset error naming the file and the field."""
    params, problem = invalid.params, invalid.problem
    at = invalid.path
    if problem == v.MISSING:
        text = "missing"
    elif problem == v.WRONG_TYPE and params["expected"] != (Mapping,):
        text = f"expected {_names(params['expected'])}"
        if invalid.element is None:
            text += ", got a boolean" if params["got"] == "bool" else f", got {params['got']}"
    elif problem == v.NOT_TABLE or params.get("expected") == (Mapping,):
        text = f"expected a table, got {params['got']}"
    elif problem == v.EMPTY:
        text = "must not be empty"
    elif problem == v.TOO_SMALL:
        low = params["min"]
        text = (
            f"must be 0 or more, got {params['value']}"
            if low == 0
            else f"must be at least {low}, got {params['value']}"
        )
    elif problem == v.TOO_LARGE:
        text = f"must be at most {params['max']}, got {params['value']}"
    elif problem == v.NOT_CHOICE:
        known, value = ", ".join(params["choices"]), params["value"]
        text = (
            f"unknown {value!r} (known: {known})"
            if invalid.element is not None
            else f"{value!r} is not one of {known}"
        )
    elif problem == v.UNKNOWN_KEYS:
        at, text = at + (params["names"][0],), "unknown key"
    else:
        text = problem  # a problem the parser words itself
    return RulesetError(source, v.dotted(at), text)


def _names(kinds: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "an array"}
    return " or ".join(names.get(kind, kind.__name__) for kind in kinds)


def _month_day(value: str, source: str, field: str) -> MonthDay:
    try:
        month_text, day_text = value.split("-")
        month, day = int(month_text), int(day_text)
        # 2000 is a leap year, so 02-29 is accepted as a month-day.
        date(2000, month, day)
    except ValueError:
        raise RulesetError(source, field, f"{value!r} is not a MM-DD date") from None
    return (month, day)


def _unique(tables: list[_Table], key: str, name: str) -> list[str]:
    seen: list[str] = []
    for table in tables:
        value = table.text(key)
        if value in seen:
            raise table.error(key, f"duplicate {name} {value!r}")
        seen.append(value)
    return seen


def parse_ruleset(data: Mapping[str, Any], source: str) -> Ruleset:
    """Validate plain ruleset data and build a `Ruleset`; raises `RulesetError` naming `source` and the field."""
    root = _Table(data, (), source)
    ruleset_id = root.text("id")
    name = root.text("name")
    effective = _effective(root)
    documents = _parse_documents(root.table("documents"))
    default_scheme = root.text("default_scheme", None)

    rule_texts = _parse_rule_texts(root.table("rule_texts"))

    def known_rule(table: _Table, key: str, default: Any = v.REQUIRED) -> Any:
        rule = table.text(key, default)
        if rule is not None and rule not in rule_texts:
            raise table.error(key, f"rule {rule!r} has no entry in rule_texts")
        return rule

    level_tables = root.tables("levels")
    _unique(level_tables, "id", "level")
    levels = []
    for table in level_tables:
        scored = table.get("scored", bool)
        pass_line = table.get("pass_line", (int, float), None)
        if scored and pass_line is None:
            raise table.error("pass_line", "missing (required for a scored level)")
        if not scored and pass_line is not None:
            raise table.error("pass_line", "must be absent for an unscored level")
        levels.append(
            Level(
                id=table.text("id"),
                name=table.text("name"),
                scored=scored,
                pass_line=float(pass_line) if pass_line is not None else None,
                rule=known_rule(table, "rule"),
                pass_rule=known_rule(table, "pass_rule"),
                requires_system_guidance=table.get("requires_system_guidance", bool),
                reward_policy=table.get("reward_policy", bool),
            )
        )
        table.done()
    level_ids = [level.id for level in levels]

    kind_tables = root.tables("kinds")
    _unique(kind_tables, "id", "kind")
    kinds = []
    for table in kind_tables:
        kinds.append(
            Kind(
                id=table.text("id"),
                name=table.text("name"),
                renews=table.get("renews", bool),
                certificate=table.text("certificate"),
                certificate_title=table.text("certificate_title"),
            )
        )
        table.done()
    if [kind.renews for kind in kinds].count(False) != 1 or [kind.renews for kind in kinds].count(True) != 1:
        raise root.error("kinds", "need exactly one granting kind (renews = false) and one renewing kind")
    kind_ids = [kind.id for kind in kinds]

    tiers = _parse_named(root, "tiers", "tier")
    tier_ids = [tier.id for tier in tiers]
    bureau_tiers = _parse_named(root, "bureau_tiers", "bureau tier")
    bureau_ids = [tier.id for tier in bureau_tiers]

    attachment_named = _parse_named(root, "attachment_kinds", "attachment kind")
    attachment_kinds = [kind.id for kind in attachment_named]

    calendar = _parse_calendar(root.table("calendar"))
    deadlines = _parse_deadlines(root.table("deadlines"), known_rule)

    procedure_table = root.table("procedure")
    procedure = Procedure(
        acceptance_attachments=procedure_table.strings("acceptance_attachments", attachment_kinds),
        delegated_precheck_attachment=procedure_table.choice(
            "delegated_precheck_attachment", attachment_kinds
        ),
        delegated_precheck_rule=known_rule(procedure_table, "delegated_precheck_rule"),
        summary_bureau=procedure_table.choice("summary_bureau", bureau_ids),
        summary_rule=known_rule(procedure_table, "summary_rule"),
        allow_paper_review=procedure_table.get("allow_paper_review", bool, True),
    )
    procedure_table.done()

    authority = _parse_authority(root, level_ids, kind_ids, tier_ids, bureau_ids, known_rule)

    basis_tables = root.tables("basis_documents")
    _unique(basis_tables, "id", "basis document")
    basis_documents = []
    for table in basis_tables:
        document = BasisDocument(
            id=table.text("id"),
            name=table.text("name"),
            attachments=table.strings("attachments", attachment_kinds, ()),
            facts=table.strings("facts", sorted(KNOWN_BASIS_FACTS), ()),
        )
        if not document.attachments and not document.facts:
            raise table.error("attachments", "a basis document needs at least one attachment or fact")
        basis_documents.append(document)
        table.done()
    basis_rule = known_rule(root, "basis_rule")

    precondition_tables = root.tables("preconditions")
    _unique(precondition_tables, "id", "precondition")
    preconditions = []
    for table in precondition_tables:
        preconditions.append(
            Precondition(
                id=known_rule(table, "id"),
                text=table.text("text"),
                from_incidents=table.get("from_incidents", bool, False),
            )
        )
        table.done()

    citation_table = root.table("citations")
    citations = MappingProxyType({role: known_rule(citation_table, role) for role in CITATION_ROLES})
    citation_table.done()

    switches = _parse_switches(root.table("switches"))
    root.done()
    return Ruleset(
        id=ruleset_id,
        name=name,
        effective=effective,
        documents=documents,
        levels=tuple(levels),
        kinds=tuple(kinds),
        tiers=tiers,
        bureau_tiers=bureau_tiers,
        attachment_kinds=attachment_named,
        calendar=calendar,
        deadlines=deadlines,
        procedure=procedure,
        authority=authority,
        basis_documents=tuple(basis_documents),
        basis_rule=basis_rule,
        preconditions=tuple(preconditions),
        rule_texts=rule_texts,
        citations=citations,
        switches=switches,
        default_scheme=default_scheme,
    )


def _effective(root: _Table) -> str:
    value: str = root.text("effective")
    parts = value.split("-")
    try:
        if len(parts) == 1:
            ok = len(parts[0]) == 4 and parts[0].isdigit()
        elif len(parts) == 2:
            ok = len(parts[0]) == 4 and bool(date(int(parts[0]), int(parts[1]), 1))
        else:
            ok = bool(date.fromisoformat(value))
    except ValueError:
        ok = False
    if not ok:
        raise root.error("effective", f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _template(table: _Table, key: str, fields: tuple[str, ...]) -> str:
    """A number prefix template: must use every one of ``fields`` and nothing else."""
    value: str = table.text(key)
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        raise table.error(key, "is not a valid template (a lone { or })") from None
    unknown = used - set(fields)
    if unknown:
        raise table.error(key, f"unknown placeholder {{{sorted(unknown)[0]}}} (allowed: {', '.join(fields)})")
    missing = set(fields) - used
    if missing:
        raise table.error(key, f"must contain {{{sorted(missing)[0]}}}")
    return value


def _parse_documents(table: _Table) -> Documents:
    documents = Documents(
        province=table.text("province"),
        province_bureau=table.text("province_bureau"),
        measures_title=table.text("measures_title"),
        measures_number=table.text("measures_number"),
        programme=table.text("programme"),
        certificate_prefix=_template(table, "certificate_prefix", CERTIFICATE_PREFIX_FIELDS),
        letter_prefix=_template(table, "letter_prefix", LETTER_PREFIX_FIELDS),
        top_bureau_short=table.text("top_bureau_short"),
    )
    table.done()
    return documents


def _parse_rule_texts(table: _Table) -> Mapping[str, RuleText]:
    texts = {}
    for rule in table.data:
        value = table.get(rule, list)
        if len(value) != 2 or not all(isinstance(part, str) and part.strip() for part in value):
            raise table.error(rule, "expected [article label, quote], two non-empty strings")
        texts[rule] = RuleText(article=value[0], quote=value[1])
    if not texts:
        raise RulesetError(table.source, table.path, "must not be empty")
    return MappingProxyType(texts)


def _parse_named(root: _Table, key: str, what: str) -> tuple[Named, ...]:
    tables = root.tables(key)
    _unique(tables, "id", what)
    named = []
    for table in tables:
        named.append(Named(id=table.text("id"), name=table.text("name")))
        table.done()
    return tuple(named)


def _parse_calendar(table: _Table) -> CalendarSettings:
    window = table.get("application_window", list)
    if len(window) != 2 or not all(isinstance(part, str) for part in window):
        raise table.error("application_window", 'expected ["MM-DD", "MM-DD"]')
    start = _month_day(window[0], table.source, table.field("application_window") + "[0]")
    end = _month_day(window[1], table.source, table.field("application_window") + "[1]")
    if start > end:
        raise table.error("application_window", f"starts {window[0]} after it ends {window[1]}")
    leap = table.month_day("leap_day_anniversary")
    if leap not in ((2, 28), (3, 1)):
        raise table.error("leap_day_anniversary", "must be 02-28 or 03-01")
    calendar = CalendarSettings(
        timezone=table.text("timezone"),
        notice_days=table.positive("notice_days"),
        notice_counts_publication_day=table.get("notice_counts_publication_day", bool),
        validity_years=table.positive("validity_years"),
        promotion_wait_years=table.positive("promotion_wait_years"),
        incident_window_months=table.positive("incident_window_months"),
        application_window=(start, end),
        enforce_application_window=table.get("enforce_application_window", bool),
        forwarding_last_day=table.month_day("forwarding_last_day"),
        summary_due_before=table.month_day("summary_due_before"),
        summary_due_day_inclusive=table.get("summary_due_day_inclusive", bool),
        leap_day_anniversary=leap,
        notice_start_max_days_ahead=table.positive("notice_start_max_days_ahead"),
    )
    if calendar.notice_start_max_days_ahead > MAX_DAYS_AHEAD:
        raise table.error(
            "notice_start_max_days_ahead",
            f"must be at most {MAX_DAYS_AHEAD} days, got {calendar.notice_start_max_days_ahead}",
        )
    table.done()
    return calendar


def _parse_deadlines(table: _Table, known_rule: Any) -> Deadlines:
    past = table.get("review_date_past_days", int)
    if past < 0:
        raise table.error("review_date_past_days", f"must be 0 or more, got {past}")
    notice_close = table.get("notice_close_days", int)
    if notice_close < 0:
        raise table.error("notice_close_days", f"must be 0 or more, got {notice_close}")
    waits: dict[str, Wait] = {}
    for wait_table in table.tables("waits"):
        state = wait_table.choice("state", WAITABLE_STATES)
        if state in waits:
            raise wait_table.error("state", f"duplicate wait for {state!r}")
        waits[state] = Wait(
            state=state, days=wait_table.positive("days"), rule=known_rule(wait_table, "rule")
        )
        wait_table.done()
    deadlines = Deadlines(
        notice_close_days=notice_close,
        review_date_ahead_days=table.positive("review_date_ahead_days"),
        review_date_past_days=past,
        waits=MappingProxyType(waits),
    )
    table.done()
    return deadlines


def _parse_switches(table: _Table) -> Switches:
    switches = Switches(
        gap1_entry_at_lowest_level=table.get("gap1_entry_at_lowest_level", bool),
        gap2_promotion_wait_measured_at=table.choice(
            "gap2_promotion_wait_measured_at", ("application", "approval")
        ),
        gap4_pending_recheck_keeps_grade=table.get("gap4_pending_recheck_keeps_grade", bool),
        gap5_downgrade_on_failed_recheck=table.get("gap5_downgrade_on_failed_recheck", bool),
        gap6_recheck_validity_from=table.choice(
            "gap6_recheck_validity_from", ("certificate_date", "previous_expiry")
        ),
        gap8_resubmit_within_plan_year=table.get("gap8_resubmit_within_plan_year", bool),
        gap20_candidate_override_allowed=table.get("gap20_candidate_override_allowed", bool),
        gap21_recheck_incidents_at_approval=table.get("gap21_recheck_incidents_at_approval", bool),
        gap23_parent_covers_missing_tier=table.get("gap23_parent_covers_missing_tier", bool),
        gap24_inactive_bureau_to_top=table.get("gap24_inactive_bureau_to_top", bool),
    )
    table.done()
    return switches


def _parse_authority(
    root: _Table,
    level_ids: list[str],
    kind_ids: list[str],
    tier_ids: list[str],
    bureau_ids: list[str],
    known_rule: Any,
) -> tuple[AuthorityRow, ...]:
    rows: dict[tuple[str, str, str], AuthorityRow] = {}
    for table in root.tables("authority"):
        key = (
            table.choice("level", level_ids),
            table.choice("kind", kind_ids),
            table.choice("tier", tier_ids),
        )
        if key in rows:
            raise table.error("tier", f"combination {'/'.join(key)} already covered by row {rows[key].row}")
        candidate = table.get("candidate", bool, True)
        common: dict[str, Any] = dict(
            row=table.positive("row"),
            level=key[0],
            kind=key[1],
            tier=key[2],
            candidate=candidate,
            rule=known_rule(table, "rule"),
            gap=table.text("gap", None),
        )
        if candidate:
            panel = table.get("panel", list)
            if len(panel) != 2 or not all(
                isinstance(size, int) and not isinstance(size, bool) for size in panel
            ):
                raise table.error("panel", "expected [min, max], two integers")
            if panel[0] < 1:
                raise table.error("panel", f"min {panel[0]} < 1")
            if panel[0] > panel[1]:
                raise table.error("panel", f"min {panel[0]} > max {panel[1]}")
            row = AuthorityRow(
                **common,
                lodged_with=table.choice("lodged_with", bureau_ids),
                forwarded_via=table.strings("forwarded_via", bureau_ids),
                planner=table.choice("planner", bureau_ids),
                prechecker=table.choice("prechecker", bureau_ids),
                organizer=table.choice("organizer", bureau_ids),
                approver=table.choice("approver", bureau_ids),
                filings=table.strings("filings", bureau_ids),
                panel=(panel[0], panel[1]),
                panel_rule=known_rule(table, "panel_rule"),
                in_city_summary=table.get("in_city_summary", bool),
            )
        else:
            row = AuthorityRow(**common)
        table.done()
        rows[key] = row
    missing = [
        f"{level}/{kind}/{tier}"
        for level in level_ids
        for kind in kind_ids
        for tier in tier_ids
        if (level, kind, tier) not in rows
    ]
    if missing:
        raise root.error("authority", f"no row for {', '.join(missing)}")
    return tuple(rows.values())
