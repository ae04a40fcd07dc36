"""Scoring as a feature: scoring tables (评分表) administration, score sheets, their API and the scoring commands."""

from webapp.core.feature import Feature
from webapp.scoring import admin, api, sheets, template_helpers
from webapp.scoring.commands.ledger import ledger_group
from webapp.scoring.commands.scoring import score
from webapp.scoring.services.schemes import register_shipped_schemes

FEATURE = Feature(
    name="scoring",
    label="评分",
    blueprints=(sheets.bp, admin.bp),
    register_api=api.register_api,
    cli_commands=(score, ledger_group),
    template_helpers=template_helpers.register_template_helpers,
    on_init_db=register_shipped_schemes,
)
