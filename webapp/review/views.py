"""The reviewer's task list: the cases on whose panel they sit (ARC-10.4), their role, state and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from config.rulesets import load_ruleset
from webapp.auth.permissions import roles_required
from webapp.extensions import db
from webapp.models import Case, PanelMember, Role
from webapp.services import permissions
from workflow import calendar
from workflow.grading import TERMINAL_STATES


@dataclass(frozen=True)
class PanelRow:
    case: Case
    is_lead: bool
    notice_last_day: date | None

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
    stmt = (
        sa.select(Case, PanelMember.is_lead)
        .join(PanelMember, PanelMember.case_id == Case.id)
        .where(PanelMember.user_id == user.id, Case.id.in_(sa.select(visible.c.id)))
        .order_by(Case.updated_at.desc(), Case.id.desc())
    )
    rows = []
    for case, is_lead in db.session.execute(stmt).all():
        last_day = None
        if case.notice_start is not None:
            last_day = calendar.notice_last_day(load_ruleset(case.ruleset_id), case.notice_start)
        rows.append(PanelRow(case, bool(is_lead), last_day))
    rows.sort(key=lambda row: (not row.awaits_conclusion, not row.open))
    return rows


@roles_required(Role.REVIEWER)
def index() -> str:
    rows = panel_rows(current_user)
    return render_template("review/index.html", rows=rows)
