import secrets

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.core.forms import KaopingForm

CONTENT_MIN, CONTENT_MAX = 10, 2000


class ObjectionForm(KaopingForm):
    content = TextAreaField(
        "异议内容",
        validators=[
            DataRequired("请填写异议内容。"),
            Length(
                min=CONTENT_MIN,
                max=CONTENT_MAX,
                message=f"异议内容应为 {CONTENT_MIN} 至 {CONTENT_MAX} 字，请写明具体事实。",
            ),
        ],
        description="请写明具体事实和依据，便于组织考评的档案局核实。",
    )
    name = StringField(
        "姓名或单位（可选）", validators=[Optional(), Length(max=64, message="姓名或单位不超过 64 字。")]
    )
    contact = StringField(
        "联系方式（可选）",
        validators=[Optional(), Length(max=120, message="联系方式不超过 120 字。")],
        description="留下电话或邮箱，档案局核实时可与您联系；不会公开。",
    )
    #: the answer to the arithmetic question asked from an address's 4th objection in an hour (`challenge`);
    #: shown only when a question is asked
    challenge = StringField(
        "验证问题", validators=[Optional(), Length(max=8, message="请填写计算结果（数字）。")]
    )
    #: one-time token given with the blank form: the same form posted twice files one objection (PRG + key)
    submission_token = HiddenField(default=lambda: secrets.token_urlsafe(24))
