"""Properties of score_sheet over random but valid sheets for every shipped scheme."""

import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.schemes import load_scheme
from workflow.scoring.scheme import Item, Scheme, parse_scheme, scheme_to_data
from workflow.scoring.table import BonusClaim, ItemEntry, score_sheet
from workflow.scoring.table.rules import is_percent

SCHEMES = {s: load_scheme(s) for s in ("sta-2017", "lrn", "org-2014-streets", "hubei-archive-sample")}
HALVES = st.integers(min_value=0, max_value=240).map(lambda n: Decimal(n) / 2)  # 0 … 120 in steps of 0.5
PERCENT = st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 2)  # 0 … 100 %


def _points(lo: Decimal, hi: Decimal):
    steps = int((hi - lo) * 2)
    return st.integers(min_value=0, max_value=steps).map(lambda n: lo + Decimal(n) / 2)


@st.composite
def entry_for(draw, item: Item) -> ItemEntry | None:
    k = item.kind
    flags = frozenset(
        draw(st.sets(st.sampled_from([c.flag for c in item.zero_when]))) if item.zero_when else ()
    )
    if k == "deduction":
        defects = {}
        for d in item.deductions:
            top = 1 if d.per == "once" else (d.max_count if d.max_count is not None else 15)
            defects[d.defect] = draw(st.integers(min_value=0, max_value=top))
        deduction = draw(_points(Decimal(0), item.discretionary)) if item.discretionary is not None else None
        return ItemEntry(defects=defects, deduction=deduction, reason="原因", flags=flags)
    if k == "condition":
        return ItemEntry(flags=flags)
    if k == "award":
        lo = item.min
        value = draw(st.one_of(st.just(Decimal(0)), _points(lo, item.max)))
        return ItemEntry(awarded=value, reason="原因", flags=flags)
    if k == "claims":
        return ItemEntry(
            claims=tuple(BonusClaim(c) for c in draw(st.lists(st.sampled_from("ABCD"), max_size=4)))
        )
    if k in ("threshold", "shortfall", "ratio_band") and item.measures_from is None:
        # Valid measures only (a rate at most 100 %, a count at most its whole); ranges are tested elsewhere.
        measures = {
            key: draw(PERCENT if is_percent(item, key) else HALVES) for key in sorted(item.rule_measures())
        }
        if item.ratio is not None and item.ratio.of:
            whole = draw(st.integers(min_value=1, max_value=40))
            measures[item.ratio.of] = Decimal(whole)
            measures[item.ratio.measure] = draw(_points(Decimal(0), Decimal(whole)))
        return ItemEntry(measures=measures, flags=flags)
    return None  # veto items (flags drawn separately), measures_from items


@st.composite
def sheets(draw, scheme_ids=tuple(SCHEMES)):
    scheme = SCHEMES[draw(st.sampled_from(scheme_ids))]
    level = draw(st.sampled_from(scheme.levels)) if scheme.levels else None
    entries = {}
    for item in scheme.leaf_items():
        entry = draw(entry_for(item))
        if entry is not None:
            entries[item.id] = entry
    return scheme, level, entries


def _all_results(result):
    for item in result.items:
        yield item
        yield from item.parts


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_every_item_score_stays_within_zero_and_its_max(sheet):
    scheme, level, entries = sheet
    for item in _all_results(score_sheet(scheme, entries, level)):
        assert 0 <= item.score <= item.max, item.id


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_total_never_exceeds_the_scheme_max_plus_the_capped_bonus(sheet):
    scheme, level, entries = sheet
    result = score_sheet(scheme, entries, level)
    assert 0 <= result.total <= scheme.max_for(level) + scheme.bonus_max(level)
    assert result.bonus_total <= scheme.bonus_max(level)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.randoms(use_true_random=False))
def test_adding_a_deduction_never_raises_the_total(sheet, rnd):
    scheme, level, entries = sheet
    before = score_sheet(scheme, entries, level)
    candidates = [
        (item, d)
        for item in scheme.leaf_items()
        if item.kind == "deduction" and item.applies_to(level)
        for d in item.deductions
        if d.per == "each" and (d.max_count is None or entries[item.id].defects[d.defect] < d.max_count)
    ]
    if not candidates:
        return
    item, d = rnd.choice(candidates)
    old = entries[item.id]
    more = dict(entries)
    more[item.id] = ItemEntry(
        defects={**old.defects, d.defect: old.defects[d.defect] + 1},
        deduction=old.deduction,
        reason=old.reason,
        flags=old.flags,
    )
    after = score_sheet(scheme, more, level)
    assert after.total <= before.total
    assert after.item(item.id).score <= before.item(item.id).score


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(("hubei-archive-sample", "org-2014-streets")))
def test_a_veto_always_fails_the_sheet(sheet):
    scheme, level, entries = sheet
    veto_item = next(i for i in scheme.items() if i.kind == "veto")
    entries = entries | {veto_item.id: ItemEntry(flags=frozenset({veto_item.veto_when[0].flag}))}
    result = score_sheet(scheme, entries, level)
    assert result.vetoed and result.passed is False and result.veto_reasons


def _reordered(scheme: Scheme, rnd: random.Random) -> Scheme:
    data = scheme_to_data(scheme)
    for section in data["sections"]:
        rnd.shuffle(section["items"])
    rnd.shuffle(data["sections"])
    return parse_scheme(data, "shuffled.toml")


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.randoms(use_true_random=False))
def test_scoring_is_independent_of_item_order(sheet, rnd):
    scheme, level, entries = sheet
    result = score_sheet(scheme, entries, level)
    shuffled_entries = dict(rnd.sample(list(entries.items()), len(entries)))
    other = score_sheet(_reordered(scheme, rnd), shuffled_entries, level)
    assert other.total == result.total
    assert other.passed == result.passed and other.vetoed == result.vetoed
    assert {i.id: i.score for i in _all_results(other)} == {i.id: i.score for i in _all_results(result)}
    assert sorted(other.bonus_reasons) == sorted(result.bonus_reasons)
