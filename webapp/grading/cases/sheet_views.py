"""The case's side of its score sheets: concluding the review from the agreed sheet, the printable review
conclusion (评审结论), and what a panel member still has to do with the sheets (the case page's list).
The sheet pages themselves are the sheets blueprint's (`webapp.sheets`)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.forms import STALE_FORM_MESSAGE, form_version
from webapp.core.services.errors import ServiceError
from webapp.grading.services import case_page, cases, permissions, sheet_subject, sheet_tasks
from webapp.scoring.models import SheetKind
from webapp.scoring.services.scoresheets import operations
from webapp.scoring.sheets.views import render_sheet, send


def score_sheet_todo(case: Any) -> list[sheet_tasks.SheetTodo]:
    """Template global for the case page: what the signed-in panel member still has to do with the sheets."""
    if not current_user.is_authenticated or case is None:
        return []
    return sheet_tasks.case_todo(current_user, case)


@login_required
def conclude_from_sheet(case_id: int) -> Response | tuple[str, int]:
    """「依据合议评分表形成评审结论」: conclude_review without a manual total (the agreed sheet decides)."""
    version = form_version(request.form.get("version"))
    if version is None:
        view = case_page.case_view(current_user, case_id)  # 404 for a case this user may not see
        decision = permissions.can_conclude_review(current_user, view.case, clock.today())
        if not decision and decision.code == "forbidden":
            # who before when: someone who may not conclude at all is told so, as any refusal here
            flash(decision.message, "danger")
            return redirect(url_for("sheets.agreed_sheet", case_id=case_id))
        agreed = operations.find_sheet(current_user, case_id, SheetKind.AGREED).sheet
        if agreed is None:
            raise ServiceError(STALE_FORM_MESSAGE, code="bad_version", field="version")
        flash(STALE_FORM_MESSAGE, "danger")
        return render_sheet(agreed.id, status=400)
    try:
        case = cases.fire_event(
            current_user,
            case_id,
            "conclude_review",
            comment=request.form.get("comment", "").strip(),
            expected_version=version,
        )
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("sheets.agreed_sheet", case_id=case_id))
    flash(f"已形成评审结论，案件现为「{case.state_label}」。", "success")
    return redirect(url_for("cases.show", case_id=case_id))


@login_required
def review_pdf(case_id: int) -> Response:
    filename, content = sheet_subject.review_pdf(current_user, case_id)
    return send(filename, content, "application/pdf", attachment=False)
