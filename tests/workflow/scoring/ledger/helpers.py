"""Builders for ledger tests: schemes by id, adoptions in the source's words, one-call scoring."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from config.ledger_schemes import load_ledger_scheme
from workflow.scoring.ledger import (
    Adoption,
    Claim,
    Incident,
    Instruction,
    LedgerScheme,
    Records,
    Submission,
    Unit,
    parse_period,
    score_ledger,
)
from workflow.scoring.ledger.scheme import normalize, resolver

_ids = itertools.count(1)


def scheme(name: str) -> LedgerScheme:
    return load_ledger_scheme(name)


def pick(s: LedgerScheme, what: str, text: str) -> str:
    if not text:
        return ""
    return resolver(getattr(s, what))[normalize(text)]


def adoptions(
    s: LedgerScheme,
    unit: str,
    pub: str,
    klass: str = "",
    form: str = "",
    n: int = 1,
    day: date = date(2020, 5, 10),
    article: str | None = None,
    credit: str = "",
) -> list[Adoption]:
    """`n` adoptions of different articles (or of `article`) in the publication, class and form named."""
    return [
        Adoption(
            unit,
            article or f"A{next(_ids)}",
            pick(s, "publications", pub),
            pick(s, "classes", klass),
            pick(s, "forms", form),
            day,
            credit=credit,
        )
        for _ in range(n)
    ]


def instruction(s: LedgerScheme, unit: str, article: str, level: str) -> Instruction:
    return Instruction(unit, article, pick(s, "levels", level))


def incident(
    s: LedgerScheme, unit: str, kind: str, day: date = date(2020, 5, 1), serious: bool = False
) -> Incident:
    return Incident(unit, pick(s, "incidents", kind), day, serious)


def claim(s: LedgerScheme, unit: str, kind: str, day: date = date(2020, 5, 1)) -> Claim:
    return Claim(unit, pick(s, "bonuses", kind), day)


def score(
    s: LedgerScheme,
    roster: list[Unit],
    period: str,
    adopted=(),
    instructions=(),
    submissions=(),
    incidents=(),
    claims=(),
):
    records = Records(
        tuple(adopted), tuple(instructions), tuple(submissions), tuple(incidents), tuple(claims)
    )
    return score_ledger(s, roster, records, parse_period(period))


def unit(s: LedgerScheme, name: str, group: str, base: int | None = None) -> Unit:
    return Unit(name, pick(s, "groups", group), None if base is None else Decimal(base))


def submitted(name: str, day: date, count: int = 1, kind: str = "information") -> Submission:
    return Submission(name, day, count, kind)


def line_sum(result) -> Decimal:
    return sum((ln.points for ln in result.lines), Decimal(0))
