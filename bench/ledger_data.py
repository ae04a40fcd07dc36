"""A generated province-year for the ledger bench: 3,000 units, 600,000 articles, 700,000 adoptions (ZG scheme).

Deterministic (fixed seed), built once outside the timed part. Shapes follow the ZG digest: most articles in
the city publication, some in the provincial and national ones and on Weibo/WeChat, one in six adopted twice,
about 2 % with a leader's instruction, dates spread over the year (so the 28th cut-off moves some).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from workflow.scoring.ledger import Adoption, Instruction, LedgerScheme, Records, Unit

UNITS = 3_000
ARTICLES = 600_000
ADOPTIONS = 700_000


def province_year(scheme: LedgerScheme, year: int = 2020, seed: int = 10) -> tuple[list[Unit], Records]:
    rng = random.Random(seed)
    groups = [g.id for g in scheme.groups]
    roster = [Unit(f"单位{n:04d}", groups[n % len(groups)]) for n in range(UNITS)]
    combos = [
        (("P3", "exp", "single"), 40),
        (("P3", "exp", "composite"), 15),
        (("P3", "ref", "single"), 12),
        (("P3", "ref", "example"), 8),
        (("P2", "exp", "single"), 8),
        (("P2", "ref", "single"), 4),
        (("P2", "exp", "special"), 2),
        (("P1", "exp", "single"), 1),
        (("P4", "exp", "single"), 10),
    ]
    population = [c for c, _ in combos]
    weights = [w for _, w in combos]
    days = [date(year, 1, 1) + timedelta(days=d) for d in range(365)]
    levels = [lv.id for lv in scheme.levels]
    adoptions: list[Adoption] = []
    instructions: list[Instruction] = []
    picks = rng.choices(population, weights, k=ADOPTIONS)
    extra = ADOPTIONS - ARTICLES
    for n in range(ARTICLES):
        unit = roster[rng.randrange(UNITS)].name
        article = f"G{n}"
        day = days[rng.randrange(365)]
        pub, klass, form = picks[n]
        adoptions.append(Adoption(unit, article, pub, klass, form, day))
        if n < extra:  # a second adoption of the same article, a few days later, elsewhere
            pub2, klass2, form2 = picks[ARTICLES + n]
            adoptions.append(
                Adoption(unit, article, pub2, klass2, form2, min(day + timedelta(days=3), days[-1]))
            )
        if rng.random() < 0.02:
            instructions.append(Instruction(unit, article, levels[rng.randrange(len(levels))]))
    return roster, Records(adoptions=tuple(adoptions), instructions=tuple(instructions))
