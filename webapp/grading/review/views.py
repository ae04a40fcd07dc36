"""The reviewer's task list: the cases on whose panel they sit (ARC-10.4), their role, state and dates (the
on-site review date, overdue flags), the conflict-of-interest declaration (回避声明) they make before scoring,
and what they still have to do with the score sheets (fill and submit their own sheet; the lead also the agreed
sheet and the conclusion, ARC-10.4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.auth.permissions import roles_required
from webapp.core.extensions import db
from webapp.core.models import Role
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError
from webapp.grading.models import Case, PanelMember
from webapp.grading.services import panel, permissions, sheet_tasks
from webapp.grading.services.overdue import OverdueFlag, flag_for
from webapp.grading.services.sheet_tasks import PanelWork
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
    #: what the reviewer still has to do with the score sheets
    work: PanelWork | None = None

    @property
    def must_declare(self) -> bool:
        """Open panel, no declaration yet: the member declares before scoring."""
        return permissions.must_declare(self.member, self.case)

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
    today = clock.today()
    seats = {
        member.case_id: member
        for member in db.session.scalars(
            sa.select(PanelMember).where(
                PanelMember.user_id == user.id, PanelMember.case_id.in_([c.id for c in cases])
            )
        )
    }
    work = sheet_tasks.panel_work(
        user, [(case, bool(seats[case.id].is_lead if case.id in seats else False)) for case in cases]
    )
    rows = []
    for case in cases:
        seat = seats.get(case.id)
        last_day = None
        if case.notice_start is not None:
            last_day = calendar.notice_last_day(load_ruleset(case.ruleset_id), case.notice_start)
        rows.append(
            PanelRow(
                case, bool(seat and seat.is_lead), last_day, seat, flag_for(case, today), work.get(case.id)
            )
        )
    return rows


def _render(**extra: object) -> str:
    page = db.paginate(
        _panel_query(current_user),
        page=page_arg(),
        per_page=current_app.config.get("ITEMS_PER_PAGE", 20),
        error_out=False,
    )
    return render_template(
        "grading/review/index.html",
        rows=_rows(current_user, list(page.items)),
        page=page,
        statement=panel.NO_CONFLICT_STATEMENT,
        **{"declaration_error": None, **extra},
    )


@roles_required(Role.REVIEWER)
def index() -> str:
    return _render()


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
        page = _render(
            declaration_error=(case_id, exc.message),
            typed_reason=request.form.get("reason", "")[:1000],
        )
        return page, exc.status
    if choice == "conflict":
        flash("已提交回避申请，组织考评的档案局将另行安排评审专家。", "warning")
    else:
        flash("已声明与申报单位无利害关系，现在可以评分。", "success")
    return redirect(url_for("review.index"))
