"""A campaign's series across periods (the campaigns copied one from another), one calendar year at a time:

- the composite of each unit's period totals (SAF-4.1: 全年综合分值按20%加权计入 — the mean of the periods actually
  assessed, GAP-3, and its weighted contribution);
- for a monthly series with year-end claims, the annual aggregate of ORG-PR.7 (targets + performance bonus − faults
  + recognition, GAP-2) from the verified claims (ORG-6.2/6.3, ORG-PR.2);
- the bottom-two history of the monthly rankings per group and its consequences (ORG-12.6 talk, ORG-12.7 written
  report, GAP-3/4);
- for a half-year series, the cadres' ranking bonus of the latest ranking (CAD-7.1).

Only results the head approved count (``Campaign.result``, frozen at approval, ORG-PR.8). A year holds at most
twelve campaigns of a series, so the page reads a bounded number of rows in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignClaim, CampaignUnit
from webapp.campaigns.services import campaigns, permissions
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services.errors import NotFound
from workflow.campaigns.cadre import CadreBonus, ranking_bonus
from workflow.campaigns.claims import Claim, Fault, faults, performance_bonus
from workflow.campaigns.composite import Annual, Composite, composite, org_annual
from workflow.campaigns.consequences import MonthConsequence, bottom_two
from workflow.campaigns.periods import Period

#: the states whose results are the head's (frozen at approval)
RESULT_STATES = ("approved", "published")


@dataclass(frozen=True)
class PeriodColumn:
    campaign_id: int
    label: str
    state: str
    has_result: bool


@dataclass(frozen=True)
class UnitSeries:
    organisation_id: int
    name: str
    group: str
    #: the period's total, None where the unit was not assessed or the result is not approved yet
    totals: tuple[Decimal | None, ...]
    ranks: tuple[int | None, ...]
    composite: Composite
    annual: Annual | None
    consequences: tuple[MonthConsequence, ...]

    @property
    def talk(self) -> bool:
        return any(c.talk for c in self.consequences)

    @property
    def written_report(self) -> bool:
        return any(c.written_report for c in self.consequences)


@dataclass(frozen=True)
class Series:
    campaign: Campaign
    year: int
    years: tuple[int, ...]
    columns: tuple[PeriodColumn, ...]
    units: tuple[UnitSeries, ...]
    method: str
    weight: Decimal
    #: the rule the composite feeds (SAF-4.1) or the annual aggregate's (ORG-PR.7)
    composite_rule: str
    monthly: bool
    annual_aggregate: bool
    cadre: tuple[CadreBonus, ...]
    cadre_names: Mapping[str, str]


def _result_units(result: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for group in (result or {}).get("groups", ()):
        for unit in group.get("units", ()):
            out[str(unit["unit"])] = unit
    return out


def series(user: User | None, campaign_id: int, *, year: int | None = None) -> Series:
    """The series of ``campaign_id`` in ``year`` (the campaign's own year by default), for the office."""
    campaign = campaigns.load(user, campaign_id)
    if not permissions.is_office(user, campaign):
        raise NotFound("考评活动不存在或您无权查看。")
    series_id = campaign.series_id or campaign.id
    years = tuple(
        sorted(
            {
                d.year
                for d in db.session.scalars(
                    sa.select(Campaign.period_start).where(
                        Campaign.series_id == series_id, Campaign.office_id == campaign.office_id
                    )
                )
            }
        )
    ) or (campaign.period_start.year,)
    year = year if year in years else campaign.period_start.year
    members = list(
        db.session.scalars(
            sa.select(Campaign)
            .where(
                Campaign.series_id == series_id,
                Campaign.office_id == campaign.office_id,
                Campaign.state != "cancelled",
                Campaign.period_start >= date(year, 1, 1),
                Campaign.period_start <= date(year, 12, 31),
            )
            .order_by(Campaign.period_start, Campaign.id)
            .limit(12)
        )
    )
    ids = [c.id for c in members]
    unit_rows = (
        db.session.execute(
            sa.select(
                CampaignUnit.id,
                CampaignUnit.campaign_id,
                CampaignUnit.organisation_id,
                CampaignUnit.group,
                CampaignUnit.recognition,
                Organisation.name,
            )
            .join(Organisation, Organisation.id == CampaignUnit.organisation_id)
            .where(CampaignUnit.campaign_id.in_(ids))
        ).all()
        if ids
        else []
    )
    claim_rows = (
        db.session.execute(
            sa.select(CampaignClaim, CampaignUnit.organisation_id)
            .join(CampaignUnit, CampaignUnit.id == CampaignClaim.campaign_unit_id)
            .where(CampaignUnit.campaign_id.in_(ids))
        ).all()
        if ids
        else []
    )
    rules = campaign.rules or {}
    spec = rules.get("composite") or {}
    method = str(spec.get("method") or "mean")
    try:
        weight = Decimal(str(spec.get("weight") or "1"))
    except ArithmeticError:
        weight = Decimal(1)
    monthly = campaign.period_kind == "month"
    annual_aggregate = monthly and bool(rules.get("bonus_cap") or spec.get("into") == "ORG-PR.7")

    columns = tuple(
        PeriodColumn(
            c.id,
            Period(c.period_kind, c.period_start, c.period_end).label(),
            c.state,
            c.state in RESULT_STATES and bool(c.result),
        )
        for c in members
    )
    by_campaign_unit = {row.id: row for row in unit_rows}
    names: dict[int, str] = {}
    groups: dict[int, str] = {}
    recognition: dict[int, Decimal | None] = {}
    totals: dict[int, list[Decimal | None]] = defaultdict(lambda: [None] * len(members))
    ranks: dict[int, list[int | None]] = defaultdict(lambda: [None] * len(members))
    for row in unit_rows:
        names[row.organisation_id] = row.name
        groups[row.organisation_id] = row.group
        if row.recognition is not None:
            recognition[row.organisation_id] = row.recognition
        totals[row.organisation_id]  # every unit of the year has a line, assessed or not
    month_ranks: dict[str, list[tuple[int, dict[str, int]]]] = defaultdict(list)
    for index, c in enumerate(members):
        if not columns[index].has_result:
            continue
        per_group: dict[str, dict[str, int]] = defaultdict(dict)
        for cu_id, unit in _result_units(c.result).items():
            row = by_campaign_unit.get(int(cu_id)) if cu_id.isdigit() else None
            if row is None:
                continue
            totals[row.organisation_id][index] = Decimal(str(unit["total"]))
            ranks[row.organisation_id][index] = int(unit["rank"])
            per_group[row.group][str(row.organisation_id)] = int(unit["rank"])
        if monthly:
            for group, ranked in per_group.items():
                month_ranks[group].append((c.period_start.month, ranked))
    consequences: dict[str, tuple[MonthConsequence, ...]] = {}
    for history in month_ranks.values():
        consequences.update(bottom_two(history))
    claims_of: dict[int, list[CampaignClaim]] = defaultdict(list)
    for claim, organisation_id in claim_rows:
        claims_of[organisation_id].append(claim)
    cap = _decimal(rules.get("bonus_cap"), Decimal(50))
    units = []
    for organisation_id in sorted(names, key=lambda o: (groups.get(o, ""), names[o])):
        scores = tuple(totals[organisation_id])
        annual = None
        if annual_aggregate:
            mine = claims_of.get(organisation_id, [])
            annual = org_annual(
                scores,
                performance_bonus(
                    (
                        Claim(c.content_key, c.category, c.points, c.status == "verified")
                        for c in mine
                        if c.kind == "performance"
                    ),
                    cap,
                ),
                faults(
                    Fault(
                        c.content,
                        c.category if c.category in ("general", "veto") else "general",
                        c.points,
                        c.declared,
                        c.status == "verified",
                    )
                    for c in mine
                    if c.kind == "fault"
                ),  # fmt: skip
                recognition.get(organisation_id),
                method,
            )
        units.append(
            UnitSeries(
                organisation_id,
                names[organisation_id],
                groups.get(organisation_id, ""),
                scores,
                tuple(ranks[organisation_id]),
                composite(scores, method, weight),
                annual,
                consequences.get(str(organisation_id), ()),
            )
        )
    cadre: tuple[CadreBonus, ...] = ()
    cadre_names: dict[str, str] = {}
    latest = next((c for c in reversed(members) if c.state in RESULT_STATES and c.result), None)
    if campaign.period_kind == "half" and latest is not None:
        ranked = []
        for cu_id, unit in _result_units(latest.result).items():
            row = by_campaign_unit.get(int(cu_id)) if cu_id.isdigit() else None
            if row is not None:
                ranked.append((str(row.organisation_id), int(unit["rank"])))
                cadre_names[str(row.organisation_id)] = row.name
        cadre = ranking_bonus(sorted(ranked, key=lambda pair: pair[1]))
    return Series(
        campaign=campaign,
        year=year,
        years=years,
        columns=columns,
        units=tuple(units),
        method=method,
        weight=weight,
        composite_rule=str(spec.get("into") or ("ORG-PR.7" if annual_aggregate else "SAF-4.1")),
        monthly=monthly,
        annual_aggregate=annual_aggregate,
        cadre=cadre,
        cadre_names=cadre_names,
    )


def _decimal(value: Any, default: Decimal) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else default
    except ArithmeticError:
        return default
