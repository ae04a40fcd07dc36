"""The grading procedure's refusals (subclasses of `webapp.core.services.errors.ServiceError`)."""

from __future__ import annotations

from webapp.core.services.errors import ServiceError
from webapp.core.services.errors import Stale as CoreStale
from webapp.grading.services.permissions import Decision

#: Domain refusals about a value the person typed (not about the case): 400 with the field to show it beside.
INPUT_REFUSALS: dict[str, str] = {
    "notice_start_in_past": "notice_start",
    "notice_start_too_far": "notice_start",
    "precheck_opinion_required": "opinion",
}


class Refused(ServiceError):
    """The domain or the permission check said no. ``status``: 403 forbidden, 400 a typed value the rule refuses
    (``field`` names it, see `INPUT_REFUSALS`), 409 guard/state refusal."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.message, code=decision.code, field=INPUT_REFUSALS.get(decision.code))
        self.rule = decision.rule
        if decision.code == "forbidden":
            self.status = 403
        elif decision.code in INPUT_REFUSALS:
            self.status = 400
        else:
            self.status = 409


class BatchRefused(ServiceError):
    """A batch action where some cases were refused: nothing was written. ``refusals`` maps case id → Decision."""

    status = 409

    def __init__(self, refusals: dict[int, Decision]) -> None:
        super().__init__(f"{len(refusals)} 个案件不能办理，本次批量操作未执行。", code="batch_refused")
        self.refusals = refusals


class Stale(CoreStale):
    """Someone else changed the case since the caller loaded it (optimistic lock, ``version_id``)."""

    def __init__(self, message: str = "案件已被他人处理，请刷新后重试。") -> None:
        super().__init__(message)


class FilterError(ServiceError):
    """Bad filter values: ``errors`` maps each field to its Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, code="invalid_input", field=field)
        self.errors = errors
