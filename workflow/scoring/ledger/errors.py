"""The ledger engine's refusals: `LedgerError`, a `ScoringError` (workflow/scoring/errors.py) that can also
point at a row and a column of an imported table.

Same convention as the table engine: a stable code (``ledger.input.unknown_publication``) and its params in the
API, the Chinese text made in one place (workflow/scoring/messages.py, the ledger block). `source` names the
file, `row`/`column` the place in an imported table, `field` the scheme key path (``values[3].points``).
"""

from __future__ import annotations

from typing import Any

from workflow.scoring.errors import ScoringError
from workflow.scoring.messages import ledger_field_name, render_ledger_location


class LedgerError(ScoringError):
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
        self.row = row
        self.column = column
        if "what" in params:  # the kind of thing a reference should name, as a person knows it
            params["what"] = ledger_field_name(str(params["what"]))
        super().__init__(code, source=source, field=field, **params)

    @property
    def location(self) -> str:
        return render_ledger_location(source=self.source, row=self.row, column=self.column, field=self.field)

    def to_dict(self) -> dict[str, Any]:
        """The API's shape: ``{"error", "params", "message", "row", "column", "field"}``."""
        out = super().to_dict()
        return {key: out[key] for key in ("error", "params", "message", "field")} | {
            "row": self.row,
            "column": self.column,
        }
