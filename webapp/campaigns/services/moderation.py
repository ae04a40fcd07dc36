"""Moderation (审定): the office sees every unit side by side — self-assessment against the agreed sheet, per item
and per unit, with the spread of the assessors — and decides what the ranking cannot: the counts within the
quotas (STA-4.1: 优秀2-3名、良好3-4名 — a count outside the range is refused, quoting the rule), vetoes (ORG-12.3)
and 不合格 among the units left after the quotas (STA GAP-6), each with its reason, and the recognition score
(公认度评价, ORG-4.1 / ORG-PR.7).

The read model is built in a fixed number of queries (the campaign, its units with their names, every sheet of
every unit); the changes are only the office staff's, only while the campaign is in moderation, version-checked
and audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.campaigns.services import campaigns, permissions, results, standing
from webapp.campaigns.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.models.types import app_now
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus
from webapp.scoring.services.scoresheets.checks import item_scores
from workflow.campaigns.ranking import CampaignRanking, QuotaRefused, RankedUnit
from workflow.campaigns.rules import refusal as rule_refusal
from workflow.errors import Refusal

#: the states in which the office moderates (a return by the head comes back here, ORG-PR.8)
MODERATION_STATES = frozenset({"moderation"})
REASON_MIN, REASON_MAX = 4, 500
RECOGNITION_MAX = Decimal(100)
#: units per page of the board (a campaign has at most `setup.MAX_UNITS`, 300: six pages at most)
BOARD_PER_PAGE = 50
#: 不合格 is judged among the units the quotas leave (STA-4.1 / GAP-6); a veto stands on ORG-12.3
FAIL_RULE, VETO_RULE = "STA-4.1", "ORG-12.3"


# --- the read model ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    """One item of the scheme across the units: (self, agreed) per unit id, in the board's unit order."""

    id: str
    label: str
    max: Decimal | None
    scores: Mapping[int, tuple[Decimal | None, Decimal | None]]


@dataclass(frozen=True)
class UnitLine:
    id: int
    name: str
    group: str
    self_total: Decimal | None
    self_submitted: bool
    agreed_total: Decimal | None
    agreed_submitted: bool
    low: Decimal | None
    high: Decimal | None
    vetoed: bool
    veto_reason: str
    judged_fail: bool
    fail_reason: str
    recognition: Decimal | None
    ranked: RankedUnit | None

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def difference(self) -> Decimal | None:
        """Agreed minus self (negative: the team found less than the unit claimed); none while the agreed sheet is
        a draft (its total is not shown either)."""
        if self.self_total is None or self.agreed_total is None or not self.agreed_submitted:
            return None
        return self.agreed_total - self.self_total

    def named(self, name: str) -> UnitLine:
        """This line with its unit's name (the lines are made once per standing and shared; a page names those it
        shows): a copy of its fields, as `dataclasses.replace` makes without its checks (0.5 µs a line against
        3.7, fifty lines a page)."""
        line = object.__new__(UnitLine)
        line.__dict__.update(self.__dict__, name=name)
        return line


@dataclass(frozen=True)
class Board:
    campaign: Campaign
    units: tuple[UnitLine, ...]
    items: tuple[ItemRow, ...]
    ranking: CampaignRanking | None
    #: why the counts cannot stand (quoted), when they cannot
    refusal: QuotaRefused | None
    groups: tuple[str, ...]
    quotas: tuple[Mapping[str, Any], ...] = ()
    choices: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    #: the page of units shown (`units`, `items`) among `total` units in `pages` pages
    page: int = 1
    pages: int = 1
    total: int = 0

    @property
    def editable(self) -> bool:
        return self.campaign.state in MODERATION_STATES

    def units_of(self, group: str) -> list[UnitLine]:
        """The group's units by rank (units not ranked yet last, in their order)."""
        members = [u for u in self.units if u.group == group]
        return sorted(members, key=lambda u: (u.ranked is None, u.ranked.rank if u.ranked else 0))


def _item_rows(
    campaign: Campaign, sheets: Mapping[int, dict[str, dict[str, Decimal]]]
) -> tuple[ItemRow, ...]:
    try:
        scheme = results.scheme_of(campaign)
    except NotFound:
        return ()
    rows = []
    for item in scheme.items():
        scores = {
            unit_id: (by_kind.get("self", {}).get(item.id), by_kind.get("agreed", {}).get(item.id))
            for unit_id, by_kind in sheets.items()
        }
        rows.append(ItemRow(item.id, f"{item.no} {item.name}".strip(), item.max, scores))
    return tuple(rows)


def _item_scores(unit_ids: list[int]) -> dict[int, dict[str, dict[str, Decimal]]]:
    """Per item, the self and agreed scores of the page's units: their self and agreed sheets' results only (a
    page of units, so a bounded list; the reviewers' sheets are read as totals in the standing, `standing.of`)."""
    sheets: dict[int, dict[str, dict[str, Decimal]]] = {i: {} for i in unit_ids}
    if not unit_ids:
        return sheets
    for subject_id, kind, status, result in db.session.execute(
        sa.select(ScoreSheet.subject_id, ScoreSheet.kind, ScoreSheet.status, ScoreSheet.result).where(
            ScoreSheet.subject_type == results.SHEET_SUBJECT,
            ScoreSheet.subject_id.in_(unit_ids),
            ScoreSheet.kind.in_((SheetKind.SELF, SheetKind.AGREED)),
        )
    ):
        name = "self" if kind == SheetKind.SELF else "agreed"
        if status == SheetStatus.SUBMITTED or name == "agreed":
            sheets[subject_id][name] = item_scores(result)
    return sheets


def _board_order(lines: list[UnitLine]) -> list[UnitLine]:
    """Groups in their first appearance, each group's units by rank (units not ranked yet last, in order)."""
    groups = list(dict.fromkeys(line.group for line in lines))
    return sorted(
        lines,
        key=lambda u: (groups.index(u.group), u.ranked is None, u.ranked.rank if u.ranked else 0),
    )


def _named(lines: list[UnitLine]) -> list[UnitLine]:
    """The page's lines with their units' names as they are now."""
    names = results.names_of([line.id for line in lines])
    return [line.named(names.get(line.id, "")) for line in lines]


def _lines(shared: standing.Standing, ranking: CampaignRanking | None) -> tuple[UnitLine, ...]:
    """Every unit's line of the board (nameless: the page names the ones it shows), in the board's order."""
    ranked = {u.unit: u for u in ranking.units} if ranking is not None else {}
    lines = []
    for unit in sorted(shared.units, key=lambda u: (u.group, u.position, u.id)):
        sheets = shared.progress.units.get(unit.id) or results.UnitSheets()
        spread = sheets.reviewers
        lines.append(
            UnitLine(
                id=unit.id,
                name="",
                group=unit.group,
                self_total=sheets.self_total if sheets.self_submitted else None,
                self_submitted=sheets.self_submitted,
                agreed_total=sheets.agreed_total,
                agreed_submitted=sheets.agreed_submitted,
                low=min(spread) if spread else None,
                high=max(spread) if spread else None,
                vetoed=unit.vetoed,
                veto_reason=unit.veto_reason,
                judged_fail=unit.judged_fail,
                fail_reason=unit.fail_reason,
                recognition=unit.recognition,
                ranked=ranked.get(str(unit.id)),
            )
        )
    return tuple(_board_order(lines))


def board(user: User | None, campaign_id: int, *, page: int = 1) -> Board:
    """The side-by-side view for the office (staff or head), in any state after the self-assessment began.

    The ranking needs every unit's total: the campaign's standing holds them, read once per change and shared
    (`standing`); the lines shown, their names and the per-item comparison are one page of `BOARD_PER_PAGE`
    units in the board's order (group, then rank)."""
    campaign = campaigns.load(user, campaign_id)
    if not permissions.is_office(user, campaign):
        raise NotFound("考评活动不存在或您无权查看。")
    shared = standing.of(campaign)
    refusal: QuotaRefused | None = None
    ranking: CampaignRanking | None = None
    try:
        ranking = standing.ranking(campaign, shared)
    except QuotaRefused as exc:
        refusal = exc
    # every unit's line, in the board's order: made of the standing alone (its campaign row, units and sheets),
    # so made once per standing, not on every view of a 400-unit campaign
    ordered = shared.derived(("board_lines",), lambda: _lines(shared, ranking))
    pages = max(1, -(-len(ordered) // BOARD_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = _named(list(ordered[(page - 1) * BOARD_PER_PAGE : page * BOARD_PER_PAGE]))
    ids = [line.id for line in shown]
    rules = campaign.rules or {}
    return Board(
        campaign=campaign,
        units=tuple(shown),
        items=shared.derived(
            ("board_items", tuple(ids)), lambda: _item_rows(campaign, _item_scores(list(ids)))
        ),
        ranking=ranking,
        refusal=refusal,
        groups=tuple(dict.fromkeys(line.group for line in shown)),
        quotas=tuple(rules.get("quotas") or ()),
        choices=results.choices_of(campaign),
        page=page,
        pages=pages,
        total=len(ordered),
    )


# --- the office's decisions -------------------------------------------------------------------------------------


def _moderating(user: User | None, campaign_id: int, expected_version: int | None) -> Campaign:
    campaign = campaigns.load(user, campaign_id, lock=True)
    if "staff" not in permissions.functions_on(user, campaign):
        raise Refused(Refusal("forbidden", "只有考评办经办人可以审定结果。", None))
    campaigns.check_version(campaign, expected_version)
    if campaign.state not in MODERATION_STATES:
        raise Refused(
            rule_refusal("not_moderation", "STA-4.3", "只有在审定阶段才能调整等次名额、否决和不合格")
        )
    return campaign


def _audit(user: User | None, campaign: Campaign, event: str, comment: str, rule: str | None) -> None:
    campaign.updated_at = app_now()  # the campaign's version moves with every decision of the office
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


def parse_choices(raw: Mapping[str, Mapping[str, Any]], campaign: Campaign) -> dict[str, dict[str, int]]:
    """{group: {grade: count}} with whole numbers between 0 and the number of units; only the quotas' grades and
    the campaign's groups. An empty field leaves the grade to the ranking's default (the quota's maximum)."""
    grades = {str(q["grade"]) for q in (campaign.rules or {}).get("quotas") or ()}
    groups = {u.group for u in campaign.units}
    out: dict[str, dict[str, int]] = {}
    for group, counts in raw.items():
        if group not in groups:
            raise InvalidInput("排序组别不在本次考评之内。", field="choices")
        for grade, value in counts.items():
            if grade not in grades:
                raise InvalidInput("等次不在本次考评的名额规定之内。", field="choices")
            if value is None or str(value).strip() == "":
                continue
            try:
                count = int(str(value).strip())
            except ValueError:
                raise InvalidInput(f"{grade}名额应为整数。", field="choices") from None
            if not 0 <= count <= len(campaign.units):
                raise InvalidInput(f"{grade}名额应在0至{len(campaign.units)}之间。", field="choices")
            out.setdefault(group, {})[grade] = count
    return out


def set_choices(
    user: User | None,
    campaign_id: int,
    choices: Mapping[str, Mapping[str, Any]],
    *,
    expected_version: int | None = None,
) -> Campaign:
    """The office's counts within the quotas (STA-4.1, GAP-6). A count outside the range, or one that splits equal
    totals (tie_at_boundary = refuse), is refused with the rule quoted (400, field ``choices``); nothing is kept."""
    with campaigns.unit_of_work():
        campaign = _moderating(user, campaign_id, expected_version)
        counts = parse_choices(choices, campaign)
        campaign.choices = counts
        try:
            results.ranking(campaign, live=True)
        except QuotaRefused as exc:
            raise Refused(Refusal(exc.code, exc.message, exc.rule), field="choices") from exc
        described = "；".join(
            f"{group or '全部单位'}：" + "、".join(f"{grade}{n}名" for grade, n in grades.items())
            for group, grades in counts.items()
        )
        _audit(
            user,
            campaign,
            "choices_set",
            f"确定等次名额（{described or '按规定上限'}）",
            _quota_rule(campaign),
        )
    return campaign


def _quota_rule(campaign: Campaign) -> str:
    return str((campaign.rules or {}).get("quota_rule") or "STA-4.1")


def _reason(text: str | None, field: str) -> str:
    value = " ".join((text or "").split())
    if not REASON_MIN <= len(value) <= REASON_MAX:
        raise InvalidInput(f"请写明理由（{REASON_MIN}至{REASON_MAX}字）。", field=field)
    return value


def _unit(campaign: Campaign, unit_id: int) -> CampaignUnit:
    unit = next((u for u in campaign.units if u.id == unit_id), None)
    if unit is None:
        raise NotFound("该单位不在本次考评之内。")
    return unit


def set_veto(
    user: User | None,
    campaign_id: int,
    unit_id: int,
    *,
    vetoed: bool,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Campaign:
    """一票否决 (ORG-12.3, ORG-PR.2) with its reason, or lifted. A vetoed unit keeps its score and rank but takes no
    quota place (ORG GAP-10)."""
    with campaigns.unit_of_work():
        campaign = _moderating(user, campaign_id, expected_version)
        unit = _unit(campaign, unit_id)
        unit.veto_reason = _reason(reason, "veto_reason") if vetoed else ""
        unit.vetoed = vetoed
        name = unit.organisation.name
        _audit(
            user,
            campaign,
            "veto_set" if vetoed else "veto_lifted",
            f"{name}：一票否决，{unit.veto_reason}" if vetoed else f"{name}：撤销一票否决",
            VETO_RULE,
        )
    return campaign


def set_judged_fail(
    user: User | None,
    campaign_id: int,
    unit_id: int,
    *,
    judged_fail: bool,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Campaign:
    """不合格 judged by the office, with its reason, among the units the quotas leave (STA-4.1, GAP-6)."""
    with campaigns.unit_of_work():
        campaign = _moderating(user, campaign_id, expected_version)
        unit = _unit(campaign, unit_id)
        unit.fail_reason = _reason(reason, "fail_reason") if judged_fail else ""
        unit.judged_fail = judged_fail
        name = unit.organisation.name
        _audit(
            user,
            campaign,
            "fail_set" if judged_fail else "fail_lifted",
            f"{name}：评为不合格，{unit.fail_reason}" if judged_fail else f"{name}：撤销不合格",
            FAIL_RULE,
        )
    return campaign


def parse_score(raw: Any, field: str, maximum: Decimal = RECOGNITION_MAX) -> Decimal | None:
    """A score typed with at most two decimals between 0 and ``maximum``; None when left empty."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"分数应为0至{maximum}之间的数字。", field=field) from None
    if (
        not value.is_finite()
        or not Decimal(0) <= value <= maximum
        or value != value.quantize(Decimal("0.01"))
    ):
        raise InvalidInput(f"分数应为0至{maximum}之间、最多两位小数的数字。", field=field)
    return value


def set_recognition(
    user: User | None,
    campaign_id: int,
    unit_id: int,
    score: Any,
    *,
    expected_version: int | None = None,
) -> Campaign:
    """The 公认度评价 score of a unit (ORG-4.1, ORG-PR.7); its method and weight are lost in the source (ORG GAP-1),
    so the office records the score it evaluated, 0–100, or clears it."""
    with campaigns.unit_of_work():
        campaign = _moderating(user, campaign_id, expected_version)
        unit = _unit(campaign, unit_id)
        unit.recognition = parse_score(score, "recognition")
        _audit(
            user,
            campaign,
            "recognition_set",
            f"{unit.organisation.name}：公认度评价{unit.recognition if unit.recognition is not None else '未评'}",
            "ORG-PR.7",
        )
    return campaign
