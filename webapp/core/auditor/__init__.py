"""The auditor's page (role ``auditor`` only, 三员分立): search, export and verification of the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

from webapp.core.auditor import views
from webapp.core.feature import NavLink
from webapp.core.models import Role

if TYPE_CHECKING:
    from webapp.core.models import User

bp = Blueprint("auditor", __name__, url_prefix="/audit")

bp.add_url_rule("/", view_func=views.index, endpoint="index")
bp.add_url_rule("/export.xlsx", view_func=views.export_xlsx, endpoint="export_xlsx")
bp.add_url_rule("/export.csv", view_func=views.export_csv, endpoint="export_csv")
bp.add_url_rule("/verify", view_func=views.verify, endpoint="verify", methods=["POST"])


def nav(user: User) -> list[NavLink]:
    """The auditor's one place of work in the navigation bar."""
    return [NavLink("审计记录", "auditor.index", ("auditor.",))] if user.has_role(Role.AUDITOR) else []
