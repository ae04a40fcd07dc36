"""The archive-grading procedure's models: cases, grades, objections, oversight, attachments. Re-exports only."""

from webapp.grading.models.attachment import ATTACHMENT_KINDS, Attachment
from webapp.grading.models.case import (
    CASE_STATE_COLOURS,
    CASE_STATE_LABELS,
    CONCLUSION_LABELS,
    BureauCasesRevision,
    Case,
    CaseFiling,
    CaseKind,
    Level,
    PanelMember,
)
from webapp.grading.models.grade import Grade, SecurityIncident
from webapp.grading.models.objection import OBJECTION_STATUS_LABELS, Objection
from webapp.grading.models.oversight import SPOT_CHECK_OUTCOMES, SpotCheck, SummarySubmission

__all__ = [
    "ATTACHMENT_KINDS",
    "Attachment",
    "BureauCasesRevision",
    "CASE_STATE_COLOURS",
    "CASE_STATE_LABELS",
    "CONCLUSION_LABELS",
    "Case",
    "CaseFiling",
    "CaseKind",
    "Grade",
    "Level",
    "OBJECTION_STATUS_LABELS",
    "Objection",
    "PanelMember",
    "SPOT_CHECK_OUTCOMES",
    "SecurityIncident",
    "SpotCheck",
    "SummarySubmission",
]
