"""The public notice list and the objection form: open to anyone, no login (ARC-10.3, GAP-9)."""

from __future__ import annotations

from flask import abort, render_template, request

from webapp.auth.permissions import public
from webapp.public.forms import ObjectionForm
from webapp.services import cases
from webapp.services import notices as notice_service
from webapp.services.cases import Refused
from webapp.services.notices import NoticeRow


def _bureau_key(row: NoticeRow) -> str:
    bureau_id = getattr(row, "bureau_id", None)
    return str(bureau_id) if bureau_id is not None else row.bureau_name


@public
def notices() -> str:
    rows = notices_list = notice_service.current_notices()
    bureaus = sorted(
        {_bureau_key(row): row.bureau_name for row in notices_list}.items(), key=lambda kv: kv[1]
    )
    selected = request.args.get("bureau", "")
    if selected:
        rows = [row for row in notices_list if _bureau_key(row) == selected]
    return render_template("public/notices.html", rows=rows, bureaus=bureaus, selected=selected)


def _notice(case_id: int) -> NoticeRow:
    row = notice_service.notice_of(case_id)
    if row is None:
        abort(404)
    return row


@public
def objection(case_id: int) -> str | tuple[str, int]:
    notice = _notice(case_id)
    form = ObjectionForm()
    status = 200
    if form.validate_on_submit():
        try:
            received = cases.submit_objection(
                case_id,
                content=form.content.data.strip(),
                name=(form.name.data or "").strip(),
                contact=(form.contact.data or "").strip(),
            )
        except Refused as refused:
            form.content.errors = [*form.content.errors, refused.message]
            status = refused.status
        else:
            return render_template("public/objection_received.html", notice=notice, objection=received)
    elif request.method == "POST":
        status = 400
    return render_template("public/objection.html", notice=notice, form=form), status
