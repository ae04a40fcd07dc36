"""The office's pages (考评办) under ``/campaigns``: the list, a new campaign from a preset, one campaign's page
(units and progress, the events with every refusal quoted), its setup while a draft, moderation, the head's
approval, the bulletin (page, .xlsx, PDF) and the series across periods.

Every page is the office's only: staff or head (``campaign_staff`` / ``campaign_head``) of the campaign's office
(`webapp.campaigns.services.permissions`); anyone else gets 404 (nothing says the campaign exists).
"""

from flask import Blueprint

bp = Blueprint("campaigns_office", __name__, url_prefix="/campaigns")

from webapp.campaigns.office import bulletin_views, moderation_views, setup_views, views  # noqa: E402, F401
