"""What a procedure hands the sheet code: the subject a sheet is filled on and who may do what with it.

The sheet code knows sheets (the self-check, each panel member's sheet, the panel's agreed sheet), not cases:
the procedure that owns the subject — grading today — registers one `SheetProcedure`, which loads a
`SheetSubject` (its title for file names, level, scheme version, panel, pass line, and why a sheet is closed in
its present state) and decides a user's `SheetAccess` to it. ``score_sheets.case_id`` holds the subject's id
(one procedure uses sheets so far; a second one would add a subject type to the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from webapp.core.models import User
from webapp.core.services.errors import NotFound
from webapp.scoring.models import ScoreSheet, SheetKind
from webapp.scoring.permissions import SheetAccess, can_fill_sheet, can_read_sheet, fills_sheet
from webapp.scoring.services.scoresheets.errors import SheetRefused
from workflow.scoring.scheme import Scheme


@dataclass(frozen=True)
class PanelSeat:
    """One panel member as the sheets show them (lead first in `SheetSubject.panel`)."""

    user_id: int
    name: str
    organisation: str
    lead: bool


@dataclass(frozen=True)
class Closed:
    """Why the person who fills a sheet kind may not fill it in the subject's present state, with the rule."""

    message: str
    rule: str


@dataclass(frozen=True)
class SheetSubject:
    """One subject's context for its sheets, whoever reads them."""

    id: int
    #: the procedure's own record (a grading `Case`), for the procedure's templates; never read by the sheet code
    record: Any
    #: the start of every file name: 「夷陵区财政局-省二级评定」 → 「…-合议评分表.xlsx」
    title: str
    level: str | None
    level_label: str
    #: the scheme version the subject scores with (None while none is active for it)
    scheme: Scheme | None
    #: sheet kind → why its filler may not fill it now (the subject's state)
    closed: Mapping[str, Closed]
    #: why the subject's level takes no sheet at all (the scheme does not score it)
    not_scored_message: str
    panel: tuple[PanelSeat, ...] = ()
    #: the level's pass line from the rules, used when the scheme has none
    pass_line: Decimal | None = None
    #: the rules let the panel record a total scored on paper
    paper_review: bool = False

    @property
    def scored(self) -> bool:
        """False for levels the scheme does not score (省特级: a panel conclusion without points, GAP-11)."""
        return self.scored_by(self.scheme)

    def scored_by(self, scheme: Scheme | None) -> bool:
        return scheme is not None and (not scheme.levels or self.level in scheme.levels)

    def sheet_level(self, scheme: Scheme) -> str | None:
        """The level a sheet is scored at: the subject's level when the scheme has levels."""
        return self.level if scheme.levels else None

    def not_scored(self) -> SheetRefused:
        return SheetRefused(self.not_scored_message, status=409, code="not_scored")


class SheetProcedure(Protocol):
    """What a procedure registers so that its subjects have score sheets."""

    def subject(self, subject_id: int) -> SheetSubject | None:
        """The subject, or None when there is none with this id."""

    def access(self, user: User, subject: SheetSubject) -> SheetAccess:
        """What ``user`` may do with the subject's sheets (``visible`` False: the subject is hidden, 404)."""

    def pin_scheme(self, subject: SheetSubject) -> Scheme | None:
        """Fix the subject's scheme version when its first sheet is started (inside that transaction)."""

    def scheme_users(self, scheme_id: str, version: str) -> int:
        """How many subjects record this scheme version (a version in use is not deleted or replaced)."""

    def record(self, subject: SheetSubject, sheet: ScoreSheet, event: str, actor: User, comment: str) -> None:
        """Write a sheet's submit or reopen (``sheet_submitted`` / ``sheet_reopened``) to the subject's audit
        trail, inside the caller's transaction."""


_procedure: SheetProcedure | None = None


def register_procedure(procedure: SheetProcedure) -> None:
    """The procedure whose subjects carry score sheets (grading registers itself when its package loads)."""
    global _procedure
    _procedure = procedure


def procedure() -> SheetProcedure:
    if _procedure is None:  # pragma: no cover - the app factory registers grading
        raise RuntimeError("no procedure registered for score sheets")
    return _procedure


def load_subject(subject_id: int) -> SheetSubject:
    subject = procedure().subject(subject_id)
    if subject is None:
        raise NotFound("案件不存在。")
    return subject


def visible_subject(user: User, subject_id: int) -> tuple[SheetSubject, SheetAccess]:
    """The subject and the user's access to its sheets; NotFound when they may not see it (no existence leak)."""
    subject = load_subject(subject_id)
    acc = procedure().access(user, subject)
    if not acc.visible:
        raise NotFound("案件不存在。")
    return subject, acc


# --------------------------------------------------------------------------------------------------------
# Who reads and fills which sheet, from the access the procedure decided


def refusal(
    user: User, subject: SheetSubject, acc: SheetAccess, kind: str, reviewer_id: int | None
) -> SheetRefused:
    """Why ``user`` may not fill the sheet of ``kind`` (of ``reviewer_id``) now: 409 for the right person at
    the wrong time, with the rule; 403 for anyone else."""
    filler = fills_sheet(acc, kind, reviewer_id, user.id)
    if filler and kind != SheetKind.SELF and acc.declaration_pending:
        return SheetRefused(
            "请先在「评审任务」中作出回避声明（确认与申报单位无利害关系）后再评分。",
            status=409,
            code="declaration_required",
        )
    if filler:
        closed = subject.closed[kind]
        return SheetRefused(closed.message, status=409, code="sheet_closed", rule=closed.rule)
    if kind == SheetKind.REVIEWER:
        if reviewer_id == user.id:
            return SheetRefused("评审评分表由评审组成员填写。")
        return SheetRefused("只能填写本人的评审评分表。")
    if kind == SheetKind.AGREED:
        return SheetRefused("合议评分表由评审组组长填写。")
    return SheetRefused("自查评分表由申报单位填写。")


def readable(
    user: User, subject_id: int, kind: str, reviewer_id: int | None, *, missing_when_unreadable: bool = False
) -> tuple[SheetSubject, SheetAccess, bool]:
    """(subject, access, editable) for reading one sheet; `SheetRefused` (or NotFound, the API's rule) when the
    user may not read it."""
    subject, acc = visible_subject(user, subject_id)
    if not can_read_sheet(acc, kind, reviewer_id, user.id):
        if missing_when_unreadable:
            raise NotFound("评分表不存在。")
        raise SheetRefused("您无权查看该评分表。")
    return subject, acc, can_fill_sheet(acc, kind, reviewer_id, user.id)
