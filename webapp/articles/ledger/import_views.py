"""The import of an office's spreadsheet ledger (台账导入, issue 10): the roster and the adoption records from
.xlsx or UTF-8 CSV, the templates to fill in, and the office's past imports.

The office's head imports (`permissions.can_close_ledger`); its editors see the page read-only (the columns,
the templates, the past imports); anyone else gets 404. A refused file renders the page again (400) with every
per-row message; nothing of it was written. The work is `webapp.articles.services.ledger_import`.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response

from webapp.articles.ledger import bp
from webapp.articles.ledger.views import FOOTER
from webapp.articles.models import IMPORT_KIND_LABELS, ArticleOffice
from webapp.articles.services import ledger, ledger_import, permissions
from webapp.articles.services import ledger_import_files as files
from webapp.core.auth.permissions import login_required
from webapp.core.forms import KaopingForm
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("roster", "records")


class ImportForm(KaopingForm):
    file = FileField("文件（.xlsx，或UTF-8编码的.csv）", validators=[FileRequired("请选择要导入的文件。")])


def _render(
    office: ArticleOffice,
    *,
    status: int = 200,
    bound: dict[str, ImportForm] | None = None,
    refused: tuple[str, files.ImportRefused] | None = None,
) -> tuple[str, int]:
    bound = bound or {}
    try:
        guide: files.Guide | None = files.guide(office)
        unavailable = ""
    except ledger.LedgerUnavailable as error:
        guide, unavailable = None, error.message
    forms = {kind: bound.get(kind) or ImportForm(formdata=None, prefix=f"{kind}-") for kind in KINDS}
    return render_template(
        "articles/ledger/import_index.html",
        footer_basis=FOOTER,
        has_endpoint=lambda endpoint: endpoint in current_app.view_functions,
        office=office,
        guide=guide,
        unavailable=unavailable,
        forms=forms,
        can_import=permissions.can_close_ledger(current_user, office),
        history=ledger_import.history(office, page=page_arg()),
        refused=refused,
        kind_labels=IMPORT_KIND_LABELS,
        max_rows=files.MAX_ROWS,
        max_mb=files.MAX_BYTES // (1024 * 1024),
        number_prefix=ledger_import.NUMBER_PREFIX,
    ), status


@bp.get("/import")
@login_required
def imports() -> tuple[str, int]:
    return _render(ledger_import.office_for_list(current_user))


@bp.post("/import/roster")
@login_required
def import_roster() -> Response | tuple[str, int]:
    return _import("roster")


@bp.post("/import/records")
@login_required
def import_records() -> Response | tuple[str, int]:
    return _import("records")


def _import(kind: str) -> Response | tuple[str, int]:
    office = ledger_import.office_for_import(current_user)  # 404 before the form is read
    form = ImportForm(prefix=f"{kind}-")
    if not form.validate():
        return _render(office, status=400, bound={kind: form})
    upload: Any = form.file.data
    # one byte past the limit is enough to tell that the file is too big
    data = upload.stream.read(files.MAX_BYTES + 1)
    act = ledger_import.import_roster if kind == "roster" else ledger_import.import_records
    try:
        outcome = act(current_user, upload.filename or "", data)
    except files.ImportRefused as error:
        return _render(office, status=error.status, bound={kind: form}, refused=(kind, error))
    except ServiceError as error:
        form.file.errors = [*form.file.errors, error.message]
        return _render(office, status=error.status, bound={kind: form})
    flash(outcome.summary + "".join(outcome.notes), "success")
    return redirect(url_for("articles_ledger.imports"))


@bp.get("/import/template/<kind>.xlsx")
@login_required
def import_template(kind: str) -> Response:
    office = ledger_import.office_for_list(current_user)
    filename, content = files.template(office, kind)
    return send_file(BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=filename)
