"""Periodic assessment campaigns (考评活动) as a feature: the office's, the team's and the unit's pages, the API,
the worklist and the ``kaoping campaign`` command."""

from webapp.campaigns import models  # noqa: F401  (the tables, for the app and the migrations)
from webapp.campaigns.claims_office import bp as claims_bp  # H4: the office's claim verification
from webapp.campaigns.commands import CLI_COMMANDS
from webapp.campaigns.home import overdue_count, worklist  # H4: the unit's and the team's lines
from webapp.campaigns.nav import nav  # H4: 我的考评 / 考评任务
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.campaigns.services.sheet_subject import CampaignSheets  # H4: a campaign unit's score sheets
from webapp.campaigns.team import bp as team_bp  # H4: the assessment team's pages
from webapp.campaigns.unit import bp as unit_bp  # H4: the unit's pages
from webapp.core.feature import Feature
from webapp.scoring.services.scoresheets.subject import register_procedure
from workflow.campaigns import PROCEDURE

FEATURE = Feature(
    name="campaigns",
    label="考评活动",
    procedure=PROCEDURE,
    blueprints=(unit_bp, team_bp, claims_bp),
    cli_commands=CLI_COMMANDS,
    worklist=worklist,
    overdue_count=overdue_count,
    nav=nav,
)

# one unit in one campaign is the subject of score sheets of type "campaign_unit" (H4)
register_procedure(SHEET_SUBJECT, CampaignSheets())
