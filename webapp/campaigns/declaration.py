"""Periodic assessment campaigns (考评活动) as a feature: the office's, the team's and the unit's pages, the API,
the worklist and the ``kaoping campaign`` command."""

from webapp.campaigns import models  # noqa: F401  (the tables, for the app and the migrations)
from webapp.campaigns.commands import CLI_COMMANDS
from webapp.core.feature import Feature
from workflow.campaigns import PROCEDURE

FEATURE = Feature(
    name="campaigns",
    label="考评活动",
    procedure=PROCEDURE,
    cli_commands=CLI_COMMANDS,
)
