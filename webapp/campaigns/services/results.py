"""A campaign's results: the sheets' progress and totals, and the ranking under its rules.

The ranking is live (from the submitted agreed sheets, the office's vetoes and 不合格 judgments, the campaign's
quotas and the office's counts within them, `workflow.campaigns.ranking`) until the head approves; approval
freezes it into ``Campaign.result`` and from then on pages, exports and the API read the frozen copy. Units are
keyed by their ``CampaignUnit`` id (as text) in the domain; the frozen copy carries their names as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.core.extensions import db
from webapp.core.models.organisation import Organisation
from webapp.core.records import plain_rows
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus
from webapp.scoring.services.schemes import get_scheme
from workflow.campaigns.ranking import (
    CampaignRanking,
    Entry,
    GroupRanking,
    Quota,
    QuotaCheck,
    RankedUnit,
    rank_campaign,
)
from workflow.scoring.scheme import Scheme

#: the sheet code's subject type for one unit in one campaign
SHEET_SUBJECT = "campaign_unit"


@dataclass(frozen=True)
class UnitSheets:
    """One unit's sheets as lists and the moderation page show them."""

    self_total: Decimal | None = None
    self_submitted: bool = False
    self_submitted_at: Any = None
    agreed_total: Decimal | None = None
    agreed_submitted: bool = False
    #: each assessor's submitted total (the spread, as in grading)
    reviewers: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class Progress:
    self_submitted: int = 0
    agreed_submitted: int = 0
    units: Mapping[int, UnitSheets] = field(default_factory=dict)


def scheme_of(campaign: Campaign) -> Scheme:
    """The campaign's scheme version (`get_scheme`; `NotFound` when missing), read once per request: a version's
    text never changes once registered, and a page asks for it from the guards' facts and from the board."""
    if not has_request_context():
        return get_scheme(campaign.scheme_id, campaign.scheme_version)
    cache: dict[tuple[str, str], Scheme] = request.__dict__.setdefault("_kaoping_campaign_schemes", {})
    key = (campaign.scheme_id, campaign.scheme_version)
    if key not in cache:
        cache[key] = get_scheme(*key)
    return cache[key]


def units_of(campaign_id: int) -> sa.Select[tuple[int]]:
    """The ids of a campaign's units, as a subquery for ``IN``."""
    return sa.select(CampaignUnit.id).where(CampaignUnit.campaign_id == campaign_id)


def sheet_progress(campaign: Campaign) -> Progress:
    """Every unit's sheets as the session sees them now (an act's own reading; pages read the shared copy,
    `standing.progress`)."""
    return read_progress(campaign.id, [u.id for u in campaign.units])


def read_progress(campaign_id: int, ids: list[int]) -> Progress:
    """The sheets of the campaign's units ``ids`` in one query (self, reviewers, agreed): plain columns, the
    campaign's units as a subquery (never a literal list of their ids)."""
    if not ids:
        return Progress()
    rows = db.session.execute(
        sa.select(
            ScoreSheet.subject_id,
            ScoreSheet.kind,
            ScoreSheet.status,
            ScoreSheet.total,
            ScoreSheet.submitted_at,
        ).where(ScoreSheet.subject_type == SHEET_SUBJECT, ScoreSheet.subject_id.in_(units_of(campaign_id)))
    ).all()
    found: dict[int, dict[str, Any]] = {i: {"reviewers": []} for i in ids}
    for subject_id, kind, status, total, submitted_at in rows:
        slot = found.get(subject_id)
        if slot is None:  # a unit added since ``ids`` were read: the next change of the revision shows it
            continue
        submitted = status == SheetStatus.SUBMITTED
        if kind == SheetKind.SELF:
            slot.update(self_total=total, self_submitted=submitted, self_submitted_at=submitted_at)
        elif kind == SheetKind.AGREED:
            slot.update(agreed_total=total, agreed_submitted=submitted)
        elif submitted and total is not None:
            slot["reviewers"].append(total)
    units = {
        i: UnitSheets(
            self_total=v.get("self_total"),
            self_submitted=bool(v.get("self_submitted")),
            self_submitted_at=v.get("self_submitted_at"),
            agreed_total=v.get("agreed_total"),
            agreed_submitted=bool(v.get("agreed_submitted")),
            reviewers=tuple(sorted(v["reviewers"])),
        )
        for i, v in found.items()
    }
    return Progress(
        self_submitted=sum(1 for u in units.values() if u.self_submitted),
        agreed_submitted=sum(1 for u in units.values() if u.agreed_submitted),
        units=units,
    )


def quotas_of(rules: Mapping[str, Any]) -> tuple[Quota, ...]:
    """The campaign's quotas from its ``rules``."""
    return tuple(Quota(str(q["grade"]), int(q["min"]), int(q["max"])) for q in rules.get("quotas") or ())


def choices_of(campaign: Campaign) -> dict[str, dict[str, int]]:
    return {
        str(group): {str(grade): int(n) for grade, n in counts.items()}
        for group, counts in (campaign.choices or {}).items()
    }


def ranking(campaign: Campaign, *, live: bool = False) -> CampaignRanking:
    """The campaign's ranking: the frozen copy once approved (unless ``live``), else computed now from the
    session's units and their submitted agreed sheets (pages read the shared copy, `standing.ranking`). Raises
    `QuotaRefused` when the office's counts break a quota (STA-4.1)."""
    if not live and campaign.result:
        return ranking_from_dict(campaign.result)
    return rank(campaign.units, sheet_progress(campaign), campaign.rules or {}, choices_of(campaign))


def rank(
    units: Iterable[Any],
    progress: Progress,
    rules: Mapping[str, Any],
    choices: Mapping[str, Mapping[str, int]],
) -> CampaignRanking:
    """Rank ``units`` (anything with ``id``, ``group``, ``vetoed`` and ``judged_fail``) by their submitted agreed
    totals under the campaign's ``rules`` and the office's ``choices`` (`workflow.campaigns.ranking`)."""
    sheets = progress.units
    entries = [
        Entry(
            unit=str(unit.id),
            total=sheets[unit.id].agreed_total or Decimal(0),
            group=unit.group,
            vetoed=unit.vetoed,
            judged_fail=unit.judged_fail,
        )
        for unit in units
        if unit.id in sheets and sheets[unit.id].agreed_submitted and sheets[unit.id].agreed_total is not None
    ]
    ranked = rank_campaign(
        entries,
        quotas=quotas_of(rules),
        rest_grade=str(rules.get("rest_grade") or "合格"),
        fail_grade=str(rules.get("fail_grade") or "不合格"),
        veto_grade=rules.get("veto_grade") or None,
        choose=dict(choices) or None,
        tie_rule=str(rules.get("tie_rule") or "refuse"),
        quota_rule=str(rules.get("quota_rule") or "STA-4.1"),
    )
    return by_bands(ranked, rules) if rules.get("bands") and not rules.get("quotas") else ranked


def by_bands(ranked: CampaignRanking, rules: Mapping[str, Any]) -> CampaignRanking:
    """Grades by total where the office set score bands (优秀=90 …) and the rule sets no rank quotas: the first
    band the total reaches, below every band the fail grade; a vetoed unit keeps its veto grade."""
    bands = [(str(b["grade"]), Decimal(str(b["min"]))) for b in rules.get("bands") or ()]
    fail = str(rules.get("fail_grade") or "不合格")

    def grade(unit: RankedUnit) -> RankedUnit:
        if unit.vetoed:
            return unit
        band = next(((g, low) for g, low in bands if unit.total >= low), None)
        if band is None:
            return replace(unit, grade=fail, note=f"总分{unit.total}，低于各分数段")
        return replace(unit, grade=band[0], note=f"总分{unit.total}，不低于{band[1]}分")

    return CampaignRanking(
        groups=tuple(replace(g, units=tuple(grade(u) for u in g.units)) for g in ranked.groups)
    )


#: (CampaignUnit id, its organisation's name now): a campaign's units, or a page's. Built once (the board and the
#: unit pages read names on every view)
_NAMES = sa.select(CampaignUnit.id, Organisation.name).join(
    Organisation, Organisation.id == CampaignUnit.organisation_id
)
_NAMES_OF_CAMPAIGN = _NAMES.where(CampaignUnit.campaign_id == sa.bindparam("campaign"))
_NAMES_OF_UNITS = _NAMES.where(CampaignUnit.id.in_(sa.bindparam("ids", expanding=True)))


def unit_names(campaign: Campaign) -> dict[str, str]:
    """CampaignUnit id (text) → the unit's name, for every unit of the campaign."""
    rows = db.session.execute(_NAMES_OF_CAMPAIGN, {"campaign": campaign.id})
    return {str(unit_id): name for unit_id, name in rows}


def names_of(unit_ids: list[int]) -> dict[int, str]:
    """The names of the campaign units ``unit_ids`` as they are now (a page's units)."""
    if not unit_ids:
        return {}
    return {unit_id: name for unit_id, name in plain_rows(_NAMES_OF_UNITS, {"ids": list(unit_ids)})}


def ranking_to_dict(ranked: CampaignRanking, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ranking as JSON (numbers as text so decimals stay exact)."""
    return {
        "groups": [
            {
                "group": g.group,
                "units": [
                    {
                        "unit": u.unit,
                        "name": (names or {}).get(u.unit, ""),
                        "group": u.group,
                        "total": str(u.total),
                        "rank": u.rank,
                        "grade": u.grade,
                        "vetoed": u.vetoed,
                        "judged_fail": u.judged_fail,
                        "note": u.note,
                    }
                    for u in g.units
                ],
                "quota_checks": [
                    {
                        "group": q.group,
                        "grade": q.grade,
                        "min": q.min,
                        "max": q.max,
                        "chosen": q.chosen,
                        "ok": q.ok,
                        "message": q.message,
                    }
                    for q in g.quota_checks
                ],
            }
            for g in ranked.groups
        ]
    }


def ranking_from_dict(data: Mapping[str, Any]) -> CampaignRanking:
    return CampaignRanking(
        groups=tuple(
            GroupRanking(
                group=g["group"],
                units=tuple(
                    RankedUnit(
                        unit=u["unit"],
                        group=u["group"],
                        total=Decimal(u["total"]),
                        rank=int(u["rank"]),
                        grade=u["grade"],
                        vetoed=bool(u["vetoed"]),
                        judged_fail=bool(u["judged_fail"]),
                        note=u.get("note", ""),
                    )
                    for u in g["units"]
                ),
                quota_checks=tuple(QuotaCheck(**q) for q in g.get("quota_checks", ())),
            )
            for g in data.get("groups", ())
        )
    )


def frozen_names(campaign: Campaign) -> dict[str, str]:
    """Unit names as the frozen result recorded them (falls back to today's names)."""
    names = unit_names(campaign)
    for group in (campaign.result or {}).get("groups", ()):
        for unit in group.get("units", ()):
            if unit.get("name"):
                names[unit["unit"]] = unit["name"]
    return names
