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
