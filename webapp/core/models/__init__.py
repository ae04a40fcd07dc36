"""The shared models: people, organisations, the audit trail, settings, sequences. Re-exports only."""

from webapp.core.models.audit import GENESIS_HASH, MAC_HMAC, MAC_SHA256, AuditEvent, AuditRowImmutable
from webapp.core.models.auth import PasswordHistory, RememberToken
from webapp.core.models.organisation import (
    AUTHORITY_STATUS_LABELS,
    KIND_LABELS,
    AuthorityStatus,
    BureauTier,
    Organisation,
    OrganisationTree,
    OrganTier,
    OrgKind,
    bureau_tier_labels,
    organ_tier_labels,
    parent_problem,
)
from webapp.core.models.sequence import Sequence
from webapp.core.models.setting import SettingKV
from webapp.core.models.throttle import Throttle
from webapp.core.models.user import (
    ADMIN_ROLES,
    ROLE_LABELS,
    ApiToken,
    Role,
    User,
    UserRole,
    acting,
    hash_token,
)

__all__ = [
    "ADMIN_ROLES",
    "AUTHORITY_STATUS_LABELS",
    "ApiToken",
    "AuditRowImmutable",
    "AuthorityStatus",
    "BureauTier",
    "AuditEvent",
    "GENESIS_HASH",
    "KIND_LABELS",
    "MAC_HMAC",
    "MAC_SHA256",
    "OrgKind",
    "OrganTier",
    "Organisation",
    "OrganisationTree",
    "PasswordHistory",
    "ROLE_LABELS",
    "RememberToken",
    "Role",
    "Sequence",
    "SettingKV",
    "Throttle",
    "User",
    "acting",
    "UserRole",
    "bureau_tier_labels",
    "organ_tier_labels",
    "hash_token",
    "parent_problem",
]
