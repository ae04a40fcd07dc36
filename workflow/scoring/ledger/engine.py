"""`score_ledger`: the records of a period → per-unit points, quotas, bonuses, deductions and explained lines.

Pure: no I/O, no clock. Built for a province-year (700,000 adoptions): one pass groups adoptions by
(unit, article), one pass scores each article, and unit lines are aggregated by (rule, kind of article, value)
so a unit's explanation stays a few dozen lines however many articles it has. Ranking, completion and
advanced units are in `standing.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.period import Period, month_index
from workflow.scoring.ledger.records import Adoption, Records, Unit
from workflow.scoring.ledger.result import LedgerResult, Line, UnitResult, fmt
from workflow.scoring.ledger.scheme import ArticleTest, LedgerScheme, Quota, Value
from workflow.scoring.ledger.standing import apply_standing

_ZERO = Decimal(0)

#: How each combination reading is named in a line (the source's own words where it has them).
COMBINE_WORDS = {
    "dimension_max": "就高不就低",
    "overall_max": "只计最高一项",
    "cumulative": "多处录用累计计分",
    "stack": "全部累加",
}


class _Article:
    __slots__ = ("adoptions", "month", "levels")

    def __init__(self, month: int) -> None:
        self.adoptions: list[Adoption] = []
        self.month = month
        self.levels: list[str] = []


def score_ledger(scheme: LedgerScheme, roster: Sequence[Unit], records: Records, period: Period) -> LedgerResult:
    """Score every unit of `roster` for `period` under `scheme` (see docs/schemes.md, 「台账计分办法」)."""
    units: dict[str, UnitResult] = {}
    bases: dict[str, Decimal | None] = {}
    groups: dict[str, str] = {}
    for unit in roster:
        if unit.name in units:
            raise LedgerError("input.duplicate_unit", value=unit.name)
        units[unit.name] = UnitResult(unit.name, unit.group)
        bases[unit.name] = unit.base
        groups[unit.name] = unit.group
    cut = scheme.cutoff_day
    articles: dict[tuple[str, str], _Article] = {}
    for adoption in records.adoptions:
        if adoption.unit not in units:
            raise LedgerError("input.unknown_unit", row=adoption.row, column="单位", value=adoption.unit)
        month = month_index(adoption.day, cut)
        key = (adoption.unit, adoption.article)
        article = articles.get(key)
        if article is None:
            article = articles[key] = _Article(month)
        elif month < article.month:
            # an article belongs to the month of its first adoption, so it lands in exactly one period
            article.month = month
        article.adoptions.append(adoption)
    for instruction in records.instructions:
        found = articles.get((instruction.unit, instruction.article))
        if found is None:
            raise LedgerError("input.no_article", row=instruction.row, column="稿件编号", value=instruction.article)
        found.levels.append(instruction.level)

    state = _State(scheme, units, groups, period)
    for (unit_name, _), article in articles.items():
        if article.month in period:
            state.article(unit_name, article)
    for submission in records.submissions:
        if submission.unit not in units:
            raise LedgerError("input.unknown_unit", row=submission.row, column="单位", value=submission.unit)
        month = month_index(submission.day, cut)
        if month in period and submission.count > 0:
            units[submission.unit].submitted = True
            state.submission(submission.unit, month, submission.kind, submission.klass, submission.count)

    for unit_name, result in units.items():
        _quota_lines(scheme, state, unit_name, result, period)
        _excess_lines(scheme, state, unit_name, result, period)
    _incidents(scheme, records, units, bases, period)
    _claims(scheme, records, units, bases, period)
    for unit_name, result in units.items():
        state.flush(unit_name, result)
    ordered = [units[u.name] for u in roster]
    result = LedgerResult(period.label, period.chinese, scheme.currency, ordered, partial=scheme.partial)
    apply_standing(scheme, result, bases, groups, state.eligible, state.direct, period)
    return result


class _State:
    """Running aggregates of one scoring: per-unit line counters, quota counts, excess candidates."""

    def __init__(self, scheme: LedgerScheme, units: dict[str, UnitResult], groups: dict[str, str], period: Period):
        self.scheme = scheme
        self.units = units
        self.period = period
        self.pubs = {p.id: p for p in scheme.publications}
        self.classes = {c.id: c for c in scheme.classes}
        self.forms = {f.id: f for f in scheme.forms}
        self.levels = {lv.id: lv for lv in scheme.levels}
        self.values: dict[tuple[str, str, str], Value | None] = {}
        self.combine = scheme.combine
        #: (unit) -> {(rule, text, value, kind): count}
        self.counters: dict[str, dict[tuple[str, str, Decimal, str], int]] = defaultdict(lambda: defaultdict(int))
        self.quotas_by_group: dict[str, list[tuple[int, Quota]]] = defaultdict(list)
        for index, quota in enumerate(scheme.quotas):
            for group in quota.groups:
                self.quotas_by_group[group].append((index, quota))
        self.groups = groups
        #: (unit, quota index, window first month, category index) -> count
        self.counts: dict[tuple[str, int, int, int], int] = defaultdict(int)
        #: (unit, quota index, window first month) -> {klass: recommended adoptions} (ZG-2.9)
        self.recommended: dict[tuple[str, int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        #: (unit, year first month, publication) -> excess candidates (ZG-4.6)
        self.excess: dict[tuple[str, int, str], int] = defaultdict(int)
        self.excess_groups = set(scheme.excess.groups) if scheme.excess else set()
        self.eligible: set[str] = set()
        self.direct: set[str] = set()
        self.unit_flags: dict[str, list[tuple[str, str, str]]] = defaultdict(list)

    def value(self, adoption: Adoption) -> Value:
        key = (adoption.publication, adoption.klass, adoption.form)
        try:
            found = self.values[key]
        except KeyError:
            found = self.values[key] = self.scheme.value_for(*key)
        if found is None:
            raise LedgerError(
                "input.no_value",
                row=adoption.row,
                column="刊物",
                publication=self.pubs[adoption.publication].name if adoption.publication in self.pubs else adoption.publication,
                klass=self.classes[adoption.klass].name if adoption.klass in self.classes else adoption.klass,
                form=self.forms[adoption.form].name if adoption.form in self.forms else adoption.form,
            )
        return found

    def describe(self, adoption: Adoption) -> str:
        pub = self.pubs[adoption.publication].name
        klass = self.classes[adoption.klass].name if adoption.klass in self.classes else ""
        form = self.forms[adoption.form].name if adoption.form in self.forms else ""
        return f"{pub}{klass}{form}"

    def article(self, unit: str, article: _Article) -> None:
        adoptions = article.adoptions
        counter = self.counters[unit]
        self.units[unit].submitted = True  # an adopted article was submitted (ZG-5.3 零报送)
        if any(a.credit == "recommended" for a in adoptions):
            self._recommended(unit, article)
            return
        scored = adoptions
        if len(adoptions) > 1:
            tiers = {self.pubs[a.publication].tier for a in adoptions}
            scored = [a for a in adoptions if not (set(self.pubs[a.publication].superseded_by) & tiers)]
            if len(scored) < len(adoptions):
                counter[("GAP-10", "约稿上报信息被录用，改按录用分值计分", _ZERO, "points")] += 1
        valued = [(self.value(a), a) for a in scored]
        material = any(a.credit == "material" for a in adoptions)
        credit_rule = self.scheme.credits.material_rule
        if material and not self.scheme.credits.material_points:
            valued = []
        combine = self.combine
        several = len(valued) > 1
        suffix = f"（{COMBINE_WORDS[combine]}）" if several else ""
        if material and credit_rule:
            suffix += f"（科室提供素材被采用，计本科室采稿·{credit_rule}）"
        levels = article.levels
        if combine == "overall_max":
            best_level = max((self.levels[lv] for lv in levels), key=lambda lv: lv.points, default=None)
            best_value = max(valued, key=lambda va: va[0].points, default=None)
            if best_level is not None and (best_value is None or best_level.points > best_value[0].points):
                counter[(best_level.rule, f"{best_level.name}批示（只计最高一项）", best_level.points, "points")] += 1
            elif best_value is not None:
                value, adoption = best_value
                counter[(value.rule, self.describe(adoption) + suffix, value.points, "points")] += 1
        else:
            if combine == "dimension_max" and valued:
                valued = [max(valued, key=lambda va: va[0].points)]
            for value, adoption in valued:
                counter[(value.rule, self.describe(adoption) + suffix, value.points, "points")] += 1
                if value.flag:
                    self.unit_flags[unit].append(
                        ("confirm", value.flag, f"{self.describe(adoption)}原文未列分值，按同类计分，请人工确认")
                    )
            if levels:
                if combine == "dimension_max":
                    chosen = [max((self.levels[lv] for lv in levels), key=lambda lv: lv.points)]
                    word = "（就高不就低）" if len(levels) > 1 else ""
                elif combine == "cumulative":
                    chosen = [self.levels[lv] for lv in dict.fromkeys(levels)]
                    word = ""
                else:
                    chosen = [self.levels[lv] for lv in levels]
                    word = ""
                for level in chosen:
                    counter[(level.rule or self.scheme.instruction_rule, f"{level.name}批示加分{word}", level.points, "points")] += 1
        self._count(unit, article, adoptions)
        if self.scheme.advanced is not None:
            if _passes(self.scheme.advanced.eligible_article, adoptions, levels, self.classes):
                self.eligible.add(unit)
            if _passes(self.scheme.advanced.direct, adoptions, levels, self.classes):
                self.direct.add(unit)

    def _count(self, unit: str, article: _Article, adoptions: list[Adoption]) -> None:
        group = self.groups[unit]
        quota_adoptions = [a for a in adoptions if self.pubs[a.publication].counts_for_quota]
        if quota_adoptions:
            for index, quota in self.quotas_by_group.get(group, ()):
                if quota.basis != "adopted":
                    continue
                window = _window_start(quota.aggregate_over or quota.period, article.month)
                for cat_index, category in enumerate(quota.categories):
                    if category.source != "articles":
                        continue
                    if any(
                        (not category.publications or a.publication in category.publications)
                        and (not category.classes or a.klass in category.classes)
                        for a in quota_adoptions
                    ):
                        self.counts[(unit, index, window, cat_index)] += 1
                        if quota.mode == "separate":
                            break  # GAP-3: an article counts toward one category only
        if group in self.excess_groups and self.scheme.excess is not None:
            excess = self.scheme.excess
            best = max(adoptions, key=lambda a: self.value(a).points)
            if best.publication in excess.bonus and (not excess.classes or best.klass in excess.classes):
                self.excess[(unit, _window_start("year", article.month), best.publication)] += 1

    def _recommended(self, unit: str, article: _Article) -> None:
        credits = self.scheme.credits
        if not credits.recommended_ratio or self.groups[unit] not in credits.recommended_groups:
            self.unit_flags[unit].append(
                ("recommended_ignored", credits.recommended_rule, "推荐外单位稿件被采用，本单位不适用折算，未计")
            )
            return
        klass = article.adoptions[0].klass
        for index, quota in self.quotas_by_group.get(self.groups[unit], ()):
            window = _window_start(quota.aggregate_over or quota.period, article.month)
            self.recommended[(unit, index, window)][klass] += 1

    def submission(self, unit: str, month: int, kind: str, klass: str, count: int) -> None:
        for index, quota in self.quotas_by_group.get(self.groups[unit], ()):
            window = _window_start(quota.aggregate_over or quota.period, month)
            for cat_index, category in enumerate(quota.categories):
                by_submission = category.source == "submissions" or quota.basis == "submitted"
                if not by_submission or (category.source == "submissions" and category.kind != kind):
                    continue
                if category.source == "articles" and kind != "information":
                    continue
                if category.classes and klass not in category.classes:
                    continue
                self.counts[(unit, index, window, cat_index)] += count
                if quota.mode == "separate" and category.source == "articles":
                    break

    def flush(self, unit: str, result: UnitResult) -> None:
        quantum = self.scheme.precision
        cur = self.scheme.currency
        lines = []
        for (rule, text, value, kind), count in self.counters.get(unit, {}).items():
            if value == 0 and rule == "GAP-10":
                result.flag("superseded", rule, f"{text}：{count}篇")
                continue
            total = _round(value * count, quantum)
            lines.append(Line(rule, f"{text}：{fmt(value)}{cur}×{count}篇", total, kind))
        lines.sort(key=lambda ln: (-ln.points, ln.rule, ln.text))
        result.lines[:0] = lines
        for flag, rule, text in self.unit_flags.get(unit, ()):
            result.flag(flag, rule, text)


def _passes(test: ArticleTest | None, adoptions: list[Adoption], levels: list[str], classes: dict) -> bool:
    if test is None:
        return False
    if test.instruction and test.instruction not in levels:
        return False
    for a in adoptions:
        if test.publications and a.publication not in test.publications:
            continue
        if a.form in test.exclude_forms:
            continue
        if test.tag and (a.klass not in classes or test.tag not in classes[a.klass].tags):
            continue
        return True
    return False


def _window_start(kind: str, month: int) -> int:
    length = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    return month - month % length


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _quota_lines(scheme: LedgerScheme, state: _State, unit: str, result: UnitResult, period: Period) -> None:
    for index, quota in state.quotas_by_group.get(state.groups[unit], ()):
        window_kind = quota.aggregate_over or quota.period
        factor = {"month": 1, "quarter": 3, "half": 6, "year": 12}
        times = factor[window_kind] // factor[quota.period]
        for window in period.windows(window_kind):
            counts = [state.counts.get((unit, index, window.first, c), 0) for c in range(len(quota.categories))]
            credited = [0] * len(quota.categories)
            if scheme.credits.recommended_ratio:
                for c, category in enumerate(quota.categories):
                    if category.source != "articles":
                        continue
                    recommended = state.recommended.get((unit, index, window.first), {})
                    for klass_id, n in recommended.items():
                        if category.classes and klass_id not in category.classes:
                            continue
                        # GAP-5: every `ratio` adopted = 1; the remainder does not carry over
                        credited[c] += n // scheme.credits.recommended_ratio
            done = [a + b for a, b in zip(counts, credited, strict=True)]
            required = [cat.required * times for cat in quota.categories]
            if quota.mode == "nested":
                missing = max(0, *(r - d for r, d in zip(required, done, strict=True)))
            else:
                missing = sum(max(0, r - d) for r, d in zip(required, done, strict=True))
            detail = "；".join(
                f"{cat.name}{r}篇，完成{d}篇" + (f"（含折算{c}篇）" if c else "")
                for cat, r, d, c in zip(quota.categories, required, done, credited, strict=True)
            )
            result.quotas.append(
                {
                    "quota": quota.name,
                    "rule": quota.rule,
                    "period": window.label,
                    "categories": [
                        {"name": cat.name, "required": r, "done": d, "credited": c}
                        for cat, r, d, c in zip(quota.categories, required, done, credited, strict=True)
                    ],
                    "missing": missing,
                }
            )
            result.missing += missing
            if missing and quota.deduct:
                points = -_round(quota.deduct * missing, scheme.precision)
                text = f"{window.chinese}{quota.name}缺{missing}篇（{detail}）：每缺一篇扣{fmt(quota.deduct)}{scheme.currency}"
                result.lines.append(Line(quota.deduct_rule or quota.rule, text, points, "deduction"))


def _excess_lines(scheme: LedgerScheme, state: _State, unit: str, result: UnitResult, period: Period) -> None:
    excess = scheme.excess
    if excess is None or state.groups[unit] not in excess.groups:
        return
    for window in period.windows("year"):
        remaining = {pub: state.excess.get((unit, window.first, pub), 0) for pub in excess.bonus}
        task = excess.task
        for pub in excess.consumes:  # GAP-7: the task takes its article from P2 first (switch: P1 first)
            used = min(task, remaining.get(pub, 0))
            remaining[pub] = remaining.get(pub, 0) - used
            task -= used
        for pub, count in remaining.items():
            if count > 0:
                bonus = excess.bonus[pub]
                name = state.pubs[pub].name
                text = f"{window.chinese}在{name}超额完成任务{count}篇：每篇加{fmt(bonus)}{scheme.currency}"
                result.lines.append(Line(excess.rule, text, _round(bonus * count, scheme.precision), "bonus"))


def _incidents(
    scheme: LedgerScheme, records: Records, units: dict[str, UnitResult], bases: dict[str, Decimal | None], period: Period
) -> None:
    kinds = {k.id: k for k in scheme.incidents}
    for incident in records.incidents:
        if incident.unit not in units:
            raise LedgerError("input.unknown_unit", row=incident.row, column="单位", value=incident.unit)
        if incident.kind not in kinds:
            raise LedgerError("input.unknown_kind", row=incident.row, value=incident.kind, choices=[k.name for k in scheme.incidents])
        if month_index(incident.day) not in period:
            continue
        kind, result, base = kinds[incident.kind], units[incident.unit], bases[incident.unit]
        points = kind.points
        text = f"{incident.day.isoformat()} {kind.name}"
        if kind.share_of_base:
            if base is None:  # INF GAP-11: no base, no share-of-base deduction
                result.flag("no_base", kind.rule, f"{kind.name}：本单位无信息基础分，按基础分比例扣分不适用")
                points = _ZERO
            else:
                points = -kind.share_of_base * base
                text += f"：扣信息基础分{fmt(base)}的{fmt(kind.share_of_base * 100)}%"
        if points:
            result.lines.append(Line(kind.rule, text, _round(points, scheme.precision), "deduction"))
        if kind.notice:
            result.flag("notice", kind.rule, f"{incident.day.isoformat()} {kind.name}（通报）")
        if kind.disqualifies:
            result.disqualified = True
            result.flag("disqualified", kind.rule, f"{kind.name}，取消当年评先资格")
        if kind.deems_not_completed:
            result.deemed_not_completed = True
            result.flag("deemed_not_completed", kind.rule, f"{kind.name}，视同未完成年度信息基础分")
        if incident.serious and kind.serious_rule:
            result.disqualified = True
            result.flag("disqualified", kind.serious_rule, f"{kind.name}性质严重：全市通报批评，取消当年评先资格")


def _claims(
    scheme: LedgerScheme, records: Records, units: dict[str, UnitResult], bases: dict[str, Decimal | None], period: Period
) -> None:
    kinds = {k.id: k for k in scheme.bonuses}
    seen: set[tuple[str, str, int]] = set()
    for claim in sorted(records.claims, key=lambda c: (c.unit, c.kind, c.day)):
        if claim.unit not in units:
            raise LedgerError("input.unknown_unit", row=claim.row, column="单位", value=claim.unit)
        if claim.kind not in kinds:
            raise LedgerError("input.unknown_kind", row=claim.row, value=claim.kind, choices=[k.name for k in scheme.bonuses])
        if month_index(claim.day) not in period:
            continue
        kind, result, base = kinds[claim.kind], units[claim.unit], bases[claim.unit]
        if kind.once_per_year:
            key = (claim.unit, claim.kind, claim.day.year)
            if key in seen:
                result.flag("once_per_year", kind.rule, f"{kind.name}每年只计一次")
                continue
            seen.add(key)
        points, text = kind.points, kind.name
        if kind.share_of_base:
            if base is None:
                result.flag("no_base", kind.rule, f"{kind.name}：本单位无信息基础分，按基础分比例加分不适用")
                continue
            points = kind.share_of_base * base
            text += f"：加信息基础分{fmt(base)}的{fmt(kind.share_of_base * 100)}%"
        result.lines.append(Line(kind.rule, text, _round(points, scheme.precision), "bonus"))
