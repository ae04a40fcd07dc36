"""Ranked lists per group, with ties, rank quotas and grades (STA-4.1, ORG-PR.9, ORG-12.3).

`rank_campaign` ranks each group's units by total (highest first; equal totals share a rank: 1, 1, 3) and, when
the campaign has rank quotas, gives the quota grades down the list in quota order (STA-4.1: 优秀 2–3, then
良好 3–4), the rest `rest_grade`.

- The count per grade is the office's choice within the quota's range (`choose`: group → grade → count); a
  choice outside the range is refused with the rule quoted (`QuotaRefused`). Without a choice the count is the
  largest in the range that does not split equal totals; if every count in the range splits a tie, refused.
- A chosen count that splits equal totals is resolved by the switch `tie_at_boundary` (`tie_rule`): "refuse"
  (default: the office must choose again) or "lower" (the tied units all take the lower grade, so the count
  shrinks; below the quota's minimum it is refused).
- Vetoed units keep their total and rank but take no quota place; they get `veto_grade`, else `fail_grade`
  (ORG GAP-10, ORG-12.3). `judged_fail` (the office judges a unit 不合格) applies only to units left after the
  quotas (STA GAP-6). Without quotas there are no grades (ORG, LRN, SAF rank only): grade None, except that a
  vetoed unit takes `veto_grade` when one is set and a judged unit `fail_grade`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workflow.campaigns.rules import quote

#: The named switch `tie_at_boundary`: what happens when a count would give equal totals different grades.
TIE_RULES = ("refuse", "lower")


@dataclass(frozen=True)
class Quota:
    grade: str
    min: int
    max: int

    def __post_init__(self) -> None:
        if not 0 <= self.min <= self.max:
            raise ValueError(f"quota {self.grade}: need 0 <= min <= max, got {self.min}-{self.max}")


@dataclass(frozen=True)
class Entry:
    unit: str
    total: Decimal
    group: str = ""
    vetoed: bool = False
    judged_fail: bool = False


@dataclass(frozen=True)
class RankedUnit:
    unit: str
    group: str
    total: Decimal
    #: Competition rank within the group (1, 1, 3): one more than the number of higher totals.
    rank: int
    grade: str | None
    vetoed: bool
    judged_fail: bool
    #: Why this grade, in Chinese (for the moderation page and the bulletin).
    note: str


@dataclass(frozen=True)
class QuotaCheck:
    group: str
    grade: str
    min: int
    max: int
    #: The count given (chosen, or the default); None when no count could be given.
    chosen: int | None
    ok: bool
    #: Chinese; quotes the rule when not ok.
    message: str


@dataclass(frozen=True)
class GroupRanking:
    group: str
    units: tuple[RankedUnit, ...]
    quota_checks: tuple[QuotaCheck, ...]


@dataclass(frozen=True)
class CampaignRanking:
    groups: tuple[GroupRanking, ...]

    def unit(self, name: str) -> RankedUnit:
        for group in self.groups:
            for ranked in group.units:
                if ranked.unit == name:
                    return ranked
        raise KeyError(name)

    @property
    def units(self) -> tuple[RankedUnit, ...]:
        return tuple(u for g in self.groups for u in g.units)

    @property
    def quota_checks(self) -> tuple[QuotaCheck, ...]:
        return tuple(c for g in self.groups for c in g.quota_checks)


class QuotaRefused(Exception):
    """A count the quotas do not allow. ``message`` quotes the rule (依据…：优秀2-3名、良好3-4名 · STA-4.1（…）);
    ``params`` carry what a caller needs to word it its own way; ``checks`` are every group's checks."""

    def __init__(
        self,
        code: str,
        message: str,
        rule: str,
        *,
        group: str = "",
        grade: str = "",
        params: Mapping[str, Any] | None = None,
        checks: tuple[QuotaCheck, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.rule = rule
        self.group = group
        self.grade = grade
        self.params: dict[str, Any] = dict(params or {})
        self.checks = checks


#: Refusal codes → the detail, after the quoted rule.
_DETAILS = {
    "rank.count_outside": "{grade}{count}名，超出规定的{low}—{high}名",
    "rank.count_exceeds": "{grade}{count}名，但只剩{left}个单位",
    "rank.too_few_units": "{grade}至少{low}名，但只剩{left}个单位",
    "rank.tie_split": "{grade}{count}名会把同分（{total}分）的单位分在两个等次，请重新确定名额",
    "rank.tie_below_min": "同分（{total}分）的单位按同分取低档均不评为{grade}后只剩{count}名，少于规定的{low}名",
    "rank.unknown_grade": "{grade}不是规定名额的等次（有：{grades}）",
    "rank.no_cut": "{grade}在规定的{low}—{high}名内任取名额都会把同分的单位分在两个等次，请由考评办确定名额",
}


@dataclass
class _Cut:
    count: int | None
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    #: the chosen count was lowered to keep a tie together ("lower")
    lowered_from: int | None = None


def rank_campaign(
    entries: Iterable[Entry],
    *,
    quotas: Sequence[Quota] = (),
    rest_grade: str = "合格",
    fail_grade: str = "不合格",
    veto_grade: str | None = None,
    choose: Mapping[str, Mapping[str, int]] | None = None,
    tie_rule: str = "refuse",
    quota_rule: str = "STA-4.1",
) -> CampaignRanking:
    """Rank every group (in order of first appearance) and grade it under the quotas; see the module doc.

    Raises `QuotaRefused` for the first group whose counts the quotas refuse (its ``checks`` list all groups')."""
    if tie_rule not in TIE_RULES:
        raise ValueError(f"tie_rule must be one of {TIE_RULES}, got {tie_rule!r}")
    by_group: dict[str, list[Entry]] = {}
    seen: set[str] = set()
    for entry in entries:
        if entry.unit in seen:
            raise ValueError(f"unit {entry.unit!r} appears twice")
        seen.add(entry.unit)
        by_group.setdefault(entry.group, []).append(entry)
    choose = choose or {}
    groups: list[GroupRanking] = []
    first_refusal: QuotaRefused | None = None
    for group, members in by_group.items():
        ranking, refusal = _rank_group(
            group,
            members,
            quotas=quotas,
            rest_grade=rest_grade,
            fail_grade=fail_grade,
            veto_grade=veto_grade,
            chosen=choose.get(group, {}),
            tie_rule=tie_rule,
            quota_rule=quota_rule,
        )
        groups.append(ranking)
        first_refusal = first_refusal or refusal
    if first_refusal is not None:
        checks = tuple(c for g in groups for c in g.quota_checks)
        raise QuotaRefused(
            first_refusal.code,
            first_refusal.message,
            first_refusal.rule,
            group=first_refusal.group,
            grade=first_refusal.grade,
            params=first_refusal.params,
            checks=checks,
        )
    return CampaignRanking(tuple(groups))


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Ranks for totals sorted highest first: equal totals share the rank, the next rank skips (1, 1, 3)."""
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and totals[i - 1] == total else i + 1)
    return ranks


def _rank_group(
    group: str,
    members: list[Entry],
    *,
    quotas: Sequence[Quota],
    rest_grade: str,
    fail_grade: str,
    veto_grade: str | None,
    chosen: Mapping[str, int],
    tie_rule: str,
    quota_rule: str,
) -> tuple[GroupRanking, QuotaRefused | None]:
    ordered = sorted(members, key=lambda e: e.total, reverse=True)  # stable: equal totals keep input order
    ranks = dict(zip((e.unit for e in ordered), competition_ranks([e.total for e in ordered]), strict=True))
    eligible = [e for e in ordered if not e.vetoed]
    grades: dict[str, tuple[str | None, str]] = {}
    checks: list[QuotaCheck] = []
    refusal: QuotaRefused | None = None
    known = [q.grade for q in quotas]
    for grade in chosen:
        if grade not in known:  # a count for a grade without a quota would be silently ignored
            params: dict[str, Any] = {"grade": grade, "grades": "、".join(known) or "无"}
            message = quote(quota_rule, _DETAILS["rank.unknown_grade"].format(**params))
            refusal = QuotaRefused(
                "rank.unknown_grade", message, quota_rule, group=group, grade=grade, params=params
            )
            break
    pos = 0
    for quota in quotas:
        cut = _cut(quota, eligible, pos, chosen.get(quota.grade), tie_rule)
        if cut.count is None:
            params = {"grade": quota.grade, "low": quota.min, "high": quota.max} | cut.params
            message = quote(quota_rule, _DETAILS[cut.code].format(**params))
            checks.append(QuotaCheck(group, quota.grade, quota.min, quota.max, None, False, message))
            if refusal is None:
                refusal = QuotaRefused(
                    cut.code, message, quota_rule, group=group, grade=quota.grade, params=params
                )
            continue  # the rest of the group is left ungraded by this quota; the whole ranking is refused
        n = cut.count
        message = f"{quota.grade}{n}名，在规定的{quota.min}—{quota.max}名之内"
        if cut.lowered_from is not None:
            message += f"（定{cut.lowered_from}名会分开同分单位，按同分取低档减为{n}名）"
        checks.append(QuotaCheck(group, quota.grade, quota.min, quota.max, n, True, message))
        for entry in eligible[pos : pos + n]:
            grades[entry.unit] = (quota.grade, f"第{ranks[entry.unit]}名，在{quota.grade}名额（{n}名）之内")
        pos += n
    for entry in eligible[pos:]:
        if entry.judged_fail:
            grades[entry.unit] = (fail_grade, "考评办判定为" + fail_grade)
        elif quotas:
            grades[entry.unit] = (rest_grade, f"第{ranks[entry.unit]}名，在各等次名额之外，评为{rest_grade}")
        else:
            grades[entry.unit] = (None, f"第{ranks[entry.unit]}名")
    for entry in ordered:
        if entry.judged_fail and entry.unit in grades and grades[entry.unit][0] != fail_grade:
            kept, note = grades[entry.unit]
            grades[entry.unit] = (kept, note + "；判定不合格只适用于名额以外的单位")
        if entry.vetoed:
            vetoed = veto_grade if veto_grade is not None else (fail_grade if quotas else None)
            grades[entry.unit] = (
                vetoed,
                f"第{ranks[entry.unit]}名，被一票否决：保留得分和名次，不占等次名额",
            )
    units = tuple(
        RankedUnit(
            unit=e.unit,
            group=group,
            total=e.total,
            rank=ranks[e.unit],
            grade=grades[e.unit][0],
            vetoed=e.vetoed,
            judged_fail=e.judged_fail,
            note=grades[e.unit][1],
        )
        for e in ordered
    )
    return GroupRanking(group, units, tuple(checks)), refusal


def _splits(eligible: Sequence[Entry], end: int) -> bool:
    """Does a cut after `end` units give equal totals different grades?"""
    return 0 < end < len(eligible) and eligible[end - 1].total == eligible[end].total


def _cut(quota: Quota, eligible: Sequence[Entry], pos: int, chosen: int | None, tie_rule: str) -> _Cut:
    """How many of the units from `pos` on take this quota's grade, or why none can be given."""
    left = len(eligible) - pos
    if chosen is not None:
        if not quota.min <= chosen <= quota.max:
            return _Cut(None, "rank.count_outside", {"count": chosen})
        if chosen > left:
            return _Cut(None, "rank.count_exceeds", {"count": chosen, "left": left})
        end = pos + chosen
        if not _splits(eligible, end):
            return _Cut(chosen)
        total = eligible[end].total
        if tie_rule == "refuse":
            return _Cut(None, "rank.tie_split", {"count": chosen, "total": total})
        start = end - 1
        while start > pos and eligible[start - 1].total == total:
            start -= 1
        lowered = start - pos
        if lowered < quota.min:
            return _Cut(None, "rank.tie_below_min", {"count": lowered, "total": total})
        return _Cut(lowered, lowered_from=chosen)
    if left < quota.min:
        return _Cut(None, "rank.too_few_units", {"left": left})
    for count in range(min(quota.max, left), quota.min - 1, -1):
        if not _splits(eligible, pos + count):
            return _Cut(count)
    return _Cut(None, "rank.no_cut", {})
