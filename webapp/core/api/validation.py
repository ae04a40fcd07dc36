"""Reading JSON input: each helper raises `InvalidInput` (400 ``invalid_input`` naming the field)."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider

from webapp.core.services import ServiceError


class DepthSafeJSONProvider(DefaultJSONProvider):
    """The app's JSON: a body nested deeper than the parser's recursion limit (``[[[[…]]]]``) is malformed JSON
    — a ValueError, so ``get_json`` answers 400 (or None when silent) — instead of a RecursionError and a 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


class InvalidInput(ServiceError):
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, code="invalid_input", field=field)


def json_object() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise InvalidInput("请求体须为 JSON 对象（Content-Type: application/json）。")
    return payload


def required_str(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"缺少字段 {name}（字符串）", name)
    return value.strip()


def optional_str(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} 须为字符串", name)
    return value


def optional_int(payload: dict[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} 须为整数", name)
    return value


def optional_number(payload: dict[str, Any], name: str) -> float | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{name} 须为数字", name)
    return float(value)


def optional_date(payload: dict[str, Any], name: str) -> date | None:
    value = payload.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _fail(name)
    except ValueError:
        return _fail(name)


def _fail(name: str) -> date:
    raise InvalidInput(f"{name} 须为日期 YYYY-MM-DD", name)


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
