"""Public pages, no login: the notice list, each notice as an official notice (with a print view), the
objection form and the look-up of an objection by its reference number (ARC-10.3, GAP-9)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from webapp.core import clock
from webapp.core.auth.permissions import public
from webapp.core.services.client import client_address
from webapp.core.services.errors import InvalidInput, NotFound, ServiceError
from webapp.grading.public import challenge
from webapp.grading.public.forms import ObjectionForm
from webapp.grading.services import notices as notice_service
from webapp.grading.services import objection_filing, objection_limits
from webapp.grading.services import objections as objection_service
from webapp.grading.services.notices import NoticeRow


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 10 else None


@public
def notices() -> str:
    """The running notices, a page at a time, of one organising bureau or all (filtered in the query)."""
    today = clock.today()
    bureaus = notice_service.notice_bureaus(today)
    selected = request.args.get("bureau", "").strip()
    bureau_id: int | None = None
    if selected:  # a bureau that has no running notice (or no bureau at all: ?bureau=nobody) lists none
        bureau_id = _int_arg("bureau") or 0
        total = next((bureau.count for bureau in bureaus if bureau.id == bureau_id), 0)
    else:
        total = sum(bureau.count for bureau in bureaus)
    page = notice_service.notice_page(
        today=today,
        bureau_id=bureau_id,
        page=_int_arg("page") or 1,
        total=total,
    )
    return render_template(
        "grading/public/notices.html",
        rows=page.items,
        page=page,
        bureaus=[(str(bureau.id), bureau.name) for bureau in bureaus],
        selected=selected,
    )


def _notice(case_id: int) -> NoticeRow:
    row = notice_service.notice_of(case_id)
    if row is None:
        abort(404)
    return row


@public
def notice(case_id: int) -> str:
    """The notice as the organising bureau publishes it: title, text quoting the rule, period, contact."""
    return render_template("grading/public/notice.html", notice=_notice(case_id))


@public
def notice_print(case_id: int) -> str:
    """The same notice on a bare A4 page (no navigation) for printing or posting."""
    return render_template("grading/public/notice_print.html", notice=_notice(case_id))


@public
def objection(case_id: int) -> Response | tuple[str, int]:
    """The objection form. A filed objection redirects to its receipt (POST → redirect → GET), so reloading
    the receipt files nothing; the form's one-time token makes a repeated POST return the same objection.

    Rate limits (`objection_limits`): over one an address or the case gets 429 and the form back as typed;
    from an address's 4th objection in an hour the form asks a question (`challenge`) that must be answered."""
    notice = _notice(case_id)
    form = ObjectionForm()
    address, now = client_address(), clock.now()
    status = 200
    if form.validate_on_submit():
        try:
            objection_limits.check(case_id, address, now=now)
            passed = False
            if objection_limits.needs_challenge(address, now=now):
                passed = challenge.answered(form.challenge.data)
                if not passed:
                    raise InvalidInput(
                        "验证问题的答案不正确或已过期，请计算新的问题后重新提交。", "challenge"
                    )
            received = objection_filing.submit_objection(
                case_id,
                content=form.content.data.strip(),
                name=(form.name.data or "").strip(),
                contact=(form.contact.data or "").strip(),
                submission_key=form.submission_token.data or None,
                address=address,
                challenge_passed=passed,
            )
        except ServiceError as refused:
            field = form.challenge if refused.field == "challenge" else form.content
            field.errors = [*field.errors, refused.message]
            status = refused.status
        else:
            return redirect(url_for("public.objection_receipt", reference=received.reference, received=1))
    elif request.method == "POST":
        status = 400
    question = None
    if objection_limits.needs_challenge(address, now=now):
        question = challenge.ask()
        form.challenge.data = ""  # a new question: the old answer does not fit it
    page = render_template("grading/public/objection.html", notice=notice, form=form, question=question)
    return page, status


@public
def objection_receipt(reference: str) -> tuple[str, int]:
    """Where an objection stands, for anyone holding its reference number: status, dates, the outcome note.
    Nothing about who objected, nor the objection's text."""
    try:
        found = objection_service.objection_status(reference)
    except ServiceError as exc:
        page = render_template("grading/public/objection_lookup.html", reference=reference, error=exc.message)
        return page, exc.status
    received = request.args.get("received") == "1"
    return render_template("grading/public/objection_status.html", status=found, received=received), 200


@public
def objection_lookup() -> Response | tuple[str, int]:
    """The look-up form (GET ?reference=…): a valid reference goes to its status page."""
    reference = request.args.get("reference")
    if reference is None:
        return render_template("grading/public/objection_lookup.html", reference="", error=None), 200
    try:
        found = objection_service.objection_status(reference)
    except NotFound as exc:
        return render_template(
            "grading/public/objection_lookup.html", reference=reference, error=exc.message
        ), 404
    except ServiceError as exc:
        return render_template(
            "grading/public/objection_lookup.html", reference=reference, error=exc.message
        ), 400
    return redirect(url_for("public.objection_receipt", reference=found.reference))
