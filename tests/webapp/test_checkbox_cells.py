"""The checkboxes of a multiple-choice field, written out by `checkbox_cells` (the ``render_field`` macro): the
markup WTForms gives each option, without making a bound field per option (a province office's 约稿 form lists
its 1,801 units)."""

from __future__ import annotations

import re

from wtforms import Form, SelectMultipleField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.template_helpers import checkbox_cells


class UnitsForm(Form):
    unit_ids = SelectMultipleField(
        "约稿单位",
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("请至少选择一个约稿单位。")],
    )


def _form(prefix: str = "") -> UnitsForm:
    form = UnitsForm(prefix=prefix, data={"unit_ids": [7, 9]})
    form.unit_ids.choices = [(5, "甲县"), (7, '乙区 <b>"x"</b> & 丙'), (9, "丁市"), (11, "")]
    return form


def test_each_option_is_the_box_and_label_wtforms_draws_checked_as_chosen_and_escaped() -> None:
    for prefix in ("", "c-"):
        form = _form(prefix)
        ours = re.findall(r"<input [^>]*> <label [^>]*>.*?</label>", str(checkbox_cells(form.unit_ids)))
        theirs = [
            f"{option(class_='form-check-input')} {option.label(class_='form-check-label')}".replace(
                " required", ""
            )
            for option in form.unit_ids
        ]
        assert ours == theirs and len(ours) == 4
        assert (
            "&lt;b&gt;&#34;x&#34;&lt;/b&gt; &amp; 丙" in ours[1]
            and " checked " in ours[1]
            and " checked " not in ours[0]
        )


def test_no_single_box_is_required_the_field_says_what_is_missing() -> None:
    form = _form()
    assert "required" not in str(checkbox_cells(form.unit_ids))
    form.process(formdata=None)
    form.unit_ids.choices = [(5, "甲县")]
    assert form.validate() is False and form.unit_ids.errors == ["请至少选择一个约稿单位。"]
