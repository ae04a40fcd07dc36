"""One small form per event on the case page; each is prefixed with its event name, so several forms can share
one page (and one failed form is re-rendered with what was typed while the others stay empty)."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.core.forms import KaopingForm, choices
from webapp.grading.models import SPOT_CHECK_OUTCOMES

COMMENT_MAX = 2000
OPINION_MAX = 4000


class EventForm(KaopingForm):
    #: the case's version_id when the page was rendered (optimistic lock: two people cannot both act)
    version = HiddenField()
    comment = TextAreaField(
        "备注（可选）",
        validators=[Optional(), Length(max=COMMENT_MAX, message=f"备注不超过 {COMMENT_MAX} 字。")],
    )


class PassPrecheckForm(EventForm):
    notice_start = DateField(
        "公示开始日期",
        validators=[InputRequired("请填写公示开始日期。")],
        description="公示时间不少于7天（ARC-10.3.2）",
    )
    # required by the domain (ARC-10.2.1), whose refusal quotes the rule beside this field; not DataRequired here,
    # so the form, the API and the batch all give the same message
    opinion = TextAreaField(
        "预检意见（必填）",
        validators=[Optional(), Length(max=OPINION_MAX, message=f"预检意见不超过 {OPINION_MAX} 字。")],
        description="对照考评标准提出的书面预检意见（ARC-10.2.1）",
    )


class ReturnForCompletionForm(EventForm):
    opinion = TextAreaField(
        "退回意见（须写明需补充的内容）",
        validators=[
            DataRequired("请填写退回意见，写明需要补充的材料或整改内容。"),
            Length(max=OPINION_MAX, message=f"退回意见不超过 {OPINION_MAX} 字。"),
        ],
    )


class ConcludeScoreForm(EventForm):
    """A scored review where the ruleset allows a total scored on paper: blank uses the agreed sheet."""

    # Text, not DecimalField: Decimal("1e-400") would pass a range check and round to 0 (issue 7 point 6). The
    # service (cases.review_total) accepts only a plain decimal and checks the range against the score table.
    total_score = StringField(
        "评审总分（纸质评分时填写）",
        filters=[lambda value: (value or "").strip() or None],
        validators=[Optional(), Length(max=20, message="评审总分过长。")],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
        description="留空则依据评审组合议评分表形成结论；达到本等级分数线即为通过（ARC-7.2）",
    )


class ConcludeFromSheetForm(EventForm):
    """A scored review where the ruleset requires the agreed score sheet (no paper totals)."""

    description = (
        "依据评审组合议评分表形成结论：总分达到本等级分数线，且无否决项、各部分达到最低分（ARC-7.2）"
    )


class ConcludePassFailForm(EventForm):
    conclusion = RadioField(
        "评审结论",
        choices=choices([("pass", "达标"), ("fail", "不达标")]),
        validators=[InputRequired("请选择评审结论。")],
        description="省特级不计分，由评审组作出达标或不达标的结论（ARC-6.1）",
    )


def event_form_class(event: str, *, scored: bool = True, paper: bool = True) -> type[EventForm]:
    if event == "pass_precheck":
        return PassPrecheckForm
    if event == "return_for_completion":
        return ReturnForCompletionForm
    if event == "conclude_review":
        if not scored:
            return ConcludePassFailForm
        return ConcludeScoreForm if paper else ConcludeFromSheetForm
    return EventForm


def event_form(
    event: str,
    *,
    scored: bool = True,
    paper: bool = True,
    bind: bool = False,
    today: date | None = None,
) -> EventForm:
    """The form for ``event``: bound to the posted data when ``bind``, else empty with its defaults."""
    cls = event_form_class(event, scored=scored, paper=paper)
    if bind:
        return cls(prefix=event)
    form = cls(prefix=event, formdata=None)
    if isinstance(form, PassPrecheckForm) and today is not None:
        form.notice_start.data = today
    return form


class UploadForm(KaopingForm):
    kind = SelectField("材料类别", validators=[DataRequired("请选择材料类别。")])
    file = FileField("文件", validators=[FileRequired("请选择要上传的文件。")])
    #: id of the attachment this upload replaces (same kind; the old one is deleted in the same transaction)
    replace = HiddenField()


class SpotCheckForm(KaopingForm):
    """抽查记录 (ARC-9.6): the day, the outcome and what was found (range checked in services/spot_checks.py)."""

    checked_on = DateField("抽查日期", validators=[DataRequired("请填写抽查日期（年-月-日）。")])
    outcome = SelectField(
        "抽查结论",
        choices=choices([("", "请选择"), *SPOT_CHECK_OUTCOMES.items()]),
        validators=[DataRequired("请选择抽查结论。")],
    )
    findings = TextAreaField(
        "抽查情况", validators=[DataRequired("请填写抽查发现的情况。"), Length(max=4000)]
    )
