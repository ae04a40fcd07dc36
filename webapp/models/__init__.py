"""Re-exports only; each area has its own module."""

from webapp.models.attachment import ATTACHMENT_KIND_LABELS, Attachment
from webapp.models.audit import GENESIS_HASH, AuditRowImmutable, CaseEvent
from webapp.models.case import (
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
from webapp.models.grade import CERTIFICATE_KIND_LABELS, Grade, SecurityIncident
from webapp.models.objection import OBJECTION_STATUS_LABELS, Objection
from webapp.models.organisation import (
    AUTHORITY_STATUS_LABELS,
    BUREAU_TIER_LABELS,
    KIND_LABELS,
    ORGAN_TIER_LABELS,
    AuthorityStatus,
    BureauTier,
    Organisation,
    OrganTier,
    OrgKind,
    parent_problem,
)
from webapp.models.oversight import SPOT_CHECK_OUTCOMES, SpotCheck, SummarySubmission
from webapp.models.scoring import (
    SCHEME_SOURCE_LABELS,
    SHEET_KIND_LABELS,
    SHEET_STATUS_LABELS,
    SchemeSource,
    SchemeVersion,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)
from webapp.models.sequence import Sequence
from webapp.models.setting import SettingKV
from webapp.models.user import ROLE_LABELS, ApiToken, Role, User, UserRole, hash_token

__all__ = [
    "ATTACHMENT_KIND_LABELS",
    "AUTHORITY_STATUS_LABELS",
    "BUREAU_TIER_LABELS",
    "CASE_KIND_LABELS",
    "CASE_STATE_COLOURS",
    "CASE_STATE_LABELS",
    "CERTIFICATE_KIND_LABELS",
    "CONCLUSION_LABELS",
    "GENESIS_HASH",
    "KIND_LABELS",
    "LEVEL_LABELS",
    "OBJECTION_STATUS_LABELS",
    "ORGAN_TIER_LABELS",
    "ROLE_LABELS",
    "SCHEME_SOURCE_LABELS",
    "SHEET_KIND_LABELS",
    "SHEET_STATUS_LABELS",
    "SPOT_CHECK_OUTCOMES",
    "ApiToken",
    "Attachment",
    "AuditRowImmutable",
    "AuthorityStatus",
    "BureauTier",
    "Case",
    "CaseEvent",
    "CaseFiling",
    "CaseKind",
    "Grade",
    "Level",
    "Objection",
    "OrgKind",
    "OrganTier",
    "Organisation",
    "PanelMember",
    "Role",
    "SchemeSource",
    "SchemeVersion",
    "ScoreSheet",
    "SecurityIncident",
    "Sequence",
    "SettingKV",
    "SheetKind",
    "SheetStatus",
    "SpotCheck",
    "SummarySubmission",
    "User",
    "UserRole",
    "hash_token",
    "parent_problem",
]
