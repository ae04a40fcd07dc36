"""The applying unit: its grade, what it may apply for now, its cases, and the application form."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.core import clock
from webapp.core.auth.permissions import roles_required
from webapp.core.models import Role
from webapp.core.rulesets import selected_ruleset
from webapp.grading.services import cases, grades, next_steps
from webapp.grading.services.errors import Refused
from webapp.grading.unit.forms import open_case_form, precondition_field_name, preconditions_from

unit_only = roles_required(Role.UNIT_APPLICANT, Role.UNIT_LEADER)
APPLICANT = frozenset({"applicant"})


@unit_only
def dashboard() -> str:
    today = clock.today()
    overview = grades.organ_overview(current_user, today=today)
    # the unit is the applicant of every case listed here: 「请本单位…」 or 「等待X档案局…」 (one mapping)
    steps = {case.id: next_steps.describe(case, APPLICANT, today) for case in overview.cases}
    return render_template(
        "grading/unit/dashboard.html", overview=overview, status=overview.status, steps=steps
    )


@unit_only
def open_case() -> str | Response | tuple[str, int]:
    ruleset = selected_ruleset()  # the one a new case gets (`kaoping ruleset use`)
    form = open_case_form(ruleset)
    if request.method == "GET":
        # the dashboard's 「申报」 buttons preset level and kind
        form.level.data = request.args.get("level", "")
        form.kind.data = request.args.get("kind", "")
    status = 200
    if form.validate_on_submit():
        try:
            case = cases.open_case(
                current_user,
                level=form.level.data,
                kind=form.kind.data,
                preconditions=preconditions_from(form, ruleset),
            )
        except Refused as refused:
            field = getattr(form, refused.field, None) if refused.field else None
            if field is not None:
                field.errors = [*field.errors, refused.message]
            else:
                flash(refused.message, "danger")
            status = refused.status
        else:
            flash(
                f"已创建申报草稿（{case.level_label}{case.kind_label}）。请上传申报材料后提交申报。",
                "success",
            )
            return redirect(url_for("cases.show", case_id=case.id))
    elif request.method == "POST":
        status = 400
    precondition_fields = [form[precondition_field_name(p.id)] for p in ruleset.preconditions]
    return render_template(
        "grading/unit/open_case.html", form=form, precondition_fields=precondition_fields, ruleset=ruleset
    ), status
