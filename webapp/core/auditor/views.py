"""/audit/: the auditor searches the whole trail (keyset pages), exports the search, and verifies the chain."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_wtf import FlaskForm

from webapp.core import clock
from webapp.core.auth.permissions import roles_required
from webapp.core.models import Role
from webapp.core.services import audit_chain, audit_search, audit_subjects
from webapp.core.services.errors import BadQueryArg

auditor_only = roles_required(Role.AUDITOR)


class VerifyForm(FlaskForm):
    """The 「校验审计链」 button (a POST with its CSRF token)."""


def _page(filters: audit_search.Filters, *, verification: Any = None, status: int = 200) -> tuple[str, int]:
    cursor = request.args.get("cursor") or None
    page = None
    if not filters.errors:
        try:
            page = audit_search.search(filters, cursor=cursor)
        except BadQueryArg as exc:
            filters.errors["cursor"] = str(exc)
    if filters.errors:
        status = 400
    return (
        render_template(
            "auditor/index.html",
            filters=filters,
            page=page,
            # each row's subject by name, one query per subject type on the page (never a record number)
            subject_of=audit_subjects.describe(page.items) if page else {},
            cursor=cursor,
            events=audit_search.event_labels(),
            states=audit_search.state_labels(),
            subjects=audit_chain.SUBJECT_LABELS,
            results=audit_search.RESULT_LABELS,
            other_event=audit_search.OTHER_EVENT,
            export_limit=audit_search.export_limit(),
            verification=verification,
            form=VerifyForm(),
        ),
        status,
    )


@auditor_only
def index() -> tuple[str, int]:
    return _page(audit_search.parse_filters(request.args))


@auditor_only
def verify() -> tuple[str, int]:
    form = VerifyForm()
    filters = audit_search.parse_filters(request.args)
    if not form.validate_on_submit():
        return _page(filters, status=400)
    return _page(filters, verification=audit_chain.verify_all())


def _download(body: bytes, capped: bool, mimetype: str, extension: str) -> Response:
    name = f"audit-{clock.today().isoformat()}.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if capped:
        response.headers["X-Export-Truncated"] = str(audit_search.export_limit())
    return response


@auditor_only
def export_xlsx() -> Response | tuple[str, int]:
    filters = audit_search.parse_filters(request.args)
    if filters.errors:
        return _page(filters)
    body, capped = audit_search.export_xlsx(filters)
    return _download(
        body, capped, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    )


@auditor_only
def export_csv() -> Response | tuple[str, int]:
    filters = audit_search.parse_filters(request.args)
    if filters.errors:
        return _page(filters)
    body, capped = audit_search.export_csv(filters)
    return _download(body, capped, "text/csv; charset=utf-8", "csv")
