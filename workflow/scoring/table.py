"""Table scoring (评分表): one sheet of item entries + a scheme → item, section and sheet results.

Pure arithmetic on plain data. Every number is a `Decimal`; an item's score is rounded once, to the scheme's
`precision` (default 0.01, half up), and totals are exact sums of rounded item scores, so a pass line compares
exactly (89.5 does not reach 90). Each deduction leaves a Chinese reason that cites the item's rule ID.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from workflow.scoring.errors import RankingError as RankingError
from workflow.scoring.errors import SheetError as SheetError
from workflow.scoring.numbers import NumberProblem, plain_decimal
from workflow.scoring.scheme import Item, Scheme, fmt_points, to_decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class BonusClaim:
    """One achievement claimed for a bonus item; `content` identifies it across items (ORG-6.3)."""

    content: str
    note: str = ""


@dataclass(frozen=True)
class ItemEntry:
    """What a self-checker or reviewer records for one item. Only the fields the item's rule uses are read."""

    defects: Mapping[str, int] = field(default_factory=dict)  #: defect kind → count (per="once": 0 or 1)
    measures: Mapping[str, Decimal] = field(default_factory=dict)  #: measured values (rates in percent)
    deduction: Decimal | None = None  #: discretionary deduction (酌情扣分), needs `reason`
    awarded: Decimal | None = None  #: points given (award items), or the item score entered directly
    reason: str = ""
    flags: frozenset[str] = frozenset()  #: conditions that hold (star / veto items)
    claims: tuple[BonusClaim, ...] = ()
    note: str = ""  #: evidence note (材料、核查情况)


@dataclass(frozen=True)
class ItemResult:
    id: str
    score: Decimal
    max: Decimal
    reasons: tuple[str, ...] = ()
    bonus: bool = False
    missing: bool = False  #: no entry for an item that needs one; scored 0
    parts: tuple[ItemResult, ...] = ()


@dataclass(frozen=True)
class SectionResult:
    id: str
    name: str
    score: Decimal  #: regular items only
    max: Decimal
    bonus: Decimal = ZERO  #: bonus items in this section, before the scheme's bonus cap
    min_required: Decimal | None = None
    failed: bool = False


@dataclass(frozen=True)
class SheetResult:
    scheme_id: str
    scheme_version: str
    level: str | None
    total: Decimal
    max: Decimal
    sections: tuple[SectionResult, ...]
    items: tuple[ItemResult, ...]
    bonus_raw: Decimal
    bonus_total: Decimal
    bonus_reasons: tuple[str, ...]
    vetoed: bool
    veto_reasons: tuple[str, ...]
    section_failures: tuple[str, ...]
    missing: tuple[str, ...]
    pass_line: Decimal | None
    passed: bool | None
    grade: str | None

    def item(self, item_id: str) -> ItemResult:
        for result in self.items:
            if result.id == item_id:
                return result
            for part in result.parts:
                if part.id == item_id:
                    return part
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: points become int when whole, else float (they carry at most `precision` digits)."""
        return {
            "scheme": self.scheme_id,
            "version": self.scheme_version,
            "level": self.level,
            "total": _json_num(self.total),
            "max": _json_num(self.max),
            "sections": [
                {
                    "id": s.id,
                    "name": s.name,
                    "score": _json_num(s.score),
                    "max": _json_num(s.max),
                    "bonus": _json_num(s.bonus),
                    "min_required": None if s.min_required is None else _json_num(s.min_required),
                    "failed": s.failed,
                }
                for s in self.sections
            ],
            "items": [_item_dict(i) for i in self.items],
            "bonus_raw": _json_num(self.bonus_raw),
            "bonus_total": _json_num(self.bonus_total),
            "bonus_reasons": list(self.bonus_reasons),
            "vetoed": self.vetoed,
            "veto_reasons": list(self.veto_reasons),
            "section_failures": list(self.section_failures),
            "missing": list(self.missing),
            "pass_line": None if self.pass_line is None else _json_num(self.pass_line),
            "passed": self.passed,
            "grade": self.grade,
        }


def _item_dict(result: ItemResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": result.id,
        "score": _json_num(result.score),
        "max": _json_num(result.max),
        "reasons": list(result.reasons),
    }
    if result.bonus:
        out["bonus"] = True
    if result.missing:
        out["missing"] = True
    if result.parts:
        out["parts"] = [_item_dict(p) for p in result.parts]
    return out


def _json_num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------------------------------------
# Sheet input


_ENTRY_KEYS = {"defects", "measures", "deduction", "awarded", "reason", "flags", "claims", "note"}
_SHEET_KEYS = {"scheme", "version", "level", "unit", "note", "items"}


def _where(scheme: Scheme, item_id: str) -> dict[str, Any]:
    """Error context for an item: its id (for the API) and its label as the table shows it."""
    return {"item": item_id, "label": scheme.label(item_id)}


def parse_sheet(data: Mapping[str, Any], scheme: Scheme) -> dict[str, ItemEntry]:
    """Plain sheet data (docs/schemes.md, "Sheet JSON") → entries by item id; `SheetError` names the item.

    `data` is either the full sheet `{"scheme", "level", "items": {...}}` or just the `items` mapping. Every
    number must be a plain decimal (`numbers.plain_decimal`): 1e-400, NaN or "1e3" are refused, not rounded.
    """
    if not isinstance(data, Mapping):
        raise SheetError("sheet.not_object")
    items: Any = data
    if isinstance(data.get("items"), Mapping):
        unknown = sorted(set(data) - _SHEET_KEYS)
        if unknown:
            raise SheetError("sheet.unknown_fields", names=unknown)
        if data.get("scheme") not in (None, scheme.id):
            raise SheetError("sheet.wrong_scheme", found=str(data["scheme"]), wanted=scheme.id)
        if data.get("version") not in (None, scheme.version):
            raise SheetError("sheet.wrong_version", found=str(data["version"]), wanted=scheme.version)
        items = data["items"]
    known = {i.id for i in scheme.items()}
    entries: dict[str, ItemEntry] = {}
    for item_id, raw in items.items():
        if item_id not in known:
            raise SheetError("sheet.item_unknown", item=str(item_id), item_ref=str(item_id))
        where = _where(scheme, item_id)
        if not isinstance(raw, Mapping):
            raise SheetError("sheet.entry_not_object", **where)
        unknown = sorted(set(raw) - _ENTRY_KEYS)
        if unknown:
            raise SheetError("sheet.unknown_fields", names=unknown, **where)
        item = scheme.item(item_id)
        entries[item_id] = ItemEntry(
            defects=_defects(raw.get("defects", {}), item, where),
            measures={
                str(k): _number(v, scheme.measure_label(item, str(k)), where, f"measures.{k}")
                for k, v in _mapping(raw, "measures", where).items()
            },
            deduction=None
            if raw.get("deduction") is None
            else _number(raw["deduction"], "酌情扣分", where, "deduction"),
            awarded=None if raw.get("awarded") is None else _number(raw["awarded"], "评分", where, "awarded"),
            reason=_text(raw.get("reason", ""), "reason", where),
            flags=_flags(raw.get("flags", []), where),
            claims=_claims(raw.get("claims", []), where),
            note=_text(raw.get("note", ""), "note", where),
        )
    return entries


def _number(value: Any, what: str, where: Mapping[str, Any], field_path: str) -> Decimal:
    try:
        return plain_decimal(value)
    except NumberProblem as exc:
        raise SheetError(exc.code, what=what, value=str(value), field=field_path, **where) from None


def _text(value: Any, key: str, where: Mapping[str, Any]) -> str:
    if not isinstance(value, str):
        raise SheetError("sheet.not_text", field=key, **where)
    return value.strip()


def _mapping(raw: Mapping[str, Any], key: str, where: Mapping[str, Any]) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise SheetError("sheet.not_mapping", field=key, **where)
    return value


def _defects(value: Any, item: Item, where: Mapping[str, Any]) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise SheetError("sheet.not_mapping", field="defects", **where)
    texts = {d.defect: d.text for d in item.deductions}
    out = {}
    for key, count in value.items():
        if isinstance(count, bool):
            count = int(count)
        if not isinstance(count, int) or count < 0:
            raise SheetError(
                "sheet.defect_count",
                defect=texts.get(str(key), str(key)),
                value=str(count),
                field=f"defects.{key}",
                **where,
            )
        out[str(key)] = count
    return out


def _flags(value: Any, where: Mapping[str, Any]) -> frozenset[str]:
    if isinstance(value, Mapping):
        if not all(isinstance(v, bool) for v in value.values()):
            raise SheetError("sheet.flags_invalid", field="flags", **where)
        return frozenset(str(k) for k, v in value.items() if v)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise SheetError("sheet.flags_invalid", field="flags", **where)


def _claims(value: Any, where: Mapping[str, Any]) -> tuple[BonusClaim, ...]:
    if not isinstance(value, list | tuple):
        raise SheetError("sheet.claims_not_list", field="claims", **where)
    out = []
    for n, claim in enumerate(value, 1):
        if isinstance(claim, str):
            out.append(BonusClaim(content=claim.strip()))
        elif isinstance(claim, Mapping) and isinstance(claim.get("content"), str):
            out.append(
                BonusClaim(content=claim["content"].strip(), note=_text(claim.get("note", ""), "note", where))
            )
        else:
            raise SheetError("sheet.claim_no_content", n=n, field="claims", **where)
        if not out[-1].content:
            raise SheetError("sheet.claim_empty", n=n, field="claims", **where)
    return tuple(out)


# --------------------------------------------------------------------------------------------------------
# Scoring


def score_sheet(
    scheme: Scheme,
    entries: Mapping[str, ItemEntry] | Mapping[str, Any],
    level: str | None = None,
) -> SheetResult:
    """Score one sheet. `entries` are `ItemEntry`s by item id, or plain sheet data (see `parse_sheet`).

    Raises `SheetError` naming the item when an entry does not fit its rule.
    """
    if not all(isinstance(v, ItemEntry) for v in entries.values()) or "items" in entries:
        entries = parse_sheet(entries, scheme)
    typed: Mapping[str, ItemEntry] = entries  # type: ignore[assignment]
    if level is not None and level not in scheme.levels:
        raise SheetError(
            "sheet.level_unknown", level=level, levels=_level_names(scheme) or ["无"], field="level"
        )
    if level is None and scheme.has_level_items():
        raise SheetError("sheet.level_required", levels=_level_names(scheme), field="level")
    known = {i.id for i in scheme.items()}
    for item_id in typed:
        if item_id not in known:
            raise SheetError("sheet.item_unknown", item=str(item_id), item_ref=str(item_id))
    scorer = _Scorer(scheme, typed, level)
    return scorer.run()


def _is_percent(item: Item, key: str) -> bool:
    """Whether the item reads `key` as a rate in percent (a unit of %, or a ratio band's own rate)."""
    if any(c.measure == key and c.unit == "%" for c in item.conditions):
        return True
    if any(key in (s.measure, s.threshold_measure) and s.unit == "%" for s in item.shortfalls):
        return True
    band = item.ratio
    return band is not None and band.of is None and band.measure == key


def _level_names(scheme: Scheme) -> list[str]:
    return [scheme.level_names.get(lv, lv) for lv in scheme.levels]


class _Scorer:
    def __init__(self, scheme: Scheme, entries: Mapping[str, ItemEntry], level: str | None) -> None:
        self.scheme = scheme
        self.entries = entries
        self.level = level
        self.q = scheme.precision
        self.veto_reasons: list[str] = []
        self.missing: list[str] = []
        self.dropped = self._bonus_group_drops()

    def run(self) -> SheetResult:
        scheme, level = self.scheme, self.level
        sections: list[SectionResult] = []
        items: list[ItemResult] = []
        failures: list[str] = []
        for section in scheme.sections:
            if not section.applies_to(level):
                continue
            results = [self.item(i) for i in section.items if i.applies_to(level)]
            items += results
            score = sum((r.score for r in results if not r.bonus), ZERO)
            bonus = sum((r.score for r in results if r.bonus), ZERO)
            smax = sum((r.max for r in results if not r.bonus), ZERO)
            required = self._section_minimum(section.min_points.get(level or ""), smax)
            failed = required is not None and score < required
            if failed:
                assert required is not None
                failures.append(
                    f"{section.name}得{fmt_points(score)}分，低于本部分最低要求{fmt_points(required)}分（{section.id}）"
                )
            sections.append(SectionResult(section.id, section.name, score, smax, bonus, required, failed))
        bonus_raw = sum((s.bonus for s in sections), ZERO)
        capped = sum((r.score for r in items if r.bonus and scheme.bonus.caps(r.id)), ZERO)
        bonus_total, bonus_reasons = bonus_raw, []
        cap = scheme.bonus.cap
        if cap is not None and capped > cap:
            bonus_total = bonus_raw - capped + cap
            cite = f"（{scheme.bonus.rule_id}）" if scheme.bonus.rule_id else ""
            bonus_reasons.append(
                f"加分合计{fmt_points(capped)}分，超过上限{fmt_points(cap)}分，按{fmt_points(cap)}分计{cite}"
            )
        total = sum((s.score for s in sections), ZERO) + bonus_total
        vetoed = bool(self.veto_reasons)
        line = scheme.pass_lines.get(level) if level is not None else scheme.pass_line
        passed: bool | None
        if vetoed:
            passed = False
        elif line is None or self.missing:
            passed = None
        else:
            passed = total >= line and not failures
        grade: str | None = None
        if vetoed:
            grade = scheme.veto_grade
        elif self.missing:
            grade = None
        elif scheme.grade_bands:
            grade = next((b.grade for b in scheme.grade_bands if total >= b.min), None)
        elif passed and level is not None:
            grade = scheme.level_names.get(level, level)
        return SheetResult(
            scheme_id=scheme.id,
            scheme_version=scheme.version,
            level=level,
            total=total,
            max=scheme.max_for(level),
            sections=tuple(sections),
            items=tuple(items),
            bonus_raw=bonus_raw,
            bonus_total=bonus_total,
            bonus_reasons=tuple(bonus_reasons),
            vetoed=vetoed,
            veto_reasons=tuple(self.veto_reasons),
            section_failures=tuple(failures),
            missing=tuple(self.missing),
            pass_line=line,
            passed=passed,
            grade=grade,
        )

    def _section_minimum(self, points: Decimal | None, smax: Decimal) -> Decimal | None:
        if points is not None:
            return points
        if self.level is not None and self.level in self.scheme.section_min_ratio:
            return smax * self.scheme.section_min_ratio[self.level]
        return None

    def _bonus_group_drops(self) -> dict[str, dict[int, str]]:
        """ORG-6.3: within a group, a content claimed several times counts once, on the highest item.

        Returns item id → {claim index → reason it does not count}.
        """
        drops: dict[str, dict[int, str]] = {}
        for group in self.scheme.bonus.groups:
            items = [self.scheme.item(iid) for iid in group.items]
            claims = [
                (item, n, claim)
                for item in items
                if item.applies_to(self.level)
                for n, claim in enumerate(self._entry(item.id).claims)
            ]
            best: dict[str, tuple[Item, int]] = {}
            # Equal points: the lowest item id wins, so the outcome does not depend on table order.
            for item, n, claim in sorted(claims, key=lambda c: (c[0].id, c[1])):
                assert item.points is not None
                held = best.get(claim.content)
                if held is None or item.points > (held[0].points or ZERO):
                    best[claim.content] = (item, n)
            cite = f"（{group.id}）"
            for item, n, claim in claims:
                winner, winner_n = best[claim.content]
                if (winner.id, winner_n) != (item.id, n):
                    drops.setdefault(item.id, {})[n] = (
                        f"同一内容「{claim.content}」已按最高项{winner.id}计分，不重复加分{cite}"
                    )
        return drops

    def _entry(self, item_id: str) -> ItemEntry:
        return self.entries.get(item_id) or ItemEntry()

    # -- items ------------------------------------------------------------------------------------------

    def item(self, item: Item) -> ItemResult:
        entry = self._entry(item.id)
        where = _where(self.scheme, item.id)
        self._check_entry(item, entry, where)
        if item.parts:
            parts = tuple(self.item(p) for p in item.parts)
            score = sum((p.score for p in parts), ZERO)
            reasons: list[str] = []
            missing = False
        else:
            parts = ()
            score, reasons, missing = self._leaf(item, entry, where)
            score = min(max(score, ZERO), item.max).quantize(self.q, ROUND_HALF_UP)
        for cond in item.zero_when:
            if cond.flag in entry.flags:
                if cond.enabled:
                    score = ZERO
                    reasons.append(f"{cond.text}，本项不得分（{item.id}）")
                    if cond.veto:  # one fact, two effects: the item scores 0 and the sheet is vetoed
                        self.veto_reasons.append(f"一票否决：{cond.text}（{item.id}）")
                        reasons.append(f"一票否决：{cond.text}（{item.id}）")
                else:
                    reasons.append(f"{cond.text}（该不得分条款未启用）（{item.id}）")
        for cond in item.veto_when:
            if cond.flag in entry.flags:
                if cond.enabled:
                    self.veto_reasons.append(f"一票否决：{cond.text}（{item.id}）")
                    reasons.append(f"一票否决：{cond.text}（{item.id}）")
                    if item.kind == "veto":  # a veto item that carries points loses them too
                        score = ZERO
                else:
                    reasons.append(f"{cond.text}（该否决条款未启用，不否决）（{item.id}）")
        reasons += self._checks(item, entry)
        if missing:
            self.missing.append(item.id)
        return ItemResult(item.id, score, item.max, tuple(reasons), item.bonus, missing, parts)

    def _check_entry(self, item: Item, entry: ItemEntry, where: Mapping[str, Any]) -> None:
        def bad(code: str, **params: Any) -> SheetError:
            return SheetError(code, **where, **params)

        unknown_defects = set(entry.defects) - {d.defect for d in item.deductions}
        if unknown_defects:
            raise bad("sheet.unknown_defects", names=sorted(unknown_defects), field="defects")
        own_measures = set(item.measure_keys()) if item.measures_from is None else set()
        unknown_measures = set(entry.measures) - own_measures - self._measures_fed_to(item.id)
        if unknown_measures:
            raise bad("sheet.unknown_measures", names=sorted(unknown_measures), field="measures")
        unknown_flags = set(entry.flags) - set(item.flags())
        if unknown_flags:
            raise bad("sheet.unknown_flags", names=sorted(unknown_flags), field="flags")
        if entry.claims and item.kind != "claims":
            raise bad("sheet.claims_wrong_item", field="claims")
        if entry.deduction is not None and item.discretionary is None:
            raise bad("sheet.no_discretionary", field="deduction")
        if item.parts and (entry.awarded is not None or entry.deduction is not None or entry.defects):
            raise bad("sheet.score_the_parts", field="awarded")
        if item.kind == "veto" and entry.awarded is not None:
            raise bad("sheet.veto_takes_flags", field="awarded")
        if (
            entry.awarded is not None
            and item.kind != "award"
            and (entry.defects or entry.deduction is not None)
        ):
            raise bad("sheet.score_and_deductions", field="awarded")
        self._check_measures(item, entry, where)

    def _check_measures(self, item: Item, entry: ItemEntry, where: Mapping[str, Any]) -> None:
        """Measured values within their range: never negative, a rate at most 100 %, a count at most its
        whole (13 of 12 towns is a typing error, not 108 %). The error names the measure as the table does."""
        readers = [item, *(o for o in self.scheme.items() if o.measures_from == item.id)]
        for key, value in entry.measures.items():
            label = self.scheme.measure_label(item, key)
            field_path = f"measures.{key}"
            if value < 0:
                raise SheetError(
                    "sheet.measure_negative", measure=label, value=value, field=field_path, **where
                )
            for reader in readers:
                if _is_percent(reader, key) and value > 100:
                    raise SheetError(
                        "sheet.measure_above",
                        measure=label,
                        value=value,
                        bound=Decimal(100),
                        unit="%",
                        field=field_path,
                        **where,
                    )
                band = reader.ratio
                if band is not None and band.of is not None and band.measure == key:
                    whole = entry.measures.get(band.of)
                    if whole is not None and value > whole:
                        raise SheetError(
                            "sheet.measure_above_whole",
                            measure=label,
                            value=value,
                            whole_label=self.scheme.measure_label(item, band.of),
                            whole=whole,
                            field=field_path,
                            **where,
                        )

    def _measures_fed_to(self, item_id: str) -> set[str]:
        """Measures of `item_id`'s entry that other items read through `measures_from`."""
        keys: set[str] = set()
        for other in self.scheme.items():
            if other.measures_from == item_id:
                keys |= set(other.measure_keys())
        return keys

    def _leaf(
        self, item: Item, entry: ItemEntry, where: Mapping[str, Any]
    ) -> tuple[Decimal, list[str], bool]:
        if entry.awarded is not None:
            return self._awarded(item, entry, where), self._awarded_reasons(item, entry), False
        k = item.kind
        if k == "award":
            return ZERO, [f"未评分，按0分计（{item.id}）"], True
        if k == "deduction":
            return self._deduction(item, entry, where)
        if k == "veto":
            return item.max, [], False  # full points (0 for a plain veto line) unless a veto flag holds
        if k == "condition":
            return item.max, [], False
        if k == "claims":
            return self._claims(item, entry)
        measures = self._measures(item, where)
        if measures is None:
            if k == "excess":
                return ZERO, [], False
            return ZERO, [f"未填写测量值，按0分计（{item.id}）"], True
        if k == "threshold":
            return self._threshold(item, measures)
        if k == "shortfall":
            return self._shortfall(item, measures)
        if k == "ratio_band":
            return self._ratio(item, measures, where)
        if k == "excess":
            return self._excess(item, measures)
        raise AssertionError(k)  # pragma: no cover - parse_scheme admits no other kind

    def _awarded(self, item: Item, entry: ItemEntry, where: Mapping[str, Any]) -> Decimal:
        value = entry.awarded
        assert value is not None
        lo = item.min if item.kind == "award" else ZERO
        ok = lo <= value <= item.max or (value == 0 and item.zero_allowed)
        if not ok:
            raise SheetError(
                "sheet.awarded_range",
                score=value,
                low=lo,
                max=item.max,
                or_zero="（或0分）" if item.zero_allowed and lo > 0 else "",
                field="awarded",
                **where,
            )
        if value < item.max and item.reason_required and not entry.reason:
            raise SheetError("sheet.awarded_needs_reason", score=value, max=item.max, field="reason", **where)
        return value

    def _awarded_reasons(self, item: Item, entry: ItemEntry) -> list[str]:
        assert entry.awarded is not None
        if entry.awarded >= item.max and not entry.reason:
            return []
        text = f"评定{fmt_points(entry.awarded)}分（满分{fmt_points(item.max)}分）"
        return [f"{text}：{entry.reason}（{item.id}）" if entry.reason else f"{text}（{item.id}）"]

    def _deduction(
        self, item: Item, entry: ItemEntry, where: Mapping[str, Any]
    ) -> tuple[Decimal, list[str], bool]:
        lost, reasons = ZERO, []
        for d in item.deductions:
            n = entry.defects.get(d.defect, 0)
            if n == 0:
                continue
            field_path = f"defects.{d.defect}"
            if d.per == "once" and n > 1:
                raise SheetError("sheet.defect_once", defect=d.text, count=n, field=field_path, **where)
            if d.max_count is not None and n > d.max_count:
                raise SheetError(
                    "sheet.defect_max_count",
                    defect=d.text,
                    count=n,
                    max_count=d.max_count,
                    unit=d.unit,
                    field=field_path,
                    **where,
                )
            amount = d.points * n
            lost += amount
            if d.per == "once":
                reasons.append(f"{d.text}，扣{fmt_points(amount)}分（{item.id}）")
            else:
                reasons.append(
                    f"{d.text}{n}{d.unit}，每{d.unit}扣{fmt_points(d.points)}分，扣{fmt_points(amount)}分（{item.id}）"
                )
        if entry.deduction is not None:
            assert item.discretionary is not None
            if not ZERO <= entry.deduction <= item.discretionary:
                raise SheetError(
                    "sheet.discretionary_range",
                    deduction=entry.deduction,
                    bound=item.discretionary,
                    field="deduction",
                    **where,
                )
            if entry.deduction > 0:
                if not entry.reason:
                    raise SheetError("sheet.discretionary_needs_reason", field="reason", **where)
                lost += entry.deduction
                reasons.append(f"酌情扣{fmt_points(entry.deduction)}分：{entry.reason}（{item.id}）")
        if lost > item.max:
            reasons.append(f"扣完为止，本项得0分（{item.id}）")
        return item.max - lost, reasons, False

    def _measures(self, item: Item, where: Mapping[str, Any]) -> Mapping[str, Decimal] | None:
        """The measured values the item's rule reads; None when none were entered (the item is missing)."""
        source = self._entry(item.measures_from) if item.measures_from else self._entry(item.id)
        needed = sorted(item.rule_measures())
        absent = [k for k in needed if k not in source.measures]
        if len(absent) == len(needed):
            return None
        if absent:
            source_item = self.scheme.item(item.measures_from) if item.measures_from else item
            raise SheetError(
                "sheet.missing_measures",
                names=[self.scheme.measure_label(source_item, k) for k in absent],
                field="measures",
                **where,
            )
        return source.measures

    def _threshold(self, item: Item, m: Mapping[str, Decimal]) -> tuple[Decimal, list[str], bool]:
        reasons = []
        for c in item.conditions:
            value = m[c.measure]
            if value < c.at_least:
                reasons.append(
                    f"{c.text or c.measure}{fmt_points(value)}{c.unit}，未达到{fmt_points(c.at_least)}{c.unit}，"
                    f"本项不得分（{item.id}）"
                )
        return (ZERO if reasons else item.max), reasons, False

    def _shortfall(self, item: Item, m: Mapping[str, Decimal]) -> tuple[Decimal, list[str], bool]:
        lost, reasons = ZERO, []
        for s in item.shortfalls:
            value = m[s.measure]
            target = s.threshold if s.threshold is not None else m[s.threshold_measure or ""]
            gap = target - value
            if gap <= 0:
                continue
            units = gap / s.per
            if s.whole_units:
                units = units.to_integral_value(ROUND_FLOOR)
            amount = units * s.points
            lost += amount
            gap_unit = "个百分点" if s.unit == "%" else s.unit
            per = "" if s.per == 1 else fmt_points(s.per)
            reasons.append(
                f"{s.text or s.measure}{fmt_points(value)}{s.unit}，低于标准{fmt_points(target)}{s.unit}"
                f"共{fmt_points(gap)}{gap_unit}，每{per}{gap_unit or '单位'}扣{fmt_points(s.points)}分，"
                f"扣{fmt_points(amount)}分（{item.id}）"
            )
        if lost > item.max:
            reasons.append(f"扣完为止，本项得0分（{item.id}）")
        return item.max - lost, reasons, False

    def _ratio(
        self, item: Item, m: Mapping[str, Decimal], where: Mapping[str, Any]
    ) -> tuple[Decimal, list[str], bool]:
        band = item.ratio
        assert band is not None
        value = m[band.measure]
        if band.of is not None:
            whole = m[band.of]
            if whole <= 0:
                source_item = self.scheme.item(item.measures_from) if item.measures_from else item
                raise SheetError(
                    "sheet.whole_positive",
                    whole_label=self.scheme.measure_label(source_item, band.of),
                    value=whole,
                    field=f"measures.{band.of}",
                    **where,
                )
            ratio = value / whole * 100
        else:
            ratio = value
        shown = fmt_points(ratio.quantize(Decimal("0.01"), ROUND_HALF_UP))
        label = band.text or "完成率"
        if ratio >= band.full_at:
            return item.max, [], False
        if ratio < band.zero_below:
            return (
                ZERO,
                [f"{label}{shown}%，低于{fmt_points(band.zero_below)}%，本项不得分（{item.id}）"],
                False,
            )
        score = item.max * ratio / 100
        rounded = score.quantize(self.q, ROUND_HALF_UP)
        coefficient = fmt_points((ratio / 100).quantize(Decimal("0.0001"), ROUND_HALF_UP))
        return (
            score,
            [
                f"{label}{shown}%，按系数{coefficient}计{fmt_points(item.max)}×{coefficient}="
                f"{fmt_points(rounded)}分（{item.id}）"
            ],
            False,
        )

    def _excess(self, item: Item, m: Mapping[str, Decimal]) -> tuple[Decimal, list[str], bool]:
        e = item.excess
        assert e is not None
        value = m[e.measure]
        target = e.threshold if e.threshold is not None else m[e.threshold_measure or ""]
        extra = value - target
        if extra <= 0:
            return ZERO, [], False
        units = (extra / e.per).to_integral_value(ROUND_FLOOR)
        gain = units * e.points
        reasons = [
            f"{e.text or e.measure}超过目标{fmt_points(extra)}{e.unit}，每{e.unit or '单位'}加{fmt_points(e.points)}分，"
            f"加{fmt_points(gain)}分（{item.id}）"
        ]
        if gain > item.max:
            reasons.append(f"本项加分以{fmt_points(item.max)}分为限（{item.id}）")
        return gain, reasons, False

    def _claims(self, item: Item, entry: ItemEntry) -> tuple[Decimal, list[str], bool]:
        assert item.points is not None
        dropped = self.dropped.get(item.id, {})
        reasons = [
            dropped.get(n) or f"「{c.content}」加{fmt_points(item.points)}分（{item.id}）"
            for n, c in enumerate(entry.claims)
        ]
        gain = item.points * (len(entry.claims) - len(dropped))
        if gain > item.max:
            reasons.append(f"本项加分以{fmt_points(item.max)}分为限（{item.id}）")
        return gain, reasons, False

    def _checks(self, item: Item, entry: ItemEntry) -> list[str]:
        source = self._entry(item.measures_from) if item.measures_from else entry
        out = []
        for c in item.checks:
            if c.measure not in source.measures:
                continue
            if c.at_least is not None:
                required = c.at_least
            elif c.at_least_measure is not None and c.at_least_measure in source.measures:
                required = source.measures[c.at_least_measure] * c.times
            else:
                continue
            value = source.measures[c.measure]
            if value < required:
                out.append(
                    f"未达要求：{c.text or c.measure}{fmt_points(value)}，少于{fmt_points(required)}（{item.id}）"
                )
        return out


# --------------------------------------------------------------------------------------------------------
# Ranking (STA-4.1)


def rank_grades(
    results: Sequence[tuple[str, Decimal | SheetResult]],
    scheme: Scheme,
    counts: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Grades by rank under the scheme's rank quotas (STA-4.1: 优秀 2–3, 良好 3–4, the rest 合格).

    `counts` fixes how many units get each quota grade (the bureau's choice, checked against the quota);
    by default each grade takes its maximum, stepping down towards its minimum rather than split a tie.
    Vetoed results get the scheme's `veto_grade` (else the rest grade) and take no quota place.
    Returns unit → grade in rank order (highest total first; equal totals keep their input order).
    """
    if not scheme.rank_quotas:
        raise RankingError("rank.no_quotas")
    ranked: list[tuple[str, Decimal]] = []
    vetoed: list[str] = []
    for unit, value in results:
        if isinstance(value, SheetResult):
            if value.vetoed:
                vetoed.append(unit)
                continue
            value = value.total
        ranked.append((unit, to_decimal(value, f"{unit}的总分")))
    ranked.sort(key=lambda pair: pair[1], reverse=True)
    rest = scheme.rank_rest_grade or ""
    grades: dict[str, str] = {}
    pos = 0
    for quota in scheme.rank_quotas:
        left = len(ranked) - pos
        if counts is not None and quota.grade in counts:
            n = counts[quota.grade]
            if not quota.min <= n <= quota.max:
                raise RankingError(
                    "rank.count_outside", grade=quota.grade, count=n, low=quota.min, high=quota.max
                )
            if n > left:
                raise RankingError("rank.count_exceeds", grade=quota.grade, count=n, left=left)
        else:
            n = min(quota.max, left)
            for candidate in range(n, min(quota.min, n) - 1, -1):
                end = pos + candidate
                if end >= len(ranked) or ranked[end - 1][1] != ranked[end][1]:
                    n = candidate
                    break
        for unit, _ in ranked[pos : pos + n]:
            grades[unit] = quota.grade
        pos += n
    for unit, _ in ranked[pos:]:
        grades[unit] = rest
    for unit in vetoed:
        grades[unit] = scheme.veto_grade or rest
    return grades
