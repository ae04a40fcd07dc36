"""The presets an office opens a campaign from, as the setup service reads them: the scheme version, the period
kind, the deadline offsets and the result rules (quotas, groups, tie rule, composite, bottom-two, bonus cap).

The presets belong in ``config/campaigns/presets.toml`` (read by ``config.campaigns``). Until that loader is on
main, this module holds the smallest version of them that the office side needs, with the rule each value comes
from; once it is, `presets` and `preset_of` read it and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow.campaigns.periods import DeadlineOffsets


@dataclass(frozen=True)
class Preset:
    id: str
    #: what the office calls it (统计基层基础工作考评)
    name: str
    scheme_id: str
    scheme_version: str
    period_kind: str
    offsets: DeadlineOffsets = DeadlineOffsets()
    #: the campaign's initial ``rules`` (see `webapp.campaigns.models.Campaign.rules`)
    rules: Mapping[str, Any] = field(default_factory=dict)


_FALLBACK: tuple[Preset, ...] = (
    Preset(
        "sta-2017",
        "统计基层基础工作考评",
        "sta-2017",
        "2017.1",
        "year",
        DeadlineOffsets(self_assessment=15, materials=15, inspection_start=16, inspection_end=40, results=60),
        {
            # STA-4.1: 优秀2-3名、良好3-4名; the rest 合格 unless judged 不合格 (GAP-6)
            "quotas": [{"grade": "优秀", "min": 2, "max": 3}, {"grade": "良好", "min": 3, "max": 4}],
            "rest_grade": "合格",
            "fail_grade": "不合格",
            "tie_rule": "refuse",
            "quota_rule": "STA-4.1",
            "groups": [],
            "cites": {"self": "STA-4.2", "score": "STA-4.3", "units": "STA-1.1"},
        },
    ),
    Preset(
        "lrn",
        "创建学习型机关考评",
        "lrn",
        "1",
        "half",
        DeadlineOffsets(self_assessment=10, materials=10, inspection_start=11, inspection_end=20, results=30),
        {"quotas": [], "tie_rule": "refuse", "groups": [], "cites": {"self": "LRN-4.2", "score": "LRN-4.3"}},
    ),
    Preset(
        "org-2014-monthly",
        "组织工作月度考核",
        "org-2014-streets",
        "2014.1-partial",
        "month",
        # ORG-PR.3 / PR.6: scored in the first week of the next month, results in by the 10th (GAP-8)
        DeadlineOffsets(
            self_assessment=3, materials=3, inspection_start=1, inspection_end=7, results_day_of_month=10
        ),
        {
            "quotas": [],
            "tie_rule": "refuse",
            # ORG-PR.9: 区直单位和街道分开进行排序
            "groups": ["街道", "区直单位"],
            "bottom_two": True,
            "bonus_cap": "50",
            "composite": {"method": "mean", "weight": "1", "into": "ORG-PR.7"},
            "cites": {"score": "ORG-PR.3"},
        },
    ),
    Preset(
        "saf-2009",
        "县区安监局机关基础工作考评",
        "saf-2009",
        "2009.1-frame",
        "quarter",
        DeadlineOffsets(self_assessment=7, materials=7, inspection_start=8, inspection_end=20, results=25),
        {
            "quotas": [],
            "tie_rule": "refuse",
            "groups": [],
            # SAF-4.1: 全年综合分值按20%加权计入
            "composite": {"method": "mean", "weight": "0.20", "into": "SAF-4.1"},
            "cites": {"team": "SAF-3.2"},
        },
    ),
)


def presets() -> tuple[Preset, ...]:
    """Every preset, in the order the office's form lists them."""
    return _FALLBACK


def preset_of(preset_id: str) -> Preset | None:
    return next((p for p in presets() if p.id == preset_id), None)
