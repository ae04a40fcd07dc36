"""What an issue prints: the masthead, the number line, the office and date under the red rule, the editor's
note, the items with their source units, the corrections (勘误) and the distribution block."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


def chinese_date(day: date) -> str:
    """2027年3月2日 (GB/T 9704-2012 dates in Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


def masthead_name(publication: str) -> str:
    """The publication's name as the red masthead prints it: without the book-title marks (《市组工信息》 → 市组工信息)."""
    return publication.strip().strip("《》").strip() or publication


@dataclass(frozen=True)
class IssueEntry:
    #: 1, 2, … in the issue's order (withdrawn items keep their number: the corrections cite it)
    number: int
    title: str
    body: str
    #: the writing unit, printed after the text as （甲县委组织部供稿）
    source: str

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]

    @property
    def source_line(self) -> str:
        return f"（{self.source}供稿）" if self.source else ""


@dataclass(frozen=True)
class IssueDocument:
    publication: str
    office: str
    #: 「2027年第12期（总第345期）」
    number_label: str
    issued_on: date
    #: 非密 / 内部 / 秘密; printed top left unless 非密
    secrecy_label: str
    #: an issue not locked yet is printed with the watermark 草稿
    draft: bool
    entries: list[IssueEntry]
    editor_note: str = ""
    #: 「2027年3月5日　撤销第2条《…》。原因：…」 one line per correction, in order
    corrections: list[str] = field(default_factory=list)
    #: 报：…  送：…  发：… as the office typed it, one line each
    distribution: str = ""
    copies: int | None = None

    @property
    def masthead(self) -> str:
        return masthead_name(self.publication)

    @property
    def secrecy_mark(self) -> str:
        return "" if self.secrecy_label in ("", "非密") else self.secrecy_label

    @property
    def date_line(self) -> str:
        return chinese_date(self.issued_on)

    @property
    def office_line(self) -> str:
        return f"{self.office}编"

    @property
    def distribution_lines(self) -> list[str]:
        return [line.strip() for line in self.distribution.splitlines() if line.strip()]

    @property
    def copies_line(self) -> str:
        return f"（共印{self.copies}份）" if self.copies else ""

    @property
    def filename_stem(self) -> str:
        label = self.number_label.split("（", 1)[0]
        return f"{self.masthead}{label}" + ("（草稿）" if self.draft else "")
