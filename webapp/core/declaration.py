"""The shared core as a feature: home, sign-in, administration (users, organisations, clock), help, the API's
shared routes and the database commands."""

from webapp.core import admin, auth, help, main
from webapp.core.admin.security_views import security_nav
from webapp.core.commands import COMMANDS
from webapp.core.feature import Feature
from webapp.core.main.views import administration
from webapp.core.ruleset_commands import ruleset_group

FEATURE = Feature(
    name="core",
    label="公共",
    blueprints=(main.bp, auth.bp, admin.bp, help.bp),
    app_commands=(*COMMANDS, ruleset_group),
    worklist=administration,
    nav=security_nav,
)
