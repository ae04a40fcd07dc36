"""Scoring as a feature: scoring tables (评分表) administration, score sheets, their API and the scoring commands."""

from webapp.core.feature import Feature
from webapp.scoring import admin, api, sheets
from webapp.scoring.commands.ledger import ledger_group
from webapp.scoring.commands.scoring import score

FEATURE = Feature(
    name="scoring",
    label="评分",
    blueprints=(sheets.bp, admin.bp),
    register_api=api.register_api,
    cli_commands=(score, ledger_group),
)
