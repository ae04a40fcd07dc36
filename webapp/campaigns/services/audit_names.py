"""Campaign records as the auditor reads them (the `Feature.audit_subject_names` of campaigns): a campaign by its
title, a unit in a campaign by the unit's name and the campaign's title. One query per type; an id that no
longer exists is left out."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.campaigns.services.campaigns import SUBJECT
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services.audit_subjects import shorten


def audit_subject_names(subject_type: str, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    if subject_type == SUBJECT:
        rows = db.session.execute(sa.select(Campaign.id, Campaign.title).where(Campaign.id.in_(ids)))
        return {row.id: shorten(row.title) for row in rows}
    if subject_type == SHEET_SUBJECT:
        units = db.session.execute(
            sa.select(CampaignUnit.id, Organisation.name, Campaign.title)
            .join(Organisation, Organisation.id == CampaignUnit.organisation_id)
            .join(Campaign, Campaign.id == CampaignUnit.campaign_id)
            .where(CampaignUnit.id.in_(ids))
        )
        return {row.id: f"{row.name}（{shorten(row.title)}）" for row in units}
    return {}
