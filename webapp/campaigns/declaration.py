"""Periodic assessment campaigns (考评活动) as a feature: the office's, the team's and the unit's pages, the API,
the worklist and the ``kaoping campaign`` command."""

from webapp.campaigns import api, home, models, nav, office  # noqa: F401  (models: the tables)
from webapp.campaigns.claims_office import bp as claims_bp  # H4: the office's claim verification
from webapp.campaigns.commands import CLI_COMMANDS
from webapp.campaigns.office.common import AUDIT_LABELS
from webapp.campaigns.services.audit_names import audit_subject_names
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.campaigns.services.sheet_subject import CampaignSheets  # H4: a campaign unit's score sheets
from webapp.campaigns.team import bp as team_bp  # H4: the assessment team's pages
from webapp.campaigns.unit import bp as unit_bp  # H4: the unit's pages
from webapp.core.feature import Feature
from webapp.core.services.audit import register_event_labels
from webapp.scoring.services.scoresheets.subject import register_procedure
from workflow.campaigns import PROCEDURE

FEATURE = Feature(
    name="campaigns",
    label="考评活动",
    procedure=PROCEDURE,
    blueprints=(office.bp, unit_bp, team_bp, claims_bp),
    register_api=api.register_api,
    cli_commands=CLI_COMMANDS,
    worklist=home.worklist,
    overdue_count=home.overdue_count,
    nav=nav.nav,
    audit_subject_names=audit_subject_names,
)

# one unit in one campaign is the subject of score sheets of type "campaign_unit" (H4)
register_procedure(SHEET_SUBJECT, CampaignSheets())
# the auditor's page names the unit's and the team's entries as the campaign pages do
register_event_labels(AUDIT_LABELS)
