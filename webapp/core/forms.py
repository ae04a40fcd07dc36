"""The base form: Flask-WTF with CSRF and WTForms' built-in messages in Simplified Chinese."""

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm


class KaopingForm(FlaskForm):
    class Meta:
        # WTForms ships a zh catalogue; WTF_I18N_ENABLED=False makes Flask-WTF use it without Flask-Babel.
        locales = ("zh",)


try:  # WTForms >= 3.3 deprecates (value, label) tuples
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None  # type: ignore[assignment,misc]


def choice(value: Any, label: str) -> Any:
    """One option of a SelectField, in the form the installed WTForms prefers."""
    return SelectChoice(value, label) if SelectChoice is not None else (value, label)


def choices(pairs: Iterable[tuple[Any, str]]) -> list[Any]:
    return [choice(value, label) for value, label in pairs]


#: A form's hidden version is missing or not a number: the form did not come from the page as rendered, so nobody
#: can tell whether the record moved on meanwhile (issue 7 point 4: such a form is refused, never "not checked").
STALE_FORM_MESSAGE = (
    "无法确认您提交的页面是否为最新（缺少或无效的版本信息），本次操作未执行。请刷新页面后重新办理。"
)
#: A version_id is a positive counter; anything longer than this is not one (and would not fit the column).
_VERSION_DIGITS = 18


def form_version(raw: str | None) -> int | None:
    """The record version a page's form was rendered with, or None when it is missing or malformed.

    Callers answer None with 400 (`STALE_FORM_MESSAGE`); a services' ``expected_version=None`` means "do not
    check", which only the API may ask for by leaving ``expected_version`` out.
    """
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > _VERSION_DIGITS:
        return None
    return int(text)
