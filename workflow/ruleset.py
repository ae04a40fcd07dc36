"""A ruleset: everything regulation-specific (levels, pass lines, days, windows, authority, quotes, switches).

The code in `workflow/` knows the *shape* of a grading procedure; a ruleset fills in one province's numbers and
words. `parse_ruleset` turns plain data (a TOML document, already read by `config/rulesets.py`) into frozen
dataclasses and refuses anything it does not understand, naming the file and the field.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from workflow import validation as v
from workflow.errors import Refusal, RulesetError

#: (month, day) of a yearly recurring date such as the 31 March forwarding deadline.
MonthDay = tuple[int, int]

#: Roles a ruleset must name a rule for, so refusals cite that province's own rule IDs.
CITATION_ROLES = (
    "step_by_step",  # promotion one level at a time (ARC-3.1 in hubei-2011)
    "promotion_wait",  # waiting period before promotion (ARC-3.2)
    "recheck_year",  # recheck applied for in the expiry year (ARC-11.2)
    "application_window",  # when applications are made (ARC-10.1.1)
    "forwarding",  # aggregation and forwarding of applications (ARC-10.1.2)
    "plan",  # the evaluation plan (ARC-10.1.3)
    "acceptance",  # the acceptance application and its attachments (ARC-10.1.4)
    "precheck",  # the pre-check and its written opinion (ARC-10.2.1)
    "notice_publication",  # the public notice is published and scrutinised (ARC-10.3.1)
    "notice_period",  # the minimum notice length (ARC-10.3.2)
    "review_result",  # the panel's conclusion (ARC-10.4.5)
)

#: Upper bound for any "days ahead" limit in a ruleset: a year, so a typo in the file cannot open the range wide.
MAX_DAYS_AHEAD = 366

#: Case facts a basis document may be satisfied by (besides attachments); `grading.py` evaluates them.
KNOWN_BASIS_FACTS = frozenset({"review_result", "notice_closed"})


@dataclass(frozen=True)
class Level:
    """A grade an organ can hold, e.g. 省二级."""

    #: Stable identifier used by the API and the database (``second``).
    id: str
    #: Display name (``省二级``).
    name: str
    #: True when the review gives a total score compared with `pass_line`; False for a pass/fail conclusion.
    scored: bool
    #: Points needed to pass (reaching the line passes, GAP-12); None for unscored levels.
    pass_line: float | None
    #: Rule defining the level and its candidates (``ARC-4.4``).
    rule: str
    #: Rule deciding pass or fail (``ARC-7.2`` for scored levels, ``ARC-6.1`` for 特级).
    pass_rule: str
    #: Only organs with a system-guidance task may apply (ARC-4.2).
    requires_system_guidance: bool
    #: Holders may receive the reward policy while the grade is valid (ARC-14.1).
    reward_policy: bool


@dataclass(frozen=True)
class Kind:
    """A procedure type: initial/promotion evaluation or recheck."""

    #: ``evaluation`` or ``recheck`` in hubei-2011.
    id: str
    #: Display name.
    name: str
    #: True when the procedure renews a grade the organ holds (recheck) rather than granting a new one.
    renews: bool
    #: Name of the certificate an approved case of this kind gives (``等级证书``, ``复查合格证书``).
    certificate: str
    #: The certificate's printed title (``机关档案工作目标管理等级证书``).
    certificate_title: str


@dataclass(frozen=True)
class Named:
    """An applicant tier or a bureau tier."""

    #: Identifier (``county_direct``, ``city``).
    id: str
    #: Display name.
    name: str


@dataclass(frozen=True)
class CalendarSettings:
    """Every number of days, years and yearly date the procedure uses."""

    #: Zone the plain `date`s are in; the web layer converts to it.
    timezone: str
    #: Minimum length of the public notice (ARC-10.3.2).
    notice_days: int
    #: Count the publication day as day one (GAP-10).
    notice_counts_publication_day: bool
    #: Certificate validity in years (ARC-10.5.6).
    validity_years: int
    #: Years a certificate must have been held before promotion (ARC-3.2).
    promotion_wait_years: int
    #: Length of the security-incident window ending on the application date (ARC-5.5, GAP-21).
    incident_window_months: int
    #: First and last day (inclusive) of the application window, our reading of 「年初」 (ARC-10.1.1).
    application_window: tuple[MonthDay, MonthDay]
    #: False turns the application window into advice only.
    enforce_application_window: bool
    #: Last day on which the city bureau may forward applications to the province (ARC-10.1.2).
    forwarding_last_day: MonthDay
    #: The date the yearly approvals summary is due *before* (ARC-10.5.3).
    summary_due_before: MonthDay
    #: Whether the due date itself is still in time.
    summary_due_day_inclusive: bool
    #: Where the anniversary of 29 February falls in a common year: (3, 1) or (2, 28).
    leap_day_anniversary: MonthDay
    #: How many days after today a public notice may be scheduled to start (ARC-10.3.1 is silent; our reading:
    #: the notice follows the pre-check, so a start months or centuries ahead is a typing error, not a plan).
    notice_start_max_days_ahead: int


#: Case states a ruleset may give a maximum wait for (the bureau's or panel's turn, or the applicant's).
WAITABLE_STATES = (
    "applied",
    "forwarded",
    "planned",
    "acceptance_requested",
    "prechecking",
    "returned",
    "objection_review",
    "in_review",
    "awaiting_approval",
)


@dataclass(frozen=True)
class Wait:
    """How many days a case may stay in ``state`` before the worklists flag it as overdue."""

    state: str
    days: int
    #: the rule of the step that is waiting to be taken
    rule: str


@dataclass(frozen=True)
class Deadlines:
    """Limits the worklists flag as overdue and the range of the panel's review date.

    The Measures fix only the notice (ARC-10.3.2), the Q1 forwarding (ARC-10.1.2) and the 12月20日 summary
    (ARC-10.5.3); every other number here is the province's working rule, kept in the ruleset so it can change.
    """

    #: days after the notice's last day within which the organizer closes it (then it is overdue)
    notice_close_days: int
    #: the review date may lie at most this many days after today …
    review_date_ahead_days: int
    #: … or this many days before it (recorded after the fact)
    review_date_past_days: int
    waits: Mapping[str, Wait]


@dataclass(frozen=True)
class Procedure:
    """Which attachments the procedure steps need."""

    #: Attachment kinds an acceptance application must include (ARC-10.1.4).
    acceptance_attachments: tuple[str, ...]
    #: Attachment holding the written pre-check result when the pre-check is delegated (ARC-10.2.2).
    delegated_precheck_attachment: str
    #: Rule requiring the delegated pre-check's written result.
    delegated_precheck_rule: str
    #: Bureau tier that collects the yearly approvals summary (ARC-10.5.3).
    summary_bureau: str
    #: Rule setting the yearly summary.
    summary_rule: str
    #: The panel may record a total scored on paper instead of concluding from the agreed score sheet.
    allow_paper_review: bool = True


#: Placeholders each number prefix template may use (see `Documents`).
CERTIFICATE_PREFIX_FIELDS = ("year",)
LETTER_PREFIX_FIELDS = ("short", "year")


@dataclass(frozen=True)
class Documents:
    """The province's words and number prefixes printed on pages, letters, certificates and summaries."""

    #: The province the regulation applies in (the shipped ruleset: its Chinese name).
    province: str
    #: The provincial bureau: issues certificates (ARC-10.5.5) and receives the yearly summary (ARC-10.5.3).
    province_bureau: str
    #: Title of the regulation without book-title marks, and its document number.
    measures_title: str
    measures_number: str
    #: The programme a grade belongs to, printed before the level (``…达到{programme}{level}标准``).
    programme: str
    #: Certificate number prefix, a template with ``{year}``; the number is prefix + 4-digit serial + 号.
    certificate_prefix: str
    #: Confirmation letter (确认函) number prefix, a template with ``{short}`` (the issuing bureau's short name)
    #: and ``{year}``; the number is prefix + serial + 号.
    letter_prefix: str
    #: Short name of the top bureau in its letter numbers; other bureaus use the first character of their name.
    top_bureau_short: str

    @property
    def measures(self) -> str:
        """《title》（number）, as the regulation is cited in letters."""
        return f"《{self.measures_title}》（{self.measures_number}）"

    def certificate_number_prefix(self, year: int) -> str:
        return self.certificate_prefix.format(year=year)

    def letter_number_prefix(self, short: str, year: int) -> str:
        return self.letter_prefix.format(short=short, year=year)


@dataclass(frozen=True)
class AuthorityRow:
    """One row of the authority matrix: who does what for (level, kind, applicant tier)."""

    #: Row number in the digest's table, for people cross-checking.
    row: int
    level: str
    kind: str
    tier: str
    #: False when the organ may not apply at all (rows 4 and 8 of hubei-2011).
    candidate: bool
    #: Rule giving the organizing authority, or the rule excluding the candidate.
    rule: str
    #: Interpretation note backing the row, if any (``GAP-20``).
    gap: str | None
    #: Bureau tier receiving the application (ARC-10.1.1, GAP-17); None when not a candidate.
    lodged_with: str | None = None
    #: Bureau tiers that must explicitly forward the application before planning (ARC-10.1.2).
    forwarded_via: tuple[str, ...] = ()
    planner: str | None = None
    prechecker: str | None = None
    organizer: str | None = None
    approver: str | None = None
    #: Bureau tiers the materials are filed with (ARC-9.3, ARC-9.5).
    filings: tuple[str, ...] = ()
    #: Inclusive (min, max) panel size.
    panel: tuple[int, int] = (0, 0)
    #: Rule fixing the panel size (ARC-10.4.2…10.4.4, GAP-14).
    panel_rule: str = ""
    #: The approval goes into the city bureau's yearly summary (ARC-10.5.3, GAP-19).
    in_city_summary: bool = False


@dataclass(frozen=True)
class BasisDocument:
    """One document an approval is based on (ARC-10.5.1) and the evidence that counts as having it."""

    id: str
    #: Display name (``申请报告``).
    name: str
    #: Attachment kinds that must all be present.
    attachments: tuple[str, ...]
    #: Case facts that must all hold (see `KNOWN_BASIS_FACTS`).
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Precondition:
    """One application precondition (ARC-5.1…5.6), confirmed by the applicant."""

    #: Rule ID, also the key in the applicant's preconditions mapping (``ARC-5.1``).
    id: str
    #: The statement the applicant confirms, in Chinese.
    text: str
    #: Also checked against recorded security incidents (ARC-5.5).
    from_incidents: bool


@dataclass(frozen=True)
class RuleText:
    """Where a rule is and what it says, for refusal messages."""

    #: Article label, e.g. ``第十条``.
    article: str
    #: Key phrase in simplified Chinese.
    quote: str


@dataclass(frozen=True)
class Switches:
    """Named interpretation switches; see docs/interpretations.md for each default and its reason."""

    #: GAP-1: an ungraded organ may apply only for the lowest level.
    gap1_entry_at_lowest_level: bool
    #: GAP-2: ``application`` (wait must have passed on the application date) or ``approval``.
    gap2_promotion_wait_measured_at: str
    #: GAP-4: a timely recheck application keeps the grade in force past its validity until decided.
    gap4_pending_recheck_keeps_grade: bool
    #: GAP-5: a failed recheck that clears a lower level's pass line grants that lower level.
    gap5_downgrade_on_failed_recheck: bool
    #: GAP-6: ``certificate_date`` (new validity from the recheck certificate) or ``previous_expiry``.
    gap6_recheck_validity_from: str
    #: GAP-8: a returned case may be resubmitted only within its plan year.
    gap8_resubmit_within_plan_year: bool
    #: GAP-20: the manual "mainly" override may admit an organ without a system-guidance task.
    gap20_candidate_override_allowed: bool
    #: GAP-21: re-check the incident window at approval time.
    gap21_recheck_incidents_at_approval: bool
    #: GAP-23: when the chain has no bureau of a tier, the nearest higher bureau performs its functions.
    gap23_parent_covers_missing_tier: bool
    #: GAP-24: functions of a bureau whose authority is not active go to the top bureau.
    gap24_inactive_bureau_to_top: bool


@dataclass(frozen=True, eq=False)
class Ruleset:
    """One province's grading rules in one version (e.g. ``hubei-2011``)."""

    id: str
    name: str
    #: When the regulation took effect: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (sources do not always give a day).
    effective: str
    #: The province's words and number prefixes.
    documents: Documents
    #: Ordered lowest first.
    levels: tuple[Level, ...]
    kinds: tuple[Kind, ...]
    #: Applicant tiers, highest first.
    tiers: tuple[Named, ...]
    #: Bureau tiers, highest first; the first is the top bureau (GAP-24).
    bureau_tiers: tuple[Named, ...]
    #: Kinds of uploaded file the procedure knows (``application_form`` …).
    attachment_kinds: tuple[Named, ...]
    calendar: CalendarSettings
    deadlines: Deadlines
    procedure: Procedure
    authority: tuple[AuthorityRow, ...]
    basis_documents: tuple[BasisDocument, ...]
    #: Rule cited when a basis document is missing (ARC-10.5.1).
    basis_rule: str
    preconditions: tuple[Precondition, ...]
    rule_texts: Mapping[str, RuleText]
    #: Rule ID for each of `CITATION_ROLES`.
    citations: Mapping[str, str]
    switches: Switches
    #: Scoring scheme new cases use until an administrator activates another version (None: paper review only).
    default_scheme: str | None = None

    @property
    def province(self) -> str:
        return self.documents.province

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def level_rank(self, level_id: str) -> int:
        """Position of the level, 0 = lowest."""
        return [level.id for level in self.levels].index(level_id)

    def level_below(self, level_id: str) -> Level | None:
        rank = self.level_rank(level_id)
        return self.levels[rank - 1] if rank > 0 else None

    def level_above(self, level_id: str) -> Level | None:
        rank = self.level_rank(level_id)
        return self.levels[rank + 1] if rank + 1 < len(self.levels) else None

    def kind(self, kind_id: str) -> Kind:
        for kind in self.kinds:
            if kind.id == kind_id:
                return kind
        raise KeyError(kind_id)

    def authority_row(self, level_id: str, kind_id: str, tier_id: str) -> AuthorityRow:
        for row in self.authority:
            if (row.level, row.kind, row.tier) == (level_id, kind_id, tier_id):
                return row
        raise KeyError((level_id, kind_id, tier_id))

    def level_name(self, level_id: str) -> str:
        """The level's name (省一级); an id the ruleset does not know is shown as it is, never an error."""
        return next((level.name for level in self.levels if level.id == level_id), level_id)

    def kind_name(self, kind_id: str) -> str:
        return next((kind.name for kind in self.kinds if kind.id == kind_id), kind_id)

    def certificate_name(self, kind_id: str) -> str:
        return next((kind.certificate for kind in self.kinds if kind.id == kind_id), "")

    @property
    def granting_kind(self) -> Kind:
        """The kind that grants a new grade (考评); the parser makes sure there is exactly one."""
        return next(kind for kind in self.kinds if not kind.renews)

    @property
    def level_names(self) -> Mapping[str, str]:
        """Level id → name, highest first (as lists and filters show them)."""
        return MappingProxyType({level.id: level.name for level in reversed(self.levels)})

    @property
    def kind_names(self) -> Mapping[str, str]:
        return MappingProxyType({kind.id: kind.name for kind in self.kinds})

    @property
    def attachment_names(self) -> Mapping[str, str]:
        return MappingProxyType({kind.id: kind.name for kind in self.attachment_kinds})

    @property
    def tier_names(self) -> Mapping[str, str]:
        """Applicant tier id → name, highest first."""
        return MappingProxyType({tier.id: tier.name for tier in self.tiers})

    @property
    def bureau_tier_names(self) -> Mapping[str, str]:
        return MappingProxyType({tier.id: tier.name for tier in self.bureau_tiers})

    def attachment_name(self, kind_id: str) -> str:
        return next((kind.name for kind in self.attachment_kinds if kind.id == kind_id), kind_id)

    def tier_name(self, tier_id: str) -> str:
        return next((tier.name for tier in (*self.tiers, *self.bureau_tiers) if tier.id == tier_id), tier_id)

    @property
    def top_bureau_tier(self) -> str:
        return self.bureau_tiers[0].id

    def cite(self, rule: str, detail: str | None = None) -> str:
        """Chinese message naming and quoting `rule`: ``依据第十条：公示时间不少于7天 · ARC-10.3.2（…）``."""
        text = self.rule_texts[rule]
        message = f"依据{text.article}：{text.quote} · {rule}"
        return f"{message}（{detail}）" if detail else message

    def refusal(self, code: str, rule: str, detail: str | None = None) -> Refusal:
        """A refusal citing `rule`, a rule ID or one of `CITATION_ROLES`."""
        rule = self.citations.get(rule, rule)
        return Refusal(code, self.cite(rule, detail), rule)


# --------------------------------------------------------------------------------------------------------------
# Parsing and validation


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
