"""Periodic assessment campaigns (考评活动) as a feature: the office's, the team's and the unit's pages, the API,
the worklist and the ``kaoping campaign`` command."""

from webapp.campaigns import api, home, models, nav, office  # noqa: F401  (models: the tables)
from webapp.campaigns.commands import CLI_COMMANDS
from webapp.core.feature import Feature
from workflow.campaigns import PROCEDURE

FEATURE = Feature(
    name="campaigns",
    label="考评活动",
    procedure=PROCEDURE,
    blueprints=(office.bp,),
    register_api=api.register_api,
    cli_commands=CLI_COMMANDS,
    worklist=home.worklist,
    overdue_count=home.overdue_count,
    nav=nav.nav,
)
