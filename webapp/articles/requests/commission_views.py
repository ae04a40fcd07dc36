"""Commission pages (约稿, ZG-6.2, INF-3.10): the office sends, follows and cancels; a unit sees what it is asked,
with the deadline and days left, and answers by writing an article."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.articles.models import COMMISSION_STATUS_LABELS, Commission, OfficeUnit
from webapp.articles.requests.forms import CommissionForm, ReasonForm
from webapp.articles.requests.views import current_side, put_error, requests_roles, trail
from webapp.articles.services import commissions, permissions
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.forms import choices
from webapp.core.models import Organisation
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError
from workflow.articles.urgent import days_left


def _context() -> dict[str, object]:
    return {
        "status_of": commissions.effective_status,
        "COMMISSION_STATUS_LABELS": COMMISSION_STATUS_LABELS,
        "days_left": days_left,
    }


@requests_roles
def index() -> str:
    """The office's commissions with how their targets stand, or the unit's commissions with days left."""
    side = current_side()
    today = clock.today()
    page_no = page_arg()
    if side.is_office:
        assert side.office is not None
        page = commissions.office_commissions(side.office, today, page=page_no)
        tallies = commissions.tallies([c.id for c in page.items], today)
        return render_template(
            "articles/requests/commissions.html", side=side, page=page, tallies=tallies, today=today,
            **_context(),
        )  # fmt: skip
    page = commissions.unit_targets(current_user, today, page=page_no)
    return render_template(
        "articles/requests/commissions.html", side=side, page=page, tallies={}, today=today, **_context()
    )


def _unit_choices(office_id: int) -> list[object]:
    units = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
        .where(OfficeUnit.office_id == office_id, OfficeUnit.active.is_(True))
        .order_by(Organisation.name)
    )
    return choices((unit_id, name) for unit_id, name in units)


@requests_roles
def new() -> Response | tuple[str, int]:
    side = current_side()
    if side.office is None or not permissions.can_commission(current_user, side.office):
        abort(403)
    form = CommissionForm()
    form.unit_ids.choices = _unit_choices(side.office.id)
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                commission = commissions.create(
                    current_user,
                    topic=form.topic.data or "",
                    detail=form.detail.data or "",
                    due_on=form.due_on.data,
                    important=bool(form.important.data),
                    unit_ids=form.unit_ids.data or [],
                    today=clock.today(),
                )
            except ServiceError as exc:
                put_error(form, exc, "topic")
                status = exc.status
            else:
                flash(f"已向{len(commission.targets)}个单位发出约稿《{commission.topic}》。", "success")
                return redirect(url_for("articles_requests.commission", commission_id=commission.id))
    return render_template("articles/requests/commission_new.html", form=form, side=side), status


def _show(commission: Commission, cancel_form: ReasonForm, status: int = 200) -> tuple[str, int]:
    today = clock.today()
    targets = commissions.targets_shown(current_user, commission)
    office_view = permissions.can_work_at_office(current_user, commission.office)
    return render_template(
        "articles/requests/commission_show.html",
        commission=commission,
        targets=targets,
        answers=commissions.answers(current_user, targets),
        office_view=office_view,
        may_cancel=office_view and commission.cancelled_at is None,
        may_answer={t.id: permissions.can_answer_commission(current_user, t.unit_id, commission.office_id)
                    for t in targets},
        cancel_form=cancel_form,
        events=trail(commissions.SUBJECT, commission.id) if office_view else [],
        today=today,
        **_context(),
    ), status  # fmt: skip


@requests_roles
def show(commission_id: int) -> tuple[str, int]:
    return _show(commissions.load(current_user, commission_id), ReasonForm(formdata=None))


@requests_roles
def cancel(commission_id: int) -> Response | tuple[str, int]:
    commission = commissions.load(current_user, commission_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            commissions.cancel(current_user, commission_id, reason=form.reason.data or "")
        except ServiceError as exc:
            if exc.status == 403:
                raise
            put_error(form, exc, "reason")
            return _show(commissions.load(current_user, commission_id), form, exc.status)
        flash(f"约稿《{commission.topic}》已取消。", "success")
        return redirect(url_for("articles_requests.commission", commission_id=commission_id))
    return _show(commission, form, 400)
