"""Use cases. Only code here loads, checks, changes and commits; views call one service function per request.

Each public service function is one transaction: it commits whole on success and rolls back on any error.
Building blocks that are meant to run inside a caller's transaction say so and never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from webapp.core.extensions import db


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


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit the session if the block finishes, roll everything back if it raises."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
