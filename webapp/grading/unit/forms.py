"""Forms of the unit workspace. The precondition checkboxes come from the ruleset, so a new ruleset with
other preconditions needs no code change."""

from __future__ import annotations

from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from webapp.core.forms import KaopingForm, choices
from workflow.ruleset import Ruleset


def precondition_field_name(rule_id: str) -> str:
    """``ARC-5.1`` → ``pre_ARC_5_1`` (a form field name must be an identifier)."""
    return "pre_" + rule_id.replace("-", "_").replace(".", "_")


class OpenCaseBase(KaopingForm):
    level = SelectField("申报等级", validators=[DataRequired("请选择申报等级。")])
    kind = SelectField("申报类别", validators=[DataRequired("请选择申报类别。")])


def open_case_form(ruleset: Ruleset, **kwargs: object) -> OpenCaseBase:
    """The application form: level, kind and one required checkbox per precondition (ARC-5.1–5.6)."""

    class OpenCaseForm(OpenCaseBase):
        pass

    for precondition in ruleset.preconditions:
        setattr(
            OpenCaseForm,
            precondition_field_name(precondition.id),
            BooleanField(
                f"{precondition.text}（{precondition.id}）",
                validators=[DataRequired(f"须确认本项前提条件（{precondition.id}）后方可申报。")],
            ),
        )
    form = OpenCaseForm(**kwargs)
    # levels highest first, as the regulation lists them (ARC-4.1)
    form.level.choices = choices([("", "请选择")] + [(lv.id, lv.name) for lv in reversed(ruleset.levels)])
    form.kind.choices = choices([("", "请选择")] + [(k.id, k.name) for k in ruleset.kinds])
    return form


def preconditions_from(form: OpenCaseBase, ruleset: Ruleset) -> dict[str, bool]:
    return {p.id: bool(form[precondition_field_name(p.id)].data) for p in ruleset.preconditions}
