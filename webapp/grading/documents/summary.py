"""审批情况汇总表: the city bureau's annual summary of approvals, due at the province before 12月20日 (ARC-10.5.3).

Scope (GAP-19): every approval made that year by the city bureau itself and by the county bureaus in its
jurisdiction. The caller selects the rows; this module checks they belong to the year, orders them, counts them
by level and kind, and shapes them for an HTML page (`annual_summary_rows`) and for Excel (summary_xlsx.py, apart
so that the page and the services do not load openpyxl).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from webapp.grading.documents.labels import format_date
from workflow.ruleset import Ruleset

T = TypeVar("T")

#: (key in annual_summary_rows, column header, Excel column width)
SUMMARY_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("seq", "序号", 6),
    ("organ_name", "机关名称", 30),
    ("tier", "机关层级", 13),
    ("level", "考评等级", 10),
    ("kind", "考评类型", 10),
    ("approver", "审批机关", 18),
    ("approved_on", "审批日期", 15),
    ("certificate_number", "证书编号", 24),
    ("valid_until", "有效期至", 15),
    ("filing", "备案", 16),
    ("remark", "备注", 22),
)


@dataclass(frozen=True)
class SummaryRow:
    """One approved case."""

    #: The graded organ, e.g. "宜昌市财政局".
    organ_name: str
    #: Applicant tier, level approved and kind: ids of the summary's ruleset (``county_direct``, ``first``,
    #: ``recheck``); the words printed for them come from the ruleset.
    tier: str
    level: str
    kind: str
    #: Approving bureau (ARC-10.5.2): the city bureau or one of its county bureaus.
    approver: str
    #: Approval date; must fall in the summary's year.
    approved_on: dt.date
    #: Certificate number; empty while the provincial bureau has not yet issued it.
    certificate_number: str = ""
    #: Last day of validity (ARC-10.5.6 / GAP-3).
    valid_until: dt.date | None = None
    #: Bureau the recheck materials were filed with (ARC-9.3 → province, ARC-9.5 → city); None when not required.
    filed_with: str | None = None
    remark: str = ""


@dataclass(frozen=True)
class SummaryData:
    """One city bureau's summary for one year."""

    #: The reporting city bureau, e.g. "宜昌市档案局".
    city_bureau: str
    #: Calendar year of the approvals.
    year: int
    rows: Sequence[SummaryRow]
    #: The ruleset giving the words, the due date and the recipient.
    ruleset: Ruleset
    #: Date the table is filled in (填报日期); printed when given.
    prepared_on: dt.date | None = None
    #: 填表人 / 联系电话, printed when given.
    prepared_by: str = ""
    contact_phone: str = ""
    #: Recipient (ARC-10.5.3); None: the ruleset's provincial bureau.
    province_bureau: str | None = None
    #: Extra notes printed under the table.
    notes: Sequence[str] = field(default_factory=tuple)


def summary_title(data: SummaryData) -> str:
    return f"{data.city_bureau} {data.year}年度机关档案工作目标管理等级考评审批情况汇总表"


def summary_due_date(data: SummaryData) -> dt.date:
    """Reported before the ruleset's day of the same year (ARC-10.5.3: before 12月20日)."""
    month, day = data.ruleset.calendar.summary_due_before
    return dt.date(data.year, month, day)


def summary_recipient(data: SummaryData) -> str:
    return data.province_bureau or data.ruleset.documents.province_bureau


def summary_due_note(data: SummaryData) -> str:
    due = summary_due_date(data)
    inclusive = "（含当日）" if data.ruleset.calendar.summary_due_day_inclusive else ""
    return f"于{due.month}月{due.day}日{inclusive}前报{summary_recipient(data)}"


def ordered_rows(data: SummaryData) -> list[SummaryRow]:
    outside = [row for row in data.rows if row.approved_on.year != data.year]
    if outside:
        names = "、".join(f"{row.organ_name}（{row.approved_on.isoformat()}）" for row in outside)
        raise ValueError(f"rows approved outside {data.year} cannot be in its summary: {names}")
    return sorted(data.rows, key=lambda row: (row.approved_on, row.approver, row.organ_name))


def annual_summary_rows(data: SummaryData) -> list[dict[str, str | int]]:
    """The table as display strings keyed like SUMMARY_COLUMNS, in approval-date order, numbered from 1."""
    return [
        {
            "seq": number,
            "organ_name": row.organ_name,
            "tier": data.ruleset.tier_name(row.tier),
            "level": data.ruleset.level_name(row.level),
            "kind": data.ruleset.kind_name(row.kind),
            "approver": row.approver,
            "approved_on": format_date(row.approved_on),
            "certificate_number": row.certificate_number,
            "valid_until": format_date(row.valid_until) if row.valid_until else "",
            "filing": row.filed_with or "—",
            "remark": row.remark,
        }
        for number, row in enumerate(ordered_rows(data), start=1)
    ]


def annual_summary_counts(data: SummaryData) -> list[dict[str, str | int]]:
    """Counts per level, highest first, then a 合计 row: {"level", "evaluation", "recheck", "total"}."""
    rules = data.ruleset
    levels = [level.id for level in reversed(rules.levels)]  # highest first, as the Measures list them
    kinds = [kind.id for kind in rules.kinds]
    counts = {(level, kind): 0 for level in levels for kind in kinds}
    for row in data.rows:
        if (row.level, row.kind) not in counts:
            raise ValueError(
                f"{row.organ_name}: level {row.level!r} or kind {row.kind!r} is not in {rules.id}"
            )
        counts[row.level, row.kind] += 1

    def line(label: str, chosen: Sequence[str]) -> dict[str, str | int]:
        by_kind = {kind: sum(counts[level, kind] for level in chosen) for kind in kinds}
        return {"level": label, **by_kind, "total": sum(by_kind.values())}

    table = [line(rules.level_name(level), [level]) for level in levels]
    table.append(line("合计", levels))
    return table


def count_columns(data: SummaryData) -> tuple[tuple[str, str], ...]:
    """(key in annual_summary_counts, column header): the level, one column per kind, the total."""
    kinds = tuple((kind.id, kind.name) for kind in data.ruleset.kinds)
    return (("level", "考评等级"), *kinds, ("total", "合计"))


def filing_note(data: SummaryData) -> str:
    """Who receives which recheck materials, from the authority rows with filings (ARC-9.3, ARC-9.5)."""
    rules = data.ruleset
    parts: list[str] = []
    for row in rules.authority:
        if not row.filings or not row.organizer:
            continue
        text = (
            f"{rules.level_name(row.level)}{rules.kind_name(row.kind)}（{rules.tier_name(row.organizer)}组织）"
            f"材料报{'、'.join(rules.tier_name(tier) for tier in row.filings)}备案"
        )
        if text not in parts:
            parts.append(text)
    return "；".join(parts)


def data_key(data: SummaryData) -> tuple[object, ...]:
    """Everything the summary prints (the rows are frozen dataclasses of dates and strings, so they hash); the
    ruleset by id, and a kept value is taken only for the same ruleset object (`KeptByData`)."""
    return (
        data.city_bureau,
        data.year,
        tuple(data.rows),
        data.ruleset.id,
        data.prepared_on,
        data.prepared_by,
        data.contact_phone,
        data.province_bureau,
        tuple(data.notes),
    )


class KeptByData(Generic[T]):
    """The last values built from a city's summary data, by `data_key`: a city's summary is the same until an
    approval, a certificate or a filing changes one of its rows, so what is made of it (the workbook: some 40 ms
    of openpyxl for a few hundred rows; the page's table: ~3,700 escaped cells) is made once per change."""

    def __init__(self, size: int) -> None:
        self._kept: OrderedDict[tuple[object, ...], tuple[Ruleset, T]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, data: SummaryData, build: Callable[[], T]) -> T:
        key = data_key(data)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] is data.ruleset:
                self._kept.move_to_end(key)
                return kept[1]
        value = build()
        with self._lock:
            self._kept[key] = (data.ruleset, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return value
