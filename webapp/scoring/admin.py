"""Scoring tables (评分表) administration: list versions, import the official table from .xlsx (validation report,
then save), activate a version for new cases, view a scheme.

Open to ``sys_admin`` and to the head of the provincial bureau (the service checks the bureau); running cases
keep the version they started with, so activating only affects cases opened afterwards.
Every URL of the area is listed in `bp` below.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import DecimalField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webapp.core.auth.permissions import roles_required
from webapp.core.forms import KaopingForm, choices
from webapp.core.models import Role
from webapp.core.rulesets import selected_ruleset_id
from webapp.core.services.errors import ServiceError
from webapp.scoring.permissions import can_manage_schemes
from webapp.scoring.services import schemes
from workflow.scoring.numbers import fmt_points

managers = roles_required(Role.SYS_ADMIN, Role.BUREAU_HEAD)


class ImportForm(KaopingForm):
    file = FileField(
        "评分表文件（.xlsx 或 .toml）",
        validators=[
            FileRequired("请选择 .xlsx 或 .toml 文件。"),
            FileAllowed(["xlsx", "toml"], "只接受 .xlsx 或 .toml 文件。"),
        ],
        description="Excel表：第一张工作表，表头：序号 | 考核项目 | 分数 | 评分细则；部分行序号为一、二、……；"
        "也可上传从本系统下载并修改过的评分表文件（.toml）",
    )
    scheme_id = StringField(
        "评分表编号",
        validators=[DataRequired("请填写编号。"), Length(max=59)],
        description="小写字母、数字和连字符，如 hubei-archive；同一评分表的各版本共用一个编号",
    )
    version = StringField(
        "版本号", validators=[DataRequired("请填写版本号。"), Length(max=20)], description="如 2027.1"
    )
    name = StringField(
        "名称（可选）", validators=[Optional(), Length(max=200)], description="留空则用表格标题"
    )
    ruleset_id = SelectField("用于考评办法（设置各等级达标分数线）", choices=[])
    section_min_ratio = DecimalField(
        "各部分最低得分率（可选）",
        places=None,
        validators=[Optional(), NumberRange(0, 1, "应在0到1之间，如0.8。")],
        description="部分省份要求每部分得分不低于该部分分数的一定比例；考评办法未规定的，留空",
    )


class SaveForm(KaopingForm):
    toml_text = HiddenField(validators=[DataRequired()])


class ActivateForm(KaopingForm):
    ruleset_id = SelectField("考评办法", choices=[])


def _ruleset_choices(blank: str | None = None) -> list[Any]:
    pairs = schemes.ruleset_choices()
    return choices(([("", blank)] if blank is not None else []) + pairs)


@managers
def index() -> str:
    if not can_manage_schemes(current_user):
        raise schemes.SchemeRefused()
    rows = schemes.list_versions()
    form = ActivateForm()
    form.ruleset_id.choices = _ruleset_choices()
    return render_template(
        "scoring/admin/schemes.html",
        rows=rows,
        usage=schemes.cases_using(rows),
        form=form,
    )


@managers
def import_table() -> tuple[str, int] | str:
    form = ImportForm()
    form.ruleset_id.choices = _ruleset_choices("不设达标分数线")
    if request.method == "GET" and not form.ruleset_id.data:
        form.ruleset_id.data = selected_ruleset_id()  # the ruleset new cases get
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        ratio = form.section_min_ratio.data
        report = schemes.validate_xlsx(
            current_user,
            upload.read(),
            scheme_id=form.scheme_id.data,
            version=form.version.data,
            name=form.name.data or "",
            ruleset_id=form.ruleset_id.data or None,
            section_min_ratio=Decimal(str(ratio)) if ratio is not None else None,
            filename=upload.filename or "",
        )
        for problem in report.problems:
            field = getattr(form, problem.where, None) if problem.where.isidentifier() else None
            if field is not None:
                field.errors = [*field.errors, problem.message]
        if not report.ok:
            status = 400
    elif request.method == "POST":
        status = 400
    elif not can_manage_schemes(current_user):
        raise schemes.SchemeRefused()
    save_form = SaveForm(formdata=None)
    if report is not None and report.ok:
        save_form.toml_text.data = report.toml_text
    return render_template(
        "scoring/admin/schemes_import.html",
        form=form,
        report=report,
        save_form=save_form,
        fmt_points=fmt_points,
    ), status


@managers
def save() -> Response | tuple[str, int]:
    form = SaveForm()
    if not form.validate_on_submit():
        flash("页面已过期，请重新上传评分表。", "danger")
        return redirect(url_for("admin_schemes.import_table"))
    try:
        row = schemes.save_imported(current_user, form.toml_text.data)
    except ServiceError as exc:
        if exc.status == 403:
            raise
        flash(exc.message, "danger")
        return redirect(url_for("admin_schemes.import_table"))
    flash(f"已保存评分表“{row.name}”版本 {row.version}（尚未启用）。", "success")
    return redirect(url_for("admin_schemes.show", version_pk=row.id))


@managers
def show(version_pk: int) -> str:
    if not can_manage_schemes(current_user):
        raise schemes.SchemeRefused()
    row = schemes.get_version(version_pk)
    allowed, not_applicable = schemes.activation_options(row)
    form = ActivateForm()
    form.ruleset_id.choices = choices(allowed)  # 启用 is offered only where the table can grade
    return render_template(
        "scoring/admin/scheme_show.html",
        row=row,
        not_applicable=not_applicable,
        scheme=schemes.version_scheme(row),
        usage=schemes.cases_using([row])[row.id],
        form=form,
        fmt_points=fmt_points,
    )


@managers
def activate(version_pk: int) -> Response:
    form = ActivateForm()
    form.ruleset_id.choices = _ruleset_choices()
    if not form.validate_on_submit():
        flash("请选择考评办法。", "danger")
        return redirect(url_for("admin_schemes.show", version_pk=version_pk))
    try:
        row = schemes.activate(current_user, version_pk, form.ruleset_id.data)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        flash(exc.message, "danger")
        return redirect(url_for("admin_schemes.show", version_pk=version_pk))
    flash(
        f"已启用“{row.name}”版本 {row.version}：此后新建的案件使用该评分表，进行中的案件不受影响。",
        "success",
    )
    return redirect(url_for("admin_schemes.index"))


@managers
def download(version_pk: int) -> Response:
    if not can_manage_schemes(current_user):
        raise schemes.SchemeRefused()
    row = schemes.get_version(version_pk)
    return Response(
        row.toml_text,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{row.scheme_id}-{row.version}.toml"'},
    )


@managers
def download_xlsx(version_pk: int) -> Response:
    """The table as Excel: to read, correct and upload again (an unchanged upload gives back an equal scheme)."""
    if not can_manage_schemes(current_user):
        raise schemes.SchemeRefused()
    row = schemes.get_version(version_pk)
    from webapp.scoring.xlsx.scheme_io import scheme_to_xlsx  # openpyxl loads on first use

    return Response(
        scheme_to_xlsx(schemes.version_scheme(row)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{row.scheme_id}-{row.version}.xlsx"'},
    )


bp = Blueprint("admin_schemes", __name__, url_prefix="/admin/schemes")
bp.add_url_rule("/", view_func=index, endpoint="index")
bp.add_url_rule("/import", view_func=import_table, endpoint="import_table", methods=["GET", "POST"])
bp.add_url_rule("/save", view_func=save, endpoint="save", methods=["POST"])
bp.add_url_rule("/<int:version_pk>", view_func=show, endpoint="show")
bp.add_url_rule("/<int:version_pk>/activate", view_func=activate, endpoint="activate", methods=["POST"])
bp.add_url_rule("/<int:version_pk>.toml", view_func=download, endpoint="download")
bp.add_url_rule("/<int:version_pk>.xlsx", view_func=download_xlsx, endpoint="download_xlsx")
bp.add_app_template_global(can_manage_schemes, "can_manage_schemes")
