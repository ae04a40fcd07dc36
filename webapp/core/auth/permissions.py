"""Who may open a view. Deny by default: every view carries exactly one of these markers, and a test walks
the URL map to prove that anonymous requests to anything not marked ``public`` are turned away.

Permission names are explicit strings, never derived from function names, so renaming a view changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from webapp.core.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])
#: attribute set on every view function; the deny-by-default test reads it
PERMISSION_ATTR = "kaoping_permission"


def public(view: F) -> F:
    """Open to anonymous visitors (login page, health check, public notices)."""
    setattr(view, PERMISSION_ATTR, "public")
    return view


def login_required(view: F) -> F:
    """Any active, logged-in user; finer checks happen in the service (role × jurisdiction × state)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapped, PERMISSION_ATTR, "authenticated")
    return wrapped  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Logged in *and* holding at least one of ``roles``; anonymous → login/401, others → 403."""
    if not roles:
        raise ValueError("roles_required needs at least one role")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTR, "roles:" + ",".join(sorted(roles)))
        return wrapped  # type: ignore[return-value]

    return decorator
