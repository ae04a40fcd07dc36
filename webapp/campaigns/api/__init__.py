"""The campaign procedure's JSON API under ``/api/v1/campaigns…``."""

from __future__ import annotations

from flask import Blueprint

from webapp.campaigns.api import claims, office


def register_api(bp: Blueprint) -> None:
    """Every URL of the campaigns API, added to the shared ``/api/v1`` blueprint."""
    office.register(bp)
    claims.register(bp)
