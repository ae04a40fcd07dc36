"""The agreed sheet (GAP-12): pre-filled with the median (or mean) of the panel members' submitted sheets and the
facts most of them recorded, the spread between reviewers beside the self-check, and the review conclusion the
submitted agreed sheet gives (ARC-7.2: reaching the pass line passes; a veto or a section minimum fails).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from webapp.scoring.models import CASE_SUBJECT, ScoreSheet, SheetKind, SheetStatus
from webapp.scoring.services.scoresheets.checks import item_reasons, item_scores
from webapp.scoring.services.scoresheets.entries import form_items, typed_entries
from webapp.scoring.services.scoresheets.errors import SheetRefused
from webapp.scoring.services.scoresheets.store import find, scheme_of, sheets_of
from webapp.scoring.services.scoresheets.subject import SheetSubject
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Item, Scheme
from workflow.scoring.table import SheetResult, score_sheet


def reviewer_sheets(subject: SheetSubject, *, submitted_only: bool = False) -> list[ScoreSheet]:
    """The panel members' sheets, lead first then in panel order."""
    order = {seat.user_id: n for n, seat in enumerate(subject.panel)}
    sheets = [
        s
        for s in sheets_of(subject.ref)
        if s.kind == SheetKind.REVIEWER and (s.submitted or not submitted_only) and s.reviewer_id in order
    ]
    return sorted(sheets, key=lambda s: order[s.reviewer_id or 0])


def _quantize(value: Decimal, scheme: Scheme) -> Decimal:
    return value.quantize(scheme.precision, ROUND_HALF_UP)


def prefill_entries(
    sheets: list[ScoreSheet], scheme: Scheme, level: str | None, method: str = "median"
) -> dict[str, dict[str, Any]]:
    """One agreed entry per item from the submitted reviewer ``sheets`` (`reviewer_sheets`): the median (or mean) score with the reasons
    of the reviewers who gave that score, a veto flag when most reviewers flagged it. Empty when no reviewer
    has submitted yet.

    The result can be submitted as it stands (issue 7 point 10): every score is one the item takes, and a score
    below the maximum carries a reason — the reviewers' own words, without the 「评定8分（满分10分）：」 the engine
    puts before them (it adds that again on the agreed sheet) and without item codes.
    """
    if not sheets:
        return {}
    scores = [item_scores(s.result) for s in sheets]
    entries: dict[str, dict[str, Any]] = {}
    for item in form_items(scheme, level):
        flags = _majority_flags(item, sheets)
        if item.kind == "veto":
            if flags:
                entries[item.id] = {"flags": flags, "reason": _flag_reason(item.id, sheets, flags)}
            continue
        given = [(s, sc[item.id]) for s, sc in zip(sheets, scores, strict=True) if item.id in sc]
        if not given:
            if flags:
                entries[item.id] = {"flags": flags, "reason": _flag_reason(item.id, sheets, flags)}
            continue
        values = [v for _, v in given]
        if method == "mean":
            agreed = _quantize(sum(values, Decimal(0)) / len(values), scheme)
        else:
            agreed = _quantize(Decimal(statistics.median(values)), scheme)
        if not _takes_score(item, agreed):  # e.g. the mean of 0 and 5 on a 3–5 item that allows 0
            agreed = statistics.median_low(values)
        entry: dict[str, Any] = {"awarded": fmt_points(agreed)}
        if agreed < item.max:
            # the reasons of those who gave this score; else of everyone who deducted
            matching = [s for s, v in given if v == agreed] or [s for s, v in given if v < item.max]
            reason = _joined([_reviewer_reason(s, item.id)] for s in matching)
            entry["reason"] = reason or f"按评审专家评分的{'平均数' if method == 'mean' else '中位数'}评定"
        if flags:
            # a fact most reviewers found (a zero_when that zeroes the item, or a veto_when / zero_when with
            # veto that vetoes the sheet) holds on the agreed sheet too, whatever the median score says
            entry["flags"] = flags
        notes = _joined([(sh.entries.get(item.id) or {}).get("note", "")] for sh in sheets)
        if notes:
            entry["note"] = notes
        entries[item.id] = entry
    return entries


def _flags_of(sheet: ScoreSheet, item_id: str) -> set[str]:
    """The flags a sheet holds on an item, stored as a list or as {flag: true/false} (docs/schemes.md)."""
    raw = (sheet.entries.get(item_id) or {}).get("flags") or ()
    if isinstance(raw, Mapping):
        return {str(k) for k, v in raw.items() if v}
    return {str(f) for f in raw}


def _majority_flags(item: Item, sheets: list[ScoreSheet]) -> list[str]:
    """The item's zero_when and veto_when facts that more than half of the reviewers recorded (ARC-7.2: the
    panel's finding), in the scheme's order — the same rule for every item kind."""
    held = [_flags_of(s, item.id) for s in sheets]
    return [flag for flag in item.flags() if sum(flag in h for h in held) * 2 > len(sheets)]


def _flag_reason(item_id: str, sheets: list[ScoreSheet], flags: list[str]) -> str:
    """The words of the reviewers who recorded the agreed facts (an item with only flags still needs a reason)."""
    flagged = [s for s in sheets if _flags_of(s, item_id) & set(flags)]
    return _joined([_reviewer_reason(s, item_id)] for s in flagged) or "评审组合议认定"


def _takes_score(item: Item, value: Decimal) -> bool:
    low = item.min if item.kind == "award" else Decimal(0)
    return low <= value <= item.max or (value == 0 and item.zero_allowed)


#: 「评定8分（满分10分）」 with or without 「：」, which the engine puts before a reason given with a score
_AWARDED_PREFIX = re.compile(r"^评定[0-9.]+分（满分[0-9.]+分）：?")


def plain_reason(text: str, item_id: str) -> str:
    """An engine reason as a person writes it: without the item code the engine appends and without the
    「评定8分（满分10分）：」 before a typed reason (the score is printed beside it anyway)."""
    return _AWARDED_PREFIX.sub("", text.replace(f"（{item_id}）", "")).strip()


def _reviewer_reason(sheet: ScoreSheet, item_id: str) -> str:
    """Why a reviewer scored the item as they did: what they typed, else their deductions as the engine
    describes them."""
    typed = str((sheet.entries.get(item_id) or {}).get("reason") or "").strip()
    if typed:
        return typed
    reasons = (plain_reason(r, item_id) for r in item_reasons(sheet.result).get(item_id, []))
    return "；".join(r for r in reasons if r)


def prefilled_scores(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, str] | None:
    """item id → the score a prefill put on the agreed sheet (remembered so a deduction may replace it)."""
    scores = {k: str(v["awarded"]) for k, v in entries.items() if v.get("awarded") is not None}
    return scores or None


def _scoring_input(item: Item, raw: Mapping[str, Any]) -> bool:
    """The entry scores the item another way than a direct score: defects, a deduction, measures, a zero flag."""
    zero_flags = {c.flag for c in item.zero_when}
    return bool(
        raw.get("defects")
        or raw.get("deduction") not in (None, "")
        or raw.get("measures")
        or zero_flags & set(raw.get("flags") or ())
    )


def replaces_prefill(item: Item, raw: Mapping[str, Any], prefilled: Mapping[str, str] | None) -> bool:
    """Entering a deduction replaces a pre-filled score (issue 7 point 10): the entry still carries the score a
    prefill put there, unchanged, together with another way of scoring the item. A score the person typed
    themselves is theirs: both together stay an error to correct."""
    if not prefilled or item.kind == "award" or item.id not in prefilled:
        return False
    try:
        same = Decimal(str(raw.get("awarded"))) == Decimal(str(prefilled[item.id]))
    except InvalidOperation:
        return False
    return same and _scoring_input(item, raw)


def still_prefilled(
    prefilled: Mapping[str, str] | None, entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, str] | None:
    """The pre-filled scores still standing after a save (those changed or replaced are the lead's now)."""
    kept = {
        item_id: score
        for item_id, score in (prefilled or {}).items()
        if str((entries.get(item_id) or {}).get("awarded")) == str(score)
    }
    return kept or None


def _joined(groups: Iterable[Iterable[str]]) -> str:
    seen: list[str] = []
    for group in groups:
        for text in group:
            text = (text or "").strip()
            if text and text not in seen and not any(text in s for s in seen):
                seen.append(text)
    return "；".join(seen)[:1000]


@dataclass
class ItemSpread:
    """One item across the sheets: each reviewer's score, their spread, the self-check and the agreed score."""

    item: Item
    reviewer_scores: list[Decimal | None]
    low: Decimal | None
    high: Decimal | None
    self_score: Decimal | None
    agreed_score: Decimal | None

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def compared(self) -> Decimal | None:
        """The review score the self-check is compared with: the agreed one, else the reviewers' median."""
        if self.agreed_score is not None:
            return self.agreed_score
        values = [v for v in self.reviewer_scores if v is not None]
        return Decimal(statistics.median(values)) if values else None

    @property
    def self_difference(self) -> Decimal | None:
        """Review minus self-check (negative: the panel found less than the unit claimed)."""
        if self.self_score is None or self.compared is None:
            return None
        return self.compared - self.self_score


@dataclass
class SpreadTable:
    reviewers: list[str]  #: names, in the column order of `ItemSpread.reviewer_scores`
    reviewer_sheets: list[ScoreSheet]
    rows: dict[str, ItemSpread] = field(default_factory=dict)


def spread_table(subject: SheetSubject, scheme: Scheme) -> SpreadTable:
    sheets = reviewer_sheets(subject)
    self_sheet = find(subject.ref, SheetKind.SELF)
    agreed = find(subject.ref, SheetKind.AGREED)
    per_sheet = [item_scores(s.result) for s in sheets]
    self_scores = item_scores(self_sheet.result) if self_sheet is not None and self_sheet.submitted else {}
    agreed_scores = item_scores(agreed.result) if agreed is not None else {}
    table = SpreadTable([s.reviewer.display_name if s.reviewer else "" for s in sheets], sheets)
    for item in scheme.items():
        values = [scores.get(item.id) for scores in per_sheet]
        present = [v for v in values if v is not None]
        table.rows[item.id] = ItemSpread(
            item=item,
            reviewer_scores=values,
            low=min(present) if present else None,
            high=max(present) if present else None,
            self_score=self_scores.get(item.id),
            agreed_score=agreed_scores.get(item.id),
        )
    return table


# --------------------------------------------------------------------------------------------------------
# The review conclusion from the agreed sheet (concluding the review without a manual total)


def agreed_result(subject: SheetSubject) -> SheetResult | None:
    """The submitted agreed sheet scored against its scheme version; None when there is none yet."""
    sheet = find(subject.ref, SheetKind.AGREED)
    if sheet is None or not sheet.submitted:
        return None
    scheme = scheme_of(sheet)
    return score_sheet(scheme, typed_entries(sheet.entries), subject.sheet_level(scheme))


@dataclass(frozen=True)
class ReviewOutcome:
    """What `conclude_review` records when the agreed sheet decides: the total, pass/fail and why."""

    total: Decimal
    passed: bool
    reasons: tuple[str, ...]
    result: SheetResult

    @property
    def conclusion(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def comment(self) -> str:
        """One paragraph for the audit row and the case page."""
        return "依据评审组合议评分表：" + "；".join(self.reasons) + "。"


def review_outcome(subject: SheetSubject) -> ReviewOutcome | None:
    """The conclusion the submitted agreed sheet gives: total against the level's pass line (reached when
    equal, ARC-7.2), any veto (一票否决) and section minimums fail it. None when there is no submitted agreed
    sheet (or the level is not scored by the scheme); raises `SheetRefused` when the sheet has no pass line."""
    result = agreed_result(subject)
    if result is None:
        return None
    line = result.pass_line if result.pass_line is not None else subject.pass_line
    if line is None:
        raise SheetRefused(
            f"评分表未设{subject.level_label}达标分数线，无法据此形成结论。",
            status=409,
            code="no_pass_line",
            rule="ARC-7.2",
        )
    reasons: list[str] = []
    reached = result.total >= line
    reasons.append(
        f"评审总分{fmt_points(result.total)}分，{'达到' if reached else '未达到'}{subject.level_label}达标分数线"
        f"{fmt_points(line)}分（ARC-7.2）"
    )
    reasons += list(result.veto_reasons)
    reasons += list(result.section_failures)
    passed = reached and not result.vetoed and not result.section_failures
    if result.passed is False:
        passed = False
    return ReviewOutcome(result.total, passed, tuple(reasons), result)


def self_check_submitted(case_id: sa.ColumnElement[int]) -> sa.Exists:
    """A submitted self-check sheet is the 自查评分表 the acceptance request needs (ARC-10.1.4): as an EXISTS on
    the case ``case_id`` names (a column of the caller's query), so the guards' facts read it in their own
    statement (`webapp.grading.services.case_facts`)."""
    return (
        sa.select(ScoreSheet.id)
        .where(
            ScoreSheet.subject_type == CASE_SUBJECT,
            ScoreSheet.subject_id == case_id,
            ScoreSheet.slot == ScoreSheet.slot_for(SheetKind.SELF),
            ScoreSheet.status == SheetStatus.SUBMITTED,
        )
        .exists()
    )
