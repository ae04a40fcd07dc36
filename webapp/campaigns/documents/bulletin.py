"""What a campaign's bulletin (通报) prints: the office as masthead, the document number, the title, the office's
own paragraph, then one ranking table per group (ORG-PR.9: 街道 / 区直单位 ranked separately) with ranks (ties
share a rank: 1, 1, 3), totals, grades, vetoes (ORG-12.3) and 不合格 judgments with their reasons, the rule the
grades follow (STA-4.1 quoted) and the 落款 (the office and the date).

Built from the ranking frozen at approval (``Campaign.result``, ORG-PR.8) and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from workflow.campaigns.rules import RULES, quote

NUMERALS = "一二三四五六七八九十"
NO_UNITS = "本次考评没有形成排名。"


def chinese_date(day: date) -> str:
    """2027年3月2日 (GB/T 9704-2012 dates in Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


def amount(value: Decimal | str | None) -> str:
    """92.50 → 「92.5」, 90.00 → 「90」."""
    if value is None or value == "":
        return "—"
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class BulletinRow:
    rank: int
    unit: str
    total: Decimal
    grade: str
    vetoed: bool
    judged_fail: bool
    #: the office's reason for a veto or a 不合格, else the ranking's note
    note: str


@dataclass(frozen=True)
class BulletinTable:
    group: str
    rows: tuple[BulletinRow, ...]

    @property
    def title(self) -> str:
        return f"{self.group}排名" if self.group else "各单位得分及排名"


@dataclass(frozen=True)
class BulletinDocument:
    office: str
    number: str
    title: str
    period: str
    paragraphs: tuple[str, ...]
    tables: tuple[BulletinTable, ...]
    #: the rule the grades follow, quoted (依据…：优秀2-3名、良好3-4名 · STA-4.1), "" without quotas
    grade_rule: str
    issued_on: date
    draft: bool

    @property
    def date_line(self) -> str:
        return chinese_date(self.issued_on)

    @property
    def graded(self) -> bool:
        return any(row.grade for table in self.tables for row in table.rows)

    def table_label(self, index: int) -> str:
        return f"（{NUMERALS[index] if index < len(NUMERALS) else index + 1}）{self.tables[index].title}"


def default_title(office: str, campaign_title: str) -> str:
    return f"{office}关于{campaign_title}结果的通报"[:120]


def default_text(campaign_title: str, period: str) -> str:
    return (
        f"根据{period}考评工作安排，经各单位自评、考评组考评、考评办审定并报负责人审批，"
        f"现将{campaign_title}结果通报如下。"
    )


def bulletin_document(
    result: Mapping[str, Any] | None,
    *,
    office: str,
    campaign_title: str,
    period: str,
    number: str,
    title: str,
    text: str,
    reasons: Mapping[str, str],
    quota_rule: str | None,
    issued_on: date,
    draft: bool,
) -> BulletinDocument:
    """``result``: `results.ranking_to_dict` as frozen at approval; ``reasons``: campaign unit id (text) → the
    office's veto or 不合格 reason."""
    tables = []
    for group in (result or {}).get("groups", ()):
        rows = tuple(
            BulletinRow(
                rank=int(unit["rank"]),
                unit=str(unit.get("name") or ""),
                total=Decimal(str(unit["total"])),
                grade=str(unit.get("grade") or ""),
                vetoed=bool(unit.get("vetoed")),
                judged_fail=bool(unit.get("judged_fail")),
                note=_note(unit, reasons),
            )
            for unit in group.get("units", ())
        )
        tables.append(BulletinTable(str(group.get("group") or ""), rows))
    paragraphs = tuple(line.strip() for line in (text or default_text(campaign_title, period)).splitlines())
    graded = any(row.grade for table in tables for row in table.rows)
    return BulletinDocument(
        office=office,
        number=number.strip(),
        title=title.strip() or default_title(office, campaign_title),
        period=period,
        paragraphs=tuple(p for p in paragraphs if p),
        tables=tuple(tables),
        grade_rule=quote(quota_rule) if graded and quota_rule and quota_rule in RULES else "",
        issued_on=issued_on,
        draft=draft,
    )


def _note(unit: Mapping[str, Any], reasons: Mapping[str, str]) -> str:
    reason = reasons.get(str(unit["unit"]), "")
    if unit.get("vetoed"):
        return f"一票否决：{reason}" if reason else "一票否决"
    if unit.get("judged_fail"):
        return f"评为不合格：{reason}" if reason else "评为不合格"
    return ""


def rows_of(doc: BulletinDocument) -> Sequence[tuple[str, BulletinRow]]:
    return [(table.group, row) for table in doc.tables for row in table.rows]
