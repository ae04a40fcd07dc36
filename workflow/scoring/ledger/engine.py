"""`score_ledger`: the records of a period → per-unit points, quotas, bonuses, deductions and explained lines.

Pure: no I/O, no clock. Built for a province-year (700,000 adoptions): adoptions are grouped by unit, then
article, and each article is scored once, unit after unit (a stream of adoptions ordered by unit is scored as
it is read). Most articles have one adoption and no instruction: they take a fast path through a per-(group,
publication, class, form) profile computed once by the general path's own rules. Unit lines are aggregated by
(rule, kind of article, value), so a unit's explanation stays a few dozen lines however many articles it has;
`explain_article` gives one article's reasoning. Shortfalls, bonuses and incidents are in `adjust.py`;
completion, ranking and advanced units in `standing.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from math import gcd

from workflow.scoring.ledger.adjust import claims, excess_lines, incidents, quota_lines, round_to
from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.period import Period
from workflow.scoring.ledger.records import Adoption, Instruction, Records, Submission, Unit
from workflow.scoring.ledger.result import LedgerResult, Line, UnitResult, fmt
from workflow.scoring.ledger.scheme import ArticleTest, Klass, LedgerScheme, Quota, Value
from workflow.scoring.ledger.standing import apply_standing

_ZERO = Decimal(0)
_LENGTH = {"month": 1, "quarter": 3, "half": 6, "year": 12}

#: How each combination reading is named in a line (the source's own words where it has them).
COMBINE_WORDS = {
    "dimension_max": "就高不就低",
    "overall_max": "只计最高一项",
    "cumulative": "多处录用累计计分",
    "stack": "全部累加",
}
LineKey = tuple[str, str, Decimal, str]  # rule, text, value per article, kind


def _adoption_order(a: Adoption) -> tuple[str, str, str, str, date]:
    return (a.publication, a.klass, a.form, a.credit, a.day)


def score_ledger(
    scheme: LedgerScheme,
    roster: Sequence[Unit],
    records: Records,
    period: Period,
    *,
    unit_by_unit: Iterable[Adoption] | None = None,
) -> LedgerResult:
    """Score every unit of `roster` for `period` under `scheme` (see docs/schemes.md, 「台账计分办法」).

    ``unit_by_unit``: the adoptions as a stream whose units come one after another (each unit's adoptions
    together, in any order among themselves), read in place of ``records.adoptions``: each unit's articles are
    scored as its run ends, so the adoptions are never all held at once (a province-year's are ~15-20 MB). A
    unit coming back after another is refused (``ledger.input.not_grouped``). An instruction on an article the
    stream never adopts is left out, not refused: the caller passes only adoptions it scores, and said why of the
    others."""
    units: dict[str, UnitResult] = {}
    bases: dict[str, Decimal | None] = {}
    groups: dict[str, str] = {}
    group_names = {g.id: g.name for g in scheme.groups}
    for unit in roster:
        if unit.name in units:
            raise LedgerError("ledger.input.duplicate_unit", value=unit.name)
        if unit.group not in group_names:
            raise LedgerError(
                "ledger.input.unknown_group", value=unit.group, choices=list(group_names.values())
            )
        units[unit.name] = UnitResult(unit.name, unit.group, group_name=group_names[unit.group])
        bases[unit.name] = unit.base
        groups[unit.name] = unit.group

    # An article belongs to the month of its first adoption (after the cut-off, ZG-6.6), so it lands in
    # exactly one period whatever the order of the records. Adoptions are grouped by unit, then article (the
    # article's adoption, or its adoptions when there are several), and each unit's articles are tallied and
    # applied before the next unit's; months are read from a per-day table (a year has 365 days, a
    # province-year 700,000 adoptions). Measured on 宜昌's year in the generated province (tracemalloc): the
    # (unit, article) key tuples of every adoption and the tally of every unit at once held 12.6 MB, and the
    # scoring's peak went from 56.1 to 41.5 MB without them, then to 29.9 MB read as a stream of runs by unit
    # (``unit_by_unit``), which holds one unit's adoptions at a time.
    cut = scheme.cutoff_day or 31
    levels: dict[str, dict[str, list[str]]] = {}
    for instruction in records.instructions:
        levels.setdefault(instruction.unit, {}).setdefault(instruction.article, []).append(instruction.level)
    grouped: Iterable[tuple[str, _Articles]]
    if unit_by_unit is None:
        # every adoption is at hand: the first unit not on the roster, then an instruction on no adopted article
        at_once = _units_at_once(records.adoptions)
        _refuse_unknown_unit(at_once, units)
        for instruction in records.instructions:
            if instruction.article not in at_once.get(instruction.unit, {}):
                raise LedgerError(
                    "ledger.input.no_article",
                    row=instruction.row,
                    column="稿件编号",
                    value=instruction.article,
                )
        grouped = at_once.items()
    else:
        grouped = _units_one_by_one(unit_by_unit, units)

    state = _State(scheme, units, groups)
    low, high = period.first, period.first + period.length
    # A unit's articles are tallied by (contribution, month cell) and each tally is applied once: a
    # contribution is a lone adoption's profile or a general article's outcome, and a cell is the month
    # floored to the finest window any quota or the excess count uses (every window length divides 12 and
    # the others, so flooring twice is flooring once).
    step = state.step
    month_of: dict[date, int] = {}
    profiles = state.profiles
    no_levels: dict[str, list[str]] = {}
    for name, articles in grouped:
        group = groups[name]
        instructed = levels.get(name, no_levels)
        tally: dict[tuple[_Profile, int], int] = defaultdict(int)
        for article, found in articles.items():
            several: list[Adoption] | None
            if isinstance(found, list):
                several, adoption = found, found[0]
                month = min(_month(a.day, month_of, cut) for a in several)
            else:
                several, adoption = None, found
                day = adoption.day
                month = month_of.get(day)  # type: ignore[assignment]
                if month is None:
                    month = _month(day, month_of, cut)
            if not low <= month < high:
                continue
            if adoption.credit or several is not None or article in instructed:
                contribution = state.article(name, month, several or [adoption], instructed.get(article, []))
                if contribution is None:
                    continue
            else:
                profile_key = (group, adoption.publication, adoption.klass, adoption.form)
                contribution = profiles.get(profile_key)
                if contribution is None:
                    contribution = profiles[profile_key] = state.profile(group, adoption)
            tally[(contribution, month - month % step)] += 1
        state.apply(name, tally)
    for submission in records.submissions:
        if submission.unit not in units:
            raise LedgerError(
                "ledger.input.unknown_unit", row=submission.row, column="单位", value=submission.unit
            )
        day = submission.day
        month = day.year * 12 + day.month - 1 + (day.day > cut)
        if low <= month < high and submission.count > 0:
            state.submitted.add(submission.unit)
            state.submission(submission.unit, month, submission.kind, submission.klass, submission.count)

    state.flush()
    for unit_name, result in units.items():
        result.submitted = unit_name in state.submitted
        quota_lines(scheme, state, unit_name, result, period)
        excess_lines(scheme, state, unit_name, result, period)
    incidents(scheme, records, units, bases, period)
    claims(scheme, records, units, bases, period)
    ordered = [units[u.name] for u in roster]
    outcome = LedgerResult(period.label, period.chinese, scheme.currency, ordered, partial=scheme.partial)
    apply_standing(scheme, outcome, bases, groups, state.eligible, state.direct, period)
    return outcome


_Articles = dict[str, Adoption | list[Adoption]]  # article → its adoption, or its adoptions when several


def _add(articles: _Articles, adoption: Adoption) -> None:
    article = adoption.article
    seen = articles.get(article)
    if seen is None:
        articles[article] = adoption
    elif isinstance(seen, list):
        seen.append(adoption)
    else:
        articles[article] = [seen, adoption]


def _units_at_once(adoptions: Iterable[Adoption]) -> dict[str, _Articles]:
    """Every unit's articles, the units in the order their first adoption comes."""
    by_unit: dict[str, _Articles] = {}
    by_unit_get = by_unit.get
    for adoption in adoptions:
        articles = by_unit_get(adoption.unit)
        if articles is None:
            articles = by_unit[adoption.unit] = {}
        _add(articles, adoption)
    return by_unit


def runs_by_unit(adoptions: Iterable[Adoption]) -> Iterator[tuple[str, list[Adoption]]]:
    """Each unit's run of adoptions as it ends, from a stream whose units come one after another (each unit's
    adoptions together); a unit whose run comes back after another's is refused at its return."""
    done: set[str] = set()
    unit: str | None = None
    run: list[Adoption] = []
    for adoption in adoptions:
        if adoption.unit != unit:
            if unit is not None:
                yield unit, run
                done.add(unit)
            unit, run = adoption.unit, []
            if unit in done:
                raise LedgerError("ledger.input.not_grouped", row=adoption.row, column="单位", value=unit)
        run.append(adoption)
    if unit is not None:
        yield unit, run


def _units_one_by_one(
    adoptions: Iterable[Adoption], units: dict[str, UnitResult]
) -> Iterator[tuple[str, _Articles]]:
    """Each unit's articles as its run of adoptions ends (`score_ledger`'s ``unit_by_unit``, `runs_by_unit`); a
    unit not on the roster is refused at its first adoption."""
    for unit, run in runs_by_unit(adoptions):
        if unit not in units:
            raise LedgerError("ledger.input.unknown_unit", row=run[0].row, column="单位", value=unit)
        articles: _Articles = {}
        for adoption in run:
            _add(articles, adoption)
        yield unit, articles


def _refuse_unknown_unit(by_unit: dict[str, _Articles], units: dict[str, UnitResult]) -> None:
    """The first adoption (in the records' order) of the first unit not on the roster: its first article's first."""
    for name, articles in by_unit.items():
        if name not in units:
            found = next(iter(articles.values()))
            adoption = found[0] if isinstance(found, list) else found
            raise LedgerError(
                "ledger.input.unknown_unit", row=adoption.row, column="单位", value=adoption.unit
            )


def split_by_month(records: Records, cutoff_day: int | None, months: Iterable[int]) -> dict[int, Records]:
    """The records each of ``months`` (index: year * 12 + month - 1) is scored from, in one pass: an article's adoptions
    and instructions go to the month of its first adoption (after the cut-off day, the next: ZG-6.6), a
    submission to its own month. Incidents, claims and cadre events, which the engine filters by period itself,
    go to every month, as does an instruction for an article never adopted (every month is refused, as it is
    from all the records).

    Scoring month m from ``split_by_month(records, cut, [m])[m]`` gives what scoring it from ``records`` gives
    (tests/workflow/scoring/ledger/test_properties.py); the year's twelve months then read the year's records
    once, not twelve times (a province office's year: 137,940 adoptions). One difference: an adoption by a unit
    not on the roster is refused in its own month only, where the whole year's records refuse every month."""
    cut = cutoff_day or 31
    month_of: dict[date, int] = {}
    article_month: dict[tuple[str, str], int] = {}
    for adoption in records.adoptions:
        key = (adoption.unit, adoption.article)
        month = _month(adoption.day, month_of, cut)
        if month < article_month.get(key, month + 1):
            article_month[key] = month
    adoptions: dict[int, list[Adoption]] = defaultdict(list)
    for adoption in records.adoptions:
        adoptions[article_month[(adoption.unit, adoption.article)]].append(adoption)
    instructions: dict[int, list[Instruction]] = defaultdict(list)
    orphans: list[Instruction] = []
    for instruction in records.instructions:
        placed = article_month.get((instruction.unit, instruction.article))
        (orphans if placed is None else instructions[placed]).append(instruction)
    submissions: dict[int, list[Submission]] = defaultdict(list)
    for submission in records.submissions:
        day = submission.day
        submissions[day.year * 12 + day.month - 1 + (day.day > cut)].append(submission)
    return {
        month: Records(
            tuple(adoptions.get(month, ())),
            tuple(instructions.get(month, ())) + tuple(orphans),
            tuple(submissions.get(month, ())),
            records.incidents,
            records.claims,
            records.cadre_events,
        )
        for month in months
    }


def _month(day: date, month_of: dict[date, int], cut: int) -> int:
    """The month index an adoption on ``day`` counts in (after the cut-off day, the next: ZG-6.6), memoised."""
    month = month_of.get(day)
    if month is None:
        month = month_of[day] = day.year * 12 + day.month - 1 + (day.day > cut)
    return month


class _Profile:
    """What one article of a kind contributes: a lone adoption of (publication, class, form) by a unit of one
    group, or a general article's outcome (its adoptions' kinds and instruction levels). Hashed by identity:
    a unit's tally counts its articles per (profile, month cell)."""

    __slots__ = ("lines", "quota", "excess", "flags", "eligible", "direct", "rare")

    def __init__(self) -> None:
        self.lines: list[tuple[int, int]] = []  # (index into _State.line_keys, count)
        self.quota: list[tuple[int, int, tuple[int, ...]]] = []  # quota index, window length, categories
        self.excess = ""
        self.flags: list[tuple[str, str, str]] = []
        self.eligible = False
        self.direct = False
        self.rare = False  # any of excess / flags / eligible / direct


class _State:
    """Running aggregates of one scoring: line counters, quota counts, excess candidates, per-unit facts."""

    def __init__(self, scheme: LedgerScheme, units: dict[str, UnitResult], groups: dict[str, str]) -> None:
        self.scheme = scheme
        self.units = units
        self.groups = groups
        self.pubs = {p.id: p for p in scheme.publications}
        self.classes: dict[str, Klass] = {c.id: c for c in scheme.classes}
        self.forms = {f.id: f for f in scheme.forms}
        self.levels = {lv.id: lv for lv in scheme.levels}
        self.values: dict[tuple[str, str, str], Value | None] = {}
        self.profiles: dict[tuple[str, str, str, str], _Profile] = {}
        self.outcomes: dict[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], _Profile] = {}
        #: (unit, line) -> articles, where line indexes `line_keys` (an int hashes faster than the key)
        self.line_counts: dict[tuple[str, int], int] = defaultdict(int)
        self.line_keys: list[LineKey] = []
        self.line_index: dict[LineKey, int] = {}
        self.quotas_by_group: dict[str, list[tuple[int, Quota]]] = defaultdict(list)
        for index, quota in enumerate(scheme.quotas):
            for group in quota.groups:
                self.quotas_by_group[group].append((index, quota))
        #: the finest window any count uses (quota windows, the excess year): months are tallied floored to it
        self.step = 12
        for quota in scheme.quotas:
            self.step = gcd(self.step, _LENGTH[quota.aggregate_over or quota.period])
        #: (unit, quota index, window first month, category index) -> count
        self.counts: dict[tuple[str, int, int, int], int] = defaultdict(int)
        #: (unit, quota index, window first month) -> {klass: recommended adoptions} (ZG-2.9)
        self.recommended: dict[tuple[str, int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        #: (unit, year first month, publication) -> excess candidates (ZG-4.6)
        self.excess: dict[tuple[str, int, str], int] = defaultdict(int)
        self.excess_groups = set(scheme.excess.groups) if scheme.excess else set()
        self.submitted: set[str] = set()
        self.eligible: set[str] = set()
        self.direct: set[str] = set()
        self.unit_flags: dict[str, list[tuple[str, str, str]]] = defaultdict(list)

    # -- values and words -------------------------------------------------------------------------------
    def value(self, adoption: Adoption) -> Value:
        key = (adoption.publication, adoption.klass, adoption.form)
        try:
            found = self.values[key]
        except KeyError:
            found = self.values[key] = self.scheme.value_for(*key)
        if found is None:
            raise LedgerError(
                "ledger.input.no_value",
                row=adoption.row,
                column="刊物",
                publication=self._name(self.pubs, adoption.publication),
                klass=self._name(self.classes, adoption.klass),
                form=self._name(self.forms, adoption.form),
            )
        return found

    @staticmethod
    def _name(table: dict, key: str) -> str:
        item = table.get(key)
        return item.name if item is not None else key

    def describe(self, adoption: Adoption) -> str:
        return (
            self._name(self.pubs, adoption.publication)
            + (self.classes[adoption.klass].name if adoption.klass in self.classes else "")
            + (self.forms[adoption.form].name if adoption.form in self.forms else "")
        )

    # -- scoring one article ---------------------------------------------------------------------------
    def line_id(self, key: LineKey) -> int:
        found = self.line_index.get(key)
        if found is None:
            found = self.line_index[key] = len(self.line_keys)
            self.line_keys.append(key)
        return found

    def apply(self, unit: str, tally: dict[tuple[_Profile, int], int]) -> None:
        """A unit's (profile, month cell) tally → line counts, quota counts, excess candidates, unit facts."""
        line_counts, counts, excess = self.line_counts, self.counts, self.excess
        if tally:
            self.submitted.add(unit)
        for (profile, cell), n in tally.items():
            for line, count in profile.lines:
                line_counts[(unit, line)] += count * n
            for index, length, categories in profile.quota:
                window = cell - cell % length
                for category in categories:
                    counts[(unit, index, window, category)] += n
            if not profile.rare:
                continue
            if profile.excess:
                excess[(unit, cell - cell % 12, profile.excess)] += n
            if profile.flags:  # flags are kept once each (`flush`): one copy per tally is enough
                self.unit_flags[unit].extend(profile.flags)
            if profile.eligible:
                self.eligible.add(unit)
            if profile.direct:
                self.direct.add(unit)

    def profile(self, group: str, adoption: Adoption) -> _Profile:
        """What a lone adoption of this kind contributes, by the general path's own rules."""
        profile = _Profile()
        value = self.value(adoption)
        profile.lines = [(self.line_id((value.rule, self.describe(adoption), value.points, "points")), 1)]
        if value.flag:
            profile.flags = [
                ("confirm", value.flag, f"{self.describe(adoption)}：原文未列分值，按同类计分，请人工确认")
            ]
        profile.quota = self._quota_categories(group, [adoption])
        profile.excess = self._excess_publication(group, [adoption])
        advanced = self.scheme.advanced
        if advanced is not None:
            profile.eligible = _passes(advanced.eligible_article, [adoption], [], self.classes)
            profile.direct = _passes(advanced.direct, [adoption], [], self.classes)
        profile.rare = bool(profile.excess or profile.flags or profile.eligible or profile.direct)
        return profile

    def article(self, unit: str, month: int, adoptions: list[Adoption], levels: list[str]) -> _Profile | None:
        """The general path: several adoptions and/or instructions, credits, superseded values → the article's
        contribution (None: a recommended article, counted here toward its quota's conversion, ZG-2.9).

        The outcome depends only on the adoptions' kinds (publication, class, form, credit) and the levels, so
        it is cached per (group, sorted kinds, sorted levels) and computed from the adoptions in a fixed order
        (equal values explain themselves the same way whatever the order of the records)."""
        self.submitted.add(unit)
        kinds = tuple(sorted([(a.publication, a.klass, a.form, a.credit) for a in adoptions]))
        ordered_levels = tuple(sorted(levels))
        group = self.groups[unit]
        key = (group, kinds, ordered_levels)
        outcome = self.outcomes.get(key)
        if outcome is None:
            ordered = sorted(adoptions, key=_adoption_order)
            if any(a.credit == "recommended" for a in ordered):
                self._recommended(unit, month, ordered)
                return None
            outcome = self.outcomes[key] = self._outcome(group, ordered, list(ordered_levels))
        return outcome

    def _outcome(self, group: str, adoptions: list[Adoption], levels: list[str]) -> _Profile:
        outcome = _Profile()
        outcome.flags = [
            ("confirm", value.flag, f"{self.describe(a)}：原文未列分值，按同类计分，请人工确认")
            for a in adoptions
            if (value := self.value(a)).flag
        ]
        advanced = self.scheme.advanced
        outcome.lines = [
            (self.line_id(key), count) for key, count in self.article_lines(adoptions, levels).items()
        ]
        outcome.quota = self._quota_categories(group, adoptions)
        outcome.excess = self._excess_publication(group, adoptions)
        outcome.eligible = advanced is not None and _passes(
            advanced.eligible_article, adoptions, levels, self.classes
        )
        outcome.direct = advanced is not None and _passes(advanced.direct, adoptions, levels, self.classes)
        outcome.rare = bool(outcome.excess or outcome.flags or outcome.eligible or outcome.direct)
        return outcome

    def article_lines(self, adoptions: list[Adoption], levels: list[str]) -> dict[LineKey, int]:
        """The lines one article contributes under the scheme's combination switch (GAP-6 / INF-2.8)."""
        out: dict[LineKey, int] = defaultdict(int)
        scored = adoptions
        if len(adoptions) > 1:  # INF-2.5 / GAP-10: a forwarded commissioned item's 5 is replaced once adopted
            tiers = {self.pubs[a.publication].tier for a in adoptions}
            scored = [a for a in adoptions if not (set(self.pubs[a.publication].superseded_by) & tiers)]
            if len(scored) < len(adoptions):
                out[("GAP-10", "约稿上报信息被录用，改按录用分值计分", _ZERO, "note")] += 1
        valued = [(self.value(a), a) for a in scored]
        material = any(a.credit == "material" for a in adoptions)
        credits = self.scheme.credits
        if material and not credits.material_points:
            valued = []
        combine = self.scheme.combine
        suffix = f"（{COMBINE_WORDS[combine]}）" if len(valued) > 1 else ""
        if material and credits.material_rule:
            suffix += f"（科室提供素材被采用，计本科室采稿·{credits.material_rule}）"
        instructed = [self.levels[lv] for lv in levels]
        if combine == "overall_max":
            best_level = max(instructed, key=lambda lv: lv.points, default=None)
            best = max(valued, key=lambda va: va[0].points, default=None)
            if best_level is not None and (best is None or best_level.points > best[0].points):
                rule = best_level.rule or self.scheme.instruction_rule
                out[(rule, f"{best_level.name}批示（只计最高一项）", best_level.points, "points")] += 1
            elif best is not None:
                out[(best[0].rule, self.describe(best[1]) + suffix, best[0].points, "points")] += 1
            return out
        if combine == "dimension_max" and valued:
            valued = [max(valued, key=lambda va: va[0].points)]  # first of equals: adoptions are sorted
        for value, adoption in valued:
            out[(value.rule, self.describe(adoption) + suffix, value.points, "points")] += 1
        if instructed:
            word = ""
            if combine == "dimension_max":
                chosen = [max(instructed, key=lambda lv: lv.points)]
                word = "（就高不就低）" if len(instructed) > 1 else ""
            elif combine == "cumulative":  # INF GAP-9: levels stack, a repeated level counts once
                chosen = list({lv.id: lv for lv in instructed}.values())
            else:
                chosen = instructed
            for level in chosen:
                rule = level.rule or self.scheme.instruction_rule
                out[(rule, f"{level.name}批示加分{word}", level.points, "points")] += 1
        return out

    def _quota_categories(
        self, group: str, adoptions: list[Adoption]
    ) -> list[tuple[int, int, tuple[int, ...]]]:
        """For each adopted-basis quota of the group: the categories this article counts toward (once per
        article however many media adopted it, GAP-6; separate categories take it once, GAP-3)."""
        counted = [a for a in adoptions if self.pubs[a.publication].counts_for_quota]
        out: list[tuple[int, int, tuple[int, ...]]] = []
        if not counted:
            return out
        for index, quota in self.quotas_by_group.get(group, ()):
            if quota.basis != "adopted":
                continue
            hits = []
            for cat_index, category in enumerate(quota.categories):
                if category.source != "articles":
                    continue
                if any(
                    (not category.publications or a.publication in category.publications)
                    and (not category.classes or a.klass in category.classes)
                    for a in counted
                ):
                    hits.append(cat_index)
                    if quota.mode == "separate":
                        break
            if hits:
                out.append((index, _LENGTH[quota.aggregate_over or quota.period], tuple(hits)))
        return out

    def _excess_publication(self, group: str, adoptions: list[Adoption]) -> str:
        """ZG-4.6 / GAP-6: an excess candidate counts once, against the publication of its adoption value."""
        excess = self.scheme.excess
        if excess is None or group not in self.excess_groups:
            return ""
        best = max(adoptions, key=lambda a: self.value(a).points)
        if best.publication in excess.bonus and (not excess.classes or best.klass in excess.classes):
            return best.publication
        return ""

    def _recommended(self, unit: str, month: int, adoptions: list[Adoption]) -> None:
        credits = self.scheme.credits
        if not credits.recommended_ratio or self.groups[unit] not in credits.recommended_groups:
            self.unit_flags[unit].append(
                (
                    "recommended_ignored",
                    credits.recommended_rule,
                    "推荐外单位稿件被采用：本单位不适用折算，未计",
                )
            )
            return
        klass = adoptions[0].klass  # adoptions are sorted: the same class whatever the records' order
        for index, quota in self.quotas_by_group.get(self.groups[unit], ()):
            length = _LENGTH[quota.aggregate_over or quota.period]
            self.recommended[(unit, index, month - month % length)][klass] += 1

    def submission(self, unit: str, month: int, kind: str, klass: str, count: int) -> None:
        for index, quota in self.quotas_by_group.get(self.groups[unit], ()):
            window = month - month % _LENGTH[quota.aggregate_over or quota.period]
            for cat_index, category in enumerate(quota.categories):
                if category.source == "submissions":
                    if category.kind != kind:
                        continue
                elif quota.basis != "submitted" or kind != "information":
                    continue
                if category.classes and klass not in category.classes:
                    continue
                self.counts[(unit, index, window, cat_index)] += count
                if quota.mode == "separate" and category.source == "articles":
                    break

    def flush(self) -> None:
        """Aggregated article lines → each unit's `lines` (highest first) and flags."""
        quantum, currency = self.scheme.precision, self.scheme.currency
        per_unit: dict[str, list[Line]] = defaultdict(list)
        # one Line (frozen) for each line and count, whichever units have it: a year's units repeat the same few
        # hundred (the generated province office's year: 38,789 lines of 543; the result held after scoring went
        # from 19.7 to 8.0 MB, and the scoring's peak from 30.2 to 21.7)
        made: dict[tuple[int, int], Line] = {}
        for (unit, line), count in self.line_counts.items():
            rule, text, value, kind = self.line_keys[line]
            if kind == "note":
                self.units[unit].flag("superseded", rule, f"{text}：{count}篇")
                continue
            found = made.get((line, count))
            if found is None:
                total = round_to(value * count, quantum)
                found = made[(line, count)] = Line(
                    rule, f"{text}：{fmt(value)}{currency}×{count}篇", total, kind
                )
            per_unit[unit].append(found)
        for unit, lines in per_unit.items():
            lines.sort(key=lambda ln: (-ln.points, ln.rule, ln.text))
            self.units[unit].lines[:0] = lines
        for unit, flags in self.unit_flags.items():
            for flag, rule, text in sorted(set(flags)):  # the same flags whatever the records' order
                self.units[unit].flag(flag, rule, text)


def explain_article(
    scheme: LedgerScheme, adoptions: list[Adoption], levels: list[str]
) -> tuple[Decimal, str]:
    """One article's points and reasoning: (40, "20 = 《河南组工信息》经验类单条（就高不就低）; +20 = 省领导批示加分")."""
    if not adoptions:
        return _ZERO, ""
    unit = adoptions[0].unit
    state = _State(scheme, {unit: UnitResult(unit, "")}, {unit: ""})
    parts, total = [], _ZERO
    ordered = sorted(adoptions, key=_adoption_order)
    for (_, text, value, kind), count in state.article_lines(ordered, sorted(levels)).items():
        if kind == "note":
            parts.append(text)
            continue
        total += value * count
        parts.append(f"{'+' if parts else ''}{fmt(value)} = {text}")
    return total, "; ".join(parts)


def _passes(
    test: ArticleTest | None, adoptions: list[Adoption], levels: list[str], classes: dict[str, Klass]
) -> bool:
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
