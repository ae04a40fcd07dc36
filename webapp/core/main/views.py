"""The home page: each person's worklist, fed by every feature (webapp/features.py), and their details."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.feature import WorkArea, features
from webapp.core.models import Role, User


def administration(user: User, today: object) -> list[WorkArea]:
    """The core's own lines: administration for the system administrator, roles for the security administrator
    (三员分立)."""
    if user.has_role(Role.SECURITY_ADMIN):
        return [
            WorkArea("角色分配", "为账号分配角色（系统管理员、安全管理员、审计员三员分立）", "admin.users")
        ]
    if not user.has_role(Role.SYS_ADMIN):
        return []
    areas = [
        WorkArea("单位管理", "档案局与机关（单位）组织树", "admin.organisations"),
        WorkArea("用户管理", "账号、角色与密码", "admin.users"),
    ]
    if current_app.config.get("DEMO_CLOCK_ENABLED"):
        areas.append(WorkArea("演示日期", "推进演示用的“今天”，例如让 7 天公示期届满", "admin.demo_clock"))
    return areas


@login_required
def home() -> str:
    today = clock.today()
    worklist: list[tuple[str, list[WorkArea]]] = []
    panels: list[Markup] = []
    for feature in features():
        if feature.worklist is not None:
            areas = feature.worklist(current_user, today)
            if areas:
                worklist.append((feature.label, areas))
        if feature.home_panels is not None:
            for panel in feature.home_panels(current_user, today):
                panels.append(Markup(render_template(panel.template, **panel.context)))
    return render_template("main/home.html", user=current_user, worklist=worklist, panels=panels, today=today)
