"""Campaign presets on disk: ``config/campaigns/presets.toml`` → `CampaignPreset` per scheme id.

Validated with `workflow.validation` like the schemes: an unknown key, a wrong type, a value out of range, an
unknown scheme or rule id is refused with the file and the field named (``presets.toml: presets.lrn.period:
…``). Quotas come from the scheme when ``quotas_from_scheme`` (STA-4.1), so they are written once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from config.schemes import load_scheme
from workflow import validation as v
from workflow.campaigns.composite import COMPOSITE_METHODS
from workflow.campaigns.periods import PERIOD_KINDS, DeadlineOffsets
from workflow.campaigns.ranking import TIE_RULES, Quota
from workflow.campaigns.rules import RULES
from workflow.errors import RulesetError
from workflow.scoring.errors import SchemeError

PRESETS_FILE = Path(__file__).resolve().parent / "campaigns" / "presets.toml"


@dataclass(frozen=True)
class CampaignPreset:
    scheme: str
    #: 「{period}组织工作考核」: {period} is the period's label
    title: str
    period: str
    #: groups ranked separately (ORG-PR.9); () = one list
    groups: tuple[str, ...]
    deadlines: DeadlineOffsets
    quotas: tuple[Quota, ...]
    tie_rule: str
    rest_grade: str
    fail_grade: str
    veto_grade: str | None
    bottom_two: bool
    bonus_cap: Decimal | None
    annual_method: str | None
    composite_method: str | None
    composite_weight: Decimal | None
    composite_target: str
    rules: tuple[str, ...]

    def title_for(self, period_label: str) -> str:
        return self.title.replace("{period}", period_label)


def _days(default: int | None = None) -> v.Field:
    return v.Field((int,), min=0, max=366, default=default)


_DEADLINES = {
    "self_assessment": _days(10),
    "materials": _days(10),
    "inspection_start": _days(11),
    "inspection_end": _days(25),
    "results": _days(30),
    "results_day_of_month": v.Field((int,), min=1, max=31, default=None),
    "results_strictly_before": v.flag(default=False),
}
_NUMBER = (int, Decimal)


def _error(source: str) -> Any:
    def make(invalid: v.Invalid) -> RulesetError:
        params = ", ".join(f"{k}={val}" for k, val in invalid.params.items())
        return RulesetError(
            source, v.dotted(invalid.path), f"{invalid.problem}{f' ({params})' if params else ''}"
        )

    return make


def parse_presets(data: Mapping[str, Any], source: str) -> dict[str, CampaignPreset]:
    top = v.Reader(data, error=_error(source))
    presets_reader = top.child(top.get("presets", v.table(nonempty=True)), "presets")
    top.done()
    out: dict[str, CampaignPreset] = {}
    for scheme_id in presets_reader.data:
        r = presets_reader.child(presets_reader.get(scheme_id, v.table()), scheme_id)
        try:
            scheme = load_scheme(scheme_id)
        except SchemeError:
            raise r.fail("unknown_scheme", scheme=scheme_id) from None
        d = r.child(r.get("deadlines", v.table(default={})), "deadlines")
        deadlines = DeadlineOffsets(**d.read(_DEADLINES))
        d.done()
        if deadlines.inspection_end < deadlines.inspection_start:
            raise d.fail("inspection_ends_before_it_starts", "inspection_end")
        values = r.read(
            {
                "title": v.text(nonempty=True),
                "period": v.text(choices=PERIOD_KINDS),
                "groups": v.array(each=v.text(nonempty=True), default=()),
                "quotas_from_scheme": v.flag(default=False),
                "tie_rule": v.text(choices=TIE_RULES, default="refuse"),
                "rest_grade": v.text(nonempty=True, default=scheme.rank_rest_grade or "合格"),
                "fail_grade": v.text(nonempty=True, default="不合格"),
                "veto_grade": v.text(nonempty=True, default=scheme.veto_grade),
                "bottom_two": v.flag(default=False),
                "bonus_cap": v.Field(_NUMBER, min=0, max=1000, default=None),
                "annual_method": v.text(choices=COMPOSITE_METHODS, default=None),
                "composite_method": v.text(choices=COMPOSITE_METHODS, default=None),
                "composite_weight": v.Field(_NUMBER, min=0, max=1, default=None),
                "composite_target": v.text(default=""),
                "rules": v.array(each=v.text(), nonempty=True),
            }
        )
        for n, rule in enumerate(values["rules"]):
            if rule not in RULES:
                raise r.fail("unknown_rule", "rules", element=n, rule=rule)
        if "{period}" not in values["title"]:
            raise r.fail("title_without_period", "title")
        if len(set(values["groups"])) != len(values["groups"]):
            raise r.fail("duplicate_group", "groups")
        quotas = (
            tuple(Quota(q.grade, q.min, q.max) for q in scheme.rank_quotas)
            if values.pop("quotas_from_scheme")
            else ()
        )
        r.done()
        out[scheme_id] = CampaignPreset(
            scheme=scheme_id,
            deadlines=deadlines,
            quotas=quotas,
            title=values["title"],
            period=values["period"],
            groups=tuple(values["groups"]),
            tie_rule=values["tie_rule"],
            rest_grade=values["rest_grade"],
            fail_grade=values["fail_grade"],
            veto_grade=values["veto_grade"],
            bottom_two=values["bottom_two"],
            bonus_cap=None if values["bonus_cap"] is None else Decimal(values["bonus_cap"]),
            annual_method=values["annual_method"],
            composite_method=values["composite_method"],
            composite_weight=None
            if values["composite_weight"] is None
            else Decimal(values["composite_weight"]),
            composite_target=values["composite_target"],
            rules=tuple(values["rules"]),
        )
    presets_reader.done()
    return out


def read_presets(path: str | Path) -> dict[str, CampaignPreset]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesetError(path.name, "", f"cannot read: {exc}") from None
    return parse_presets(data, path.name)


@lru_cache(maxsize=1)
def load_presets() -> dict[str, CampaignPreset]:
    """Every shipped preset by scheme id (cached: the file is read once per process)."""
    return read_presets(PRESETS_FILE)


def preset_for(scheme_id: str) -> CampaignPreset:
    """The preset of a shipped scheme (KeyError if none)."""
    return load_presets()[scheme_id]
