"""The one check of a sheet's entries, for the pages and the API alike, and what stops a submission.

`check_entries` takes entries already read into sheet JSON (`entries.read_form` / `entries.read_json`) and sorts
what is wrong into

- errors: values no sheet can hold (a negative score, a defect counted more often than the item allows) — together
  with the reading errors, nothing is saved;
- warnings: entries the engine cannot score yet (a deduction without its reason, a score out of range). A draft
  saved from the page keeps them and says so; the API refuses them (its drafts hold nothing the engine refuses);
  submitting is refused until they are fixed;
- the engine's refusals of the rest (`Computed.problems`), scored leniently so that everything else still shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from webapp.scoring.services.scoresheets.entries import (
    ReadEntries,
    field_name,
    form_items,
    item_label,
    names_of,
    typed_entries,
)
from webapp.scoring.services.scoresheets.errors import SheetInvalid
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Item, Scheme
from workflow.scoring.table import ItemEntry, SheetError, SheetResult, score_sheet


def value_errors(item: Item, raw: Mapping[str, Any]) -> dict[str, str]:
    """Values no sheet can hold, by form field: a negative score or deduction, a defect counted too often."""
    out: dict[str, str] = {}
    for what in ("awarded", "deduction"):
        if raw.get(what) not in (None, "") and Decimal(str(raw[what])) < 0:
            out[field_name(item.id, what)] = "不能为负数"
    counts = raw.get("defects") or {}
    for d in item.deductions:
        count = int(counts.get(d.defect, 0))
        if d.per == "once" and count > 1:
            out[field_name(item.id, "defect", d.defect)] = "此项只计一次（0或1）"
        elif d.max_count is not None and count > d.max_count:
            out[field_name(item.id, "defect", d.defect)] = f"最多{d.max_count}{d.unit}"
    return out


def semantic_warnings(item: Item, raw: Mapping[str, Any]) -> dict[str, str]:
    """What the engine would refuse, said in Chinese beside the field."""
    out: dict[str, str] = {}
    reason = raw.get("reason", "")
    if "awarded" in raw:
        value = Decimal(raw["awarded"])
        name = field_name(item.id, "awarded")
        if item.kind == "veto":
            out[name] = "否决项只勾选是否发生，不填分数"
        elif raw.get("defects") or "deduction" in raw:
            out[name] = "直接评分与扣分项只能填写一种"
        else:
            low = item.min if item.kind == "award" else Decimal(0)
            if not (low <= value <= item.max or (value == 0 and item.zero_allowed)):
                out[name] = f"评分应在{fmt_points(low)}–{fmt_points(item.max)}分之间"
            elif value < item.max and item.reason_required and not reason:
                out[field_name(item.id, "reason")] = "低于满分须填写扣分原因"
    if "deduction" in raw:
        value = Decimal(raw["deduction"])
        name = field_name(item.id, "deduction")
        bound = item.discretionary or Decimal(0)
        if item.discretionary is None:
            out[name] = "本项没有酌情扣分"
        elif value > bound:
            out[name] = f"酌情扣分应在0–{fmt_points(bound)}分之间"
        elif value > 0 and not reason:
            out[field_name(item.id, "reason")] = "酌情扣分须填写扣分原因"
    return out


def score_leniently(
    scheme: Scheme, entries: Mapping[str, ItemEntry], level: str | None
) -> tuple[SheetResult | None, dict[str, SheetError]]:
    """Score the sheet; entries the engine refuses are left out (and reported) so the rest still shows."""
    problems: dict[str, SheetError] = {}
    remaining = dict(entries)
    for _ in range(len(entries) + 1):
        try:
            return score_sheet(scheme, remaining, level), problems
        except SheetError as exc:
            if exc.item is None or exc.item not in remaining:
                problems["_sheet"] = exc
                return None, problems
            problems[exc.item] = exc
            del remaining[exc.item]
    return None, problems  # pragma: no cover - each round removes one entry


@dataclass
class Computed:
    result: SheetResult | None  #: None only when the scheme itself cannot be scored at this level
    complete: bool  #: every entry scored (nothing left out), so the total is the sheet's total
    problems: dict[str, str]  #: item id → the engine's message for entries left out
    #: item id → the engine's refusal as the API gives it: {"error": code, "params", "message", …}
    problem_details: dict[str, dict[str, Any]] = field(default_factory=dict)


def compute(scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]) -> Computed:
    result, problems = score_leniently(scheme, typed_entries(entries), level)
    return Computed(
        result,
        not problems,
        {k: e.message for k, e in problems.items()},
        {k: e.to_dict() for k, e in problems.items()},
    )


@dataclass
class Checked:
    """Entries with what is wrong with them (see the module docstring)."""

    entries: dict[str, dict[str, Any]]
    errors: dict[str, str]  #: reading errors and impossible values, in the order the person gave the items
    warnings: dict[str, str]  #: form field → what the engine will refuse
    computed: Computed
    #: every field or item at fault (errors and warnings), in the order the person gave the items
    order: list[str] = field(default_factory=list)

    def strict_errors(self) -> dict[str, str]:
        """Everything that stops an API draft (its drafts hold nothing the engine refuses), ``考核项目X：`` before a
        field's message; the engine's refusals only once nothing else is wrong."""
        found = {**self.errors, **self.warnings}
        ordered = sorted(found, key=self.order.index)
        out = {
            key: (f"考核项目{key.split(':', 1)[0]}：{found[key]}" if ":" in key else found[key])
            for key in ordered
        }
        if not out:
            out.update(self.computed.problems)
        return out


def check_entries(scheme: Scheme, level: str | None, read: ReadEntries) -> Checked:
    """The one check of entries (pages, API, stored drafts): errors, warnings and the lenient result."""
    errors = dict(read.errors)
    warnings: dict[str, str] = {}
    for item in form_items(scheme, level):
        raw = read.entries.get(item.id)
        if raw is None:
            continue
        found = value_errors(item, raw)
        errors.update(found)
        if not any(name in errors for name in names_of(item, scheme)):
            warnings.update(semantic_warnings(item, raw))
    order = {item_id: n for n, item_id in enumerate(read.order)}
    items = {item.id: item for item in scheme.items()}

    def position(key: str) -> tuple[int, int]:
        item_id = key.split(":", 1)[0]
        item = items.get(item_id)
        within = (
            names_of(item, scheme).index(key) if item is not None and key in names_of(item, scheme) else -1
        )
        return order.get(item_id, len(order)), within

    return Checked(
        read.entries,
        dict(sorted(errors.items(), key=lambda kv: position(kv[0]))),
        dict(sorted(warnings.items(), key=lambda kv: position(kv[0]))),
        compute(scheme, level, read.entries),
        sorted({**errors, **warnings}, key=position),
    )


def check_stored(scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]) -> Checked:
    """The same check of entries already stored (a submission, the page showing a draft)."""
    stored = {item_id: dict(raw) for item_id, raw in entries.items()}
    return check_entries(scheme, level, ReadEntries(stored, {}, [i.id for i in form_items(scheme, level)]))


# --------------------------------------------------------------------------------------------------------
# Results as stored JSON: item id → score


def item_scores(result: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """Flatten a stored `SheetResult.to_dict()` into item id → score (parts included)."""
    out: dict[str, Decimal] = {}
    if not result:
        return out

    def walk(items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            out[item["id"]] = Decimal(str(item["score"]))
            walk(item.get("parts", ()))

    walk(result.get("items", ()))
    return out


def item_reasons(result: Mapping[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not result:
        return out

    def walk(items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            out[item["id"]] = list(item.get("reasons", ()))
            walk(item.get("parts", ()))

    walk(result.get("items", ()))
    return out


# --------------------------------------------------------------------------------------------------------
# What stops a submission


def first_fault(warnings: Mapping[str, str], computed: Computed) -> str | None:
    """The first input that stops a submission: a field with a warning, an entry left out, an unscored item."""
    first = next(iter(warnings), None) or next(iter(computed.problems), None)
    if first is None and computed.result is not None and computed.result.missing:
        first = computed.result.missing[0]
    return first


def sheet_faults(
    scheme: Scheme, level: str | None, computed: Computed, warnings: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """(faults, unscored) in table order, each naming the item as the table shows it (issue 7 point 11).

    A fault is an entry that cannot be scored as it stands — what is wrong with it (a lowered score without its
    reason, a score out of range, …). Unscored items are those with no entry at all; an item whose entry is at
    fault is not among them, though the engine leaves it out of the total until it is fixed.
    """
    faults: list[str] = []
    faulty: set[str] = set()
    for item in form_items(scheme, level):
        messages = [m for name, m in warnings.items() if name.split(":", 1)[0] == item.id]
        if messages:
            faulty.add(item.id)
            faults.append(f"{item_label(scheme, item.id)}：{'；'.join(dict.fromkeys(messages))}")
        elif item.id in computed.problems:  # the engine's words already name the item as the table shows it
            faulty.add(item.id)
            faults.append(computed.problems[item.id])
    missing = computed.result.missing if computed.result is not None else ()
    unscored = [item_label(scheme, item_id) for item_id in missing if item_id not in faulty]
    return faults, unscored


def submit_problems(
    scheme: Scheme, level: str | None, computed: Computed, warnings: Mapping[str, str]
) -> list[str]:
    faults, unscored = sheet_faults(scheme, level, computed, warnings)
    problems = list(faults)
    if unscored:
        problems.append("尚未评分的项目：" + "、".join(unscored))
    if not problems and "_sheet" in computed.problems:
        problems.append(computed.problems["_sheet"])
    return problems


def refuse_submission(scheme: Scheme, level: str | None, checked: Checked) -> None:
    """`SheetInvalid` naming every fault and unscored item, unless the sheet can be submitted as it stands."""
    faults = {**checked.errors, **checked.warnings}
    problems = submit_problems(scheme, level, checked.computed, faults)
    if problems:
        raise SheetInvalid(
            "评分表尚不能提交：" + "；".join(problems) + "。",
            faults,
            problems,
            field=first_fault(faults, checked.computed),
        )
