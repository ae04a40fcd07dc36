"""What the pages and the API read: the sheets section of a subject's page, one sheet's page, a subject's sheets
and one sheet as data. Reading never writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from webapp.core.models import User
from webapp.scoring.models import ScoreSheet, SheetKind, SubjectRef
from webapp.scoring.permissions import can_read_sheet
from webapp.scoring.services.scoresheets.agreed import (
    ItemSpread,
    ReviewOutcome,
    SpreadTable,
    review_outcome,
    spread_table,
)
from webapp.scoring.services.scoresheets.checks import (
    Computed,
    check_stored,
    compute,
    item_reasons,
    item_scores,
    sheet_faults,
)
from webapp.scoring.services.scoresheets.entries import entries_to_form, measure_label, own_measure_keys
from webapp.scoring.services.scoresheets.errors import SheetRefused
from webapp.scoring.services.scoresheets.store import find, load_sheet, scheme_of, sheets_of
from webapp.scoring.services.scoresheets.subject import (
    SheetAccess,
    SheetSubject,
    readable,
    visible_subject,
)
from workflow.scoring.scheme import Item, Scheme

# --------------------------------------------------------------------------------------------------------
# The subject page's section


@dataclass
class SheetLink:
    label: str
    sheet: ScoreSheet | None
    kind: str
    reviewer_id: int | None = None
    editable: bool = False


@dataclass
class SheetsOverview:
    subject: SheetSubject
    scheme: Scheme | None
    scored: bool
    access: SheetAccess
    links: list[SheetLink]
    outcome: ReviewOutcome | None
    paper_review: bool
    note: str = ""


def overview(user: User, ref: SubjectRef | int) -> SheetsOverview | None:
    """What the subject's page shows about score sheets for ``user``; None when they see none of them."""
    subject, acc = visible_subject(user, ref)
    words = subject.words
    if not acc.any:
        return None
    links: list[SheetLink] = []
    sheets = {s.slot: s for s in sheets_of(subject.ref)}
    if acc.read_self:
        links.append(
            SheetLink(words.name(SheetKind.SELF), sheets.get("self"), SheetKind.SELF, editable=acc.edit_self)
        )
    if acc.read_reviews:
        for seat in subject.panel:
            slot = ScoreSheet.slot_for(SheetKind.REVIEWER, seat.user_id)
            label = f"{words.name(SheetKind.REVIEWER)} · {seat.name}" + ("（组长）" if seat.lead else "")
            links.append(
                SheetLink(
                    label,
                    sheets.get(slot),
                    SheetKind.REVIEWER,
                    seat.user_id,
                    editable=acc.edit_own_review and seat.user_id == user.id,
                )
            )
    if acc.read_agreed:
        links.append(
            SheetLink(
                words.name(SheetKind.AGREED),
                sheets.get("agreed"),
                SheetKind.AGREED,
                editable=acc.edit_agreed,
            )
        )
    outcome = None
    try:
        outcome = review_outcome(subject) if acc.read_agreed else None
    except SheetRefused:
        outcome = None
    note = "" if subject.scored else subject.not_scored_message
    return SheetsOverview(
        subject, subject.scheme, subject.scored, acc, links, outcome, subject.paper_review, note
    )


# --------------------------------------------------------------------------------------------------------
# Sheets as data (the JSON API): unlike the pages, a sheet the user may not read is 404

_KIND_ORDER = {SheetKind.SELF: 0, SheetKind.REVIEWER: 1, SheetKind.AGREED: 2}


@dataclass
class SubjectSheets:
    subject: SheetSubject
    scheme: Scheme | None
    scored: bool
    access: SheetAccess
    sheets: list[ScoreSheet]  #: those the user may read: self-check, reviewers (lead first), agreed
    spread: SpreadTable | None  #: only for those who read every reviewer sheet


def subject_sheets(user: User, ref: SubjectRef | int) -> SubjectSheets:
    subject, acc = visible_subject(user, ref)
    scheme, scored = subject.scheme, subject.scored
    panel = {seat.user_id: n for n, seat in enumerate(subject.panel)}
    shown = sorted(
        (s for s in sheets_of(subject.ref) if can_read_sheet(acc, s.kind, s.reviewer_id, user.id)),
        key=lambda s: (_KIND_ORDER.get(s.kind, 3), panel.get(s.reviewer_id or 0, len(panel)), s.id),
    )
    spread = spread_table(subject, scheme) if acc.read_reviews and scored and scheme is not None else None
    return SubjectSheets(subject, scheme, scored, acc, shown, spread)


@dataclass
class SheetView:
    sheet: ScoreSheet
    subject: SheetSubject
    scheme: Scheme
    level: str | None
    editable: bool
    computed: Computed


def sheet_view(user: User, sheet_id: int) -> SheetView:
    """One sheet with its result recomputed; NotFound when the user may not read it (or see its case)."""
    sheet = load_sheet(sheet_id)
    subject, _, editable = readable(
        user, sheet.ref, sheet.kind, sheet.reviewer_id, missing_when_unreadable=True
    )
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    return SheetView(sheet, subject, scheme, level, editable, compute(scheme, level, sheet.entries))


# --------------------------------------------------------------------------------------------------------
# The sheet page


@dataclass
class ItemRow:
    """One line of the sheet form: an item (or a part of a composite item) with what was entered and scored."""

    item: Item
    parent: Item | None
    measures: list[tuple[str, str]]  #: (key, label) of the measured values entered on this row
    score: Decimal | None
    reasons: list[str]
    self_score: Decimal | None = None
    self_reason: str = ""
    spread: ItemSpread | None = None
    problem: str = ""  #: the engine's message when the entry could not be scored

    @property
    def number(self) -> str:
        if self.parent is None:
            return self.item.no or self.item.id
        index = self.parent.parts.index(self.item) + 1
        return f"{self.parent.no or self.parent.id}（{self.item.no or index}）"


@dataclass
class SectionBlock:
    id: str
    no: str
    name: str
    max: Decimal
    rows: list[ItemRow]
    score: Decimal | None = None
    bonus: Decimal | None = None
    min_required: Decimal | None = None
    failed: bool = False


@dataclass
class SheetPage:
    sheet: ScoreSheet
    subject: SheetSubject
    scheme: Scheme
    level: str | None
    access: SheetAccess
    editable: bool
    closed_reason: str
    sections: list[SectionBlock]
    result: Mapping[str, Any] | None
    complete: bool
    problems: dict[str, str]
    form: Mapping[str, str]  #: input values (stored entries, or what was just typed)
    show_self: bool
    spread: SpreadTable | None
    outcome: ReviewOutcome | None
    self_sheet: ScoreSheet | None
    reviewers: list[str] = field(default_factory=list)
    #: field → what the engine will refuse in the stored entries (a draft may hold them; submitting may not)
    warnings: dict[str, str] = field(default_factory=dict)
    #: item id → the pre-filled score still standing (agreed sheet): a deduction entered replaces it
    prefilled: dict[str, str] = field(default_factory=dict)
    #: what is wrong, item by item, with entries that cannot be scored as they stand (「第一部分第3项…：…」)
    faults: list[str] = field(default_factory=list)
    #: items with no entry yet, as the table names them (scored 0 until filled)
    unscored: list[str] = field(default_factory=list)

    @property
    def case(self) -> Any:
        """The procedure's own record, for its templates (the heading, the links back)."""
        return self.subject.record

    @property
    def total(self) -> Decimal | None:
        return Decimal(str(self.result["total"])) if self.result and self.complete else None

    @property
    def max(self) -> Decimal:
        return self.scheme.max_for(self.level) if self.scheme.levels else self.scheme.max

    @property
    def pass_line(self) -> Decimal | None:
        return self.scheme.pass_lines.get(self.level) if self.level else None


def sheet_page(user: User, sheet_id: int, form: Mapping[str, str] | None = None) -> SheetPage:
    """Everything one sheet page shows; ``form`` is what the user just typed (kept when a save is refused)."""
    sheet = load_sheet(sheet_id)
    subject, acc, editable = readable(user, sheet.ref, sheet.kind, sheet.reviewer_id)
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    checked = check_stored(scheme, level, sheet.entries)
    computed = checked.computed
    result = computed.result.to_dict() if computed.result is not None else None
    scores, reasons = item_scores(result), item_reasons(result)
    self_sheet = find(subject.ref, SheetKind.SELF)
    show_self = (
        sheet.kind != SheetKind.SELF and acc.read_self and self_sheet is not None and self_sheet.submitted
    )
    self_scores = item_scores(self_sheet.result) if show_self and self_sheet is not None else {}
    self_entries = self_sheet.entries if show_self and self_sheet is not None else {}
    spread = spread_table(subject, scheme) if sheet.kind == SheetKind.AGREED and acc.read_reviews else None
    section_results = {s["id"]: s for s in (result or {}).get("sections", ())}
    blocks = []
    for section in scheme.sections:
        if not section.applies_to(level):
            continue
        rows = []
        for item in section.items:
            if not item.applies_to(level):
                continue
            leaves = [(p, item) for p in item.parts] or [(item, None)]
            for leaf, parent in leaves:
                self_reason = (self_entries.get(leaf.id) or {}).get("reason", "") or "；".join(
                    item_reasons(self_sheet.result).get(leaf.id, []) if show_self and self_sheet else []
                )
                rows.append(
                    ItemRow(
                        item=leaf,
                        parent=parent,
                        measures=[
                            (k, measure_label(scheme, leaf, k)) for k in own_measure_keys(scheme, leaf)
                        ],
                        score=scores.get(leaf.id),
                        reasons=reasons.get(leaf.id, []),
                        self_score=self_scores.get(leaf.id),
                        self_reason=self_reason,
                        spread=spread.rows.get(leaf.id) if spread else None,
                        problem=computed.problems.get(leaf.id, ""),
                    )
                )
        sr = section_results.get(section.id, {})
        blocks.append(
            SectionBlock(
                id=section.id,
                no=section.no,
                name=section.name,
                max=Decimal(str(sr["max"])) if sr else section.max,
                rows=rows,
                score=Decimal(str(sr["score"])) if sr else None,
                bonus=Decimal(str(sr["bonus"])) if sr and sr.get("bonus") else None,
                min_required=Decimal(str(sr["min_required"])) if sr.get("min_required") is not None else None,
                failed=bool(sr.get("failed")),
            )
        )
    filler = {
        SheetKind.SELF: acc.is_applicant,
        SheetKind.REVIEWER: sheet.reviewer_id == user.id,
        SheetKind.AGREED: acc.is_lead,
    }.get(sheet.kind, False)
    closed = subject.closed[sheet.kind].message if filler and not editable else ""
    outcome = None
    if sheet.kind == SheetKind.AGREED and sheet.submitted:
        try:
            outcome = review_outcome(subject)
        except SheetRefused:
            outcome = None
    warnings = checked.warnings
    faults, unscored = sheet_faults(scheme, level, computed, warnings)
    return SheetPage(
        sheet=sheet,
        subject=subject,
        scheme=scheme,
        level=level,
        access=acc,
        editable=editable,
        closed_reason=closed,
        sections=blocks,
        result=result,
        complete=computed.complete,
        problems=computed.problems,
        form=form
        if form is not None
        else {**entries_to_form(scheme, level, sheet.entries), "opinion": sheet.opinion or ""},
        show_self=show_self,
        spread=spread,
        outcome=outcome,
        self_sheet=self_sheet if show_self else None,
        reviewers=spread.reviewers if spread else [],
        prefilled=dict(sheet.prefilled or {}) if editable and not sheet.submitted else {},
        warnings=warnings,
        faults=faults,
        unscored=unscored,
    )
