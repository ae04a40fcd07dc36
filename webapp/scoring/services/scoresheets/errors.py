"""The refusals of the score-sheet services (the API turns them into ``{"error": code, …}``)."""

from __future__ import annotations

from collections.abc import Mapping

from webapp.core.services.errors import Conflict, ServiceError


class SheetRefused(ServiceError):
    """Not allowed (403) or not now (409, with the rule)."""

    def __init__(self, message: str, *, status: int = 403, code: str = "forbidden", rule: str | None = None):
        super().__init__(message, code=code)
        self.status = status
        self.rule = rule


class SheetInvalid(ServiceError):
    """Entries that cannot be saved or submitted: ``errors`` maps a form field (or a cell) to a Chinese message.

    ``field`` is the first input at fault (a form field such as ``HBS-3.1:reason``, or an item id), so the API can
    name it.
    """

    def __init__(
        self,
        message: str,
        errors: Mapping[str, str] | None = None,
        problems: list[str] | None = None,
        *,
        field: str | None = None,
    ):
        super().__init__(message, code="invalid_sheet", field=field)
        self.errors = dict(errors or {})
        self.problems = list(problems or [])


class SheetStale(Conflict):
    """The sheet changed since the caller loaded it (optimistic lock, ``version_id``); same code as a stale case."""

    def __init__(self) -> None:
        super().__init__("该评分表已被他人处理，请刷新页面后再保存（您的输入未保存）。")
        self.code = "stale"


def submitted_refusal(what: str = "该评分表") -> SheetRefused:
    """A submitted sheet is changed only after taking it back (reopen)."""
    return SheetRefused(f"{what}已提交；如需修改，请先撤回提交。", status=409, code="sheet_submitted")
