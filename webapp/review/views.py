"""The reviewer's task list: the cases on whose panel they sit (ARC-10.4), their role, state and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from config.rulesets import load_ruleset
from webapp import clock
from webapp.auth.permissions import roles_required
from webapp.extensions import db
from webapp.models import Case, PanelMember, Role
from webapp.services import ServiceError, panel, permissions
from webapp.services.overdue import OverdueFlag, flag_for
from workflow import calendar
from workflow.grading import TERMINAL_STATES


@dataclass(frozen=True)
class PanelRow:
    case: Case
    is_lead: bool
    notice_last_day: date | None
    #: the reviewer's seat: their conflict-of-interest declaration (回避声明)
    member: PanelMember | None = None
    #: the review is late in its current state
    overdue: OverdueFlag | None = None

    @property
    def must_declare(self) -> bool:
        """Open panel, no declaration yet: the member declares before scoring."""
        return (
            self.member is not None
            and self.member.declaration is None
            and self.case.state in permissions.PANEL_STATES
        )

    @property
    def open(self) -> bool:
        return self.case.state not in TERMINAL_STATES

    @property
    def awaits_conclusion(self) -> bool:
        """The lead concludes the review from the case page (ARC-10.4.5)."""
        return self.is_lead and self.case.state == "in_review"


def panel_rows(user) -> list[PanelRow]:  # noqa: ANN001 - a User
    """The cases ``user`` sits on as a panel member, restricted to what they may see (permissions.py)."""
    visible = permissions.visible_cases(user).subquery()
    today = clock.today()
    stmt = (
        sa.select(Case, PanelMember)
        .join(PanelMember, PanelMember.case_id == Case.id)
        .where(PanelMember.user_id == user.id, Case.id.in_(sa.select(visible.c.id)))
        .order_by(Case.updated_at.desc(), Case.id.desc())
    )
    rows = []
    for case, member in db.session.execute(stmt).all():
        last_day = None
        if case.notice_start is not None:
            last_day = calendar.notice_last_day(load_ruleset(case.ruleset_id), case.notice_start)
        rows.append(PanelRow(case, bool(member.is_lead), last_day, member, flag_for(case, today)))
    rows.sort(key=lambda row: (not row.awaits_conclusion, not row.open))
    return rows


@roles_required(Role.REVIEWER)
def index() -> str:
    rows = panel_rows(current_user)
    return render_template(
        "review/index.html", rows=rows, statement=panel.NO_CONFLICT_STATEMENT, declaration_error=None
    )


@roles_required(Role.REVIEWER)
def declare(case_id: int) -> Response | tuple[str, int]:
    """回避声明: the member declares no conflict (ticks the statement) or asks to be replaced, with a reason."""
    choice = request.form.get("declaration", "")
    try:
        if choice not in ("none", "conflict"):
            raise ServiceError("请选择“无利害关系”或“申请回避”。", code="invalid_input", field="declaration")
        panel.declare(
            current_user,
            case_id,
            conflict=choice == "conflict",
            confirmed=request.form.get("confirmed") == "y",
            reason=request.form.get("reason", ""),
        )
    except ServiceError as exc:
        page = render_template(
            "review/index.html",
            rows=panel_rows(current_user),
            statement=panel.NO_CONFLICT_STATEMENT,
            declaration_error=(case_id, exc.message),
            typed_reason=request.form.get("reason", "")[:1000],
        )
        return page, exc.status
    if choice == "conflict":
        flash("已提交回避申请，组织考评的档案局将另行安排评审专家。", "warning")
    else:
        flash("已声明与申报单位无利害关系，现在可以评分。", "success")
    return redirect(url_for("review.index"))
