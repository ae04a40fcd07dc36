"""How a ledger scheme's fields are read: the field kinds it uses, declared for the shared validator
(`workflow.validation`), and `_ledger_error`, the one place a validator problem becomes a `ledger.scheme.*` code
naming the field path (「分值表第3项的分值」).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from workflow import validation
from workflow.scoring.ledger.errors import LedgerError


def _finite(value: Any) -> Decimal:
    result = Decimal(str(value))
    if not result.is_finite():
        raise validation.Invalid(validation.BAD_VALUE, value=value)
    return result


def _share(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= 1:
        raise validation.Invalid("ledger.scheme.share_range", value=value)
    return value


#: The field kinds a ledger scheme uses (read with the shared validator, `workflow.validation`).
_TEXT = validation.text()
_BOOL = validation.flag()
_NUMBER = validation.Field((int, float, Decimal), convert=_finite)
_COUNT = validation.integer(min=0)
_TEXTS = validation.Field((list,), each=_TEXT, default=(), convert=tuple)
_SHARE = validation.Field((int, float, Decimal), default=Decimal(0), convert=lambda x: _share(_finite(x)))
#: The ledger's own code for a value of the wrong type, by the field kind that refused it.
_TYPE_CODES = {
    _TEXT.types: "ledger.scheme.field_not_text",
    _BOOL.types: "ledger.scheme.field_not_bool",
    _NUMBER.types: "ledger.scheme.field_not_number",
    _COUNT.types: "ledger.scheme.field_not_count",
    _TEXTS.types: "ledger.scheme.field_not_list",
}


def _ledger_error(source: str, invalid: validation.Invalid) -> LedgerError:
    """The one translation of a validator problem into the ledger's `ledger.scheme.*` codes."""
    params, problem = invalid.params, invalid.problem
    # a list of texts is refused as a whole (「应为列表」), not at the element
    path = invalid.path[:-1] if invalid.element is not None else invalid.path
    where: dict[str, Any] = {"source": source, "field": validation.dotted(path) or None}
    if problem == validation.MISSING:
        return LedgerError("ledger.scheme.field_missing", **where)
    if problem == validation.NOT_TABLE:
        return LedgerError("ledger.scheme.not_table", **where)
    if problem == validation.WRONG_TYPE:
        if invalid.element is not None:
            return LedgerError("ledger.scheme.field_not_list", **where)
        code = _TYPE_CODES.get(params["expected"], "ledger.scheme.field_not_list")
        extra = {"value": params["value"]} if code in _VALUE_CODES else {}
        return LedgerError(code, **where, **extra)
    if problem == validation.TOO_SMALL:  # counts are the only fields with a minimum
        return LedgerError("ledger.scheme.field_not_count", **where, value=params["value"])
    if problem == validation.BAD_VALUE:
        return LedgerError("ledger.scheme.field_not_number", **where, value=params["value"])
    if problem == validation.NOT_CHOICE:
        return LedgerError(
            "ledger.scheme.choice", **where, choices=list(params["choices"]), value=params["value"]
        )
    if problem == validation.UNKNOWN_KEYS:
        return LedgerError("ledger.scheme.unknown_fields", **where, names=params["names"])
    return LedgerError(problem, **where, **params)  # the parser's own rules: codes already ledger.scheme.*


_VALUE_CODES = ("ledger.scheme.field_not_number", "ledger.scheme.field_not_count")


class Reader:
    """One table of the scheme, read with the shared validator; every error names the field path."""

    def __init__(self, data: Any, at: validation.Path, source: str) -> None:
        self.source = source
        self.at = at
        self.fields = validation.Reader(data, error=lambda invalid: _ledger_error(source, invalid), path=at)
        self.data = self.fields.data

    def fail(self, key: str, code: str, **params: Any) -> LedgerError:
        return LedgerError(code, source=self.source, field=validation.dotted(self.at + (key,)), **params)

    def raw(self, key: str) -> Any:
        return self.fields.raw(key)

    def text(self, key: str, default: str = "", required: bool = False) -> str:
        value: str = self.fields.get(key, _required(_TEXT, default, required))
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value: bool = self.fields.get(key, _BOOL.optional(default))
        return value

    def number(self, key: str, default: Decimal | None = None, required: bool = False) -> Decimal:
        value: Decimal = self.fields.get(key, _required(_NUMBER, default, required))
        return value

    def count(self, key: str, default: int = 0, required: bool = False) -> int:
        value: int = self.fields.get(key, _required(_COUNT, default, required))
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value: tuple[str, ...] = self.fields.get(key, _TEXTS)
        return value

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str:
        spec = replace(_TEXT, choices=tuple(choices))
        value: str = self.fields.get(key, _required(spec, default or "", default is None))
        return value

    def share(self, key: str) -> Decimal:
        value: Decimal = self.fields.get(key, _SHARE)
        return value

    def tables(self, key: str) -> list[Reader]:
        values = self.fields.get(key, validation.Field((list,), default=()))
        return [Reader(item, self.at + (key, n), self.source) for n, item in enumerate(values, 1)]

    def table(self, key: str) -> Reader | None:
        value = self.fields.raw(key)
        return None if value is None else Reader(value, self.at + (key,), self.source)

    def done(self) -> None:
        self.fields.done()


def _required(spec: validation.Field, default: Any, required: bool) -> validation.Field:
    return spec if required else spec.optional(default)
