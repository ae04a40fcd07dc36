"""Properties of the ledger engine over generated records (hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.workflow.scoring.ledger.helpers import scheme
from workflow.scoring.ledger import (
    Adoption,
    Incident,
    Instruction,
    LedgerError,
    Period,
    Records,
    Submission,
    Unit,
    parse_period,
    score_ledger,
)
from workflow.scoring.ledger.engine import explain_article, split_by_month
from workflow.scoring.ledger.period import month_index

ZG, INF, PUB = scheme("ledger-zg"), scheme("ledger-inf"), scheme("ledger-pub")
SCHEMES = {"zg": ZG, "inf": INF, "pub": PUB}
UNITS = ("甲", "乙", "丙")


def _roster(s):
    return [Unit(name, s.groups[i % len(s.groups)].id, Decimal(100)) for i, name in enumerate(UNITS)]


@st.composite
def ledgers(draw, s=None):
    s = s or SCHEMES[draw(st.sampled_from(sorted(SCHEMES)))]
    combos = sorted(s.value_table)
    n = draw(st.integers(0, 25))
    adoptions = []
    for _ in range(n):
        pub, klass, form = draw(st.sampled_from(combos))
        day = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 365)))
        credit = draw(st.sampled_from(["", "", "", "material", "recommended"])) if s is ZG else ""
        adoptions.append(
            Adoption(
                draw(st.sampled_from(UNITS)),
                f"A{draw(st.integers(0, 8))}",
                pub,
                "" if klass == "*" else klass,
                "" if form == "*" else form,
                day,
                credit=credit,
            )
        )
    keys = sorted({(a.unit, a.article) for a in adoptions})
    instructions = []
    if keys and s.levels:
        for _ in range(draw(st.integers(0, 4))):
            unit, article = draw(st.sampled_from(keys))
            instructions.append(Instruction(unit, article, draw(st.sampled_from([lv.id for lv in s.levels]))))
    incidents = []
    if s.incidents:
        for _ in range(draw(st.integers(0, 2))):
            day = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 365)))
            incidents.append(
                Incident(
                    draw(st.sampled_from(UNITS)), draw(st.sampled_from([k.id for k in s.incidents])), day
                )
            )
    return s, Records(tuple(adoptions), tuple(instructions), incidents=tuple(incidents))


PERIODS = st.sampled_from(["2020", "2020-Q2", "2020-H2", "2020-06"])


@settings(max_examples=60, deadline=None)
@given(ledgers(), PERIODS, st.randoms(use_true_random=False))
def test_scoring_does_not_depend_on_the_order_of_the_records(ledger, period, rnd):
    s, records = ledger
    shuffled = Records(
        tuple(rnd.sample(records.adoptions, len(records.adoptions))),
        tuple(rnd.sample(records.instructions, len(records.instructions))),
        incidents=tuple(rnd.sample(records.incidents, len(records.incidents))),
    )
    when = parse_period(period)
    assert (
        score_ledger(s, _roster(s), records, when).to_dict()
        == score_ledger(s, _roster(s), shuffled, when).to_dict()
    )


@settings(max_examples=60, deadline=None)
@given(ledgers(), PERIODS, st.randoms(use_true_random=False))
def test_adoptions_read_unit_after_unit_score_as_the_records_do(ledger, period, rnd):
    """issue 12 (worker RSS): the office's adoptions are read ordered by unit and scored as each unit's run ends
    (``unit_by_unit``), never all held; the result is the records' own, whatever the order within a unit."""
    s, records = ledger
    by_unit = sorted(rnd.sample(records.adoptions, len(records.adoptions)), key=lambda a: a.unit)
    when = parse_period(period)
    streamed = score_ledger(
        s, _roster(s), dataclasses.replace(records, adoptions=()), when, unit_by_unit=by_unit
    )
    assert streamed.to_dict() == score_ledger(s, _roster(s), records, when).to_dict()


@settings(max_examples=60, deadline=None)
@given(ledgers(), PERIODS)
def test_highest_only_never_exceeds_cumulative(ledger, period):
    """ZG-4.7 / PUB-4.8 (就高不就低) ≤ INF-2.8 (累计) ≤ full stacking, unit by unit."""
    s, records = ledger
    when = parse_period(period)
    by = {
        combine: {
            u.unit: u.points
            for u in score_ledger(dataclasses.replace(s, combine=combine), _roster(s), records, when).units
        }
        for combine in ("overall_max", "dimension_max", "cumulative", "stack")
    }
    for name in UNITS:
        assert (
            by["overall_max"][name]
            <= by["dimension_max"][name]
            <= by["cumulative"][name]
            <= by["stack"][name]
        )


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 365), st.sampled_from(sorted(SCHEMES)))
def test_a_cut_off_puts_an_article_in_exactly_one_month(offset, which):
    """ZG-6.6: an article adopted on any day of 2020 scores in exactly one of the months 2020-01 … 2021-01."""
    s = SCHEMES[which]
    pub, klass, form = next(k for k, v in s.value_table.items() if v.points > 0)
    day = date(2020, 1, 1) + timedelta(days=offset)
    records = Records(
        (Adoption("甲", "A", pub, "" if klass == "*" else klass, "" if form == "*" else form, day),)
    )
    months = [f"2020-{m:02d}" for m in range(1, 13)] + ["2021-01"]
    scored = [
        m for m in months if score_ledger(s, _roster(s), records, parse_period(m)).unit("甲").points > 0
    ]
    assert len(scored) == 1
    expected = day.month + (1 if s.cutoff_day and day.day > s.cutoff_day else 0)
    assert scored[0] == (f"2020-{expected:02d}" if expected <= 12 else "2021-01")


@settings(max_examples=80, deadline=None)
@given(ledgers(), PERIODS)
def test_a_units_total_equals_the_sum_of_its_explained_lines(ledger, period):
    s, records = ledger
    for unit in score_ledger(s, _roster(s), records, parse_period(period)).to_dict()["units"]:
        lines = sum(Decimal(str(ln["points"])) for ln in unit["lines"])
        assert Decimal(str(unit["total"])) == lines
        assert (
            Decimal(str(unit["points"])) + Decimal(str(unit["bonus"])) + Decimal(str(unit["deductions"]))
            == lines
        )
        assert all(ln["rule"] and ln["text"] for ln in unit["lines"])


def _busy_period(s, seed: int) -> Records:
    """Many articles of few kinds per unit and month, some adopted twice, some instructed (the province-year's
    shape at a small size: the engine's tally of equal articles is exercised)."""
    rnd = random.Random(seed)
    combos = sorted(s.value_table)[:4]
    adoptions, instructions = [], []
    for n in range(400):
        unit = rnd.choice(UNITS)
        pub, klass, form = rnd.choice(combos)
        day = date(2020, 1, 1) + timedelta(days=rnd.randrange(366))
        kind = ("" if klass == "*" else klass, "" if form == "*" else form)
        credit = rnd.choice(["", "", "", "", "", "material", "recommended"]) if s is ZG else ""
        adoptions.append(Adoption(unit, f"B{n}", pub, *kind, day, credit=credit))
        if rnd.random() < 0.2:
            pub2, klass2, form2 = rnd.choice(combos)
            kind2 = ("" if klass2 == "*" else klass2, "" if form2 == "*" else form2)
            adoptions.append(Adoption(unit, f"B{n}", pub2, *kind2, day + timedelta(days=rnd.randrange(40))))
        if s.levels and rnd.random() < 0.1:
            instructions.append(Instruction(unit, f"B{n}", rnd.choice([lv.id for lv in s.levels])))
    return Records(tuple(adoptions), tuple(instructions))


@pytest.mark.parametrize("which", sorted(SCHEMES))
@pytest.mark.parametrize("period", ["2020", "2020-Q2", "2020-H2", "2020-06", "2020-12"])
def test_a_units_article_points_equal_its_articles_explained_one_by_one(which, period):
    """ZG-6.6 / GAP-6: the engine tallies articles by kind and month (a province-year is 700,000 adoptions); each
    unit's article points must still be the sum of its in-period articles scored one at a time (an article in the
    month of its first adoption after the cut-off; a recommended one converts toward the quota, ZG-2.9)."""
    s = SCHEMES[which]
    records = _busy_period(s, seed=len(period))
    when = parse_period(period)
    articles: dict[tuple[str, str], list[Adoption]] = {}
    for adoption in records.adoptions:
        articles.setdefault((adoption.unit, adoption.article), []).append(adoption)
    levels: dict[tuple[str, str], list[str]] = {}
    for instruction in records.instructions:
        levels.setdefault((instruction.unit, instruction.article), []).append(instruction.level)
    expected = dict.fromkeys(UNITS, Decimal(0))
    for key, found in articles.items():
        if min(month_index(a.day, s.cutoff_day) for a in found) not in when:
            continue
        if any(a.credit == "recommended" for a in found):
            continue
        expected[key[0]] += explain_article(s, found, levels.get(key, []))[0]
    result = score_ledger(s, _roster(s), records, when)
    assert sum(expected.values()) > 0
    assert {u.unit: u.points for u in result.units} == expected


@settings(max_examples=80, deadline=None)
@given(
    ledgers(),
    st.sampled_from([None, 25, 31]),
    st.lists(st.tuples(st.sampled_from(UNITS), st.integers(0, 365), st.integers(0, 3)), max_size=6),
)
def test_a_month_scored_from_its_split_equals_the_month_scored_from_all_the_records(ledger, cutoff, sent):
    """ZG-6.6: an article counts in the month of its first adoption (after the cut-off day, the next).
    `split_by_month` hands each month only its articles, so the charts' twelve months read the year once."""
    s, records = ledger
    s = dataclasses.replace(s, cutoff_day=cutoff)
    submissions = tuple(Submission(unit, date(2020, 1, 1) + timedelta(days=d), n) for unit, d, n in sent)
    records = dataclasses.replace(records, submissions=submissions)
    months = range(2020 * 12 - 1, 2021 * 12 + 1)  # December 2019 to January 2021: the cut-off's edges too
    parts = split_by_month(records, s.cutoff_day, months)
    for month in months:
        when = Period("month", month)
        assert score_ledger(s, _roster(s), parts[month], when) == score_ledger(s, _roster(s), records, when)


def test_an_instruction_for_an_article_never_adopted_is_refused_in_every_month():
    records = Records(instructions=(Instruction("甲", "A9", ZG.levels[0].id),))
    parts = split_by_month(records, ZG.cutoff_day, [2020 * 12, 2020 * 12 + 5])
    for month, part in parts.items():
        with pytest.raises(LedgerError):
            score_ledger(ZG, _roster(ZG), part, Period("month", month))
