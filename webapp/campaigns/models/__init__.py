"""The campaign procedure's records: a campaign, its units, its assessment team, evidence and declared claims."""

from webapp.campaigns.models.campaign import (
    CLAIM_KINDS,
    CLAIM_STATUSES,
    Campaign,
    CampaignAssessor,
    CampaignClaim,
    CampaignEvidence,
    CampaignUnit,
)

__all__ = [
    "CLAIM_KINDS",
    "CLAIM_STATUSES",
    "Campaign",
    "CampaignAssessor",
    "CampaignClaim",
    "CampaignEvidence",
    "CampaignUnit",
]
