"""The office's settings page (信息科负责人 only): publications, classes and forms, units and their groups, timers.

One page with a small form per thing; each POST is one service call and, refused, renders the page again with
what was typed and the message beside its field (400/409)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.articles.models import TERM_KIND_LABELS
from webapp.articles.office.forms import (
    PublicationEditForm,
    PublicationForm,
    TermEditForm,
    TermForm,
    TimersForm,
    UnitEditForm,
    UnitForm,
)
from webapp.articles.services import office_settings
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError


def _render(*, status: int = 200, bound: dict[Any, Any] | None = None) -> tuple[str, int]:
    bound = bound or {}
    found = office_settings.settings(current_user, units_page=page_arg())
    office = found.office
    forms: dict[Any, Any] = {
        "publication": bound.get("publication") or PublicationForm(formdata=None, prefix="newpub-"),
        "term": bound.get("term") or TermForm(formdata=None, prefix="newterm-"),
        "unit": bound.get("unit") or UnitForm(formdata=None, prefix="newunit-"),
        "timers": bound.get("timers")
        or TimersForm(
            formdata=None,
            prefix="timers-",
            data={
                "first_report_minutes": office.first_report_minutes,
                "followup_minutes": office.followup_minutes,
                "commission_warning_days": office.commission_warning_days,
            },
        ),
    }
    for publication in found.publications:
        key = ("publication", publication.id)
        forms[key] = bound.get(key) or PublicationEditForm(
            formdata=None, prefix=f"pub{publication.id}-", obj=publication
        )
    for terms in found.terms.values():
        for term in terms:
            key = ("term", term.id)
            forms[key] = bound.get(key) or TermEditForm(formdata=None, prefix=f"term{term.id}-", obj=term)
    for row in found.units.items:
        key = ("unit", row.id)
        forms[key] = bound.get(key) or UnitEditForm(
            formdata=None, prefix=f"unit{row.id}-", data={"group": row.group_code, "active": row.active}
        )
    return render_template(
        "articles/office/settings.html",
        settings=found,
        office=office,
        forms=forms,
        term_kind_labels=TERM_KIND_LABELS,
        groups=dict(found.groups),
    ), status


def _refused(form: Any, error: ServiceError, key: Any) -> tuple[str, int]:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")
    return _render(status=error.status, bound={key: form})


def _done(message: str, anchor: str) -> Response:
    flash(message, "success")
    return redirect(url_for("articles_office.settings") + f"#{anchor}")


@login_required
def settings() -> tuple[str, int]:
    return _render()


@login_required
def add_publication() -> Response | tuple[str, int]:
    office_settings.office_for(current_user)  # 403 before reading the form
    form = PublicationForm(prefix="newpub-")
    if not form.validate():
        return _render(status=400, bound={"publication": form})
    try:
        done = office_settings.add_publication(
            current_user, name=form.name.data, code=form.code.data, own=form.own.data,
            position=form.position.data or 0,
        )  # fmt: skip
    except ServiceError as error:
        return _refused(form, error, "publication")
    return _done(f"已增加刊物{done.name}。", "publications")


@login_required
def edit_publication(publication_id: int) -> Response | tuple[str, int]:
    office_settings.office_for(current_user)
    key = ("publication", publication_id)
    form = PublicationEditForm(prefix=f"pub{publication_id}-")
    if not form.validate():
        return _render(status=400, bound={key: form})
    try:
        done = office_settings.update_publication(
            current_user, publication_id, name=form.name.data, own=form.own.data, active=form.active.data,
            position=form.position.data or 0,
        )  # fmt: skip
    except ServiceError as error:
        return _refused(form, error, key)
    return _done(f"已保存刊物{done.name}。", "publications")


@login_required
def add_term() -> Response | tuple[str, int]:
    office_settings.office_for(current_user)
    form = TermForm(prefix="newterm-")
    if not form.validate():
        return _render(status=400, bound={"term": form})
    try:
        done = office_settings.add_term(
            current_user,
            form.kind.data,
            code=form.code.data,
            name=form.name.data,
            position=form.position.data or 0,
        )
    except ServiceError as error:
        return _refused(form, error, "term")
    return _done(f"已增加{TERM_KIND_LABELS[done.kind]}{done.name}。", "terms")


@login_required
def edit_term(term_id: int) -> Response | tuple[str, int]:
    office_settings.office_for(current_user)
    key = ("term", term_id)
    form = TermEditForm(prefix=f"term{term_id}-")
    if not form.validate():
        return _render(status=400, bound={key: form})
    try:
        done = office_settings.update_term(
            current_user,
            term_id,
            name=form.name.data,
            active=form.active.data,
            position=form.position.data or 0,
        )
    except ServiceError as error:
        return _refused(form, error, key)
    return _done(f"已保存{done.name}。", "terms")


@login_required
def add_unit() -> Response | tuple[str, int]:
    office_settings.office_for(current_user)
    form = UnitForm(prefix="newunit-")
    if not form.validate():
        return _render(status=400, bound={"unit": form})
    try:
        done = office_settings.add_unit(
            current_user, organisation=form.organisation.data, group=form.group.data
        )
    except ServiceError as error:
        return _refused(form, error, "unit")
    return _done(f"已增加报送单位{done.unit.name}。", "units")


@login_required
def edit_unit(office_unit_id: int) -> Response | tuple[str, int]:
    office_settings.office_for(current_user)
    key = ("unit", office_unit_id)
    form = UnitEditForm(prefix=f"unit{office_unit_id}-")
    if not form.validate():
        return _render(status=400, bound={key: form})
    try:
        done = office_settings.update_unit(
            current_user, office_unit_id, group=form.group.data or "", active=form.active.data
        )
    except ServiceError as error:
        return _refused(form, error, key)
    return _done(f"已保存{done.unit.name}。", "units")


@login_required
def set_timers() -> Response | tuple[str, int]:
    office_settings.office_for(current_user)
    form = TimersForm(prefix="timers-")
    if not form.validate():
        return _render(status=400, bound={"timers": form})
    try:
        office_settings.set_timers(
            current_user,
            first_report_minutes=form.first_report_minutes.data,
            followup_minutes=form.followup_minutes.data,
            commission_warning_days=form.commission_warning_days.data,
        )
    except ServiceError as error:
        return _refused(form, error, "timers")
    return _done("已保存时限设置。", "timers")
