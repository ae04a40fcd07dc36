"""Every refusal a service raises is one of these, or a feature's subclass in its own ``errors`` module: a Chinese
message for people, a stable ``code`` for the API, the HTTP ``status`` and, when a typed value is at fault, the
form ``field`` to show it beside. The web and API error handlers (webapp/core/errors.py, webapp/core/api/errors.py)
turn them into pages and JSON."""

from __future__ import annotations


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
