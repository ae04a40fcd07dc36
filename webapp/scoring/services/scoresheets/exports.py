"""Sheets as .xlsx (序号 | 考核项目 | 分数 | 评分细则 | 自查评分 | 扣分原因 | 评审评分 | 扣分原因), filled or blank."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webapp.core.models import User
from webapp.core.services.errors import NotFound
from webapp.scoring.models import SheetKind, SubjectRef
from webapp.scoring.services.scoresheets.checks import score_leniently
from webapp.scoring.services.scoresheets.entries import typed_entries
from webapp.scoring.services.scoresheets.store import find, load_sheet, scheme_of
from webapp.scoring.services.scoresheets.subject import SheetSubject, readable, visible_subject
from workflow.scoring.scheme import Scheme
from workflow.scoring.table import ItemEntry


def filename(subject: SheetSubject, what: str, ext: str) -> str:
    return f"{subject.title}-{what}.{ext}"


def export_xlsx(user: User, sheet_id: int, *, blank: bool = False) -> tuple[str, bytes]:
    """The sheet as .xlsx. A reviewer or agreed sheet carries the submitted self-check beside it; ``blank`` leaves
    both score columns empty, for filling on paper or in Excel."""
    from webapp.scoring.xlsx.scheme_io import sheet_to_xlsx  # openpyxl loads on first use

    sheet = load_sheet(sheet_id)
    subject, acc, _ = readable(user, sheet.ref, sheet.kind, sheet.reviewer_id)
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    if blank:
        return filename(subject, "空白评分表", "xlsx"), sheet_to_xlsx(scheme, level=level)
    self_sheet = sheet if sheet.kind == SheetKind.SELF else find(subject.ref, SheetKind.SELF)
    self_entries = None
    if self_sheet is not None and acc.read_self and (self_sheet is sheet or self_sheet.submitted):
        self_entries = _scorable(scheme, level, self_sheet.entries)
    review_entries = None if sheet.kind == SheetKind.SELF else _scorable(scheme, level, sheet.entries)
    content = sheet_to_xlsx(scheme, self_entries, review_entries, level=level)
    return filename(subject, subject.words.name(sheet.kind), "xlsx"), content


def _scorable(
    scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, ItemEntry]:
    """Entries without those the engine refuses (a draft may hold some), so an export never fails."""
    typed = typed_entries(entries)
    _, problems = score_leniently(scheme, typed, level)
    return {k: v for k, v in typed.items() if k not in problems}


def export_blank(user: User, ref: SubjectRef | int) -> tuple[str, bytes]:
    subject, _ = visible_subject(user, ref)
    scheme = subject.scheme
    if scheme is None or not subject.scored:
        raise NotFound(f"本{subject.words.noun}没有评分表。")
    from webapp.scoring.xlsx.scheme_io import sheet_to_xlsx  # openpyxl loads on first use

    return filename(subject, "空白评分表", "xlsx"), sheet_to_xlsx(scheme, level=subject.sheet_level(scheme))
