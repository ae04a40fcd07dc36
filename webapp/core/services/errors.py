"""Every refusal a service raises is one of these, or a feature's subclass in its own ``errors`` module: a Chinese
message for people, a stable ``code`` for the API, the HTTP ``status`` and, when a typed value is at fault, the
form ``field`` to show it beside. The web and API error handlers (webapp/core/errors.py, webapp/core/api/errors.py)
turn them into pages and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from workflow.errors import Refusal


class ServiceError(Exception):
    """A refused request, with a Chinese message for the user and a stable code for the API.

    ``field`` names the form field at fault, when there is one, so the form can show the message beside it.
    """

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str = "记录不存在。") -> None:
        super().__init__(message, code="not_found")


class Conflict(ServiceError):
    status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, code="conflict", field=field)


class InvalidInput(ServiceError):
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, code="invalid_input", field=field)


class BadQueryArg(ServiceError):
    """A query-string value out of range: 400 with a Chinese message naming the parameter."""

    status = 400

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message, code="invalid_input", field=name)


class Stale(Conflict):
    """Someone else changed the record since the caller loaded it (optimistic lock, ``version_id``): 409 with the
    words people know, 已被他人处理，请刷新."""

    def __init__(self, message: str = "已被他人处理，请刷新。") -> None:
        super().__init__(message)
        self.code = "stale"
        self.rule: str | None = None


class RuleRefused(ServiceError):
    """A procedure's domain or permission check said no, quoting the rule (``rule``). ``status``: 403 forbidden,
    400 a typed value (the field from the feature's ``INPUT_FIELDS``: refusal code → form field), 409 a state or
    guard refusal. Each procedure subclasses it in its ``services/errors.py`` with its own ``INPUT_FIELDS``."""

    INPUT_FIELDS: ClassVar[Mapping[str, str]] = {}

    def __init__(self, refusal: Refusal, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(
            refusal.message, code=refusal.code, field=field or self.INPUT_FIELDS.get(refusal.code)
        )
        self.rule = refusal.rule
        if status is not None:
            self.status = status
        elif refusal.code == "forbidden":
            self.status = 403
        elif self.field is not None:
            self.status = 400
        else:
            self.status = 409
