"""The `kaoping` console script: Flask's CLI group (run, shell, routes) plus Kaoping's own commands.

The app it loads is built with the cyclic collector held off, then frozen out of its sight
(`webapp.core.collector`), so a command such as `kaoping tick` spends its time on its work, not on walking what
the import and the app's set-up left. `kaoping tick` on the generated province (`make bench`'s SQLite database,
bytecode compiled, three alternating runs): 5.46 / 6.09 / 5.48 s before, 4.54 / 4.52 / 4.29 s after; of that,
importing the app is ~2.9 s and the tick's own work ~0.6 s."""

from flask.cli import FlaskGroup

from webapp import create_app
from webapp.core.collector import collector_paused, freeze_loaded
from webapp.core.dev_server import run_command
from webapp.demo import DEMO_COMMANDS
from webapp.features import FEATURES


def _create_app():
    with collector_paused():
        app = create_app()
    freeze_loaded()
    return app


main = FlaskGroup(create_app=_create_app, help="Kaoping 考评 command line.")
for _feature in FEATURES:
    for _command in (*_feature.app_commands, *_feature.cli_commands):
        main.add_command(_command)
for _command in DEMO_COMMANDS:
    main.add_command(_command)
# Flask's `run` with a server that does not announce its version (webapp/core/dev_server.py)
main.add_command(run_command)
