"""Reading JSON input beyond the body models (`webapp.core.api.spec`): the parser the app uses, the error a
refusal raises (400 ``invalid_input`` naming the field) and a number read exactly as it was written."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider

from webapp.core.services.errors import InvalidInput


class DepthSafeJSONProvider(DefaultJSONProvider):
    """The app's JSON: a body nested deeper than the parser's recursion limit (``[[[[…]]]]``) is malformed JSON
    — a ValueError, so ``get_json`` answers 400 (or None when silent) — instead of a RecursionError and a 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


class _Token(str):
    """A JSON number exactly as it was written in the request body."""


def number_as_sent(name: str) -> str | None:
    """The top-level number ``name`` as the client wrote it: the JSON number's own text (``1e-400`` stays
    ``1e-400`` instead of becoming the float 0.0, so the service can refuse it); None when absent or null.

    Anything else (a string, an object, true/false) is refused naming the field.
    """
    payload = json.loads(request.get_data(), parse_float=_Token, parse_int=_Token)
    value = payload.get(name) if isinstance(payload, dict) else None
    if value is None:
        return None
    if not isinstance(value, _Token):
        raise InvalidInput(f"{name} 须为数字", name)
    return str(value)


def expected_version_arg() -> int | None:
    """``expected_version`` from the query string or a form (a DELETE and a multipart upload carry no JSON body):
    None when absent or empty; refused naming the field when it is not a whole number up to nine digits, or when
    it is given more than once (``?expected_version=&expected_version=7`` was read as "no version" and the change
    went through unchecked; found by the API's property tests)."""
    given = request.values.getlist("expected_version")
    if len(given) > 1:
        raise InvalidInput("expected_version 只能给一个值", "expected_version")
    raw = given[0] if given else None
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # '²'.isdigit(), yet int('²') fails
        raise InvalidInput("expected_version 须为正整数", "expected_version")
    return int(raw)
