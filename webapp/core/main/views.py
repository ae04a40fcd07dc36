"""The home page: sends each user to their workspace (for now a page of organisation, roles and links)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.models import Role
from webapp.grading.models import Grade


def workspace_links(user) -> list[tuple[str, str, str]]:  # noqa: ANN001 - a User
    """(title, description, endpoint) per role; worklists for units, bureaus and reviewers arrive next."""
    links: list[tuple[str, str, str]] = []
    if user.has_role(Role.BUREAU_STAFF, Role.BUREAU_HEAD):
        links += [
            ("待办案件", "本局下一步办理的案件、批量下达计划/报送/公示、下级抽查与备案", "bureau.worklist"),
            ("异议核实", "公示期间收到的异议，逐件作出核实结论", "bureau.objections"),
        ]
        if user.organisation.bureau_tier == "city":
            links.append(
                ("年度审批汇总", "本局及所辖县级档案局当年审批情况，12月20日前报省档案局", "bureau.summary")
            )
    if user.has_role(Role.UNIT_APPLICANT, Role.UNIT_LEADER):
        links.append(
            ("本单位申报", "本单位等级、现在可以申报什么、申报与验收材料、本单位的案件", "unit.dashboard")
        )
    if user.has_role(Role.REVIEWER):
        links.append(("评审任务", "您参加的评审组及待形成的评审结论", "review.index"))
    links.append(("案件查询", "您有权查看的全部考评案件", "cases.index"))
    if user.has_role(Role.SYS_ADMIN):
        links += [
            ("单位管理", "档案局与机关（单位）组织树", "admin.organisations"),
            ("用户管理", "账号、角色与密码", "admin.users"),
        ]
    return links


@login_required
def home() -> str:
    org = current_user.organisation
    grades = []
    if org.is_organ:
        grades = db.session.scalars(
            sa.select(Grade).where(Grade.organ_id == org.id).order_by(Grade.valid_from.desc())
        ).all()
    return render_template(
        "main/home.html",
        user=current_user,
        links=workspace_links(current_user),
        grades=grades,
        today=clock.today(),
    )
