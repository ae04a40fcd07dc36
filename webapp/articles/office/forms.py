"""The office's forms. Choices come from the office's configuration (`adoptions.choices`) and are set by the
view; the services check every value again (a form only keeps what was typed and shows messages beside it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.articles.models import FORWARD_KIND_LABELS, TERM_KIND_LABELS
from webapp.articles.services.adoptions import AdoptionInput, Choices
from webapp.articles.services.triage import ACTION_LABELS, ACTIONS
from webapp.core.forms import KaopingForm, choices

REASON_MAX = 2000
NOTE_MAX = 500


def _no_choice_check(field: Any) -> None:
    # the service checks the value against the office's configuration and says so in Chinese, beside the field
    field.validate_choice = False


class AdoptionFields(KaopingForm):
    """Publication, class, form, the day and a note: what an adoption records (INF-2.0, INF-2.8)."""

    publication_id = SelectField("刊物", choices=[])
    class_code = SelectField("信息类别", choices=[])
    form_code = SelectField("采用形式", choices=[])
    adopted_on = DateField("采用日期", validators=[Optional()], description="不填为今天")
    note = StringField("采用备注", validators=[Optional(), Length(max=NOTE_MAX)])

    def set_choices(self, offered: Choices) -> None:
        self.publication_id.choices = choices(
            [("", "请选择刊物")] + [(str(i), n) for i, n in offered.publications]
        )
        self.class_code.choices = choices([("", "请选择类别")] + list(offered.classes))
        self.form_code.choices = choices([("", "请选择形式")] + list(offered.forms))
        for field in (self.publication_id, self.class_code, self.form_code):
            _no_choice_check(field)
        if self.publication_id.data in (None, "") and offered.publications and not self.is_submitted():
            # the office's own publication first: the usual choice, one key less when triaging
            self.publication_id.data = str(offered.publications[0][0])

    def adoption(self) -> AdoptionInput:
        raw = (self.publication_id.data or "").strip()
        publication = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
        return AdoptionInput(
            publication_id=publication,
            class_code=(self.class_code.data or "").strip(),
            form_code=(self.form_code.data or "").strip(),
            adopted_on=self.adopted_on.data,
            note=(self.note.data or "").strip(),
        )


class TriageForm(AdoptionFields):
    """One form for the four decisions; the fields an action does not use are ignored."""

    action = RadioField(
        "处理",
        choices=choices([(a, ACTION_LABELS[a]) for a in ACTIONS]),
        validators=[InputRequired("请选择处理方式。")],
    )
    reason = TextAreaField(
        "理由（退回修改、不予采用时必填）",
        validators=[Optional(), Length(max=REASON_MAX)],
        render_kw={"rows": 3},
    )
    version = HiddenField()


class ForwardForm(KaopingForm):
    kind = RadioField(
        "报送方式",
        choices=choices(list(FORWARD_KIND_LABELS.items())),
        default="up",
        validators=[InputRequired("请选择上报上级或转送领导。")],
    )
    note = TextAreaField("附言", validators=[Optional(), Length(max=NOTE_MAX)], render_kw={"rows": 2})
    next = HiddenField()


class AdoptAgainForm(AdoptionFields):
    next = HiddenField()


class CancelAdoptionForm(KaopingForm):
    reason = TextAreaField(
        "撤销理由",
        validators=[InputRequired("请写明撤销理由。"), Length(max=NOTE_MAX)],
        render_kw={"rows": 2},
    )
    next = HiddenField()


class ForwardDecisionForm(AdoptionFields):
    """The upper office's decision on a forwarded article (INF-2.5)."""

    decision = RadioField(
        "处理",
        choices=choices([("adopt", "采用（计入撰稿单位）"), ("decline", "不予采用")]),
        validators=[InputRequired("请选择采用或不予采用。")],
    )
    reason = TextAreaField(
        "不予采用的理由", validators=[Optional(), Length(max=NOTE_MAX)], render_kw={"rows": 2}
    )


# -- settings --------------------------------------------------------------------------------------------------

_POSITION = [Optional(), NumberRange(min=0, max=999, message="排序须为0至999之间的整数。")]


class PublicationForm(KaopingForm):
    name = StringField("刊物名称", validators=[InputRequired("请填写刊物名称。"), Length(max=80)])
    code = StringField(
        "代码", validators=[InputRequired("请填写代码。"), Length(max=40)], description="如 P3，定后不能修改"
    )
    own = BooleanField("本办公室编期的刊物")
    position = IntegerField("排序", validators=_POSITION, default=0)


class PublicationEditForm(KaopingForm):
    name = StringField("刊物名称", validators=[InputRequired("请填写刊物名称。"), Length(max=80)])
    own = BooleanField("本办公室编期")
    active = BooleanField("启用")
    position = IntegerField("排序", validators=_POSITION)


class TermForm(KaopingForm):
    kind = SelectField("种类", choices=choices(list(TERM_KIND_LABELS.items())))
    name = StringField("名称", validators=[InputRequired("请填写名称。"), Length(max=40)])
    code = StringField(
        "代码", validators=[InputRequired("请填写代码。"), Length(max=40)], description="如 exp，定后不能修改"
    )
    position = IntegerField("排序", validators=_POSITION, default=0)


class TermEditForm(KaopingForm):
    name = StringField("名称", validators=[InputRequired("请填写名称。"), Length(max=40)])
    active = BooleanField("启用")
    position = IntegerField("排序", validators=_POSITION)


class UnitForm(KaopingForm):
    organisation = StringField(
        "单位代码或全称", validators=[InputRequired("请填写单位代码或全称。"), Length(max=120)]
    )
    group = StringField("分组", validators=[Optional(), Length(max=40)])


class UnitEditForm(KaopingForm):
    group = StringField("分组", validators=[Optional(), Length(max=40)])
    active = BooleanField("报送")


class TimersForm(KaopingForm):
    first_report_minutes = IntegerField(
        "紧急信息首报时限（分钟）",
        validators=[InputRequired("请填写首报时限。"), NumberRange(5, 1440, "首报时限应在5至1440分钟之间。")],
        description="事件发生后多长时间内须首报（PUB-2.3）",
    )
    followup_minutes = IntegerField(
        "续报间隔（分钟）",
        validators=[
            InputRequired("请填写续报间隔。"),
            NumberRange(30, 10080, "续报间隔应在30至10080分钟之间。"),
        ],
    )
    commission_warning_days = IntegerField(
        "约稿临期提醒（天）",
        validators=[InputRequired("请填写提醒天数。"), NumberRange(0, 30, "约稿临期提醒应在0至30天之间。")],
    )


def today_default(form: AdoptionFields, today: date) -> None:
    if form.adopted_on.data is None and not form.is_submitted():
        form.adopted_on.data = today
