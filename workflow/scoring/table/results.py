"""What scoring a sheet gives: item, section and sheet results, and their JSON shape for the API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


@dataclass(frozen=True)
class ItemResult:
    id: str
    score: Decimal
    max: Decimal
    reasons: tuple[str, ...] = ()
    bonus: bool = False
    missing: bool = False  #: no entry for an item that needs one; scored 0
    parts: tuple[ItemResult, ...] = ()


@dataclass(frozen=True)
class SectionResult:
    id: str
    name: str
    score: Decimal  #: regular items only
    max: Decimal
    bonus: Decimal = ZERO  #: bonus items in this section, before the scheme's bonus cap
    min_required: Decimal | None = None
    failed: bool = False


@dataclass(frozen=True)
class SheetResult:
    scheme_id: str
    scheme_version: str
    level: str | None
    total: Decimal
    max: Decimal
    sections: tuple[SectionResult, ...]
    items: tuple[ItemResult, ...]
    bonus_raw: Decimal
    bonus_total: Decimal
    bonus_reasons: tuple[str, ...]
    vetoed: bool
    veto_reasons: tuple[str, ...]
    section_failures: tuple[str, ...]
    missing: tuple[str, ...]
    pass_line: Decimal | None
    passed: bool | None
    grade: str | None

    def item(self, item_id: str) -> ItemResult:
        for result in self.items:
            if result.id == item_id:
                return result
            for part in result.parts:
                if part.id == item_id:
                    return part
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: points become int when whole, else float (they carry at most `precision` digits)."""
        return {
            "scheme": self.scheme_id,
            "version": self.scheme_version,
            "level": self.level,
            "total": _json_num(self.total),
            "max": _json_num(self.max),
            "sections": [
                {
                    "id": s.id,
                    "name": s.name,
                    "score": _json_num(s.score),
                    "max": _json_num(s.max),
                    "bonus": _json_num(s.bonus),
                    "min_required": None if s.min_required is None else _json_num(s.min_required),
                    "failed": s.failed,
                }
                for s in self.sections
            ],
            "items": [_item_dict(i) for i in self.items],
            "bonus_raw": _json_num(self.bonus_raw),
            "bonus_total": _json_num(self.bonus_total),
            "bonus_reasons": list(self.bonus_reasons),
            "vetoed": self.vetoed,
            "veto_reasons": list(self.veto_reasons),
            "section_failures": list(self.section_failures),
            "missing": list(self.missing),
            "pass_line": None if self.pass_line is None else _json_num(self.pass_line),
            "passed": self.passed,
            "grade": self.grade,
        }


def _item_dict(result: ItemResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": result.id,
        "score": _json_num(result.score),
        "max": _json_num(result.max),
        "reasons": list(result.reasons),
    }
    if result.bonus:
        out["bonus"] = True
    if result.missing:
        out["missing"] = True
    if result.parts:
        out["parts"] = [_item_dict(p) for p in result.parts]
    return out


def _json_num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
