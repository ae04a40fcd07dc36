"""An organ's grade over JSON (who may read it: its own users, its bureaus)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import current_user

from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services.errors import NotFound
from webapp.grading.api import schemas
from webapp.grading.services import grades, permissions


@login_required
@operation(
    "An organ's grade today",
    responses={200: ("grade status", schemas.Grade), 404: "no such organ, or not visible"},
)
def organ_grade(organ_id: int) -> Response:
    organ = db.session.get(Organisation, organ_id)
    if organ is None or not organ.is_organ or not permissions.can_read_organ(current_user, organ):
        raise NotFound("单位不存在或您无权查看。")
    status = grades.grade_of(organ.id, today=clock.today())
    return jsonify(
        organ={"id": organ.id, "code": organ.code, "name": organ.name, "tier": organ.tier},
        level=status.level,
        valid_from=status.valid_from.isoformat() if status.valid_from else None,
        valid_to=status.valid_to.isoformat() if status.valid_to else None,
        state=str(status.state),
        recheck_due_year=status.recheck_due_year,
        recheck_due=status.recheck_due,
        promotion_eligible_from=status.promotion_eligible_from.isoformat()
        if status.promotion_eligible_from
        else None,
    )
