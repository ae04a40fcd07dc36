"""The unit's forms and the article page's event forms.

Lengths and required values that the procedure checks (a reason of at least four characters, ZG-6.1) are left
to the procedure, whose refusal quotes the rule beside the field; the forms check only what no rule speaks of
(a note's length, a date's format) and keep what was typed when anything is refused.
"""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.core.forms import KaopingForm, choices
from workflow.articles import SECRECY_LABELS
from workflow.articles.guards import BODY_MAX, TITLE_MAX

NOTE_MAX = 500
COMMENT_MAX = 2000
SECRECY_HELP = "秘密稿件仅本人、本单位分管领导和办公室编辑可见，不进入公开材料。"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ArticleTextForm(KaopingForm):
    """Title and body of an article (new or edited); the service checks them again (the API takes the same)."""

    title = StringField(
        "标题",
        filters=[_strip],
        validators=[
            DataRequired("请填写标题。"),
            Length(max=TITLE_MAX, message=f"标题不超过{TITLE_MAX}字。"),
        ],
        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"},
    )
    body = TextAreaField(
        "正文",
        validators=[Optional(), Length(max=BODY_MAX, message=f"正文不超过{BODY_MAX}字。")],
        description="纯文本，每段一行；送审前须有正文（PUB-2.4：主题鲜明，文题相符，言简意赅）。",
    )
    secrecy = RadioField(
        "密级",
        choices=choices(SECRECY_LABELS.items()),
        default="none",
        validators=[DataRequired("请选择密级。")],
        description=SECRECY_HELP,
    )


class NewArticleForm(ArticleTextForm):
    office_id = SelectField("报送至", validators=[DataRequired("请选择报送的办公室。")])
    #: what the draft answers (约稿) or reports (紧急信息): carried from the query string; checked by the service
    commission_target_id = HiddenField()
    urgent_event_id = HiddenField()


class EditArticleForm(ArticleTextForm):
    #: the article's version when the page was rendered (two people cannot both save over one version)
    version = HiddenField()
    note = StringField(
        "修改说明（可选）",
        filters=[_strip],
        validators=[Optional(), Length(max=NOTE_MAX, message=f"修改说明不超过{NOTE_MAX}字。")],
        render_kw={"maxlength": NOTE_MAX, "autocomplete": "off"},
    )


class EventForm(KaopingForm):
    #: the article's version when the page was rendered (optimistic lock: 已被他人处理，请刷新)
    version = HiddenField()
    comment = TextAreaField(
        "备注（可选）",
        validators=[Optional(), Length(max=COMMENT_MAX, message=f"备注不超过{COMMENT_MAX}字。")],
    )


class ReasonForm(EventForm):
    # the length is the procedure's (ZG-6.1 / PUB-2.4 / INF-2.0): its refusal, with the rule, goes beside the field
    reason = TextAreaField("理由（必填）")


class AnswerForm(EventForm):
    answer = TextAreaField("修改说明：对退改意见的答复（必填）")


class AdoptForm(EventForm):
    # choices come from the office's configuration; the service checks the values against it
    publication_id = SelectField("刊物", validate_choice=False)
    class_code = SelectField("信息类别", validate_choice=False)
    form_code = SelectField("采用形式", validate_choice=False)
    adopted_on = DateField("采用日期", validators=[Optional()], description="留空为今天；不能早于报送日期")
    note = StringField(
        "备注（可选）", validators=[Optional(), Length(max=NOTE_MAX, message=f"备注不超过{NOTE_MAX}字。")]
    )


FORM_CLASSES: dict[str, type[EventForm]] = {
    "leader_return": ReasonForm,
    "office_return": ReasonForm,
    "decline": ReasonForm,
    "resubmit": AnswerForm,
    "adopt": AdoptForm,
}
REASON_LABELS = {
    "leader_return": "退改理由（必填，写明需修改之处）",
    "office_return": "退回修改的理由（必填）",
    "decline": "不予采用的理由（必填，单位可见）",
}


def event_form(event: str, *, bind: bool = False, today: date | None = None) -> EventForm:
    """The form for ``event`` (prefixed with its name, so several share a page): bound to the posted data when
    ``bind``, else empty."""
    cls = FORM_CLASSES.get(event, EventForm)
    form = cls(prefix=event) if bind else cls(prefix=event, formdata=None)
    if isinstance(form, ReasonForm):
        form.reason.label.text = REASON_LABELS.get(event, form.reason.label.text)
    return form


class UploadForm(KaopingForm):
    version = HiddenField()
    file = FileField("附件（图片或文档）")


class VersionForm(KaopingForm):
    """A bare POST (delete a draft, remove an attachment): the CSRF token and the version."""

    version = HiddenField()
