"""The presets an office opens a campaign from (``config/campaigns/presets.toml``, read by `config.campaigns`), as
the setup service uses them: the scheme and its shipped version, the period kind, the deadline offsets and the
campaign's initial result rules (``Campaign.rules``: quotas, groups, tie rule, grades, composite, bottom-two,
bonus cap)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from config.campaigns import CampaignPreset, load_presets
from config.schemes import load_scheme
from workflow.campaigns.periods import DeadlineOffsets
from workflow.scoring.errors import SchemeError


@dataclass(frozen=True)
class Preset:
    id: str
    #: what the office calls it (统计基层基础工作考评)
    name: str
    #: the campaign's title with ``{period}`` for the period's label
    title: str
    scheme_id: str
    scheme_version: str
    period_kind: str
    offsets: DeadlineOffsets = DeadlineOffsets()
    #: the campaign's initial ``rules`` (see `webapp.campaigns.models.Campaign.rules`)
    rules: Mapping[str, Any] = field(default_factory=dict)

    def title_for(self, period_label: str) -> str:
        return self.title.replace("{period}", period_label)


def _rules(preset: CampaignPreset) -> dict[str, Any]:
    rules: dict[str, Any] = {
        "quotas": [{"grade": q.grade, "min": q.min, "max": q.max} for q in preset.quotas],
        "rest_grade": preset.rest_grade,
        "fail_grade": preset.fail_grade,
        "veto_grade": preset.veto_grade,
        "tie_rule": preset.tie_rule,
        "groups": list(preset.groups),
        "bottom_two": preset.bottom_two,
        "rules": list(preset.rules),
    }
    if preset.quotas:
        rules["quota_rule"] = "STA-4.1"
    if preset.bonus_cap is not None:
        rules["bonus_cap"] = str(preset.bonus_cap)
    if preset.annual_method is not None:  # ORG-PR.7: targets (monthly mean) + bonus − faults + recognition
        rules["composite"] = {"method": preset.annual_method, "weight": "1", "into": "ORG-PR.7"}
    elif (
        preset.composite_method is not None
    ):  # SAF-4.1: the year's composite weighted into another assessment
        rules["composite"] = {
            "method": preset.composite_method,
            "weight": str(preset.composite_weight if preset.composite_weight is not None else 1),
            "into": "SAF-4.1",
            "target": preset.composite_target,
        }
    return rules


def _adapt(preset: CampaignPreset) -> Preset | None:
    try:
        scheme = load_scheme(preset.scheme)
    except SchemeError:
        return None
    return Preset(
        id=preset.scheme,
        name=preset.title_for("").strip(),
        title=preset.title,
        scheme_id=preset.scheme,
        scheme_version=scheme.version,
        period_kind=preset.period,
        offsets=preset.deadlines,
        rules=_rules(preset),
    )


def presets() -> tuple[Preset, ...]:
    """Every preset whose scheme is shipped, in the file's order."""
    return tuple(p for p in (_adapt(c) for c in load_presets().values()) if p is not None)


def preset_of(preset_id: str) -> Preset | None:
    return next((p for p in presets() if p.id == preset_id), None)
