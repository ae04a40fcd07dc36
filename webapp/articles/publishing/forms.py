"""Forms of the issue pages and the instruction pages. Length limits match the services' (which check again)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.articles.models import INSTRUCTION_LEVEL_LABELS
from webapp.articles.models.issue import CORRECTION_KIND_LABELS
from webapp.articles.services.issues import COPIES_MAX, DISTRIBUTION_MAX, NOTE_MAX, REASON_MAX
from webapp.core.forms import KaopingForm, choices
from workflow.articles.guards import BODY_MAX, TITLE_MAX

DATE_MESSAGE = "请填写有效日期（年-月-日）。"


class VersionForm(KaopingForm):
    """A button on an issue (move, remove, lock): the issue's version as rendered."""

    version = HiddenField()


class IssueDetailsForm(VersionForm):
    issued_on = DateField("出刊日期", validators=[DataRequired(DATE_MESSAGE)])
    editor_note = TextAreaField(
        "编者按", validators=[Optional(), Length(max=NOTE_MAX)], description="可不填；印在本期稿件之前。"
    )
    distribution = TextAreaField(
        "分送范围",
        validators=[Optional(), Length(max=DISTRIBUTION_MAX)],
        description="每行一项，如「报：市委领导同志」「送：…」「发：各县（市、区）委组织部」；新建一期时沿用上一期。",
    )
    copies = IntegerField(
        "印数（份）",
        validators=[
            Optional(),
            NumberRange(min=1, max=COPIES_MAX, message=f"印数应在1至{COPIES_MAX}份之间。"),
        ],
    )


class NewIssueForm(IssueDetailsForm):
    """新建一期: the number is given by the system (year of the issue date, running total)."""


class AddItemsForm(VersionForm):
    adoption_ids = SelectMultipleField(
        "已采用、尚未编期的稿件",
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("请至少选择一篇稿件。")],
    )


class OrderForm(VersionForm):
    #: the item ids in their new order, comma-separated (set by dragging the rows; the buttons work without it)
    order = HiddenField()


class ItemTextForm(VersionForm):
    title = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=TITLE_MAX)])
    body = TextAreaField("正文", validators=[DataRequired("请填写正文。"), Length(max=BODY_MAX)])


class CorrectionForm(VersionForm):
    kind = RadioField("勘误类型", choices=choices(CORRECTION_KIND_LABELS.items()), default="edit")
    item_id = SelectField("稿件", coerce=int, choices=[], validate_choice=False, validators=[Optional()])
    title = StringField("更正后的标题", validators=[Optional(), Length(max=TITLE_MAX)])
    body = TextAreaField("更正后的正文", validators=[Optional(), Length(max=BODY_MAX)])
    editor_note = TextAreaField("更正后的编者按", validators=[Optional(), Length(max=NOTE_MAX)])
    reason = TextAreaField("勘误原因", validators=[DataRequired("请填写勘误原因。"), Length(max=REASON_MAX)])


class InstructionForm(KaopingForm):
    leader = StringField("批示领导", validators=[DataRequired("请填写批示领导。"), Length(max=60)],
                         description="如：张某某（市委书记）")  # fmt: skip
    level = SelectField(
        "领导级别", choices=choices([("", "请选择"), *INSTRUCTION_LEVEL_LABELS.items()]),
        validators=[DataRequired("请选择领导级别。")],
    )  # fmt: skip
    instructed_on = DateField("批示日期", validators=[DataRequired(DATE_MESSAGE)])
    text = TextAreaField("批示内容", validators=[DataRequired("请填写批示内容。"), Length(max=2000)])
    with_follow_up = BooleanField("要求单位落实反馈")
    unit_id = SelectField("落实单位", coerce=int, choices=[], validate_choice=False, validators=[Optional()])
    due_on = DateField("反馈期限", validators=[Optional()])
    request = TextAreaField("落实要求", validators=[Optional(), Length(max=500)])


class FollowUpForm(KaopingForm):
    unit_id = SelectField("落实单位", coerce=int, choices=[], validate_choice=False,
                          validators=[DataRequired("请选择落实单位。")])  # fmt: skip
    due_on = DateField("反馈期限", validators=[DataRequired(DATE_MESSAGE)])
    request = TextAreaField("落实要求", validators=[Optional(), Length(max=500)])


class ReportForm(KaopingForm):
    report = TextAreaField("落实情况", validators=[DataRequired("请填写落实情况。"), Length(max=5000)])
