"""The reviewer's task list: the cases on whose panel they sit (ARC-10.4), their role, state and dates, and what
they still have to do with the score sheets (issue 7 point 15: fill and submit their own sheet; the lead also
the agreed sheet and the conclusion, ARC-10.4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from config.rulesets import load_ruleset
from webapp.auth.permissions import roles_required
from webapp.extensions import db
from webapp.models import Case, PanelMember, Role
from webapp.services import permissions, sheet_tasks
from webapp.services.sheet_tasks import PanelWork
from workflow import calendar
from workflow.grading import TERMINAL_STATES

#: ?page= beyond this is the last page anyway (a huge number must not reach the database as an offset)
MAX_PAGE = 10_000


@dataclass(frozen=True)
class PanelRow:
    case: Case
    is_lead: bool
    notice_last_day: date | None
    work: PanelWork | None = None

    @property
    def open(self) -> bool:
        return self.case.state not in TERMINAL_STATES

    @property
    def awaits_conclusion(self) -> bool:
        """The lead concludes the review from the case page (ARC-10.4.5)."""
        return self.is_lead and self.case.state == "in_review"

    @property
    def has_work(self) -> bool:
        return self.awaits_conclusion or bool(self.work and self.work.todo)


def _panel_query(user):  # noqa: ANN001, ANN202 - a User; a Select
    """The cases ``user`` sits on, restricted to what they may see (permissions.py): in review first (where the
    work is), then other open cases, then closed ones; most recently updated first within each."""
    visible = permissions.visible_cases(user).subquery()
    rank = sa.case((Case.state == "in_review", 0), (Case.state.in_(tuple(TERMINAL_STATES)), 2), else_=1)
    return (
        sa.select(Case)
        .join(PanelMember, PanelMember.case_id == Case.id)
        .where(PanelMember.user_id == user.id, Case.id.in_(sa.select(visible.c.id)))
        .options(selectinload(Case.organ), selectinload(Case.organizer))
        .order_by(rank, Case.updated_at.desc(), Case.id.desc())
    )


def _rows(user, cases: list[Case]) -> list[PanelRow]:  # noqa: ANN001 - a User
    """Rows for one page of cases: two queries (the seats, the sheets) whatever the page size."""
    if not cases:
        return []
    leads = dict(
        db.session.execute(
            sa.select(PanelMember.case_id, PanelMember.is_lead).where(
                PanelMember.user_id == user.id, PanelMember.case_id.in_([c.id for c in cases])
            )
        ).all()
    )
    work = sheet_tasks.panel_work(user, [(case, bool(leads.get(case.id))) for case in cases])
    rows = []
    for case in cases:
        last_day = None
        if case.notice_start is not None:
            last_day = calendar.notice_last_day(load_ruleset(case.ruleset_id), case.notice_start)
        rows.append(PanelRow(case, bool(leads.get(case.id)), last_day, work.get(case.id)))
    return rows


@roles_required(Role.REVIEWER)
def index() -> str:
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    page = db.paginate(
        _panel_query(current_user),
        page=number,
        per_page=current_app.config.get("ITEMS_PER_PAGE", 20),
        error_out=False,
    )
    return render_template("review/index.html", rows=_rows(current_user, list(page.items)), page=page)
