"""The public notice list (公示, ARC-10.3): no login needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class NoticeRow:
    case_id: int
    organ_name: str
    level_label: str
    kind_label: str
    bureau_name: str
    start: date
    last_day: date
    #: True while objections are being verified (GAP-9)
    under_objection: bool


def current_notices(*, today: date | None = None, bureau_id: int | None = None) -> list[NoticeRow]:
    raise NotImplementedError
