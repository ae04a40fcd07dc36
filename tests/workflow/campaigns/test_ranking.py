"""Ranking with groups, ties, quotas and vetoes (STA-4.1, GAP-6; ORG-PR.9, ORG-12.3, GAP-10)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.campaigns.ranking import (
    TIE_RULES,
    Entry,
    Quota,
    QuotaRefused,
    competition_ranks,
    rank_campaign,
)

STA_QUOTAS = (Quota("优秀", 2, 3), Quota("良好", 3, 4))
ELEVEN = [Entry(f"县区{n}", D(100 - n)) for n in range(1, 12)]


def grades(ranking, entries):
    return [ranking.unit(e.unit).grade for e in entries]


def test_sta_4_1_example_4_three_excellent_and_four_good_of_eleven():
    """STA-4.1, Example 4: the bureau chooses 3 优秀 (ranks 1–3) and 4 良好 (ranks 4–7); 8–11 are 合格."""
    ranking = rank_campaign(ELEVEN, quotas=STA_QUOTAS, choose={"": {"优秀": 3, "良好": 4}})
    assert grades(ranking, ELEVEN) == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 4
    assert [u.rank for u in ranking.units] == list(range(1, 12))
    assert [c.chosen for c in ranking.quota_checks] == [3, 4]
    assert all(c.ok for c in ranking.quota_checks)


def test_sta_4_1_example_4_four_excellent_is_refused_quoting_the_rule():
    """STA-4.1, Example 4: choosing 4 优秀 breaches the 2–3 limit; the refusal quotes the rule."""
    with pytest.raises(QuotaRefused) as caught:
        rank_campaign(ELEVEN, quotas=STA_QUOTAS, choose={"": {"优秀": 4, "良好": 4}})
    exc = caught.value
    assert exc.code == "rank.count_outside" and exc.rule == "STA-4.1"
    assert exc.message == (
        "依据《2017年统计基层基础工作考评办法》四、奖项设置：优秀2-3名、良好3-4名 · STA-4.1（优秀4名，超出规定的2—3名）"
    )
    assert [c.ok for c in exc.checks] == [False, True]


def test_sta_4_1_a_choice_below_the_minimum_is_refused_too():
    """STA-4.1: 2 良好 is below the 3–4 range."""
    with pytest.raises(QuotaRefused, match="良好2名，超出规定的3—4名"):
        rank_campaign(ELEVEN, quotas=STA_QUOTAS, choose={"": {"良好": 2}})


def test_sta_4_1_gap_6_default_takes_the_largest_count_that_keeps_ties_together():
    """STA-4.1, GAP-6: without a choice each grade takes the largest count in range that does not split a tie."""
    totals = [99, 98, 97, 97, 90, 89, 88, 87, 80]
    entries = [Entry(chr(65 + i), D(t)) for i, t in enumerate(totals)]
    ranking = rank_campaign(entries, quotas=STA_QUOTAS)
    assert grades(ranking, entries) == ["优秀"] * 2 + ["良好"] * 4 + ["合格"] * 3
    assert [u.rank for u in ranking.units] == [1, 2, 3, 3, 5, 6, 7, 8, 9]


def test_sta_4_1_default_refused_when_every_count_in_range_splits_a_tie():
    """STA-4.1, GAP-6: 4 units tied from rank 2 to 5 — 2 or 3 优秀 both split them: refused, the office decides."""
    entries = (
        [Entry("A", D(99))]
        + [Entry(x, D(95)) for x in "BCDE"]
        + [Entry(x, D(80 - i)) for i, x in enumerate("FGHI")]
    )
    with pytest.raises(QuotaRefused) as caught:
        rank_campaign(entries, quotas=STA_QUOTAS)
    assert caught.value.code == "rank.no_cut"
    assert "STA-4.1" in caught.value.message


TIED = [Entry("A", D(99)), Entry("B", D(98)), Entry("C", D(97)), Entry("D", D(97)), Entry("E", D(96))] + [
    Entry(f"U{i}", D(90 - i)) for i in range(6)
]


def test_sta_4_1_tie_at_boundary_refuse_a_chosen_count_splitting_equal_totals():
    """STA-4.1, switch tie_at_boundary = refuse (default): 3 优秀 would grade C and D (both 97) differently."""
    with pytest.raises(QuotaRefused) as caught:
        rank_campaign(TIED, quotas=STA_QUOTAS, choose={"": {"优秀": 3, "良好": 3}})
    assert caught.value.code == "rank.tie_split"
    assert "同分（97分）" in caught.value.message


def test_sta_4_1_tie_at_boundary_lower_gives_the_tied_units_the_lower_grade():
    """STA-4.1, switch tie_at_boundary = lower: C and D both take 良好, 优秀 shrinks to 2 (still in 2–3)."""
    ranking = rank_campaign(TIED, quotas=STA_QUOTAS, choose={"": {"优秀": 3, "良好": 3}}, tie_rule="lower")
    assert grades(ranking, TIED)[:6] == ["优秀", "优秀", "良好", "良好", "良好", "合格"]
    check = ranking.quota_checks[0]
    assert check.chosen == 2 and check.ok and "减为2名" in check.message


def test_sta_4_1_tie_at_boundary_lower_below_the_minimum_is_refused():
    """STA-4.1, tie_at_boundary = lower: B and C tied at the 2nd place → 优秀 would shrink to 1 < 2: refused."""
    entries = [Entry("A", D(99)), Entry("B", D(98)), Entry("C", D(98))] + [
        Entry(f"U{i}", D(90 - i)) for i in range(8)
    ]
    with pytest.raises(QuotaRefused) as caught:
        rank_campaign(entries, quotas=STA_QUOTAS, choose={"": {"优秀": 2}}, tie_rule="lower")
    assert caught.value.code == "rank.tie_below_min"


def test_org_pr_9_groups_are_ranked_separately_without_grades():
    """ORG-PR.9: streets and district-direct units are ranked separately; without quotas there are no grades."""
    entries = [
        Entry("甲街道", D(90), "街道"),
        Entry("局一", D(95), "区直单位"),
        Entry("乙街道", D(92), "街道"),
        Entry("局二", D(95), "区直单位"),
    ]
    ranking = rank_campaign(entries)
    assert [g.group for g in ranking.groups] == ["街道", "区直单位"]
    assert [(u.unit, u.rank) for u in ranking.groups[0].units] == [("乙街道", 1), ("甲街道", 2)]
    assert [(u.unit, u.rank) for u in ranking.groups[1].units] == [("局一", 1), ("局二", 1)]
    assert all(u.grade is None for u in ranking.units)


def test_org_12_3_gap_10_a_vetoed_unit_keeps_score_and_rank_but_takes_no_quota_place():
    """ORG-12.3, GAP-10: the vetoed unit (top score) keeps rank 1 but gets the veto grade; the quota moves down."""
    entries = [Entry("V", D(105), vetoed=True)] + ELEVEN
    ranking = rank_campaign(entries, quotas=STA_QUOTAS, choose={"": {"优秀": 3, "良好": 4}})
    vetoed = ranking.unit("V")
    assert (vetoed.rank, vetoed.total, vetoed.grade) == (1, D(105), "不合格")
    assert "一票否决" in vetoed.note
    assert grades(ranking, ELEVEN) == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 4
    assert rank_campaign(entries, quotas=STA_QUOTAS, veto_grade="否决").unit("V").grade == "否决"


def test_sta_gap_6_judged_fail_applies_only_after_the_quotas():
    """STA GAP-6: the rest are 合格 unless the bureau judges them 不合格; a judgment inside a quota does not apply."""
    entries = list(ELEVEN)
    entries[10] = Entry(entries[10].unit, entries[10].total, judged_fail=True)
    entries[0] = Entry(entries[0].unit, entries[0].total, judged_fail=True)
    ranking = rank_campaign(entries, quotas=STA_QUOTAS, choose={"": {"优秀": 3, "良好": 4}})
    assert ranking.unit(entries[10].unit).grade == "不合格"
    assert ranking.unit(entries[0].unit).grade == "优秀"


def test_competition_ranks_share_and_skip():
    assert competition_ranks([D(9), D(9), D(8), D(7), D(7), D(7), D(1)]) == [1, 1, 3, 4, 4, 4, 7]


ENTRIES = st.lists(
    st.tuples(st.integers(60, 100), st.booleans(), st.booleans()), min_size=0, max_size=14
).map(lambda rows: [Entry(f"u{i}", D(t), vetoed=v, judged_fail=j) for i, (t, v, j) in enumerate(rows)])
CHOICE = st.one_of(st.none(), st.fixed_dictionaries({"优秀": st.integers(0, 5), "良好": st.integers(0, 5)}))
ORDER = {"优秀": 0, "良好": 1, "合格": 2, "不合格": 3}


@settings(max_examples=300, deadline=None)
@given(entries=ENTRIES, choice=CHOICE, tie_rule=st.sampled_from(TIE_RULES))
def test_sta_4_1_property_grades_never_break_a_quota_nor_favour_a_lower_total(entries, choice, tie_rule):
    """STA-4.1: whatever the totals and the choice, a ranking that is given keeps every quota, never gives a
    lower total a better grade than a higher total (non-vetoed, non-judged units) and ranks competitively."""
    try:
        ranking = rank_campaign(
            entries, quotas=STA_QUOTAS, choose={"": choice} if choice else None, tie_rule=tie_rule
        )
    except QuotaRefused as exc:
        assert "STA-4.1" in exc.message and exc.rule == "STA-4.1"
        return
    units = ranking.units
    for quota in STA_QUOTAS if units else ():  # no units, no group to grade
        taken = sum(1 for u in units if u.grade == quota.grade)
        assert quota.min <= taken <= quota.max
    plain = [u for u in units if not u.vetoed and not u.judged_fail]
    for a in plain:
        for b in plain:
            if a.total > b.total:
                assert ORDER[a.grade] <= ORDER[b.grade]
            if a.total == b.total:
                assert a.grade == b.grade
    assert all(u.grade == "不合格" for u in units if u.vetoed)
    for u in units:
        assert u.rank == 1 + sum(1 for v in units if v.total > u.total)


def test_sta_4_1_a_count_for_a_grade_without_a_quota_is_refused_not_ignored():
    with pytest.raises(QuotaRefused) as caught:
        rank_campaign(ELEVEN, quotas=STA_QUOTAS, choose={"": {"优等": 3}})
    assert (
        caught.value.code == "rank.unknown_grade"
        and "优等不是规定名额的等次（有：优秀、良好）" in caught.value.message
    )
