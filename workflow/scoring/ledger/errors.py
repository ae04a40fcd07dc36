"""The ledger engine's refusals: a stable code, its parameters, and where the problem sits.

Same convention as the table engine's `ScoringError` (branch i7-engine): code + params in the API, the Chinese
text made in one place (`messages.py`). `source` names the file, `row`/`column` the place in an imported table,
`field` the scheme key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workflow.scoring.ledger.messages import render_detail, render_location


class LedgerError(ValueError):
    """One refusal of the ledger engine (scheme, roster, records or period)."""

    def __init__(
        self,
        code: str,
        *,
        source: str = "",
        row: int | None = None,
        column: str | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.params = params
        self.source = source
        self.row = row
        self.column = column
        self.field = field
        super().__init__(self.message)

    @property
    def detail(self) -> str:
        return render_detail(self.code, self.params)

    @property
    def location(self) -> str:
        return render_location(source=self.source, row=self.row, column=self.column, field=self.field)

    @property
    def message(self) -> str:
        return self.location + self.detail

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """The API's shape: ``{"error", "params", "message", "row", "column", "field"}``."""
        return {
            "error": self.code,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "message": self.message,
            "row": self.row,
            "column": self.column,
            "field": self.field,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
