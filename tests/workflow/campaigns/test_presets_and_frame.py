"""Campaign presets (config/campaigns/presets.toml) and the SAF frame scheme (SAF-2.1, SAF-3.4, GAP-1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from config.campaigns import load_presets, parse_presets
from config.schemes import load_scheme, parse_scheme_text
from workflow.campaigns.periods import Period, default_deadlines
from workflow.errors import RulesetError
from workflow.scoring.errors import SchemeError, SheetError
from workflow.scoring.table import score_sheet


def test_every_shipped_scheme_has_a_preset_citing_known_rules():
    presets = load_presets()
    assert set(presets) == {"sta-2017", "lrn", "org-2014-streets", "saf-2009"}
    assert presets["sta-2017"].period == "year" and [q.grade for q in presets["sta-2017"].quotas] == [
        "优秀",
        "良好",
    ]
    assert presets["lrn"].period == "half"
    assert presets["saf-2009"].composite_weight == D("0.20")


def test_org_preset_ranks_streets_and_district_units_separately_results_by_the_tenth():
    """ORG-PR.9 groups, ORG-PR.6 results on or before the 10th (GAP-8), bottom-two on, bonus cap 50."""
    org = load_presets()["org-2014-streets"]
    assert org.groups == ("街道", "区直单位") and org.bottom_two and org.bonus_cap == 50
    assert default_deadlines(Period.month(2026, 11), org.deadlines).results_due == date(2026, 12, 10)
    assert org.title_for(Period.month(2026, 11).label()) == "2026年11月组织工作考核"


@pytest.mark.parametrize(
    ("snippet", "field"),
    [
        ('period = "week"', "presets.lrn.period"),
        ('rules = ["NOPE-1"]', "presets.lrn.rules[0]"),
        ("colour = 1", "presets.lrn"),
    ],
)
def test_a_bad_preset_names_the_file_and_the_field(snippet, field):
    data = {"title": "{period}考评", "period": "half", "rules": ["LRN-4.1"]}
    key, _, value = snippet.partition(" = ")
    data[key] = value.strip('"') if value.startswith('"') else (["NOPE-1"] if key == "rules" else 1)
    with pytest.raises(RulesetError) as caught:
        parse_presets({"presets": {"lrn": data}}, "presets.toml")
    assert caught.value.source == "presets.toml" and caught.value.field == field


def test_saf_2_1_frame_has_the_twelve_areas_and_no_invented_points():
    """SAF-2.1, SAF-3.4, GAP-1: base 100, twelve areas, no items or points; a frame cannot be scored."""
    saf = load_scheme("saf-2009")
    assert saf.frame and saf.partial and saf.max == 100
    assert len(saf.sections) == 12 and saf.sections[-1].name == "报表和总结等材料报送"
    assert all(not s.items and s.max == 0 for s in saf.sections)
    with pytest.raises(SheetError, match="不能计分：请考评办导入本单位的评分表"):
        score_sheet(saf, {})


def test_a_frame_section_with_items_is_refused():
    text = """id = "f"\nversion = "1"\nname = "框架"\nmax = 100\nframe = true\n
[[sections]]\nid = "A"\nname = "甲"\n[[sections.items]]\nid = "A1"\nname = "x"\nmax = 5\nrule = "manual"\n"""
    with pytest.raises(SchemeError, match="框架评分表的部分只列名称"):
        parse_scheme_text(text, "f.toml")


def test_a_section_without_items_is_still_refused_outside_a_frame():
    text = """id = "f"\nversion = "1"\nname = "表"\nmax = 100\n[[sections]]\nid = "A"\nname = "甲"\nmax = 100\n"""
    with pytest.raises(SchemeError, match="部分下没有考核项目"):
        parse_scheme_text(text, "f.toml")
