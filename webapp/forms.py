"""The base form: Flask-WTF with CSRF and WTForms' built-in messages in Simplified Chinese."""

from flask_wtf import FlaskForm


class KaopingForm(FlaskForm):
    class Meta:
        # WTForms ships a zh catalogue; WTF_I18N_ENABLED=False makes Flask-WTF use it without Flask-Babel.
        locales = ("zh",)
