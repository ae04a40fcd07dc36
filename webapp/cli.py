"""The `kaoping` console script: Flask's CLI group (run, shell, routes) plus Kaoping's own commands."""

from flask.cli import FlaskGroup

from webapp import create_app
from webapp.core.dev_server import run_command
from webapp.demo import DEMO_COMMANDS
from webapp.features import FEATURES


def _create_app():
    return create_app()


main = FlaskGroup(create_app=_create_app, help="Kaoping 考评 command line.")
for _feature in FEATURES:
    for _command in (*_feature.app_commands, *_feature.cli_commands):
        main.add_command(_command)
for _command in DEMO_COMMANDS:
    main.add_command(_command)
# Flask's `run` with a server that does not announce its version (webapp/core/dev_server.py)
main.add_command(run_command)
