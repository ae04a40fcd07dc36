"""The campaign procedure's refusals (subclasses of `webapp.core.services.errors.ServiceError`)."""

from __future__ import annotations

from webapp.core.services.errors import Conflict, ServiceError
from workflow.errors import Refusal

#: Domain refusals about a value the person typed: 400 with the form field to show the message beside.
INPUT_REFUSALS: dict[str, str] = {
    "reason_missing": "reason",
    "reason_too_long": "reason",
}


class Refused(ServiceError):
    """The domain or the permission check said no, quoting the rule. ``status``: 403 forbidden, 400 a typed
    value (``field`` names it), 409 a state or guard refusal."""

    def __init__(self, refusal: Refusal, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(refusal.message, code=refusal.code, field=field or INPUT_REFUSALS.get(refusal.code))
        self.rule = refusal.rule
        if status is not None:
            self.status = status
        elif refusal.code == "forbidden":
            self.status = 403
        elif self.field is not None:
            self.status = 400
        else:
            self.status = 409


class Stale(Conflict):
    """Someone else changed the campaign since the caller loaded it (optimistic lock)."""

    def __init__(self, message: str = "已被他人处理，请刷新。") -> None:
        super().__init__(message)
        self.code = "stale"
        self.rule = None
