"""The ruleset model: frozen dataclasses for one province's numbers, words, authority rows and switches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from workflow.errors import Refusal

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
