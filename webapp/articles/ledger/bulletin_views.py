"""The bulletin (通报) of a closed ledger period: the office head publishes it (文号, 标题, the office's own
paragraph), and it is read as a page, an .xlsx and a PDF in the official layout.

Who sees it (deny by default, `webapp.articles.services.permissions`):
- the office's staff and readers (can_see_ledger) once the period is closed — marked 未发布 until it is published;
- the units of the office (can_see_unit_points on their own organisation) only once it is published;
- anyone else: 404. A period that is not closed has no bulletin: 404 with a Chinese message for the office
  (the results page scores it live), a plain 404 for everyone else.

A unit reaches the bulletin of the office it writes to with ``?office=<id>`` (the links carry it); without it the
person's own office, else the first office their unit writes to.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from config.articles import load_rules
from config.ledger_schemes import load_ledger_scheme
from webapp.articles.documents.data import chinese_date
from webapp.articles.documents.ledger_bulletin import (
    BulletinDocument,
    amount,
    bulletin_document,
    default_text,
    default_title,
    rule_label,
    table_label,
)
from webapp.articles.ledger import bp
from webapp.articles.models import ArticleOffice, LedgerPeriod
from webapp.articles.services import ledger, permissions
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.forms import KaopingForm
from webapp.core.request_args import id_arg
from webapp.core.services.errors import NotFound, ServiceError
from webapp.core.services.uploads import content_disposition
from workflow.scoring.ledger import LedgerError, LedgerScheme, Period

LIMITS = ledger.BULLETIN_LIMITS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: characters nobody types on purpose (a pasted NUL or vertical tab); newlines and tabs are text
#: what the templates call to write figures and captions the way the PDF and the .xlsx do
HELPERS = {"amount": amount, "table_label": table_label, "rule_label": rule_label}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(_form: Any, field: Any) -> None:
    if field.data and _CONTROL.search(field.data):
        raise ValidationError("含有不可见的控制字符，请删除后再提交。")


def _at_most(key: str) -> Length:
    return Length(max=LIMITS[key], message=f"不能超过{LIMITS[key]}个字。")


class BulletinForm(KaopingForm):
    bulletin_number = StringField(
        "文号",
        validators=[_at_most("bulletin_number"), _printable],
        description=f"如「宜组信通〔2027〕1号」，不超过{LIMITS['bulletin_number']}个字；可不填。",
    )
    bulletin_title = StringField(
        "标题", validators=[DataRequired("请填写通报标题。"), _at_most("bulletin_title"), _printable]
    )
    bulletin_text = TextAreaField(
        "正文导语",
        validators=[_at_most("bulletin_text"), _printable],
        description="印在标题之下、各项情况之前，每段一行；其后的总体情况、得分排名等由结算结果生成。",
    )


# -- access ----------------------------------------------------------------------------------------------------


def _office() -> ArticleOffice | None:
    wanted = id_arg("office")
    if wanted is not None:
        office = db.session.get(ArticleOffice, wanted)
        return office if office is not None and office.active else None
    own = permissions.office_of(current_user)
    if own is not None:
        return own
    offices = permissions.offices_of_unit(current_user.organisation_id)
    return offices[0] if offices else None


def _readable(period_text: str) -> tuple[ArticleOffice, Period, LedgerPeriod, bool]:
    """The office, the period, its closed record and whether the reader is the office's own (staff / readers)."""
    office = _office()
    if office is None:
        raise NotFound()
    staff = permissions.can_see_ledger(current_user, office)
    if not staff and not permissions.can_see_unit_points(current_user, office, current_user.organisation_id):
        raise NotFound()
    period = ledger.period_from(period_text)
    record = ledger.closed_period(office, period)
    if record is None:
        if staff:
            raise NotFound(f"{period.chinese}尚未结算，还没有通报。结算后方可发布和查看通报。")
        raise NotFound()
    if not staff and record.state != "published":
        raise NotFound()
    return office, period, record, staff


def _scheme(record: LedgerPeriod) -> LedgerScheme | None:
    """The scheme the frozen result was scored under (its version if still shipped), None if unreadable."""
    for wanted in (f"{record.scheme_id}@{record.scheme_version}", record.scheme_id):
        try:
            return load_ledger_scheme(wanted)
        except LedgerError:
            continue
    return None


def _document(
    office: ArticleOffice, period: Period, record: LedgerPeriod, typed: dict[str, str] | None = None
) -> BulletinDocument:
    """The bulletin as published, or — before publishing — as the head is typing it (the defaults first)."""
    scheme = _scheme(record)
    published = record.state == "published"
    values = typed or {
        "bulletin_number": record.bulletin_number,
        "bulletin_title": record.bulletin_title,
        "bulletin_text": record.bulletin_text,
    }
    issued = clock.local(record.published_at) if published else None
    return bulletin_document(
        record.result,
        office=office.name,
        number=values["bulletin_number"].strip(),
        title=values["bulletin_title"].strip() or default_title(office.label, office.name, period.chinese),
        text=values["bulletin_text"],
        issued_on=issued.date() if issued is not None else clock.today(),
        draft=not published,
        scheme=scheme,
        rules=load_rules(),
    )


def _url_or_none(endpoint: str, **values: Any) -> str | None:
    """A link to a page another part of the ledger provides, when it is there."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


# -- publish ---------------------------------------------------------------------------------------------------


@bp.route("/<period>/publish", methods=["GET", "POST"], endpoint="publish")
@login_required
def publish(period: str) -> Response | tuple[str, int]:
    office = permissions.office_of(current_user)
    if office is None or not permissions.can_close_ledger(current_user, office):
        raise NotFound()
    when = ledger.period_from(period)
    record = ledger.closed_period(office, when)
    if record is None:
        raise NotFound(f"{when.chinese}尚未结算，结算后才能发布通报。")
    if record.state == "published" and request.method == "GET":
        issued = clock.local(record.published_at)
        flash(f"{when.chinese}的通报已于{chinese_date(issued.date()) if issued else ''}发布。", "info")
        return redirect(url_for("articles_ledger.bulletin", period=when.label, office=office.id))
    scheme = _scheme(record)
    defaults = {
        "bulletin_number": record.bulletin_number,
        "bulletin_title": record.bulletin_title or default_title(office.label, office.name, when.chinese),
        "bulletin_text": record.bulletin_text
        or default_text(office.name, when.chinese, scheme.name if scheme else ""),
    }
    form = BulletinForm(data=defaults if request.method == "GET" else None)
    status = 200
    problem = ""
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                ledger.publish(current_user, office, when, form.data)
            except ServiceError as exc:
                field = getattr(form, exc.field or "", None)
                if field is not None and hasattr(field, "errors"):
                    field.errors = [*list(field.errors or []), exc.message]
                else:
                    problem = exc.message
                status = exc.status
            else:
                flash("通报已发布，各单位可以查看。", "success")
                return redirect(url_for("articles_ledger.bulletin", period=when.label, office=office.id))
        else:
            status = 400
    typed = {key: str(getattr(form, key).data or "") for key in LIMITS}
    body = render_template(
        "articles/ledger/bulletin_publish.html",
        office=office,
        period=when,
        record=record,
        form=form,
        problem=problem,
        doc=_document(office, when, record, typed),
        **HELPERS,
    )
    return body, status


# -- the bulletin ----------------------------------------------------------------------------------------------


@bp.route("/<period>/bulletin", endpoint="bulletin")
@login_required
def bulletin(period: str) -> str:
    office, when, record, staff = _readable(period)
    return render_template(
        "articles/ledger/bulletin_page.html",
        office=office,
        period=when,
        record=record,
        doc=_document(office, when, record),
        may_publish=record.state == "closed" and permissions.can_close_ledger(current_user, office),
        staff=staff,
        results_url=_url_or_none("articles_ledger.index", period=when.label) if staff else None,
        **HELPERS,
    )


def _download(content: bytes, filename: str, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<period>/bulletin.xlsx", endpoint="bulletin_xlsx")
@login_required
def bulletin_xlsx_view(period: str) -> Response:
    office, when, record, _staff = _readable(period)
    doc = _document(office, when, record)
    from webapp.articles.documents.ledger_xlsx import bulletin_xlsx  # openpyxl loads on first use

    return _download(bulletin_xlsx(doc), f"{doc.filename_stem}.xlsx", XLSX)


@bp.route("/<period>/bulletin.pdf", endpoint="bulletin_pdf")
@login_required
def bulletin_pdf_view(period: str) -> Response:
    office, when, record, _staff = _readable(period)
    doc = _document(office, when, record)
    from webapp.articles.documents.ledger_pdf import bulletin_pdf  # ReportLab loads on first use

    return _download(bulletin_pdf(doc), f"{doc.filename_stem}.pdf", "application/pdf")
