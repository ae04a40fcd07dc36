"""The `kaoping` console script: Flask's CLI group (run, shell, routes) plus Kaoping's own commands."""

from flask.cli import FlaskGroup

from webapp import create_app
from webapp.commands.db import COMMANDS as DB_COMMANDS
from webapp.commands.domain import authority_command, diagram_command
from webapp.commands.ledger import ledger_group
from webapp.commands.scoring import score


def _create_app():
    return create_app()


main = FlaskGroup(create_app=_create_app, help="Kaoping 考评 command line.")
for _command in (*DB_COMMANDS, authority_command, diagram_command, score, ledger_group):
    main.add_command(_command)
