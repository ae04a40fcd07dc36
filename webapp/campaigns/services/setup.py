"""The office sets a campaign up: a draft from a preset and a period, its title and deadlines, its result rules,
its units and their groups, its assessment team and lead — only while the campaign is a draft (筹备中), each
change version-checked and audited; and a campaign copied for the next period of its series.

Every value typed here is checked against a sensible range; a refusal about one names the field (400) and, where
a regulation decides, quotes it. Opening the campaign (CP-01) is `campaigns.fire(…, "open")`: its guards check
the whole (units, team with one lead, deadlines in order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from webapp.campaigns.models import Campaign, CampaignAssessor, CampaignUnit
from webapp.campaigns.models.campaign import PERIOD_KINDS
from webapp.campaigns.services import campaigns, permissions
from webapp.campaigns.services.errors import Refused
from webapp.campaigns.services.presets import Preset, preset_of, presets
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User, UserRole
from webapp.core.models.types import app_now
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput
from webapp.scoring.models import SchemeVersion
from workflow.campaigns.periods import Period, default_deadlines
from workflow.campaigns.rules import refusal as rule_refusal
from workflow.campaigns.table import SETUP_STATES, STATE_LABELS
from workflow.errors import Refusal

TITLE_MIN, TITLE_MAX = 2, 120
MAX_UNITS = 300
MAX_TEAM = 50
GROUP_MAX = 40
#: 由市局组织考评组进行考评
TEAM_RULE = "SAF-3.2"
#: deadlines may fall in the period or up to a year after it (a year-end campaign reports in the spring)
DEADLINE_SLACK = timedelta(days=366)
#: periods an office may open: from ten years back to two years ahead of today
YEARS_BACK, YEARS_AHEAD = 10, 2

DEADLINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("self_due", "自评截止日"),
    ("materials_due", "材料报送截止日"),
    ("inspection_from", "实地考评开始日"),
    ("inspection_to", "实地考评结束日"),
    ("results_due", "结果报送截止日"),
)


def _forbidden(message: str = "只有考评办经办人可以筹备考评活动。") -> Refused:
    return Refused(Refusal("forbidden", message, None))


def _staff_office(user: User | None) -> int:
    """The office the staff member opens campaigns for; 403 for anyone else."""
    office_id = permissions.office_id_of(user)
    if office_id is None or user is None or not user.has_role(Role.CAMPAIGN_STAFF):
        raise _forbidden()
    return office_id


def _editable(user: User | None, campaign_id: int, expected_version: int | None) -> Campaign:
    """The draft campaign, locked, if ``user`` is its office's staff; 403 / 409 otherwise."""
    campaign = campaigns.load(user, campaign_id, lock=True)
    if "staff" not in permissions.functions_on(user, campaign):
        raise _forbidden()
    campaigns.check_version(campaign, expected_version)
    if campaign.state not in SETUP_STATES:
        raise Refused(
            rule_refusal("not_draft", "STA-4.2", f"考评活动已{_state_word(campaign.state)}，筹备内容不能再改")
        )
    return campaign


def _state_word(state: str) -> str:
    return f"进入“{STATE_LABELS.get(state, state)}”"


def _clean_title(title: str | None, field: str = "title") -> str:
    text = " ".join((title or "").split())
    if not TITLE_MIN <= len(text) <= TITLE_MAX:
        raise InvalidInput(f"标题应为{TITLE_MIN}至{TITLE_MAX}个字。", field=field)
    return text


def _check_period_start(day: date, today: date) -> None:
    if not date(today.year - YEARS_BACK, 1, 1) <= day <= date(today.year + YEARS_AHEAD, 12, 31):
        raise InvalidInput(
            f"考评期应在{today.year - YEARS_BACK}年至{today.year + YEARS_AHEAD}年之间。", field="period_start"
        )


def _audit(user: User | None, campaign: Campaign, event: str, comment: str, rule: str | None = None) -> None:
    append_event(
        campaigns.SUBJECT,
        campaign.id,
        event,
        actor=user,
        from_state=campaign.state,
        to_state=campaign.state,
        comment=comment,
        rule_id=rule,
    )


# --- a new draft ------------------------------------------------------------------------------------------------


def proposed_title(preset: Preset, period: Period) -> str:
    return preset.title_for(period.label())[:TITLE_MAX]


def create_draft(
    user: User | None,
    *,
    preset_id: str,
    period_start: date,
    title: str | None = None,
    period_kind: str | None = None,
    scheme_version: str | None = None,
    today: date,
) -> Campaign:
    """A draft campaign of the staff member's office: the preset's scheme version, the calendar period of the
    preset's kind (or ``period_kind``: the office may assess monthly, quarterly… with any table) containing
    ``period_start``, the preset's deadlines for it (editable) and its result rules."""
    with campaigns.unit_of_work():
        office_id = _staff_office(user)
        assert user is not None
        preset = preset_of(preset_id)
        if preset is None:
            raise InvalidInput("请选择考评办法。", field="preset")
        _check_period_start(period_start, today)
        version = _scheme_version(preset, scheme_version)
        kind = period_kind or preset.period_kind
        if kind not in PERIOD_KINDS:
            raise InvalidInput("请选择考评周期（按月、按季度、半年或按年度）。", field="period_kind")
        period = Period.containing(kind, period_start)
        deadlines = default_deadlines(period, preset.offsets)
        campaign = Campaign(
            office_id=office_id,
            title=_clean_title(title) if title and title.strip() else proposed_title(preset, period),
            scheme_id=preset.scheme_id,
            scheme_version=version,
            preset=preset.id,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            state="draft",
            self_due=deadlines.self_assessment_due,
            materials_due=deadlines.materials_due,
            inspection_from=deadlines.inspection_start,
            inspection_to=deadlines.inspection_end,
            results_due=deadlines.results_due,
            rules=dict(preset.rules),
            choices={},
            created_by_id=user.id,
        )
        db.session.add(campaign)
        db.session.flush()
        campaign.series_id = campaign.id
        _audit(user, campaign, "created", f"按{preset.name}筹备{period.label()}考评")
    return campaign


def copy_for_next(user: User | None, campaign_id: int, *, today: date) -> Campaign:
    """The next period's campaign of the same series: the same scheme version, rules, units and groups, team and
    lead; the next period's deadlines (the preset's offsets). The copy is a draft the office may still change."""
    with campaigns.unit_of_work():
        source = campaigns.load(user, campaign_id)
        if "staff" not in permissions.functions_on(user, source):
            raise _forbidden()
        assert user is not None
        if source.state == "cancelled":
            raise Refused(Refusal("cancelled", "已撤销的考评活动不能复制。", None))
        period = Period(source.period_kind, source.period_start, source.period_end).next()
        taken = db.session.scalar(
            sa.select(Campaign.id).where(
                Campaign.series_id == (source.series_id or source.id),
                Campaign.period_start == period.start,
                Campaign.state != "cancelled",
            )
        )
        if taken is not None:
            raise Refused(Refusal("period_taken", f"{period.label()}的考评活动已经建立。", None))
        preset = preset_of(source.preset)
        deadlines = default_deadlines(period, preset.offsets) if preset is not None else None
        copy = Campaign(
            office_id=source.office_id,
            title=_next_title(source, period),
            scheme_id=source.scheme_id,
            scheme_version=source.scheme_version,
            preset=source.preset,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            series_id=source.series_id or source.id,
            previous_id=source.id,
            state="draft",
            rules=dict(source.rules or {}),
            choices={},
            created_by_id=user.id,
        )
        if deadlines is not None:
            copy.self_due = deadlines.self_assessment_due
            copy.materials_due = deadlines.materials_due
            copy.inspection_from = deadlines.inspection_start
            copy.inspection_to = deadlines.inspection_end
            copy.results_due = deadlines.results_due
        else:  # the preset is gone: the same distances from the period's end as the source's
            shift = period.end - source.period_end
            for name, _label in DEADLINE_FIELDS:
                day = getattr(source, name)
                setattr(copy, name, day + shift if day is not None else None)
        for position, unit in enumerate(source.units):
            copy.units.append(
                CampaignUnit(organisation_id=unit.organisation_id, group=unit.group, position=position)
            )
        for seat in source.assessors:
            copy.assessors.append(CampaignAssessor(user_id=seat.user_id, lead=seat.lead))
        db.session.add(copy)
        db.session.flush()
        _audit(user, copy, "copied", f"由“{source.title}”复制，考评期{period.label()}")
    return copy


def _next_title(source: Campaign, period: Period) -> str:
    old = Period(source.period_kind, source.period_start, source.period_end).label()
    if old in source.title:
        return source.title.replace(old, period.label())[:TITLE_MAX]
    return f"{period.label()}{source.title}"[:TITLE_MAX]


# --- title, deadlines and rules ---------------------------------------------------------------------------------


def parse_day(raw: Any, field: str, label: str) -> date | None:
    """A date typed as YYYY-MM-DD (None when left empty); 400 naming the field otherwise."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{label}应为有效日期（如2026-01-10）。", field=field) from None


def update_schedule(
    user: User | None,
    campaign_id: int,
    *,
    title: str,
    deadlines: Mapping[str, Any],
    expected_version: int | None = None,
) -> Campaign:
    """Title and deadlines. Each deadline lies between the period's start and a year after its end; their order
    (自评 ≤ 材料 ≤ 考评 ≤ 结果) is checked again when the campaign opens (STA-4.2)."""
    with campaigns.unit_of_work():
        campaign = _editable(user, campaign_id, expected_version)
        new_title = _clean_title(title)
        values: dict[str, date | None] = {}
        for name, label in DEADLINE_FIELDS:
            day = parse_day(deadlines.get(name), name, label)
            if day is not None and not campaign.period_start <= day <= campaign.period_end + DEADLINE_SLACK:
                raise InvalidInput(
                    f"{label}应在考评期开始（{campaign.period_start.isoformat()}）之后、考评期结束一年之内。",
                    field=name,
                )
            values[name] = day
        given = [(name, label, values[name]) for name, label in DEADLINE_FIELDS if values[name] is not None]
        for (_n, label_a, a), (name_b, label_b, b) in zip(given, given[1:], strict=False):
            if a is not None and b is not None and a > b:
                raise Refused(
                    rule_refusal("deadline_order", "STA-4.2", f"{label_a}不能晚于{label_b}"),
                    field=name_b,
                )
        campaign.title = new_title
        for name, day in values.items():
            setattr(campaign, name, day)
        _audit(user, campaign, "schedule_changed", "修改标题和时间安排")
    return campaign


def update_quotas(
    user: User | None,
    campaign_id: int,
    *,
    quotas: Sequence[Mapping[str, Any]],
    tie_rule: str,
    expected_version: int | None = None,
) -> Campaign:
    """The quota ranges and the tie switch, within the preset's: an office may narrow 优秀2-3名 but never widen
    it beyond the rule (STA-4.1); ``tie_rule`` is ``refuse`` or ``lower`` (the named switch tie_at_boundary)."""
    with campaigns.unit_of_work():
        campaign = _editable(user, campaign_id, expected_version)
        rules = dict(campaign.rules or {})
        preset = preset_of(campaign.preset)
        allowed = {
            q["grade"]: q for q in (preset.rules.get("quotas", []) if preset else rules.get("quotas", []))
        }
        rule_id = rules.get("quota_rule", "STA-4.1")
        new: list[dict[str, Any]] = []
        for quota in quotas:
            grade = str(quota.get("grade", ""))
            if grade not in allowed:
                raise InvalidInput("等次不在本考评办法之内。", field="quotas")
            low, high = _count(quota.get("min"), f"{grade}_min"), _count(quota.get("max"), f"{grade}_max")
            bound = allowed[grade]
            if not int(bound["min"]) <= low <= high <= int(bound["max"]):
                raise Refused(
                    rule_refusal(
                        "quota_range", rule_id, f"{grade}名额只能在{bound['min']}—{bound['max']}名之内"
                    ),
                    field=f"{grade}_min",
                )
            new.append({"grade": grade, "min": low, "max": high})
        if tie_rule not in ("refuse", "lower"):
            raise InvalidInput("请选择同分跨档时的处理办法。", field="tie_rule")
        rules["quotas"] = new
        rules["tie_rule"] = tie_rule
        campaign.rules = rules
        _audit(user, campaign, "rules_changed", "修改等次名额", rule_id)
    return campaign


#: at most this many score bands (优秀/良好/合格 …)
MAX_BANDS = 6


def parse_bands(text: str) -> list[dict[str, str]]:
    """「优秀=90，良好=80，合格=60」 → [{"grade": "优秀", "min": "90"}, …] (the highest first); InvalidInput naming
    the field ``bands`` for anything else."""
    bands: list[dict[str, str]] = []
    for part in [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]:
        grade, eq, raw = part.partition("=")
        grade = grade.strip()
        try:
            low = Decimal(raw.strip().removesuffix("分"))
        except (InvalidOperation, ValueError):
            low = Decimal(-1)
        if (
            not eq
            or not 1 <= len(grade) <= 10
            or not low.is_finite()
            or not Decimal(0) <= low <= Decimal(1000)
        ):
            raise InvalidInput(f"「{part[:20]}」应写成 等次=最低分，如 优秀=90。", field="bands")
        bands.append({"grade": grade, "min": format(low.normalize(), "f")})
    if len(bands) > MAX_BANDS:
        raise InvalidInput(f"分数段最多{MAX_BANDS}个。", field="bands")
    if len({b["grade"] for b in bands}) != len(bands):
        raise InvalidInput("等次不能重复。", field="bands")
    lows = [Decimal(b["min"]) for b in bands]
    if any(a <= b for a, b in zip(lows, lows[1:], strict=False)):
        raise InvalidInput("分数段应从高到低排列，最低分逐段降低。", field="bands")
    return bands


def update_results_rules(
    user: User | None,
    campaign_id: int,
    *,
    bands: str,
    weight: str | None = None,
    expected_version: int | None = None,
) -> Campaign:
    """Grade bands by total (a campaign whose rules set no rank quotas: 优秀=90，良好=80 …; below the lowest band
    the fail grade) and the weight the year's composite carries into another assessment (SAF-4.1: 20 %, a
    percentage 1–100). Bands and rank quotas are not mixed: where the rule sets quotas (STA-4.1) they decide."""
    with campaigns.unit_of_work():
        campaign = _editable(user, campaign_id, expected_version)
        rules = dict(campaign.rules or {})
        parsed = parse_bands(bands or "")
        if parsed and rules.get("quotas"):
            raise Refused(
                rule_refusal(
                    "bands_with_quotas", rules.get("quota_rule", "STA-4.1"), "本考评按名次定等，不设分数段"
                ),
                field="bands",
            )
        rules["bands"] = parsed
        composite = dict(rules.get("composite") or {})
        if weight is not None and weight.strip() and composite.get("into") == "SAF-4.1":
            try:
                percent = Decimal(weight.strip().removesuffix("%"))
            except (InvalidOperation, ValueError):
                percent = Decimal(-1)
            if not percent.is_finite() or not Decimal(1) <= percent <= Decimal(100):
                raise InvalidInput("权重应为1至100之间的百分数。", field="weight")
            composite["weight"] = format((percent / 100).normalize(), "f")
            rules["composite"] = composite
        campaign.rules = rules
        words = "、".join(f"{b['grade']}≥{b['min']}分" for b in parsed) or "不设分数段"
        _audit(user, campaign, "rules_changed", f"结果规则：{words}", composite.get("into"))
    return campaign


def _count(raw: Any, field: str) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidInput("名额应为整数。", field=field) from None
    if not 0 <= value <= MAX_UNITS:
        raise InvalidInput(f"名额应在0至{MAX_UNITS}之间。", field=field)
    return value


# --- units and their groups -------------------------------------------------------------------------------------


def groups_of(campaign: Campaign) -> list[str]:
    """The ranking groups the campaign's rules name (ORG-PR.9: 街道 / 区直单位); empty: one ranking for all."""
    return [str(g) for g in (campaign.rules or {}).get("groups", []) if str(g)]


def set_units(
    user: User | None,
    campaign_id: int,
    *,
    units: Sequence[tuple[int, str]],
    expected_version: int | None = None,
) -> Campaign:
    """Replace the units assessed: (organisation id, group) pairs, in the order given. Each is an active
    organisation, none twice, at most `MAX_UNITS`; the group is one of the rules' groups (ORG-PR.9) or "" when
    the campaign ranks everyone together."""
    with campaigns.unit_of_work():
        campaign = _editable(user, campaign_id, expected_version)
        if len(units) > MAX_UNITS:
            raise InvalidInput(f"被考评单位不超过{MAX_UNITS}个。", field="units")
        groups = groups_of(campaign)
        ids = [org_id for org_id, _g in units]
        if len(set(ids)) != len(ids):
            raise InvalidInput("同一单位不能重复添加。", field="units")
        found = set(
            db.session.scalars(
                sa.select(Organisation.id).where(Organisation.id.in_(ids), Organisation.active.is_(True))
            )
        )
        if set(ids) - found:
            raise InvalidInput("所选单位不存在或已停用。", field="units")
        if campaign.office_id in found:
            raise InvalidInput("考评办所在单位不能作为被考评单位。", field="units")
        for _org, group in units:
            if len(group) > GROUP_MAX or (group and group not in groups) or (not groups and group):
                raise Refused(
                    rule_refusal("bad_group", "ORG-PR.9", f"排序组别应为：{'、'.join(groups) or '不分组'}"),
                    field="units",
                )
        existing = {u.organisation_id: u for u in campaign.units}
        keep: list[CampaignUnit] = []
        for position, (org_id, group) in enumerate(units):
            unit = existing.pop(org_id, None) or CampaignUnit(organisation_id=org_id)
            unit.group = group
            unit.position = position
            keep.append(unit)
        campaign.units = keep
        _touch(campaign)
        db.session.flush()
        _audit(user, campaign, "units_changed", f"被考评单位{len(keep)}个")
    return campaign


def _touch(campaign: Campaign) -> None:
    """A change of the campaign's child rows bumps the campaign's version (the row is written, so its version
    moves), so a form loaded before the change is stale."""
    campaign.updated_at = app_now()


# --- the team ---------------------------------------------------------------------------------------------------


def set_team(
    user: User | None,
    campaign_id: int,
    *,
    members: Sequence[int],
    lead_id: int | None,
    expected_version: int | None = None,
) -> Campaign:
    """Replace the assessment team (SAF-3.2: 由市局组织考评组进行考评): active users holding the assessor role, at
    most `MAX_TEAM`, one of them the lead who keeps the agreed sheets."""
    with campaigns.unit_of_work():
        campaign = _editable(user, campaign_id, expected_version)
        ids = list(dict.fromkeys(members))
        if len(ids) > MAX_TEAM:
            raise InvalidInput(f"考评组成员不超过{MAX_TEAM}人。", field="team")
        found = set(
            db.session.scalars(
                sa.select(User.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(User.id.in_(ids), User.active.is_(True), UserRole.role == Role.ASSESSOR)
            )
        )
        if set(ids) - found:
            raise InvalidInput("所选成员不存在、已停用或不是考评组成员。", field="team")
        if ids and (lead_id is None or lead_id not in ids):
            raise Refused(rule_refusal("no_lead", TEAM_RULE, "请在考评组成员中指定一名组长"), field="lead")
        existing = {a.user_id: a for a in campaign.assessors}
        seats: list[CampaignAssessor] = []
        for member in ids:
            seat = existing.pop(member, None) or CampaignAssessor(user_id=member)
            seat.lead = member == lead_id
            seats.append(seat)
        campaign.assessors = seats
        _touch(campaign)
        db.session.flush()
        _audit(user, campaign, "team_changed", f"考评组{len(seats)}人", TEAM_RULE)
    return campaign


def _scheme_version(preset: Preset, chosen: str | None) -> str:
    """The version of the preset's table the campaign scores with: the one chosen among the registered versions
    of that table (an office's own table imported from .xlsx — SAF's annex, GAP-1 — under the same table id),
    else the shipped one."""
    if not chosen:
        return preset.scheme_version
    scheme_id, at, version = chosen.partition("@")
    if at and scheme_id != preset.scheme_id:
        raise InvalidInput("所选评分表版本不属于该考评办法。", field="scheme_version")
    chosen = version if at else chosen
    known = db.session.scalar(
        sa.select(SchemeVersion.id).where(
            SchemeVersion.scheme_id == preset.scheme_id, SchemeVersion.version == chosen
        )
    )
    if known is None:
        raise InvalidInput("所选评分表版本不属于该考评办法。", field="scheme_version")
    return chosen


# --- what the forms offer ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionChoice:
    scheme_id: str
    version: str
    name: str
    imported: bool


def version_choices() -> list[VersionChoice]:
    """Every registered version of the presets' tables (shipped and imported), for the new-campaign form."""
    ids = {p.scheme_id for p in presets()}
    rows = db.session.scalars(
        sa.select(SchemeVersion).where(SchemeVersion.scheme_id.in_(ids)).order_by(SchemeVersion.id)
    )
    return [VersionChoice(r.scheme_id, r.version, r.name, r.source == "imported") for r in rows]


@dataclass(frozen=True)
class PresetChoice:
    id: str
    name: str
    period_kind: str
    scheme_id: str
    scheme_version: str


def preset_choices() -> list[PresetChoice]:
    return [PresetChoice(p.id, p.name, p.period_kind, p.scheme_id, p.scheme_version) for p in presets()]


def unit_candidates(user: User | None, *, query: str = "", page: int = 1, per_page: int = 50) -> Any:
    """Active organisations the office may assess (not itself), by name, paginated in the query."""
    office_id = _staff_office(user)
    stmt = sa.select(Organisation).where(Organisation.active.is_(True), Organisation.id != office_id)
    text = query.strip()[:60]
    if text:
        stmt = stmt.where(Organisation.name.contains(text, autoescape=True))
    stmt = stmt.order_by(Organisation.name, Organisation.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def assessor_candidates(user: User | None, *, query: str = "", page: int = 1, per_page: int = 50) -> Any:
    """Active users holding the assessor role (考评组成员), by name, paginated in the query."""
    _staff_office(user)
    stmt = (
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == Role.ASSESSOR)
    )
    text = query.strip()[:60]
    if text:
        stmt = stmt.where(User.display_name.contains(text, autoescape=True))
    stmt = stmt.order_by(User.display_name, User.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def organisations_by_id(ids: Iterable[int]) -> dict[int, Organisation]:
    wanted = list(ids)
    if not wanted:
        return {}
    return {o.id: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(wanted)))}


def load_members(campaign: Campaign) -> Campaign:
    """``campaign`` with its units and their organisations, its team and their people and organisations loaded in
    two statements: the setup page shows every one (a campaign of the generated province has 101 units, which
    were one statement each)."""
    db.session.execute(
        sa.select(Campaign)
        .where(Campaign.id == campaign.id)
        .options(
            selectinload(Campaign.units).joinedload(CampaignUnit.organisation),
            selectinload(Campaign.assessors).joinedload(CampaignAssessor.user).joinedload(User.organisation),
        )
    ).all()
    return campaign
