"""The scoring engine's refusals: a stable code, its parameters, and where the problem sits.

`ScoringError(code, item=…, **params)` is raised by scheme validation (`SchemeError`), sheet validation and
scoring (`SheetError`) and ranking (`RankingError`). The Chinese text comes from `messages.py` only, so the
API can return ``{"error": code, "params": …, "message": …}`` and every page shows the same words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workflow.scoring.messages import render_detail, render_location


class ScoringError(ValueError):
    """One refusal. ``item`` is the item id (for the API and the form), ``label`` the item as the table shows it
    (「二、1 档案库房」); ``source`` the file; ``within`` a sub-rule of the item, e.g. ("deductions", 2)."""

    def __init__(
        self,
        code: str,
        *,
        source: str = "",
        item: str | None = None,
        label: str = "",
        section: str | None = None,
        section_label: str = "",
        within: tuple[str, int] | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.params = params
        self.source = source
        self.item = item
        self.label = label
        self.section = section
        self.section_label = section_label
        self.within = within
        self.field = field
        super().__init__(self.message)

    @property
    def detail(self) -> str:
        """The message body, without the file and the item (for a form that shows it beside the item)."""
        params = self.params if self.field is None else {"field": self.field} | self.params
        return render_detail(self.code, params)

    @property
    def location(self) -> str:
        return render_location(
            source=self.source, section_label=self.section_label, label=self.label, within=self.within
        )

    @property
    def message(self) -> str:
        return self.location + self.detail

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """The API's shape: ``{"error", "params", "message", "item", "field"}`` (params JSON-ready)."""
        return {
            "error": self.code,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "message": self.message,
            "item": self.item,
            "section": self.section,
            "field": self.field,
        }


class SchemeError(ScoringError):
    """A scheme that cannot be used; the message names the source file and the item or field."""


class SheetError(ScoringError):
    """A sheet entry the scheme cannot score; the message names the item (and the field)."""


class RankingError(ScoringError):
    """Grade counts outside the scheme's rank quotas (e.g. 4 优秀 where STA-4.1 allows 2–3)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
