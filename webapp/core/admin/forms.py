from collections.abc import Mapping
from typing import Any

from wtforms import BooleanField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import KaopingForm, choices
from webapp.core.models import (
    AUTHORITY_STATUS_LABELS,
    KIND_LABELS,
    ROLE_LABELS,
    bureau_tier_labels,
    organ_tier_labels,
)
from webapp.core.services.accounts import MIN_PASSWORD_LENGTH


def _choices(labels: Mapping, blank: str | None = None) -> list:
    pairs = [(str(key), label) for key, label in labels.items()]
    return choices([("", blank), *pairs] if blank is not None else pairs)


class OrganisationForm(KaopingForm):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称。"), Length(max=120)])
    code = StringField(
        "简码",
        validators=[DataRequired("请填写简码。"), Length(max=40)],
        description="小写字母、数字和连字符，如 yc-czj",
    )
    kind = SelectField("类别", choices=_choices(KIND_LABELS))
    #: choices are the selected ruleset's tier names, set per request in __init__
    bureau_tier = SelectField("档案局级别", choices=[], validators=[Optional()])
    tier = SelectField("机关层级", choices=[], validators=[Optional()])
    parent_id = SelectField("上级单位", coerce=int, choices=[])
    has_system_guidance = BooleanField("承担系统档案工作指导任务（ARC-4.2）")
    authority_status = SelectField("考评权限状态（ARC-12.2）", choices=_choices(AUTHORITY_STATUS_LABELS))
    acts_as_county = BooleanField("兼行县级档案局职能（直管市、神农架林区，依据第九条，本系统解释）")
    contact_phone = StringField(
        "联系电话",
        validators=[Optional(), Length(max=40, message="联系电话不超过 40 字。")],
        description="仅档案局填写：印在考评公示上，供公众反映情况",
    )
    address = StringField(
        "通讯地址",
        validators=[Optional(), Length(max=200, message="通讯地址不超过 200 字。")],
        description="仅档案局填写：印在考评公示上",
    )
    active = BooleanField("启用", default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bureau_tier.choices = _choices(bureau_tier_labels(), "—")
        self.tier.choices = _choices(organ_tier_labels(), "—")


class UserForm(KaopingForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=64)])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=64)])
    organisation_id = SelectField("所属单位", coerce=int, choices=[])
    active = BooleanField("启用", default=True)


class RolesForm(KaopingForm):
    """The security administrator's form (三员分立): the system administrator's `UserForm` has no roles."""

    roles = SelectMultipleField(
        "角色",
        choices=_choices(ROLE_LABELS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        description="系统管理员、安全管理员、审计员三者互斥，且不得兼任其他角色（等保 2.0 三员分立）",
    )


class NewUserForm(UserForm):
    password = PasswordField(
        "初始密码",
        validators=[
            DataRequired("请设置初始密码。"),
            Length(min=MIN_PASSWORD_LENGTH, message=f"密码至少 {MIN_PASSWORD_LENGTH} 位。"),
        ],
    )


class PasswordResetForm(KaopingForm):
    password = PasswordField(
        "新密码",
        validators=[
            DataRequired("请输入新密码。"),
            Length(min=MIN_PASSWORD_LENGTH, message=f"密码至少 {MIN_PASSWORD_LENGTH} 位。"),
        ],
    )
    confirm = PasswordField("确认新密码", validators=[EqualTo("password", "两次输入的密码不一致。")])


class ActiveToggleForm(KaopingForm):
    """CSRF-protected POST for deactivate/reactivate."""


class DemoClockForm(KaopingForm):
    days = IntegerField(
        "前进天数",
        validators=[
            InputRequired("请填写天数。"),
            NumberRange(min=1, max=1098, message="天数须在 1–1098 之间。"),
        ],
        default=7,
    )


class DemoClockSetForm(KaopingForm):
    target = DateField("设为日期", validators=[InputRequired("请选择日期。")])
