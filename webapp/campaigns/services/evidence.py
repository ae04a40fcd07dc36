"""A unit's supporting materials (佐证材料) for its self-assessment: uploaded with a title, the date that counts
(发文日期或上报时间) and their place in the bound volume (STA-4.2: 「应按照顺序装订成册后上报市局」), optionally
tied to one item of the score table.

Only materials dated within the campaign's period count (STA GAP-8: 「以发文日期或上报时间为准」, read as
dated within the period). A material dated outside it is still stored — the unit sent it, and the office sees
what was sent — but is marked 「不在考评期内，不计入」 everywhere it is listed.

The unit's 填报人 adds, removes and reorders its materials while it may still change its self-assessment
(`unit_may_edit`); the office, the assessment team and the unit itself read and download them. Each file is
checked by its content (`webapp.core.services.uploads`, the one check every upload uses) and stored under
``UPLOAD_FOLDER`` by a content-derived name; a file written before a failed commit is removed. Every change
writes the campaign's audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from webapp.campaigns.models import Campaign, CampaignEvidence, CampaignUnit
from webapp.campaigns.services import permissions
from webapp.campaigns.services.campaigns import SUBJECT, load, unit_of_work
from webapp.campaigns.services.claims import visible_text
from webapp.campaigns.services.errors import Refused
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import uploads
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus
from workflow.campaigns.rules import quote
from workflow.campaigns.table import ASSESS_STATES, STATE_LABELS
from workflow.errors import Refusal

#: Documents and images; archives are not a bound material.
EVIDENCE_EXTENSIONS = frozenset({"pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"})
#: A unit's volume of materials is bounded: more than this is a folder dump, not a bound volume (and keeps the
#: unit page's list to one bounded query).
MAX_EVIDENCE = 200
TITLE_MAX = 200
#: The rule the in-period mark cites (STA-4.2 and its GAP-8 reading).
PERIOD_RULE = "STA-4.2"
OUT_OF_PERIOD = "不在考评期内，不计入"
#: Dates a person may type: the measures date from the 2010s; past 2100 is a typing error.
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)


def accepted_extensions() -> frozenset[str]:
    return frozenset(current_app.config["ALLOWED_UPLOAD_EXTENSIONS"]) & EVIDENCE_EXTENSIONS


def accepted_text() -> str:
    return uploads.allowed_text(accepted_extensions())


def in_period(campaign: Campaign, dated: date) -> bool:
    """The material counts: dated within the campaign's period (STA GAP-8)."""
    return campaign.period_start <= dated <= campaign.period_end


def period_text(campaign: Campaign) -> str:
    """「2026年1月1日至2026年12月31日」."""
    a, b = campaign.period_start, campaign.period_end
    return f"{a.year}年{a.month}月{a.day}日至{b.year}年{b.month}月{b.day}日"


def out_of_period_note(campaign: Campaign) -> str:
    """What the list says beside a material that does not count, quoting the rule (STA-4.2, read by GAP-8)."""
    return f"{OUT_OF_PERIOD}（考评期为{period_text(campaign)}；{quote(PERIOD_RULE)}）"


def unit_may_edit(campaign: Campaign, cu: CampaignUnit) -> bool:
    """The unit still assembles its materials: while it self-assesses, and late while the team assesses, until
    it submits its self-assessment (the volume is then 上报; reopening the sheet reopens the volume)."""
    return campaign.state in ASSESS_STATES and not self_submitted(cu)


def self_submitted(cu: CampaignUnit) -> bool:
    """The unit's 自评表 is submitted (one query)."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(ScoreSheet.id)).where(
                ScoreSheet.subject_type == SHEET_SUBJECT,
                ScoreSheet.subject_id == cu.id,
                ScoreSheet.kind == SheetKind.SELF,
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
        )
    )


@dataclass(frozen=True)
class EvidenceRow:
    """A material as the lists show it."""

    evidence: CampaignEvidence
    counts: bool
    note: str
    item_label: str
    #: uploaded after the materials were due (shown, not refused: the office decides what it accepts)
    late: bool


def _refused(campaign: Campaign) -> Refused:
    if campaign.state in ASSESS_STATES:
        return Refused(
            Refusal(
                "self_submitted",
                "本单位自评表已提交，佐证材料随自评表一并上报；如需调整，请先撤回（重新打开）自评表。"
                f"{quote(PERIOD_RULE)}",
                PERIOD_RULE,
            )
        )
    return Refused(
        Refusal(
            "materials_closed",
            f"考评活动当前为「{campaign_state_label(campaign)}」，佐证材料只能在自评或考评期间上传、删除和调整。"
            f"{quote(PERIOD_RULE)}",
            PERIOD_RULE,
        )
    )


def campaign_state_label(campaign: Campaign) -> str:
    return STATE_LABELS.get(campaign.state, campaign.state)


def _editable_unit(user: User, cu_id: int, *, lock: bool = False) -> tuple[Campaign, CampaignUnit]:
    """The campaign unit ``user`` fills for, open for its materials; NotFound when it is not theirs to see,
    `Refused` (403) when they see it but may not change it now."""
    cu = db.session.get(CampaignUnit, cu_id)
    if cu is None:
        raise NotFound("被考评单位不存在或您无权查看。")
    campaign = load(user, cu.campaign_id, lock=lock)
    mine = permissions.unit_of(user, campaign)
    if mine is None or mine.id != cu.id:
        if not permissions.functions_on(user, campaign) - {"unit"}:
            raise NotFound("被考评单位不存在或您无权查看。")
        raise Refused(Refusal("forbidden", "佐证材料由被考评单位填报人上传。", PERIOD_RULE))
    if not unit_may_edit(campaign, cu):
        raise _refused(campaign)
    return campaign, cu


def readable_unit(user: User, cu_id: int) -> tuple[Campaign, CampaignUnit]:
    """The campaign unit if ``user`` may read its materials: the unit itself, the office, the team."""
    cu = db.session.get(CampaignUnit, cu_id)
    if cu is None:
        raise NotFound("被考评单位不存在或您无权查看。")
    campaign = load(user, cu.campaign_id)
    functions = permissions.functions_on(user, campaign)
    mine = permissions.unit_of(user, campaign)
    if not (functions - {"unit"}) and (mine is None or mine.id != cu.id):
        raise NotFound("被考评单位不存在或您无权查看。")
    return campaign, cu


def parse_date(raw: str | None) -> date:
    text = (raw or "").strip()
    if not text:
        raise InvalidInput("请填写发文日期或上报时间。", field="dated")
    try:
        value = date.fromisoformat(text[:10]) if len(text) <= 10 else None
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput("发文日期或上报时间格式应为 年-月-日（如 2026-03-15）。", field="dated")
    if not DATE_MIN <= value <= DATE_MAX:
        raise InvalidInput("发文日期或上报时间须在2000年至2100年之间。", field="dated")
    return value


def _clean_title(raw: str | None) -> str:
    title = " ".join(visible_text(raw).split())
    if not title:
        raise InvalidInput("请填写材料名称。", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"材料名称不超过{TITLE_MAX}字（现{len(title)}字）。", field="title")
    return title


def item_choices(campaign: Campaign) -> list[tuple[str, str]]:
    """("", 整体) and the score table's items as the table names them, for the upload form."""
    from webapp.scoring.services.schemes import get_scheme

    try:
        scheme = get_scheme(campaign.scheme_id, campaign.scheme_version)
    except NotFound:
        return [("", "（不指定评分项目）")]
    return [("", "（不指定评分项目）")] + [(item.id, scheme.label(item.id)) for item in scheme.leaf_items()]


def _clean_item(campaign: Campaign, raw: str | None) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    if value not in {key for key, _ in item_choices(campaign)}:
        raise InvalidInput("所选评分项目不在本次考评的评分表中。", field="item_id")
    return value


def add(
    user: User,
    cu_id: int,
    file: FileStorage | None,
    *,
    title: str | None,
    dated: str | None,
    item_id: str | None = None,
) -> CampaignEvidence:
    """Check the typed values and the file, store it last in the binding order, with its audit row, in one
    transaction (a file written before a failed commit is removed)."""
    written: list[Path] = []
    try:
        with unit_of_work():
            campaign, cu = _editable_unit(user, cu_id, lock=True)
            clean_title = _clean_title(title)
            day = parse_date(dated)
            item = _clean_item(campaign, item_id)
            if file is None or not getattr(file, "filename", None):
                raise InvalidInput("请选择要上传的文件。", field="file")
            count, last = db.session.execute(
                sa.select(sa.func.count(CampaignEvidence.id), sa.func.max(CampaignEvidence.position)).where(
                    CampaignEvidence.campaign_unit_id == cu.id
                )
            ).one()
            if (count or 0) >= MAX_EVIDENCE:
                raise InvalidInput(f"每个单位最多上传{MAX_EVIDENCE}份佐证材料。", field="file")
            saved = uploads.store_upload(file.filename or "", file.read(), accepted_extensions())
            written.append(saved.path)
            evidence = CampaignEvidence(
                campaign_unit_id=cu.id,
                position=(last or 0) + 1,
                title=clean_title,
                dated=day,
                item_id=item,
                original_filename=saved.checked.filename,
                stored_filename=saved.stored,
                size=saved.size,
                sha256=saved.sha256,
                content_type=saved.checked.mime,
                uploaded_by_id=user.id,
                at=clock.now(),
            )
            db.session.add(evidence)
            db.session.flush()
            counted = "" if in_period(campaign, day) else f"（{OUT_OF_PERIOD}）"
            append_event(
                SUBJECT,
                campaign.id,
                "evidence_added",
                actor=user,
                from_state=campaign.state,
                to_state=campaign.state,
                comment=f"{cu.organisation.name}上传佐证材料：{clean_title}（{day.isoformat()}）{counted}",
                rule_id=PERIOD_RULE,
            )
    except BaseException:
        uploads.remove_files(written)
        raise
    return evidence


def _evidence_of(cu: CampaignUnit, evidence_id: int) -> CampaignEvidence:
    evidence = db.session.get(CampaignEvidence, evidence_id)
    if evidence is None or evidence.campaign_unit_id != cu.id:
        raise NotFound("佐证材料不存在或您无权查看。")
    return evidence


def remove(user: User, cu_id: int, evidence_id: int) -> CampaignEvidence:
    """Delete a material while the unit may still edit; the audit row keeps its name and hash, the bytes leave
    the disk after the commit; the others close up the binding order."""
    with unit_of_work():
        campaign, cu = _editable_unit(user, cu_id, lock=True)
        evidence = _evidence_of(cu, evidence_id)
        stored = evidence.stored_filename
        db.session.delete(evidence)
        db.session.flush()
        _renumber(cu.id)
        append_event(
            SUBJECT,
            campaign.id,
            "evidence_removed",
            actor=user,
            from_state=campaign.state,
            to_state=campaign.state,
            comment=f"{cu.organisation.name}删除佐证材料：{evidence.title}（{evidence.sha256[:12]}）",
        )
    uploads.remove_files([uploads.upload_folder() / stored])
    return evidence


def move(user: User, cu_id: int, evidence_id: int, direction: str) -> None:
    """Move a material one place up or down in the binding order (STA-4.2)."""
    if direction not in ("up", "down"):
        raise InvalidInput("只能上移或下移。", field="direction")
    with unit_of_work():
        campaign, cu = _editable_unit(user, cu_id, lock=True)
        rows = list(
            db.session.scalars(
                sa.select(CampaignEvidence)
                .where(CampaignEvidence.campaign_unit_id == cu.id)
                .order_by(CampaignEvidence.position, CampaignEvidence.id)
                .limit(MAX_EVIDENCE)
            )
        )
        index = next((i for i, row in enumerate(rows) if row.id == evidence_id), None)
        if index is None:
            raise NotFound("佐证材料不存在或您无权查看。")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, 1):
            row.position = position
        append_event(
            SUBJECT,
            campaign.id,
            "evidence_reordered",
            actor=user,
            from_state=campaign.state,
            to_state=campaign.state,
            comment=f"{cu.organisation.name}调整佐证材料顺序：{rows[other].title}"
            f"{'上移' if direction == 'up' else '下移'}至第{other + 1}份",
            rule_id=PERIOD_RULE,
        )


def _renumber(cu_id: int) -> None:
    rows = db.session.scalars(
        sa.select(CampaignEvidence)
        .where(CampaignEvidence.campaign_unit_id == cu_id)
        .order_by(CampaignEvidence.position, CampaignEvidence.id)
        .limit(MAX_EVIDENCE)
    )
    for position, row in enumerate(rows, 1):
        row.position = position


def rows_of(campaign: Campaign, cu: CampaignUnit) -> list[EvidenceRow]:
    """The unit's materials in binding order, each marked whether it counts (one bounded query)."""
    labels = dict(item_choices(campaign))
    found = db.session.scalars(
        sa.select(CampaignEvidence)
        .where(CampaignEvidence.campaign_unit_id == cu.id)
        .order_by(CampaignEvidence.position, CampaignEvidence.id)
        .limit(MAX_EVIDENCE)
    )
    note = out_of_period_note(campaign)
    due = campaign.materials_due
    rows = []
    for evidence in found:
        counts = in_period(campaign, evidence.dated)
        rows.append(
            EvidenceRow(
                evidence=evidence,
                counts=counts,
                note="" if counts else note,
                item_label=labels.get(evidence.item_id, "") if evidence.item_id else "",
                late=due is not None and (clock.local(evidence.at) or evidence.at).date() > due,
            )
        )
    return rows


def evidence_file(user: User, cu_id: int, evidence_id: int) -> tuple[CampaignEvidence, Path]:
    """A material and the path of its bytes, for whoever may read the unit's materials (NotFound otherwise)."""
    _, cu = readable_unit(user, cu_id)
    evidence = _evidence_of(cu, evidence_id)
    path = uploads.upload_folder() / evidence.stored_filename
    if not path.is_file():
        raise NotFound("材料文件已丢失，请联系管理员。")
    return evidence, path
