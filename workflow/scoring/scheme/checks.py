"""The rules a parsed scheme must satisfy beyond the types of its fields: an item's fields fit its rule kind,
parts and sections add up, levels, pass lines and bonus references point at something that exists.

Each refusal is a `SchemeError` with a `scheme.*` code; the Chinese words are in `workflow/scoring/messages.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from workflow.scoring.errors import SchemeError
from workflow.scoring.scheme.model import BONUS_KINDS, Item, Scheme, Section, regular_max, section_label


def check_item(item: Item, fail: Callable[..., Exception]) -> None:  # noqa: C901 - one readable list of rules
    """Refuse an item whose fields contradict its rule kind; `fail(code, **params)` makes the error."""

    def need(ok: bool, code: str, **params: Any) -> None:
        if not ok:
            raise fail(code, **params)

    k = item.kind
    need(item.max >= 0, "scheme.max_negative", max=item.max)
    flags = [c.flag for c in item.zero_when + item.veto_when]
    need(len(set(flags)) == len(flags), "scheme.flags_not_unique")
    defects = [d.defect for d in item.deductions]
    need(len(set(defects)) == len(defects), "scheme.defects_not_unique")
    # Fields that belong to one rule kind only.
    extras = {
        "deductions": bool(item.deductions) and k != "deduction",
        "discretionary": item.discretionary is not None and k != "deduction",
        "conditions": bool(item.conditions) and k != "threshold",
        "shortfalls": bool(item.shortfalls) and k != "shortfall",
        "ratio": item.ratio is not None and k != "ratio_band",
        "excess": item.excess is not None and k != "excess",
        "points": item.points is not None and k != "claims",
        "parts": bool(item.parts) and k != "composite",
    }
    wrong = [name for name, bad in extras.items() if bad]
    need(not wrong, "scheme.fields_not_for_rule", fields=wrong, rule=k)
    if item.bonus:
        need(k in BONUS_KINDS, "scheme.bonus_kind", rules=list(BONUS_KINDS), rule=k)
    elif k in ("claims", "excess"):
        need(False, "scheme.bonus_required", rule=k)
    if k == "deduction":
        need(bool(item.deductions) or item.discretionary is not None, "scheme.deduction_needs_rules")
        if item.discretionary is not None:
            need(
                0 <= item.discretionary <= item.max,
                "scheme.discretionary_range",
                discretionary=item.discretionary,
                max=item.max,
            )
        if not item.floor:
            unbounded = [d.text for d in item.deductions if d.per == "each" and d.max_count is None]
            need(not unbounded, "scheme.deduction_no_max_count", defects=unbounded)
            reach = sum(
                (d.points * (1 if d.per == "once" else (d.max_count or 0)) for d in item.deductions),
                item.discretionary or Decimal(0),
            )
            need(reach <= item.max, "scheme.deduction_reach", max=item.max, reach=reach)
        for d in item.deductions:
            need(d.points > 0, "scheme.deduction_points_positive", defect=d.text)
    elif k == "condition":
        need(bool(item.zero_when), "scheme.condition_needs_zero_when")
    elif k == "threshold":
        need(bool(item.conditions), "scheme.threshold_needs_conditions")
    elif k == "shortfall":
        need(bool(item.shortfalls), "scheme.shortfall_needs")
        need(item.floor, "scheme.shortfall_needs_floor")
        for s in item.shortfalls:
            need((s.threshold is None) != (s.threshold_measure is None), "scheme.shortfall_threshold")
            need(s.points > 0 and s.per > 0, "scheme.shortfall_points_positive")
    elif k == "ratio_band":
        need(item.ratio is not None, "scheme.ratio_needs")
        assert item.ratio is not None
        need(0 <= item.ratio.zero_below <= item.ratio.full_at, "scheme.ratio_order")
    elif k == "excess":
        need(item.excess is not None, "scheme.excess_needs")
        assert item.excess is not None
        need(
            (item.excess.threshold is None) != (item.excess.threshold_measure is None),
            "scheme.excess_threshold",
        )
        need(item.excess.points > 0 and item.excess.per > 0, "scheme.excess_points_positive")
    elif k == "award":
        need(0 <= item.min <= item.max, "scheme.award_range", min=item.min, max=item.max)
    elif k == "claims":
        need(item.points is not None and item.points > 0, "scheme.claims_points")
    elif k == "veto":
        # A veto item may carry points (a 1-point line whose failure also fails the sheet); see _Scorer.
        need(bool(item.veto_when), "scheme.veto_needs_conditions")
    elif k == "composite":
        need(bool(item.parts), "scheme.composite_needs_parts")
        for p in item.parts:
            need(not p.bonus and not p.levels, "scheme.part_not_bonus", part=p.name)
        total = sum((p.max for p in item.parts), Decimal(0))
        need(total == item.max, "scheme.parts_sum", total=total, max=item.max)
    if item.measures_from is not None:
        need(k in ("threshold", "shortfall", "ratio_band", "excess"), "scheme.measures_from_rule")
    for ch in item.checks:
        need((ch.at_least is None) != (ch.at_least_measure is None), "scheme.check_threshold")


def check_scheme(scheme: Scheme, source: str) -> None:  # noqa: C901 - one readable list of rules
    """Refuse a scheme whose parts do not add up or whose references point nowhere (`source` names it)."""
    ids = {i.id: i for i in scheme.items()}

    def fail(code: str, *, item: Item | None = None, section: Section | None = None, **params: Any) -> None:
        where: dict[str, Any] = {"source": source}
        if section is not None and section.id:
            where |= {"section": section.id, "section_label": section_label(section.no, section.name)}
        if item is not None:
            where |= {"item": item.id, "label": scheme.label(item.id)}
        raise SchemeError(code, **where, **params)

    for item in scheme.items():
        if item.measures_from is not None:
            src = ids.get(item.measures_from)
            if src is None or src.parts:
                fail("scheme.measures_from_unknown", item=item, source_item=item.measures_from)
    contexts: list[str | None] = list(scheme.levels) if scheme.has_level_items() else [None]
    for level in contexts:
        for_level = f"（{scheme.level_names.get(level, level)}）" if level else ""
        for section in scheme.sections:
            if not section.applies_to(level) or not section.id:
                continue
            total = regular_max(section.items, level)
            if total != section.max:
                fail("scheme.section_sum", section=section, total=total, max=section.max, for_level=for_level)
        total = scheme.max_for(level)
        if total != scheme.max:
            fail("scheme.scheme_sum", total=total, max=scheme.max, for_level=for_level)
    for lv, line in scheme.pass_lines.items():
        if lv not in scheme.levels:
            fail("scheme.pass_line_unknown_level", level=lv)
        if not 0 <= line <= scheme.max:
            fail("scheme.pass_line_range", line=line, max=scheme.max)
    if scheme.pass_line is not None:
        if scheme.levels:
            fail("scheme.pass_line_with_levels")
        if not 0 <= scheme.pass_line <= scheme.max:
            fail("scheme.pass_line_range", line=scheme.pass_line, max=scheme.max)
    for lv, ratio in scheme.section_min_ratio.items():
        if lv not in scheme.levels:
            fail("scheme.ratio_unknown_level", level=lv)
        if not 0 <= ratio <= 1:
            fail("scheme.ratio_range", ratio=ratio)
    for section in scheme.sections:
        for pts in section.min_points.values():
            if not 0 <= pts <= section.max:
                fail("scheme.min_points_range", section=section, points=pts)
    for iid in scheme.bonus.cap_items:
        if iid not in ids or not ids[iid].bonus:
            fail("scheme.cap_items_not_bonus", target=scheme.label(iid) if iid in ids else iid)
    for group in scheme.bonus.groups:
        for iid in group.items:
            if iid not in ids or ids[iid].kind != "claims":
                fail("scheme.group_not_claims", target=scheme.label(iid) if iid in ids else iid)
    grades = [b.grade for b in scheme.grade_bands]
    if len(set(grades)) != len(grades):
        fail("scheme.grades_not_unique")
    if not scheme.precision > 0:
        fail("scheme.precision_positive")
