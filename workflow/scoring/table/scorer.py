"""Table scoring (评分表): one sheet of item entries + a scheme → item, section and sheet results.

Pure arithmetic on plain data. Every number is a `Decimal`; an item's score is rounded once, to the scheme's
`precision` (default 0.01, half up), and totals are exact sums of rounded item scores, so a pass line compares
exactly (89.5 does not reach 90). Each deduction leaves a Chinese reason that cites the item's rule ID.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workflow.scoring.errors import SheetError
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Item, Scheme
from workflow.scoring.table import rules
from workflow.scoring.table.entries import ItemEntry, parse_sheet, where_of
from workflow.scoring.table.results import ZERO, ItemResult, SectionResult, SheetResult


def score_sheet(
    scheme: Scheme,
    entries: Mapping[str, ItemEntry] | Mapping[str, Any],
    level: str | None = None,
) -> SheetResult:
    """Score one sheet. `entries` are `ItemEntry`s by item id, or plain sheet data (see `parse_sheet`).

    Raises `SheetError` naming the item when an entry does not fit its rule.
    """
    if scheme.frame:
        raise SheetError("sheet.frame_scheme", name=scheme.name)
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
        where = where_of(self.scheme, item.id)
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
        source = self._entry(item.measures_from) if item.measures_from else entry
        reasons += rules.check_minimums(item, source)
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
                if rules.is_percent(reader, key) and value > 100:
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
            return rules.claims(item, entry, self.dropped.get(item.id, {}))
        measures = self._measures(item, where)
        if measures is None:
            if k == "excess":
                return ZERO, [], False
            return ZERO, [f"未填写测量值，按0分计（{item.id}）"], True
        if k == "threshold":
            return rules.threshold(item, measures)
        if k == "shortfall":
            return rules.shortfall(item, measures)
        if k == "ratio_band":
            return rules.ratio_band(self.scheme, item, measures, where)
        if k == "excess":
            return rules.excess(item, measures)
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
