"""The shared core as a feature: home, sign-in, administration (users, organisations, clock), help, the API's
shared routes and the database commands."""

from webapp.core import admin, auditor, auth, help, main
from webapp.core.admin.security_views import security_nav
from webapp.core.audit_commands import COMMANDS as AUDIT_COMMANDS
from webapp.core.commands import COMMANDS
from webapp.core.feature import Feature, NavLink
from webapp.core.main.views import administration
from webapp.core.models import User
from webapp.core.ruleset_commands import ruleset_group
from webapp.core.services.audit_subjects import core_subject_names


def _nav(user: User) -> list[NavLink]:
    """The administrators' links: the auditor's trail, the security administrator's locks and policy."""
    return [*auditor.nav(user), *security_nav(user)]


FEATURE = Feature(
    name="core",
    label="公共",
    blueprints=(main.bp, auth.bp, admin.bp, auditor.bp, help.bp),
    app_commands=(*COMMANDS, *AUDIT_COMMANDS, ruleset_group),
    worklist=administration,
    nav=_nav,
    audit_subject_names=core_subject_names,
)
