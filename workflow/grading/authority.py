"""Who does what in a case: the authority matrix row for (level, kind, applicant tier), and the concrete bureaus.

`assignment` answers in bureau *tiers* (``city``); `resolve_bureaus` turns tiers into bureau ids along the
applicant organ's chain of bureaus, applying GAP-23 (a missing tier is covered by the bureau above) and GAP-24
(a bureau whose authority is not active hands its functions to the top bureau).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workflow.errors import NotACandidate, Refusal, WorkflowError
from workflow.ruleset import Ruleset


@dataclass(frozen=True)
class Assignment:
    """Bureau tiers holding each function for one kind of case (one row of the authority matrix)."""

    #: Receives the application (ARC-10.1.1; GAP-17 for township and county-direct organs).
    lodged_with: str
    #: Bureaus that aggregate and forward the application before the plan (ARC-10.1.2); empty if none.
    forwarded_via: tuple[str, ...]
    #: Issues the evaluation plan (ARC-10.1.2, ARC-10.1.3).
    planner: str
    #: Runs the pre-check (ARC-10.2.1; delegated for 特级 promotion, ARC-10.2.2).
    prechecker: str
    #: Publishes the notice and organizes the review (ARC-9, ARC-10.3.1, ARC-10.4.1).
    organizer: str
    #: Approves and sends the confirmation letter (ARC-10.5.2, ARC-10.5.4).
    approver: str
    #: Bureaus the materials are filed with (ARC-9.3, ARC-9.5).
    filings: tuple[str, ...]
    #: Inclusive (min, max) review panel size (ARC-10.4.2–10.4.4).
    panel: tuple[int, int]
    #: Included in the city bureau's yearly approvals summary (ARC-10.5.3, GAP-19).
    in_city_summary: bool
    #: Rule fixing the panel size, cited when a panel is out of range.
    panel_rule: str = ""
    #: Bureau tier receiving the yearly summary, when `in_city_summary`.
    summary_to: str | None = None
    #: Row number in the ruleset's authority matrix.
    row: int = 0

    @property
    def precheck_delegated(self) -> bool:
        """The pre-check is done by another bureau than the organizer (ARC-10.2.2)."""
        return self.prechecker != self.organizer

    def as_dict(self) -> dict[str, object]:
        """The public JSON shape (used by `kaoping authority` and the API)."""
        return {
            "lodged_with": self.lodged_with,
            "planner": self.planner,
            "prechecker": self.prechecker,
            "organizer": self.organizer,
            "approver": self.approver,
            "filings": list(self.filings),
            "panel": list(self.panel),
            "in_city_summary": self.in_city_summary,
        }


@dataclass(frozen=True)
class BureauRef:
    """One archive bureau above an organ."""

    id: str
    #: Bureau tier (``county``, ``city``, ``province`` in hubei-2011).
    tier: str
    #: False while the bureau's evaluation authority is suspended or under rectification (ARC-12.2).
    active: bool = True


def assignment(ruleset: Ruleset, level: str, kind: str, tier: str) -> Assignment:
    """The authority row for (level, kind, applicant tier); raises `NotACandidate` where nobody may apply."""
    try:
        row = ruleset.authority_row(level, kind, tier)
    except KeyError:
        raise ValueError(f"unknown combination level={level!r} kind={kind!r} tier={tier!r}") from None
    if not row.candidate:
        tier_name = next(t.name for t in ruleset.tiers if t.id == tier)
        # The gap id (row.gap) is ours, not the regulation's: people read the article, never GAP-n.
        detail = f"{tier_name}不是{ruleset.level(level).name}{ruleset.kind(kind).name}对象"
        raise NotACandidate(ruleset.refusal("not_a_candidate", row.rule, detail))
    assert row.lodged_with and row.planner and row.prechecker and row.organizer and row.approver
    return Assignment(
        lodged_with=row.lodged_with,
        forwarded_via=row.forwarded_via,
        planner=row.planner,
        prechecker=row.prechecker,
        organizer=row.organizer,
        approver=row.approver,
        filings=row.filings,
        panel=row.panel,
        in_city_summary=row.in_city_summary,
        panel_rule=row.panel_rule,
        summary_to=ruleset.procedure.summary_bureau if row.in_city_summary else None,
        row=row.row,
    )


def resolve_bureaus(
    assignment: Assignment, chain: Sequence[BureauRef], ruleset: Ruleset | None = None
) -> dict[str, str | tuple[str, ...]]:
    """Map each function to a bureau id along `chain` (the organ's bureaus, nearest first, top bureau last).

    Keys: ``lodged_with``, ``planner``, ``prechecker``, ``organizer``, ``approver`` and, when they apply,
    ``forwarder`` (the bureau forwarding under ARC-10.1.2), ``summary_to``; ``filings`` maps to a tuple of ids.
    Without `ruleset`, GAP-23 and GAP-24 are applied (their digest defaults) and a missing tier is covered by
    the nearest bureau in the chain.
    """
    if not chain:
        raise WorkflowError(Refusal("wrong_bureau", "该机关没有上级档案局，无法确定考评机关", None))
    parent_covers = ruleset.switches.gap23_parent_covers_missing_tier if ruleset else True
    inactive_to_top = ruleset.switches.gap24_inactive_bureau_to_top if ruleset else True
    ranks = {tier.id: rank for rank, tier in enumerate(ruleset.bureau_tiers)} if ruleset else None
    top = chain[-1]

    def bureau_for(tier: str) -> str:
        found = next((bureau for bureau in chain if bureau.tier == tier), None)
        if found is None and parent_covers:
            # GAP-23: e.g. a 直管市 bureau has no county bureau below it and performs the county functions.
            above = [b for b in chain if ranks is None or ranks.get(b.tier, len(ranks)) < ranks.get(tier, 0)]
            found = above[0] if above else None
        if found is None:
            raise WorkflowError(
                Refusal("wrong_bureau", f"该机关的上级档案局中没有“{tier}”级档案局，无法确定考评机关", None)
            )
        if not found.active and inactive_to_top:
            # GAP-24: the province takes over while a bureau's authority is suspended (ARC-12.2).
            return top.id
        return found.id

    mapping: dict[str, str | tuple[str, ...]] = {
        "lodged_with": bureau_for(assignment.lodged_with),
        "planner": bureau_for(assignment.planner),
        "prechecker": bureau_for(assignment.prechecker),
        "organizer": bureau_for(assignment.organizer),
        "approver": bureau_for(assignment.approver),
        "filings": tuple(bureau_for(tier) for tier in assignment.filings),
    }
    if assignment.forwarded_via:
        mapping["forwarder"] = bureau_for(assignment.forwarded_via[-1])
    if assignment.summary_to:
        mapping["summary_to"] = bureau_for(assignment.summary_to)
    return mapping
