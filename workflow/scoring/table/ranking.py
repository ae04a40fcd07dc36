"""Grades by rank under a scheme's rank quotas (STA-4.1: 优秀 2–3, 良好 3–4, the rest 合格).

The ranking itself is `workflow.campaigns.ranking.rank_campaign` (ties, quotas, the tie switch, vetoes); this is
the scoring engine's view of it for one scheme and one list of units, raising the engine's `RankingError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from workflow.campaigns.ranking import Entry, Quota, QuotaRefused, rank_campaign
from workflow.scoring.errors import RankingError, SchemeError
from workflow.scoring.numbers import NumberProblem, to_decimal
from workflow.scoring.scheme import Scheme
from workflow.scoring.table.results import SheetResult


def rank_grades(
    results: Sequence[tuple[str, Decimal | SheetResult]],
    scheme: Scheme,
    counts: Mapping[str, int] | None = None,
    *,
    tie_rule: str = "refuse",
) -> dict[str, str]:
    """Grades by rank under the scheme's rank quotas (STA-4.1: 优秀 2–3, 良好 3–4, the rest 合格).

    `counts` fixes how many units get each quota grade (the bureau's choice, checked against the quota);
    by default each grade takes the largest count in its range that does not split a tie. Vetoed results get
    the scheme's `veto_grade` (else the rest grade) and take no quota place.
    Returns unit → grade in rank order (highest total first; equal totals keep their input order).
    """
    if not scheme.rank_quotas:
        raise RankingError("rank.no_quotas")
    rest = scheme.rank_rest_grade or ""
    entries = []
    for unit, value in results:
        vetoed = isinstance(value, SheetResult) and value.vetoed
        total = value.total if isinstance(value, SheetResult) else value
        entries.append(Entry(unit, _total(total, unit), vetoed=vetoed))
    try:
        ranking = rank_campaign(
            entries,
            quotas=[Quota(q.grade, q.min, q.max) for q in scheme.rank_quotas],
            rest_grade=rest,
            veto_grade=scheme.veto_grade or rest,
            choose={"": counts} if counts else None,
            tie_rule=tie_rule,
        )
    except QuotaRefused as exc:
        raise RankingError(exc.code, **exc.params) from None
    ordered = sorted(ranking.units, key=lambda u: u.vetoed)  # vetoed last, as before
    return {u.unit: u.grade or rest for u in ordered}


def _total(value: Any, unit: str) -> Decimal:
    """A unit's total as an exact Decimal; a value that is not a number names the unit."""
    try:
        return to_decimal(value)
    except NumberProblem as exc:
        raise SchemeError(exc.code, what=f"{unit}的总分", value=str(value)) from None
