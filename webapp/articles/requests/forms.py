"""Forms of the commission, urgent-report and incident pages. They check the shape of what was typed; the
services check the ranges and the rules, and their message goes beside the field (the form keeps the text)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.articles.models import INCIDENT_KIND_LABELS, SECRECY_LEVEL_LABELS
from webapp.articles.services import commissions, incidents, urgent
from webapp.core.forms import KaopingForm, choices
from workflow.articles.guards import BODY_MAX, TITLE_MAX

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


class CommissionForm(KaopingForm):
    """发起约稿 (ZG-6.2, INF-3.10)."""

    topic = StringField(
        "约稿主题",
        validators=[DataRequired("请填写约稿主题。"), Length(max=commissions.TOPIC_MAX)],
    )
    detail = TextAreaField(
        "约稿要求", validators=[Optional(), Length(max=commissions.DETAIL_MAX)],
        description="写明角度、篇幅、材料要求等（可不填）。",
    )  # fmt: skip
    due_on = DateField(
        "截止日期", validators=[InputRequired("请填写截止日期。")], description="不早于今天，一年以内。"
    )
    important = BooleanField("重要约稿（未按要求完成的，取消当年评先资格 · INF-3.10）")
    unit_ids = SelectMultipleField(
        "约稿单位",
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("请至少选择一个约稿单位。")],
    )


class ReasonForm(KaopingForm):
    """A required reason (cancel a commission, withdraw an incident, dismiss a 迟报 suggestion)."""

    reason = TextAreaField("理由", validators=[DataRequired("请写明理由。"), Length(max=500)])


class CloseEventForm(KaopingForm):
    note = TextAreaField("结束说明", validators=[Optional(), Length(max=urgent.NOTE_MAX)])


class UnitUrgentForm(KaopingForm):
    """本单位登记紧急事件并撰写首报 (PUB-2.3)."""

    office_id = SelectField("报送办公室", coerce=int, validators=[InputRequired("请选择报送办公室。")])
    title = StringField(
        "事件名称", validators=[DataRequired("请写明事件名称。"), Length(max=urgent.TITLE_MAX)]
    )
    occurred_at = DateTimeLocalField(
        "发生时间",
        format=MOMENT_FORMAT,
        validators=[InputRequired("请填写事件发生时间（年-月-日 时:分）。")],
        description=f"北京时间，不晚于现在、不早于{urgent.MAX_AGE_DAYS}天前；首报时限自此起算。",
    )
    report_title = StringField(
        "首报标题", validators=[DataRequired("请填写首报标题。"), Length(max=TITLE_MAX)]
    )
    report_body = TextAreaField(
        "首报正文",
        validators=[Optional(), Length(max=BODY_MAX)],
        description="写明时间、地点、经过、已采取的措施；送分管领导审阅同意后即报送办公室。",
    )
    secrecy = SelectField("密级", choices=choices(SECRECY_LEVEL_LABELS.items()), default="none")


class OfficeUrgentForm(KaopingForm):
    """办公室登记获知的紧急事件并指定报送单位."""

    unit_id = SelectField("报送单位", coerce=int, validators=[InputRequired("请选择报送单位。")])
    title = StringField(
        "事件名称", validators=[DataRequired("请写明事件名称。"), Length(max=urgent.TITLE_MAX)]
    )
    occurred_at = DateTimeLocalField(
        "发生时间",
        format=MOMENT_FORMAT,
        validators=[InputRequired("请填写事件发生时间（年-月-日 时:分）。")],
        description=f"北京时间，不晚于现在、不早于{urgent.MAX_AGE_DAYS}天前；该单位的首报时限自此起算。",
    )


class IncidentForm(KaopingForm):
    """记录迟报、漏报、瞒报、信息失实 (ZG-4.9, ZG-4.10, INF-3.7; 性质严重 ZG-4.11)."""

    kind = SelectField("情况类型", choices=choices(INCIDENT_KIND_LABELS.items()), validators=[DataRequired()])
    article_number = StringField(
        "稿件编号",
        validators=[Optional(), Length(max=24)],
        description="如 2027-0042（漏报不填，记在紧急事件上）。",
    )
    urgent_event_id = HiddenField()
    occurred_on = DateField("发生日期", validators=[InputRequired("请填写发生日期。")])
    note = TextAreaField(
        "情况说明", validators=[DataRequired("请写明情况。"), Length(max=incidents.NOTE_MAX)]
    )
    serious = BooleanField("性质严重（通报批评，取消当年评先资格 · ZG-4.11）")
