"""A unit's declared performance and faults (ORG-PR.1) and its materials (STA-4.2) over JSON, as the unit and the
office pages do them: the unit declares and withdraws, the office verifies or rejects with a note and records a
fault it found (ORG-PR.2); the unit uploads its materials, each marked whether it is dated within the period.

The views only read the request and shape the answer; who may, the typed values' ranges and every refusal are
the services' (`webapp.campaigns.services.claims`, `.evidence`). Whoever may not see the unit gets 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file
from flask_login import current_user
from pydantic import ValidationError

from webapp.campaigns.api import schemas
from webapp.campaigns.models import CampaignClaim, CampaignEvidence
from webapp.campaigns.services import claims, evidence, unit_pages
from webapp.core import clock
from webapp.core.api.spec import message, operation
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.services import uploads
from webapp.core.services.errors import InvalidInput, NotFound

_READ_ERRORS: dict[int, tuple[str, Any] | str] = {404: "no such unit, or the caller may not see it"}
_WRITE_ERRORS: dict[int, tuple[str, Any] | str] = {
    **_READ_ERRORS,
    400: "a typed value refused (field, Chinese message)",
    403: "the caller sees the unit but may not do this (the rule named)",
    409: "not in this state, or already decided (Chinese message, rule ORG-PR.1 / STA-4.2)",
}


def register(bp: Blueprint) -> None:
    rules: list[tuple[str, Any, str]] = [
        ("/campaigns/units/<int:cu_id>/claims", unit_claims, "GET"),
        ("/campaigns/units/<int:cu_id>/claims", declare_claim, "POST"),
        ("/campaigns/units/<int:cu_id>/claims/<int:claim_id>", withdraw_claim, "DELETE"),
        ("/campaigns/units/<int:cu_id>/claims/found", record_found_fault, "POST"),
        ("/campaigns/<int:campaign_id>/claims/<int:claim_id>/decision", decide_claim, "POST"),
        ("/campaigns/units/<int:cu_id>/evidence", unit_evidence, "GET"),
        ("/campaigns/units/<int:cu_id>/evidence", upload_evidence, "POST"),
        ("/campaigns/units/<int:cu_id>/evidence/<int:evidence_id>/file", evidence_file, "GET"),
    ]
    for rule, view, method in rules:
        bp.add_url_rule(rule, endpoint=f"campaign_{view.__name__}", view_func=view, methods=[method])


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def claim_json(claim: CampaignClaim) -> dict[str, Any]:
    category = claims.CATEGORIES.get(claim.category)
    return {
        "id": claim.id,
        "campaign_unit_id": claim.campaign_unit_id,
        "kind": claim.kind,
        "kind_label": claims.KIND_LABELS.get(claim.kind, ""),
        "category": claim.category,
        "category_label": category.label if category else "",
        "content": claim.content,
        "content_key": claim.content_key,
        "points": f"{claim.points:.2f}",
        "declared": claim.declared,
        "evidence": claim.evidence,
        "status": claim.status,
        "status_label": claims.STATUS_LABELS.get(claim.status, ""),
        "note": claim.note,
        "created_at": _iso(claim.created_at),
        "verified_at": _iso(claim.verified_at),
    }


@login_required
@operation(
    "A unit's declared and found performance and faults, and what the verified ones count for",
    responses={200: ("the unit's claims", schemas.CampaignUnitClaims), **_READ_ERRORS},
)
def unit_claims(cu_id: int) -> Response:
    page = unit_pages.build(current_user, cu_id, clock.today())
    counted: claims.Counted = page.extra["counted"]
    return jsonify(
        {
            "campaign_id": page.campaign.id,
            "campaign_unit_id": page.cu.id,
            "unit": page.cu.organisation.name,
            "may_declare": page.may_declare,
            "items": [claim_json(c) for c in page.claims],
            "counted": {
                "bonus_raw": f"{counted.bonus.raw:.2f}",
                "bonus": f"{counted.bonus.total:.2f}",
                "bonus_capped": counted.bonus.capped,
                "deduction": f"{counted.faults.deduction:.2f}",
                "vetoed": counted.faults.vetoed,
                "rules": list(counted.faults.rules),
            },
        }
    )


@login_required
@operation(
    "The unit declares a performance or a fault (ORG-PR.1); pending until the office decides",
    body=schemas.CampaignClaimRequest,
    responses={201: ("the claim", schemas.CampaignClaimItem), **_WRITE_ERRORS},
)
def declare_claim(cu_id: int, body: schemas.CampaignClaimRequest) -> tuple[Response, int]:
    claim = claims.declare(
        current_user,
        cu_id,
        kind=body.kind,
        category=body.category,
        content=body.content,
        points=body.points,
        content_key=body.content_key,
        evidence=body.evidence,
    )
    return jsonify(claim_json(claim)), 201


@login_required
@operation(
    "The unit withdraws a claim the office has not decided yet",
    responses={204: ("withdrawn", None), **_WRITE_ERRORS},
)
def withdraw_claim(cu_id: int, claim_id: int) -> tuple[Response, int]:
    claims.withdraw(current_user, cu_id, claim_id)
    return Response(status=204), 204


@login_required
@operation(
    "The office records a fault it found that the unit did not declare: verified, counted double or vetoing "
    "(ORG-PR.2)",
    body=schemas.CampaignFoundFaultRequest,
    responses={201: ("the fault", schemas.CampaignClaimItem), **_WRITE_ERRORS},
)
def record_found_fault(cu_id: int, body: schemas.CampaignFoundFaultRequest) -> tuple[Response, int]:
    claim = claims.record_found_fault(
        current_user,
        cu_id,
        category=body.category,
        content=body.content,
        points=body.points,
        note=body.note,
        content_key=body.content_key,
    )
    return jsonify(claim_json(claim)), 201


@login_required
@operation(
    "The office verifies (认定) or rejects (不予认定) a pending claim with a note (ORG-PR.1)",
    body=schemas.CampaignClaimDecisionRequest,
    responses={
        200: ("the decided claim", schemas.CampaignClaimItem),
        **_WRITE_ERRORS,
        404: "no such claim in this campaign, or the caller may not see it",
    },
)
def decide_claim(campaign_id: int, claim_id: int, body: schemas.CampaignClaimDecisionRequest) -> Response:
    claim = db.session.get(CampaignClaim, claim_id)
    if claim is None or claim.unit.campaign_id != campaign_id:
        raise NotFound("申报记录不存在或您无权查看。")
    return jsonify(claim_json(claims.decide(current_user, claim_id, decision=body.decision, note=body.note)))


def evidence_json(row: evidence.EvidenceRow) -> dict[str, Any]:
    e: CampaignEvidence = row.evidence
    return {
        "id": e.id,
        "position": e.position,
        "title": e.title,
        "dated": e.dated.isoformat(),
        "item_id": e.item_id,
        "item_label": row.item_label,
        "original_filename": e.original_filename,
        "size": e.size,
        "content_type": e.content_type,
        "sha256": e.sha256,
        "at": _iso(e.at),
        "in_period": row.counts,
        "note": row.note,
        "late": row.late,
    }


@login_required
@operation(
    "A unit's materials in binding order, each marked whether it is dated within the period (STA-4.2, GAP-8)",
    responses={200: ("the materials", schemas.CampaignUnitEvidence), **_READ_ERRORS},
)
def unit_evidence(cu_id: int) -> Response:
    campaign, cu = evidence.readable_unit(current_user, cu_id)
    return jsonify(
        {
            "campaign_id": campaign.id,
            "campaign_unit_id": cu.id,
            "period_start": campaign.period_start.isoformat(),
            "period_end": campaign.period_end.isoformat(),
            "items": [evidence_json(row) for row in evidence.rows_of(campaign, cu)],
        }
    )


def _form() -> dict[str, str]:
    """The typed fields as the form model documents them (every value a string; a refusal names the field)."""
    typed = {name: request.form[name] for name in ("title", "dated", "item_id") if name in request.form}
    try:
        schemas.CampaignEvidenceUploadForm.model_validate({**typed, "file": b""})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(message(schemas.CampaignEvidenceUploadForm, error), str(error["loc"][0])) from None
    return typed


@login_required
@operation(
    "The unit uploads a material (multipart): kept even when dated outside the period, then marked 不计入",
    form=schemas.CampaignEvidenceUploadForm,
    responses={
        201: ("the stored material", schemas.CampaignEvidenceItem),
        **_WRITE_ERRORS,
        409: "the self-assessment is submitted, or not in this state (rule STA-4.2)",
        413: "the file is too large",
    },
)
def upload_evidence(cu_id: int) -> tuple[Response, int]:
    typed = _form()
    file = request.files.get("file")
    if file is None or not file.filename:
        raise InvalidInput("请以 multipart/form-data 上传 file 字段", "file")
    stored = evidence.add(
        current_user,
        cu_id,
        file,
        title=typed.get("title"),
        dated=typed.get("dated"),
        item_id=typed.get("item_id"),
    )
    campaign, cu = evidence.readable_unit(current_user, cu_id)
    row = next(r for r in evidence.rows_of(campaign, cu) if r.evidence.id == stored.id)
    return jsonify(evidence_json(row)), 201


@login_required
@operation(
    "A material's file (its type as checked at upload)",
    responses={200: ("the file", None), 404: "no such material, or the caller may not see it"},
)
def evidence_file(cu_id: int, evidence_id: int) -> Response:
    row, path = evidence.evidence_file(current_user, cu_id, evidence_id)
    response = send_file(path, mimetype=uploads.served_mime(row.content_type), as_attachment=True)
    response.headers["Content-Disposition"] = uploads.content_disposition(row.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
