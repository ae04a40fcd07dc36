"""Loading and storing sheets: every save recomputes the result and caches the total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from webapp.core import clock, request_cache
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import NotFound
from webapp.scoring.models import ScoreSheet, SheetStatus, SubjectRef
from webapp.scoring.services.schemes import get_scheme
from webapp.scoring.services.scoresheets.checks import Computed, compute
from webapp.scoring.services.scoresheets.errors import SheetStale
from workflow.scoring.scheme import Scheme


def load_sheet(sheet_id: int) -> ScoreSheet:
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFound("评分表不存在。")
    return sheet


def of_subject(subject: SubjectRef | int) -> sa.ColumnElement[bool]:
    """The WHERE clause for the sheets of one subject (a bare id: a grading case, `SubjectRef.of`)."""
    ref = SubjectRef.of(subject)
    return sa.and_(ScoreSheet.subject_type == ref.type, ScoreSheet.subject_id == ref.id)


#: one subject's sheets by id, built once (every case page and transition reads them)
_SHEETS_OF = (
    sa.select(ScoreSheet)
    .where(
        ScoreSheet.subject_type == sa.bindparam("subject_type"),
        ScoreSheet.subject_id == sa.bindparam("subject_id"),
    )
    .order_by(ScoreSheet.id)
)


def sheets_of(subject: SubjectRef | int) -> list[ScoreSheet]:
    """The subject's sheets by id; read once per request (a subject has a handful: self, one per reviewer,
    agreed), so the page's overview, its conclusion and the guards' facts share one statement."""
    ref = SubjectRef.of(subject)

    def read() -> list[ScoreSheet]:
        return list(db.session.scalars(_SHEETS_OF, {"subject_type": ref.type, "subject_id": ref.id}))

    return list(request_cache.once("sheets_of", (ref.type, ref.id), read))


def find(subject: SubjectRef | int, kind: str, reviewer_id: int | None = None) -> ScoreSheet | None:
    if request_cache.memo("sheets_of") is not None:  # in a request: from the subject's sheets read once
        slot = ScoreSheet.slot_for(kind, reviewer_id)
        return next((sheet for sheet in sheets_of(subject) if sheet.slot == slot), None)
    return db.session.scalar(
        sa.select(ScoreSheet).where(
            of_subject(subject), ScoreSheet.slot == ScoreSheet.slot_for(kind, reviewer_id)
        )
    )


def scheme_of(sheet: ScoreSheet) -> Scheme:
    """The scheme version the sheet is scored against (the subject's, pinned when its first sheet started)."""
    return get_scheme(sheet.scheme_id, sheet.scheme_version)


def new_sheet(
    subject: SubjectRef, scheme: Scheme, kind: str, user: User, reviewer_id: int | None = None
) -> ScoreSheet:
    sheet = ScoreSheet(
        subject_type=subject.type,
        subject_id=subject.id,
        kind=kind,
        reviewer_id=reviewer_id,
        slot=ScoreSheet.slot_for(kind, reviewer_id),
        status=SheetStatus.DRAFT,
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        entries={},
        updated_by_id=user.id,
    )
    db.session.add(sheet)
    return sheet


def store(
    sheet: ScoreSheet, scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]
) -> Computed:
    """Write ``entries`` and their result; the total only when every entry scored."""
    computed = compute(scheme, level, entries)
    sheet.entries = {item_id: dict(raw) for item_id, raw in entries.items()}
    result = computed.result
    sheet.result = result.to_dict() if result is not None else None
    sheet.total = result.total if result is not None and computed.complete else None
    sheet.updated_at = clock.now()  # the demo clock, like every business time shown
    return computed


def mark_submitted(sheet: ScoreSheet, user: User) -> None:
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_by_id = user.id
    sheet.submitted_at = clock.now()


def check_version(sheet: ScoreSheet, expected_version: int | None) -> None:
    if expected_version is not None and sheet.version_id != expected_version:
        raise SheetStale()
