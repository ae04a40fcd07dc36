"""Refuse text holding a NUL character (U+0000) before any view sees it.

PostgreSQL cannot store NUL in a text column (psycopg raises "A string literal cannot contain NUL (0x00)
characters", a 500), and SQLite keeps it silently in a value that then breaks exports. Nobody types a NUL: it
comes from a pasted binary or a hostile client. So every string a request carries — query string, form fields,
file names, JSON strings (keys too) and URL segments — is checked once here, and a request with a NUL is a 400
with a Chinese message (JSON under /api/, naming the field), on every route, before anything is written.
File *contents* are bytes and are not checked here (uploads judge them by their type).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from webapp.core.services.errors import InvalidInput

MESSAGE = "提交的内容含有无法保存的不可见字符（空字符），请删除后重新提交。"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _in_json(value: Any, field: str | None) -> str | None:
    """The name of the first field whose key or string value holds a NUL (``""`` when at the top), or None."""
    if isinstance(value, str):
        return (field or "") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return str(key).replace("\x00", "")
            found = _in_json(item, str(key) if field is None else field)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _in_json(item, field)
            if found is not None:
                return found
    return None


def field_with_nul() -> str | None:
    """The name of the request's first field carrying a NUL, ``""`` when it has no name, None when none does."""
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and "\x00" in value:
            return key
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "")
    if request.method not in BODY_METHODS:
        return None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return key.replace("\x00", "")
        for key, file in request.files.items(multi=True):
            if "\x00" in key or "\x00" in (file.filename or ""):
                return key.replace("\x00", "")
    elif request.is_json:
        return _in_json(request.get_json(silent=True), None)
    return None


def refuse_nul() -> None:
    field = field_with_nul()
    if field is not None:
        raise InvalidInput(MESSAGE, field=field or None)


def register_nul_guard(app: Flask) -> None:
    app.before_request(refuse_nul)
