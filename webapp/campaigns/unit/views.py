"""The unit's pages. Each view parses its input and calls one service; a refusal is shown beside the field it
concerns with what was typed kept, or at the top of the page, quoting its rule. Nothing here decides access:
the services do (`webapp.campaigns.services.permissions`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.campaigns.services import claims, evidence, unit_pages
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from webapp.core.services import uploads
from webapp.core.services.errors import ServiceError
from workflow.campaigns.table import STATE_LABELS

EVIDENCE_FIELDS = ("title", "dated", "item_id")
CLAIM_FIELDS = ("kind", "category", "content", "points", "content_key", "evidence")


@login_required
def mine() -> str:
    """Every campaign the user's unit is in, newest first, one page at a time."""
    if not unit_pages.is_unit_user(current_user):
        abort(403)
    page = unit_pages.my_campaigns(current_user, page=page_arg())
    return render_template(
        "campaigns/unit/mine.html", page=page, today=clock.today(), STATE_LABELS=STATE_LABELS
    )


def _render(cu_id: int, *, status: int = 200, typed: dict[str, Any] | None = None,
            errors: dict[str, str] | None = None) -> tuple[str, int]:  # fmt: skip
    view = unit_pages.build(current_user, cu_id, clock.today())
    return render_template(
        "campaigns/unit/show.html",
        view=view,
        STATE_LABELS=STATE_LABELS,
        typed=typed or {},
        errors=errors or {},
        item_choices=evidence.item_choices(view.campaign),
        accepted=evidence.accepted_text(),
        categories={kind: claims.categories_of(kind) for kind in claims.KIND_LABELS},
        CATEGORIES=claims.CATEGORIES,
        KIND_LABELS=claims.KIND_LABELS,
        STATUS_LABELS=claims.STATUS_LABELS,
        describe=claims.describe,
    ), status


@login_required
def show(cu_id: int) -> tuple[str, int]:
    return _render(cu_id)


def _refused(cu_id: int, error: ServiceError, typed: dict[str, Any]) -> tuple[str, int]:
    """The page again with the refusal beside its field (or on top) and what was typed kept."""
    errors: dict[str, str] = {}
    if error.field:
        errors[error.field] = error.message
    else:
        flash(error.message, "danger")
    return _render(cu_id, status=error.status, typed=typed, errors=errors)


@login_required
def upload(cu_id: int) -> Response | tuple[str, int]:
    typed = {name: request.form.get(name, "") for name in EVIDENCE_FIELDS}
    try:
        added = evidence.add(
            current_user,
            cu_id,
            request.files.get("file"),
            title=typed["title"],
            dated=typed["dated"],
            item_id=typed["item_id"],
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(cu_id, error, {"form": "evidence", **typed})
    if evidence.in_period(added.unit.campaign, added.dated):
        flash(f"已上传佐证材料「{added.title}」。", "success")
    else:
        flash(f"已上传「{added.title}」，但{evidence.out_of_period_note(added.unit.campaign)}。", "warning")
    return redirect(url_for("campaigns_unit.show", cu_id=cu_id, _anchor="evidence"))


@login_required
def download(cu_id: int, evidence_id: int) -> Response:
    """The file with the Content-Type fixed at upload from its content, ``nosniff``, always as a download."""
    row, path = evidence.evidence_file(current_user, cu_id, evidence_id)
    response = send_file(path, mimetype=uploads.served_mime(row.content_type), as_attachment=True)
    response.headers["Content-Disposition"] = uploads.content_disposition(row.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def remove(cu_id: int, evidence_id: int) -> Response | tuple[str, int]:
    try:
        gone = evidence.remove(current_user, cu_id, evidence_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(cu_id, error, {})
    flash(f"已删除佐证材料「{gone.title}」。", "success")
    return redirect(url_for("campaigns_unit.show", cu_id=cu_id, _anchor="evidence"))


@login_required
def move(cu_id: int, evidence_id: int) -> Response | tuple[str, int]:
    try:
        evidence.move(current_user, cu_id, evidence_id, request.form.get("direction", ""))
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(cu_id, error, {})
    return redirect(url_for("campaigns_unit.show", cu_id=cu_id, _anchor="evidence"))


@login_required
def declare(cu_id: int) -> Response | tuple[str, int]:
    typed = {name: request.form.get(name, "") for name in CLAIM_FIELDS}
    try:
        claim = claims.declare(
            current_user,
            cu_id,
            kind=typed["kind"],
            category=typed["category"],
            content=typed["content"],
            points=typed["points"],
            content_key=typed["content_key"],
            evidence=typed["evidence"],
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(cu_id, error, {"form": "claim", **typed})
    flash(f"已申报{claims.describe(claim)}，待考评办认定。", "success")
    return redirect(url_for("campaigns_unit.show", cu_id=cu_id, _anchor="claims"))


@login_required
def withdraw(cu_id: int, claim_id: int) -> Response | tuple[str, int]:
    try:
        claims.withdraw(current_user, cu_id, claim_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(cu_id, error, {})
    flash("已撤回申报。", "success")
    return redirect(url_for("campaigns_unit.show", cu_id=cu_id, _anchor="claims"))


def too_large(_error: Exception) -> tuple[str, int]:
    cu_id = request.view_args.get("cu_id") if request.view_args else None
    if cu_id is None:
        abort(413)
    flash("文件超过允许的大小，请压缩或拆分后再上传。", "danger")
    return _render(int(cu_id), status=413, typed={"form": "evidence"})
