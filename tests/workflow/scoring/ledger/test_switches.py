"""Each named switch of the ledger schemes, both ways (the digest's default and the other reading)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from tests.workflow.scoring.ledger.helpers import (
    adoptions,
    claim,
    incident,
    instruction,
    line_sum,
    scheme,
    score,
    unit,
)
from workflow.scoring.ledger import Adoption
from workflow.scoring.ledger.engine import explain_article

ZG, INF = scheme("ledger-zg"), scheme("ledger-inf")
COUNTY = "县（市、区）委组织部"


def test_nested_quota_needs_the_fewest_extra_articles_separate_quota_adds_the_shortfalls():
    """ZG GAP-3: 9 经验 + 0 参阅 → nested max(10 − 9, 2 − 0) = 2; as separate categories 1 + 2 = 3."""
    rec = adoptions(ZG, "县A", "《**组工信息》", "经验类", "单条", 9)
    nested = score(ZG, [unit(ZG, "县A", COUNTY)], "2020-Q2", rec).unit("县A")
    assert nested.missing == 2 and nested.deductions == -20
    county = next(q for q in ZG.quotas if q.id == "county-quarter")
    separate_quota = dataclasses.replace(
        county,
        mode="separate",
        categories=(
            dataclasses.replace(county.categories[0], required=10, classes=("exp",)),
            county.categories[1],
        ),
    )
    switched = dataclasses.replace(ZG, quotas=(separate_quota,))
    separate = score(switched, [unit(ZG, "县A", COUNTY)], "2020-Q2", rec).unit("县A")
    assert separate.missing == 3 and separate.deductions == -30


def test_weibo_and_wechat_adoptions_score_but_do_not_count_toward_quotas():
    """ZG-4.4 / GAP-2: P4 is not a task publication (ZG-2.1)."""
    rec = adoptions(ZG, "县A", "微博微信", n=12)
    result = score(ZG, [unit(ZG, "县A", COUNTY)], "2020-Q2", rec).unit("县A")
    assert result.points == 24 and result.missing == 10


def test_a_credited_material_article_can_count_for_the_quota_only():
    """ZG-2.8 / GAP-5 switch material_points = false: the credit fills the quota but carries no points."""
    rec = adoptions(ZG, "组织科", "《河南组工信息》", "经验类", "单条", credit="material")
    roster = [unit(ZG, "组织科", "科室第三组")]
    assert score(ZG, roster, "2020-Q2", rec).unit("组织科").points == 20
    switched = dataclasses.replace(ZG, credits=dataclasses.replace(ZG.credits, material_points=False))
    result = score(switched, roster, "2020-Q2", rec).unit("组织科")
    assert result.points == 0
    assert result.quotas[0]["categories"][0]["done"] == 1


def test_the_three_for_one_credit_is_only_for_group_two_sections():
    """ZG-2.9: only 调配科 … (group 2) may count recommended outside articles; others are flagged, not credited."""
    rec = adoptions(ZG, "组织科", "《**组工信息》", "经验类", "单条", 6, credit="recommended")
    result = score(ZG, [unit(ZG, "组织科", "科室第三组")], "2020-Q2", rec).unit("组织科")
    assert result.quotas[0]["categories"][0]["credited"] == 0
    assert any(f.flag == "recommended_ignored" and f.rule == "ZG-2.9" for f in result.flags)


def test_zones_and_sections_get_no_excess_bonus():
    """ZG-4.6 / GAP-7: only county departments have a P1/P2 task, so only they earn the excess bonus."""
    rec = adoptions(ZG, "高新区", "中组部《组工信息》", "经验类", "单条", 3)
    result = score(ZG, [unit(ZG, "高新区", "园区党工委组织（人事）部门")], "2020", rec).unit("高新区")
    assert result.bonus == 0 and result.points == 150


def test_p1_special_issue_is_scored_as_single_and_flagged_for_confirmation():
    """ZG-4.1 / GAP-8: P1 has no 专期 value; 50 by analogy, flagged for manual confirmation."""
    rec = adoptions(ZG, "县A", "中组部《组工信息》", "经验类", "专期")
    result = score(ZG, [unit(ZG, "县A", COUNTY)], "2020-Q2", rec).unit("县A")
    assert result.points == 50
    assert any(f.flag == "confirm" and f.rule == "GAP-8" for f in result.flags)


def test_instruction_levels_stack_once_each_under_inf_and_repeat_instructions_do_not():
    """INF-2.7 / GAP-9: own-level + Ningbo instructions stack (30); a second own-level one adds nothing."""
    rec = adoptions(INF, "民政局", "政府办公室《参阅》", article="Q", day=date(2020, 3, 1))
    ins = [instruction(INF, "民政局", "Q", lv) for lv in ("本级领导", "宁波市领导", "本级领导")]
    result = score(INF, [unit(INF, "民政局", "部门（单位）", 120)], "2020", rec, ins).unit("民政局")
    assert result.points == 15 + 10 + 20


def test_cohosting_counts_per_meeting_by_default_and_once_a_year_with_the_switch():
    """INF-2.10 / GAP-12: per meeting (default); switch once_per_year. INF-2.9 training is once a year."""
    claims = [claim(INF, "民政局", "协办信息网络会议", date(2020, m, 1)) for m in (3, 9)]
    claims += [claim(INF, "民政局", "信息业务培训", date(2020, m, 1)) for m in (3, 9)]
    roster = [unit(INF, "民政局", "部门（单位）", 120)]
    assert score(INF, roster, "2020", claims=claims).unit("民政局").bonus == 25
    once = dataclasses.replace(
        INF, bonuses=tuple(dataclasses.replace(b, once_per_year=True) for b in INF.bonuses)
    )
    assert score(once, roster, "2020", claims=claims).unit("民政局").bonus == 15


def test_share_of_base_bonus_and_deduction_do_not_apply_without_a_base():
    """INF-1.9 / GAP-11: units without a base score get no 10 % bonus and no 30 % deduction; flagged."""
    result = score(
        INF,
        [unit(INF, "红十字会", "其他单位")],
        "2020",
        claims=[claim(INF, "红十字会", "蹲岗学习")],
        incidents=[incident(INF, "红十字会", "紧急信息迟报瞒报造成后果")],
    ).unit("红十字会")
    assert result.total == 0
    assert [f.flag for f in result.flags].count("no_base") == 2


def test_totals_may_go_negative_where_the_text_sets_no_floor():
    """ZG GAP-14: a quarter with nothing adopted costs 10 × 10 = −100; nothing floors it."""
    result = score(
        ZG, [unit(ZG, "县A", COUNTY)], "2020-Q2", incidents=[incident(ZG, "县A", "信息失实")]
    ).unit("县A")
    assert result.total == -120 == line_sum(result)


def test_one_articles_explanation_reads_like_the_issue():
    """Issue 10: 「20 = 《河南组工信息》经验类单条; +20 省领导批示; 就高不就低」 (ZG-4.7)."""
    rec = [
        Adoption("县A", "X", "P2", "exp", "single", date(2020, 5, 1)),
        Adoption("县A", "X", "P3", "exp", "single", date(2020, 5, 2)),
    ]
    points, text = explain_article(ZG, rec, ["provincial"])
    assert points == 40
    assert text == "20 = 《河南组工信息》经验类单条（就高不就低）; +20 = 省领导批示加分"


def test_yuan_amounts_are_rounded_to_whole_yuan_half_up_line_by_line():
    """PUB (`currency = "元"`, `precision = 1`): a 50.5 元 reward rounds to 51 per line; totals add the lines."""
    pub = scheme("ledger-pub")
    district = next(v for v in pub.values if v.publication == "district_gov")
    half = dataclasses.replace(district, points=dataclasses.replace(district).points + Decimal("0.5"))
    table = dict(pub.value_table) | {("district_gov", "*", "*"): half}
    switched = dataclasses.replace(pub, value_table=table, quotas=())
    rec = adoptions(pub, "办公室", "区政务信息", n=1)
    result = score(switched, [unit(pub, "办公室", "其他考评单位")], "2020", rec).unit("办公室")
    assert result.total == 51 and result.lines[0].text.endswith("50.5元×1篇")
