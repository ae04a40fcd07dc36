"""The archive-grading procedure's models: cases, grades, objections, oversight, attachments. Re-exports only."""

from webapp.grading.models.attachment import ATTACHMENT_KIND_LABELS, Attachment
from webapp.grading.models.case import (
    CASE_KIND_LABELS,
    CASE_STATE_COLOURS,
    CASE_STATE_LABELS,
    CONCLUSION_LABELS,
    LEVEL_LABELS,
    Case,
    CaseFiling,
    CaseKind,
    Level,
    PanelMember,
)
from webapp.grading.models.grade import CERTIFICATE_KIND_LABELS, Grade, SecurityIncident
from webapp.grading.models.objection import OBJECTION_STATUS_LABELS, Objection
from webapp.grading.models.oversight import SPOT_CHECK_OUTCOMES, SpotCheck, SummarySubmission

__all__ = [
    "ATTACHMENT_KIND_LABELS",
    "Attachment",
    "CASE_KIND_LABELS",
    "CASE_STATE_COLOURS",
    "CASE_STATE_LABELS",
    "CERTIFICATE_KIND_LABELS",
    "CONCLUSION_LABELS",
    "Case",
    "CaseFiling",
    "CaseKind",
    "Grade",
    "LEVEL_LABELS",
    "Level",
    "OBJECTION_STATUS_LABELS",
    "Objection",
    "PanelMember",
    "SPOT_CHECK_OUTCOMES",
    "SecurityIncident",
    "SpotCheck",
    "SummarySubmission",
]
