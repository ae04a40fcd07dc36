"""Declared performance (业绩) and faults (过错), and their verification (ORG-PR.1: 申报认定).

- The unit declares what it achieved (ORG-6.4: a district 重大创新项目 +20, a 创新项目 +10, or another
  performance with the points the office's rules give) and what went wrong (a 一般过错 with its deduction, or a
  否决性过错) while it self-assesses or is being assessed; it may withdraw a claim not yet decided.
- The office records a fault it found that the unit did not declare (``declared=False``): ORG-PR.2 「发生过错
  未上报的，经区委组织部查实后直接确定为过错」 — it is verified when recorded and counts double, or vetoes.
- The office verifies or rejects each declared claim with a note. Only verified claims count; the domain
  (`workflow.campaigns.claims`) turns them into the performance bonus (capped, ORG-6.2/6.3) and the fault
  deductions (ORG-PR.2).

Verification happens while the team assesses: the campaign cannot move to moderation while a claim is pending
(the ``all_agreed`` guard, ORG-PR.1).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignClaim, CampaignUnit
from webapp.campaigns.services import permissions
from webapp.campaigns.services.campaigns import SUBJECT, load, unit_of_work
from webapp.campaigns.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from workflow.campaigns import claims as domain
from workflow.campaigns.rules import refusal as rule_refusal
from workflow.campaigns.table import ASSESS_STATES, STATE_LABELS
from workflow.errors import Refusal


@dataclass(frozen=True)
class Category:
    kind: str
    label: str
    #: the points the rules fix for it (ORG-6.4), or None when the office's rules give them and they are typed
    fixed: Decimal | None
    rule: str


CATEGORIES: dict[str, Category] = {
    "major_innovation": Category("performance", "区重大创新项目", Decimal(20), "ORG-6.4"),
    "innovation": Category("performance", "区创新项目", Decimal(10), "ORG-6.4"),
    "other": Category("performance", "其他业绩", None, "ORG-6.1"),
    "general": Category("fault", "一般过错", None, "ORG-PR.2"),
    "veto": Category("fault", "否决性过错", Decimal(0), "ORG-PR.2"),
}
KIND_LABELS = {"performance": "业绩", "fault": "过错"}
STATUS_LABELS = {"pending": "待认定", "verified": "已认定", "rejected": "不予认定"}
#: A typed performance bonus is at most the whole cap (ORG-6.2: 加分最多不超过50分); a typed deduction at most
#: the table's 100 points.
PERFORMANCE_MAX = Decimal(50)
FAULT_MAX = Decimal(100)
CONTENT_MAX, KEY_MAX, EVIDENCE_MAX, NOTE_MAX, NOTE_MIN = 300, 60, 300, 500, 2
PER_PAGE = 20


def categories_of(kind: str) -> list[tuple[str, str]]:
    return [(key, c.label) for key, c in CATEGORIES.items() if c.kind == kind]


# -- typed values ----------------------------------------------------------------------------------------------


def visible_text(raw: str | None) -> str:
    """What was typed without control, invisible-format (bidi overrides, zero-width) or unassigned characters,
    which would make a claim read differently from what is stored."""
    text = unicodedata.normalize("NFC", raw or "")
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\t\n"
    )


def _text(raw: str | None, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(visible_text(raw).split())
    if required and not text:
        raise InvalidInput(f"请填写{label}。", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{label}不超过{limit}字（现{len(text)}字）。", field=field)
    return text


def _points(category: Category, raw: str | None) -> Decimal:
    if category.fixed is not None:
        return category.fixed
    text = (raw or "").strip()
    limit = PERFORMANCE_MAX if category.kind == "performance" else FAULT_MAX
    what = "加分" if category.kind == "performance" else "扣分"
    try:
        value = Decimal(text) if text and len(text) <= 12 else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(f"请填写{what}分值（0.01–{limit}）。", field="points")
    # the range first: quantizing a huge exponent (1e999999) would raise instead of refusing
    if not Decimal("0.01") <= value <= limit:
        raise InvalidInput(f"{what}分值须在0.01–{limit}之间。", field="points")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(f"{what}分值最多两位小数。", field="points")
    return value


def _category(kind: str | None, raw: str | None) -> Category:
    category = CATEGORIES.get((raw or "").strip())
    if category is None or (kind is not None and category.kind != kind):
        raise InvalidInput("请选择业绩或过错的类别。", field="category")
    return category


# -- who may ---------------------------------------------------------------------------------------------------


def _unit_for(user: User, cu_id: int, *, lock: bool = False) -> tuple[Campaign, CampaignUnit, frozenset[str]]:
    cu = db.session.get(CampaignUnit, cu_id)
    if cu is None:
        raise NotFound("被考评单位不存在或您无权查看。")
    campaign = load(user, cu.campaign_id, lock=lock)
    functions = permissions.functions_on(user, campaign)
    mine = permissions.unit_of(user, campaign)
    if not (functions - {"unit"}) and (mine is None or mine.id != cu.id):
        raise NotFound("被考评单位不存在或您无权查看。")
    own = frozenset({"own"}) if mine is not None and mine.id == cu.id else frozenset()
    return campaign, cu, functions | own


def _open(campaign: Campaign, who: str) -> None:
    if campaign.state not in ASSESS_STATES:
        state = STATE_LABELS.get(campaign.state, campaign.state)
        raise Refused(
            Refusal(
                "claims_closed",
                f"考评活动当前为「{state}」，{who}只能在自评和考评期间办理"
                "（依据《区组织工作考核办法》：年末，由区绩效办发出通知 · ORG-PR.1）。",
                "ORG-PR.1",
            )
        )


def _office(functions: frozenset[str]) -> bool:
    return bool(functions & {"staff"})


def can_declare(user: User, campaign: Campaign, cu: CampaignUnit) -> bool:
    mine = permissions.unit_of(user, campaign)
    return mine is not None and mine.id == cu.id and campaign.state in ASSESS_STATES


def can_verify(user: User, campaign: Campaign) -> bool:
    return "staff" in permissions.functions_on(user, campaign) and campaign.state in ASSESS_STATES


# -- the unit's declarations -----------------------------------------------------------------------------------


def declare(
    user: User,
    cu_id: int,
    *,
    kind: str | None,
    category: str | None,
    content: str | None,
    points: str | None = None,
    content_key: str | None = None,
    evidence: str | None = None,
) -> CampaignClaim:
    """The unit declares a performance or a fault (pending until the office decides)."""
    if kind not in KIND_LABELS:
        raise InvalidInput("请选择申报业绩还是过错。", field="kind")
    with unit_of_work():
        campaign, cu, functions = _unit_for(user, cu_id, lock=True)
        if "own" not in functions:
            raise Refused(Refusal("forbidden", "业绩和过错由被考评单位填报人申报。", "ORG-PR.1"))
        _open(campaign, "申报")
        claim = _new_claim(user, cu, kind, category, content, points, content_key, evidence, declared=True)
        _audit(user, campaign, "claim_declared", f"{cu.organisation.name}申报{_describe(claim)}", "ORG-PR.1")
    return claim


def withdraw(user: User, cu_id: int, claim_id: int) -> None:
    """The unit withdraws a claim the office has not decided yet."""
    with unit_of_work():
        campaign, cu, functions = _unit_for(user, cu_id, lock=True)
        claim = _claim_of(cu, claim_id)
        if "own" not in functions or not claim.declared:
            raise Refused(Refusal("forbidden", "只能撤回本单位申报的业绩或过错。", "ORG-PR.1"))
        _open(campaign, "撤回申报")
        if claim.status != "pending":
            raise Refused(Refusal("claim_decided", "考评办已作出认定，不能撤回。", "ORG-PR.1"))
        _audit(
            user, campaign, "claim_withdrawn", f"{cu.organisation.name}撤回申报{_describe(claim)}", "ORG-PR.1"
        )
        db.session.delete(claim)


# -- the office ------------------------------------------------------------------------------------------------


def record_found_fault(
    user: User,
    cu_id: int,
    *,
    category: str | None,
    content: str | None,
    points: str | None = None,
    note: str | None = None,
    content_key: str | None = None,
) -> CampaignClaim:
    """A fault the office found that the unit did not declare: recorded as verified, not declared (ORG-PR.2 —
    it counts double, or vetoes)."""
    with unit_of_work():
        campaign, cu, functions = _unit_for(user, cu_id, lock=True)
        if not _office(functions):
            raise Refused(Refusal("forbidden", "查实的过错由考评办经办人记录。", "ORG-PR.2"))
        _open(campaign, "记录查实的过错")
        clean_note = _text(note, "note", "查实情况", NOTE_MAX)
        claim = _new_claim(user, cu, "fault", category, content, points, content_key, "", declared=False)
        claim.status = "verified"
        claim.note = clean_note
        claim.verified_by_id = user.id
        claim.verified_at = clock.now()
        _audit(
            user,
            campaign,
            "fault_found",
            f"查实{cu.organisation.name}未上报的{_describe(claim)}：{clean_note}"
            "（依据《区组织工作考核办法》：发生过错未上报的，经区委组织部查实后直接确定为过错，"
            "按照相应规定加倍扣分或进行一票否决 · ORG-PR.2）",
            "ORG-PR.2",
        )
    return claim


def decide(user: User, claim_id: int, *, decision: str | None, note: str | None) -> CampaignClaim:
    """The office verifies (认定) or rejects (不予认定) a pending claim, with a note (ORG-PR.1)."""
    if decision not in ("verified", "rejected"):
        raise InvalidInput("请选择认定或不予认定。", field="decision")
    claim = db.session.get(CampaignClaim, claim_id)
    if claim is None:
        raise NotFound("申报记录不存在或您无权查看。")
    with unit_of_work():
        campaign, cu, functions = _unit_for(user, claim.campaign_unit_id, lock=True)
        if not _office(functions):
            if functions - {"own", "unit"}:
                raise Refused(Refusal("forbidden", "业绩和过错由考评办认定。", "ORG-PR.1"))
            raise NotFound("申报记录不存在或您无权查看。")
        _open(campaign, "认定")
        clean = _text(note, "note", "认定意见", NOTE_MAX)
        if len(clean) < NOTE_MIN:
            raise InvalidInput(f"认定意见至少{NOTE_MIN}个字。", field="note")
        # the row lock on the campaign serialises decisions; a claim decided meanwhile is not decided again
        db.session.refresh(claim)
        if claim.status != "pending":
            raise Refused(rule_refusal("claim_decided", "ORG-PR.1", "该申报已作出认定，请刷新页面"))
        claim.status = decision
        claim.note = clean
        claim.verified_by_id = user.id
        claim.verified_at = clock.now()
        verb = "认定" if decision == "verified" else "不予认定"
        _audit(user, campaign, f"claim_{decision}", f"{verb}{cu.organisation.name}申报的{_describe(claim)}：{clean}",
               "ORG-PR.1")  # fmt: skip
    return claim


# -- reading ---------------------------------------------------------------------------------------------------


def claims_of_unit(cu: CampaignUnit, *, limit: int = 200) -> list[CampaignClaim]:
    """A unit's claims, oldest first (bounded; a unit declares a handful a year)."""
    return list(
        db.session.scalars(
            sa.select(CampaignClaim)
            .where(CampaignClaim.campaign_unit_id == cu.id)
            .order_by(CampaignClaim.id)
            .limit(limit)
        )
    )


def claims_page(campaign: Campaign, *, status: str = "", page: int = 1, per_page: int = PER_PAGE) -> Any:
    """The campaign's claims, pending first, one page at a time (paginated in the query)."""
    stmt = (
        sa.select(CampaignClaim)
        .join(CampaignUnit, CampaignUnit.id == CampaignClaim.campaign_unit_id)
        .where(CampaignUnit.campaign_id == campaign.id)
        .options(sa.orm.joinedload(CampaignClaim.unit).joinedload(CampaignUnit.organisation))
        .order_by(sa.case((CampaignClaim.status == "pending", 0), else_=1), CampaignClaim.id)
    )
    if status in STATUS_LABELS:
        stmt = stmt.where(CampaignClaim.status == status)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def unit_options(campaign: Campaign) -> list[tuple[int, str]]:
    """(campaign unit id, unit name) of the campaign's units in their order, in one query (the office's form)."""
    return [
        (cu_id, name)
        for cu_id, name in db.session.execute(
            sa.select(CampaignUnit.id, Organisation.name)
            .join(Organisation, Organisation.id == CampaignUnit.organisation_id)
            .where(CampaignUnit.campaign_id == campaign.id)
            .order_by(CampaignUnit.group, CampaignUnit.position, CampaignUnit.id)
        )
    ]


def describe(claim: CampaignClaim) -> str:
    return _describe(claim)


@dataclass(frozen=True)
class Counted:
    """What a unit's claims count for, as the domain reckons it from the verified ones."""

    bonus: domain.Bonus
    faults: domain.Faults


def counted(rows: list[CampaignClaim], cap: Decimal = domain.BONUS_CAP) -> Counted:
    """The performance bonus (highest per content, capped, ORG-6.2/6.3) and the fault deductions (doubled when
    found undeclared, ORG-PR.2; veto-class faults veto) from a unit's claims; only verified ones count."""
    performance = [
        domain.Claim(content=c.content_key or c.content, kind=c.category, points=c.points,
                     verified=c.status == "verified")
        for c in rows
        if c.kind == "performance"
    ]  # fmt: skip
    faults = [
        domain.Fault(description=c.content, kind=c.category, points=c.points, declared=c.declared,
                     verified=c.status == "verified")
        for c in rows
        if c.kind == "fault" and c.category in domain.FAULT_KINDS
    ]  # fmt: skip
    return Counted(domain.performance_bonus(performance, cap), domain.faults(faults))


# -- helpers ---------------------------------------------------------------------------------------------------


def _new_claim(
    user: User,
    cu: CampaignUnit,
    kind: str,
    category: str | None,
    content: str | None,
    points: str | None,
    content_key: str | None,
    evidence: str | None,
    *,
    declared: bool,
) -> CampaignClaim:
    cat = _category(kind, category)
    clean_content = _text(content, "content", "业绩或过错内容" if kind == "performance" else "过错内容",
                          CONTENT_MAX)  # fmt: skip
    value = _points(cat, points)
    # ORG-6.3: the same content counts once, at its highest item; claims sharing the key are one content
    key = (
        _text(content_key, "content_key", "同一内容归类", KEY_MAX, required=False) or clean_content[:KEY_MAX]
    )
    claim = CampaignClaim(
        campaign_unit_id=cu.id,
        kind=kind,
        content=clean_content,
        content_key=key,
        category=next(k for k, c in CATEGORIES.items() if c is cat),
        points=value,
        declared=declared,
        evidence=_text(evidence, "evidence", "依据文件", EVIDENCE_MAX, required=False),
        status="pending",
        created_by_id=user.id,
        created_at=clock.now(),
    )
    db.session.add(claim)
    db.session.flush()
    return claim


def _claim_of(cu: CampaignUnit, claim_id: int) -> CampaignClaim:
    claim = db.session.get(CampaignClaim, claim_id)
    if claim is None or claim.campaign_unit_id != cu.id:
        raise NotFound("申报记录不存在或您无权查看。")
    return claim


def _describe(claim: CampaignClaim) -> str:
    cat = CATEGORIES.get(claim.category)
    label = cat.label if cat else KIND_LABELS.get(claim.kind, "")
    if claim.category == "veto":
        return f"{label}「{claim.content}」"
    sign = "+" if claim.kind == "performance" else "−"
    return f"{label}「{claim.content}」（{sign}{claim.points.normalize():f}分）"


def _audit(user: User, campaign: Campaign, event: str, comment: str, rule: str) -> None:
    append_event(
        SUBJECT,
        campaign.id,
        event,
        actor=user,
        from_state=campaign.state,
        to_state=campaign.state,
        comment=comment,
        rule_id=rule,
    )
