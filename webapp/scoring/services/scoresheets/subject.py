"""What a procedure hands the sheet code: the subject a sheet is filled on and who may do what with it.

The sheet code knows sheets (the self-check, each panel member's sheet, the panel's agreed sheet), not cases:
each procedure that owns subjects registers a `SheetProcedure` under its subject type (grading: "case"; the
assessment campaigns: "campaign_unit"), which loads a `SheetSubject` (its title for file names, level, scheme
version, panel, pass line, why a sheet is closed in its present state, its page and its words) and decides a
user's `SheetAccess` to it. A sheet row names its subject by ``(subject_type, subject_id)`` (`SubjectRef`); the
sheet-id routes find the procedure from the row's ``subject_type``. A bare id given to these functions is a
grading case (`SubjectRef.of`), so grading's callers keep their form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from webapp.core.models import User
from webapp.core.services.errors import NotFound
from webapp.scoring.models import SHEET_KIND_LABELS, ScoreSheet, SheetKind, SubjectRef
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


def _grading_fillers() -> dict[str, str]:
    return {SheetKind.SELF: "申报单位", SheetKind.REVIEWER: "评审组成员", SheetKind.AGREED: "评审组组长"}


@dataclass(frozen=True)
class SheetWords:
    """The procedure's words on its sheets' pages and refusals; the defaults are grading's."""

    #: what the subject is called: 「案件不存在。」, the breadcrumb 「案件 12 · …」
    noun: str = "案件"
    #: sheet kind → the sheet's name (自查评分表 / 评审评分表 / 合议评分表)
    names: Mapping[str, str] = field(default_factory=lambda: dict(SHEET_KIND_LABELS))
    #: sheet kind → who fills it (申报单位 / 评审组成员 / 评审组组长)
    fillers: Mapping[str, str] = field(default_factory=_grading_fillers)
    #: who fills the members' sheets, as the agreed sheet's spread table names them
    members: str = "评审专家"
    #: the agreed sheet's written opinion field
    opinion: str = "评审意见（评审组的书面意见，打印在评审结论上）"
    #: the breadcrumb names the subject by its number (案件 12 · …); False: by its name only
    numbered: bool = True

    def name(self, kind: str) -> str:
        return self.names.get(kind, SHEET_KIND_LABELS.get(kind, kind))

    def filled_by(self, kind: str) -> str:
        """「评审评分表由评审组成员填写。」"""
        return f"{self.name(kind)}由{self.fillers.get(kind, '')}填写。"

    @property
    def missing(self) -> str:
        return f"{self.noun}不存在。"


@dataclass(frozen=True)
class SubjectPage:
    """Where the subject's own page is: an endpoint and its values, turned into a URL by the pages (a request
    is needed for that, and the subject is also loaded outside requests)."""

    endpoint: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetSubject:
    """One subject's context for its sheets, whoever reads them."""

    id: int
    #: the procedure's subject type (its registration key: "case", "campaign_unit")
    type: str
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
    #: the subject's page, for the sheets' back links and breadcrumbs (None: the home page)
    page: SubjectPage | None = None
    #: the subject's name in headings (「夷陵区财政局」)
    name: str = ""
    #: one line under the sheet's heading (「省二级评定 · 评审中」)
    summary: str = ""
    words: SheetWords = field(default_factory=SheetWords)

    @property
    def ref(self) -> SubjectRef:
        return SubjectRef(self.type, self.id)

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

    #: its words before a subject is loaded (「案件不存在。」); a loaded subject carries its own
    words: SheetWords

    def subject(self, subject_id: int) -> SheetSubject | None:
        """The subject, or None when there is none with this id."""

    def access(self, user: User, subject: SheetSubject) -> SheetAccess:
        """What ``user`` may do with the subject's sheets (``visible`` False: the subject is hidden, 404)."""

    def pin_scheme(self, subject: SheetSubject) -> Scheme | None:
        """Fix the subject's scheme version when its first sheet is started (inside that transaction)."""

    def scheme_users(self) -> Mapping[tuple[str, str], int]:
        """How many subjects record each scheme version, by (scheme id, version), in one grouped statement (a
        version in use is not deleted or replaced; the versions' list shows every version's count)."""

    def record(self, subject: SheetSubject, sheet: ScoreSheet, event: str, actor: User, comment: str) -> None:
        """Write a sheet's submit or reopen (``sheet_submitted`` / ``sheet_reopened``) to the subject's audit
        trail, inside the caller's transaction."""


_procedures: dict[str, SheetProcedure] = {}


def register_procedure(subject_type: str, procedure: SheetProcedure) -> None:
    """The procedure whose subjects of ``subject_type`` carry score sheets (each procedure registers itself in
    its ``declaration.py``: grading "case", the assessment campaigns "campaign_unit")."""
    _procedures[subject_type] = procedure


def unregister_procedure(subject_type: str) -> None:
    """Forget a registration (tests that register a stand-in procedure)."""
    _procedures.pop(subject_type, None)


def procedure(subject_type: str) -> SheetProcedure:
    """The procedure registered for ``subject_type``; NotFound for any other (a URL may carry any word)."""
    found = _procedures.get(subject_type)
    if found is None:
        raise NotFound("评分表不存在。")
    return found


def procedures() -> dict[str, SheetProcedure]:
    """Every registration, by subject type (e.g. to count the subjects using a scheme version)."""
    return dict(_procedures)


def load_subject(subject: SubjectRef | int) -> SheetSubject:
    ref = SubjectRef.of(subject)
    proc = procedure(ref.type)
    found = proc.subject(ref.id)
    if found is None:
        raise NotFound(proc.words.missing)
    return found


def visible_subject(user: User, subject: SubjectRef | int) -> tuple[SheetSubject, SheetAccess]:
    """The subject and the user's access to its sheets; NotFound when they may not see it (no existence leak)."""
    found = load_subject(subject)
    acc = procedure(found.type).access(user, found)
    if not acc.visible:
        raise NotFound(found.words.missing)
    return found, acc


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
    words = subject.words
    if kind == SheetKind.REVIEWER and reviewer_id != user.id:
        return SheetRefused(f"只能填写本人的{words.name(kind)}。")
    return SheetRefused(words.filled_by(kind))


def readable(
    user: User,
    subject: SubjectRef | int,
    kind: str,
    reviewer_id: int | None,
    *,
    missing_when_unreadable: bool = False,
) -> tuple[SheetSubject, SheetAccess, bool]:
    """(subject, access, editable) for reading one sheet; `SheetRefused` (or NotFound, the API's rule) when the
    user may not read it."""
    found, acc = visible_subject(user, subject)
    if not can_read_sheet(acc, kind, reviewer_id, user.id):
        if missing_when_unreadable:
            raise NotFound("评分表不存在。")
        raise SheetRefused("您无权查看该评分表。")
    return found, acc, can_fill_sheet(acc, kind, reviewer_id, user.id)
