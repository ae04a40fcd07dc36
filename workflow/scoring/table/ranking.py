"""Grades by rank under a scheme's rank quotas (STA-4.1: 优秀 2–3, 良好 3–4, the rest 合格)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from workflow.scoring.errors import RankingError, SchemeError
from workflow.scoring.numbers import NumberProblem, to_decimal
from workflow.scoring.scheme import Scheme
from workflow.scoring.table.results import SheetResult


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
        ranked.append((unit, _total(value, unit)))
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


def _total(value: Any, unit: str) -> Decimal:
    """A unit's total as an exact Decimal; a value that is not a number names the unit."""
    try:
        return to_decimal(value)
    except NumberProblem as exc:
        raise SchemeError(exc.code, what=f"{unit}的总分", value=str(value)) from None
