"""What people do with sheets: start one, save it (from the page's form or the API's JSON — one path, one check),
submit, take back, pre-fill the agreed sheet, import a filled .xlsx. Each operation loads, checks who and when
(403 who, 409 when, with the rule), checks the version the caller saw, and commits whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm.exc import StaleDataError

from webapp.core.models import User
from webapp.core.services import transaction
from webapp.core.services.errors import NotFound, ServiceError
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus, SubjectRef
from webapp.scoring.permissions import can_fill_sheet, can_read_sheet, fills_sheet
from webapp.scoring.services.scoresheets.agreed import (
    prefill_entries,
    prefilled_scores,
    replaces_prefill,
    reviewer_sheets,
    still_prefilled,
)
from webapp.scoring.services.scoresheets.checks import Checked, check_entries, check_stored, refuse_submission
from webapp.scoring.services.scoresheets.entries import ReadEntries, from_item_entry, read_form, read_json
from webapp.scoring.services.scoresheets.errors import (
    SheetInvalid,
    SheetRefused,
    SheetStale,
    submitted_refusal,
)
from webapp.scoring.services.scoresheets.store import (
    check_version,
    find,
    load_sheet,
    mark_submitted,
    new_sheet,
    scheme_of,
    store,
)
from webapp.scoring.services.scoresheets.subject import (
    SheetAccess,
    SheetSubject,
    procedure,
    refusal,
    visible_subject,
)
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Scheme

KINDS = (SheetKind.SELF, SheetKind.REVIEWER, SheetKind.AGREED)
#: The panel's written opinion on the agreed sheet (评审意见), printed on the review conclusion.
OPINION_MAX = 1000


# --------------------------------------------------------------------------------------------------------
# Finding and starting a sheet


@dataclass(frozen=True)
class SheetSlot:
    """One sheet place on a subject as a reader finds it, without creating anything (a GET changes nothing)."""

    subject: SheetSubject
    kind: str
    reviewer_id: int | None
    sheet: ScoreSheet | None
    #: the user fills this sheet and may start it now (a POST creates it)
    startable: bool
    #: why the user may not start it, when they are the one who fills it ("" otherwise)
    closed_reason: str = ""


def _slot(
    user: User, ref: SubjectRef | int, kind: str, reviewer_id: int | None
) -> tuple[SheetSlot, SheetAccess]:
    subject, acc = visible_subject(user, ref)
    if kind not in KINDS:
        raise NotFound("评分表不存在。")
    if kind == SheetKind.REVIEWER and reviewer_id is None:
        reviewer_id = user.id
    if not can_read_sheet(acc, kind, reviewer_id, user.id):
        raise SheetRefused("您无权查看该评分表。")
    sheet = find(subject.ref, kind, reviewer_id)
    startable = sheet is None and can_fill_sheet(acc, kind, reviewer_id, user.id)
    closed = ""
    if startable and not subject.scored:
        startable, closed = False, subject.not_scored_message
    elif sheet is None and not startable and fills_sheet(acc, kind, reviewer_id, user.id):
        closed = subject.closed[kind].message
    return SheetSlot(subject, kind, reviewer_id, sheet, startable, closed), acc


def find_sheet(user: User, subject: SubjectRef | int, kind: str, reviewer_id: int | None = None) -> SheetSlot:
    """The sheet of ``kind`` (a reviewer's own when ``reviewer_id`` is None), read only: never writes.

    `SheetRefused` when the user may not read it; NotFound for a subject they may not see.
    """
    return _slot(user, subject, kind, reviewer_id)[0]


def open_sheet(
    user: User, ref: SubjectRef | int, kind: str, reviewer_id: int | None = None
) -> ScoreSheet | None:
    """The sheet of ``kind`` (a reviewer's own when ``reviewer_id`` is None and the user is on the panel),
    created as a draft when the user is the one to fill it and it does not exist yet (the agreed sheet starts
    prefilled with the median of the submitted reviewer sheets). Returns None when it does not exist and the
    user only reads. This writes: call it for a POST, never for a GET (use `find_sheet` to read).
    """
    slot, acc = _slot(user, ref, kind, reviewer_id)
    subject, reviewer_id = slot.subject, slot.reviewer_id
    if slot.sheet is not None:
        return slot.sheet
    if kind == SheetKind.REVIEWER and reviewer_id != user.id:
        return None
    if not can_fill_sheet(acc, kind, reviewer_id, user.id):
        return None
    with transaction():
        scheme = procedure(subject.type).pin_scheme(subject)
        if scheme is None or not subject.scored_by(scheme):
            raise subject.not_scored()
        sheet = new_sheet(subject.ref, scheme, kind, user, reviewer_id)
        level = subject.sheet_level(scheme)
        entries = {}
        if kind == SheetKind.AGREED:
            entries = prefill_entries(reviewer_sheets(subject, submitted_only=True), scheme, level, "median")
            sheet.prefilled = prefilled_scores(entries)
        store(sheet, scheme, level, entries)
    return sheet


def start_sheet(user: User, ref: SubjectRef | int, kind: str) -> tuple[ScoreSheet, bool]:
    """(sheet, created): the user's own sheet of ``kind`` — the self-check, their reviewer sheet, the agreed
    sheet — created as a draft (the agreed one prefilled, as on the page) when it does not exist yet.

    An existing sheet the user may read is returned as it is. Otherwise `SheetRefused` says why the user does
    not fill it (403) or not now (409, with the rule).
    """
    subject, acc = visible_subject(user, ref)
    if kind not in KINDS:
        raise NotFound("评分表不存在。")
    reviewer_id = user.id if kind == SheetKind.REVIEWER else None
    existing = find(subject.ref, kind, reviewer_id)
    if existing is not None and can_read_sheet(acc, kind, reviewer_id, user.id):
        return existing, False
    if not can_fill_sheet(acc, kind, reviewer_id, user.id):
        raise refusal(user, subject, acc, kind, reviewer_id)
    sheet = open_sheet(user, subject.ref, kind)
    assert sheet is not None  # the user fills it and may now, so open_sheet created it
    return sheet, True


def editable(
    user: User, sheet: ScoreSheet, *, hide_unreadable: bool = False
) -> tuple[SheetSubject, SheetAccess]:
    """The subject and access when ``user`` may change ``sheet`` now; otherwise why not (403 who, 409 when).

    ``hide_unreadable``: a sheet the user may not even read is 404, as if it did not exist (the API's rule).
    """
    subject, acc = visible_subject(user, sheet.ref)
    if not can_read_sheet(acc, sheet.kind, sheet.reviewer_id, user.id):
        if hide_unreadable:
            raise NotFound("评分表不存在。")
        raise SheetRefused("您无权查看该评分表。")
    if can_fill_sheet(acc, sheet.kind, sheet.reviewer_id, user.id):
        return subject, acc
    raise refusal(user, subject, acc, sheet.kind, sheet.reviewer_id)


def check_editable(user: User, sheet_id: int) -> ScoreSheet:
    """The sheet when ``user`` may change it now; otherwise the refusal (403 who, 409 when) a save would give.

    For the pages, which must say "not yours" before "reload the page" when a form comes without its version.
    """
    sheet = load_sheet(sheet_id)
    editable(user, sheet)
    return sheet


# --------------------------------------------------------------------------------------------------------
# Saving: the page's form and the API's JSON are read differently, then saved and checked the same way


class SheetInput(Protocol):
    """Entries as a person sent them, and how a refusal of them is said."""

    #: the agreed sheet's written opinion (评审意见) when sent; None leaves it as it is
    opinion: str | None

    def read(self, scheme: Scheme, level: str | None, level_label: str) -> ReadEntries: ...

    def refused(self, checked: Checked) -> SheetInvalid | None: ...


class FormInput:
    """The sheet page's form. A draft keeps entries the engine cannot score yet, and the page says so."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.opinion = (form.get("opinion") or "") if "opinion" in form else None

    def read(self, scheme: Scheme, level: str | None, level_label: str) -> ReadEntries:
        return read_form(scheme, level, self.form)

    def refused(self, checked: Checked) -> SheetInvalid | None:
        if not checked.errors:
            return None
        return SheetInvalid(
            "有输入需要改正，评分表未保存。", checked.errors, field=next(iter(checked.errors))
        )


class JsonInput:
    """Sheet JSON (docs/schemes.md) from the API: a draft saved this way holds nothing the engine refuses."""

    def __init__(self, entries: Mapping[str, Any], opinion: str | None = None) -> None:
        self.entries = entries
        self.opinion = opinion

    def read(self, scheme: Scheme, level: str | None, level_label: str) -> ReadEntries:
        return read_json(scheme, level, self.entries, level_label=level_label)

    def refused(self, checked: Checked) -> SheetInvalid | None:
        errors = checked.strict_errors()
        if not errors:
            return None
        first = next(iter(errors))
        more = f"（另有{len(errors) - 1}处需要改正）" if len(errors) > 1 else ""
        return SheetInvalid(
            errors[first] + more + "，评分表未保存。", errors, list(errors.values()), field=first
        )


@dataclass
class SaveOutcome:
    sheet: ScoreSheet
    warnings: dict[str, str]
    problems: dict[str, str]
    submitted: bool = False


def save_sheet(
    user: User,
    sheet_id: int,
    given: SheetInput,
    *,
    submit: bool = False,
    expected_version: int | None = None,
    hide_unreadable: bool = False,
) -> SaveOutcome:
    """Replace the sheet's entries with ``given`` (a draft) and recompute it; ``submit`` also submits it.

    Raises `SheetInvalid` (nothing written) for what `check_entries` refuses as ``given`` says, and, when
    submitting, for entries the engine cannot score or items still unscored.
    """
    sheet = load_sheet(sheet_id)
    subject, _ = editable(user, sheet, hide_unreadable=hide_unreadable)
    check_version(sheet, expected_version)
    if sheet.submitted:
        raise submitted_refusal()
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    read = given.read(scheme, level, subject.level_label)
    read.entries = _without_replaced_prefill(scheme, read.entries, sheet.prefilled)
    checked = check_entries(scheme, level, read)
    refused = given.refused(checked)
    if refused is not None:
        raise refused
    if submit:
        refuse_submission(scheme, level, checked)
    try:
        with transaction():
            store(sheet, scheme, level, checked.entries)
            sheet.prefilled = still_prefilled(sheet.prefilled, checked.entries)
            if given.opinion is not None and sheet.kind == SheetKind.AGREED:
                sheet.opinion = given.opinion.strip()[:OPINION_MAX] or None
            sheet.updated_by_id = user.id
            if submit:
                mark_submitted(sheet, user)
                _record_submission(subject, sheet, user)
    except StaleDataError:
        raise SheetStale() from None
    return SaveOutcome(sheet, checked.warnings, checked.computed.problems, submitted=submit)


def _without_replaced_prefill(
    scheme: Scheme, entries: dict[str, dict[str, Any]], prefilled: Mapping[str, str] | None
) -> dict[str, dict[str, Any]]:
    """Entering a deduction replaces a pre-filled score (`agreed.replaces_prefill`)."""
    out = {}
    for item_id, raw in entries.items():
        if replaces_prefill(scheme.item(item_id), raw, prefilled):
            raw = {k: v for k, v in raw.items() if k != "awarded"}
        out[item_id] = raw
    return out


def submit_sheet(
    user: User, sheet_id: int, *, expected_version: int | None = None, hide_unreadable: bool = False
) -> ScoreSheet:
    """Submit the stored entries as they are (the API; the page submits through `save_sheet`)."""
    sheet = load_sheet(sheet_id)
    subject, _ = editable(user, sheet, hide_unreadable=hide_unreadable)
    check_version(sheet, expected_version)
    if sheet.submitted:
        return sheet
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    refuse_submission(scheme, level, check_stored(scheme, level, sheet.entries))
    try:
        with transaction():
            store(sheet, scheme, level, dict(sheet.entries))
            mark_submitted(sheet, user)
            _record_submission(subject, sheet, user)
    except StaleDataError:
        raise SheetStale() from None
    return sheet


def _record_submission(subject: SheetSubject, sheet: ScoreSheet, user: User) -> None:
    total = f"，总分 {fmt_points(sheet.total)}" if sheet.total is not None else ""
    procedure(subject.type).record(
        subject, sheet, "sheet_submitted", user, f"提交{subject.words.name(sheet.kind)}{total}"
    )


def reopen_sheet(
    user: User, sheet_id: int, *, expected_version: int | None = None, hide_unreadable: bool = False
) -> ScoreSheet:
    """Take a submitted sheet back to draft while it may still be filled (e.g. after a return for completion)."""
    sheet = load_sheet(sheet_id)
    subject, _ = editable(user, sheet, hide_unreadable=hide_unreadable)
    check_version(sheet, expected_version)
    with transaction():
        if sheet.submitted:
            procedure(subject.type).record(
                subject,
                sheet,
                "sheet_reopened",
                user,
                f"撤回提交的{subject.words.name(sheet.kind)}，改为草稿",
            )
        sheet.status = SheetStatus.DRAFT
        sheet.submitted_at = None
        sheet.submitted_by_id = None
        sheet.updated_by_id = user.id
    return sheet


def prefill_agreed(
    user: User, ref: SubjectRef | int, method: str = "median", *, expected_version: int | None = None
) -> ScoreSheet:
    """Replace the agreed draft with the median (``median``) or mean (``mean``) of the submitted reviewer sheets."""
    if method not in ("median", "mean"):
        raise ServiceError("预填方式只能是中位数或平均数。")
    sheet = open_sheet(user, ref, SheetKind.AGREED)
    if sheet is None:
        raise SheetRefused(visible_subject(user, ref)[0].words.filled_by(SheetKind.AGREED))
    subject, _ = editable(user, sheet)
    check_version(sheet, expected_version)
    if sheet.submitted:
        raise submitted_refusal(subject.words.name(SheetKind.AGREED))
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    entries = prefill_entries(reviewer_sheets(subject, submitted_only=True), scheme, level, method)
    if not entries:
        raise SheetRefused("尚无评审专家提交评分表，无法预填。", status=409, code="no_reviewer_sheets")
    with transaction():
        store(sheet, scheme, level, entries)
        sheet.prefilled = prefilled_scores(entries)
        sheet.updated_by_id = user.id
    return sheet


def import_xlsx(
    user: User, sheet_id: int, content: bytes, *, expected_version: int | None = None
) -> SaveOutcome:
    """Read a filled .xlsx into the sheet (as a draft): 自查评分 for the self-check, 评审评分 otherwise.

    Every problem is reported per cell (「评分表!G7：评分12超出范围0–10分」) and nothing is written.
    Evidence notes already entered on the page are kept.
    """
    sheet = load_sheet(sheet_id)
    subject, _ = editable(user, sheet)
    check_version(sheet, expected_version)
    if sheet.submitted:
        raise submitted_refusal()
    scheme = scheme_of(sheet)
    level = subject.sheet_level(scheme)
    column = "self" if sheet.kind == SheetKind.SELF else "review"
    from webapp.scoring.xlsx.scheme_io import sheet_from_xlsx  # openpyxl loads on first use

    try:
        entries, errors = sheet_from_xlsx(content, scheme, column=column, level=level)
    except Exception:  # not a workbook at all
        raise SheetInvalid(
            "无法读取该文件：请上传由本系统导出并填写的 .xlsx 评分表。", problems=["文件格式不正确"]
        ) from None
    if errors:
        problems = [str(e) for e in errors]
        raise SheetInvalid(
            f"导入的评分表有{len(problems)}处错误，未导入。", {e.cell: e.message for e in errors}, problems
        )
    if not entries:
        raise SheetInvalid("导入的评分表没有填写任何评分。", problems=["没有填写评分"])
    stored = {item_id: from_item_entry(entry) for item_id, entry in entries.items()}
    for item_id, raw in sheet.entries.items():
        if raw.get("note") and item_id in stored:
            stored[item_id].setdefault("note", raw["note"])
    with transaction():
        computed = store(sheet, scheme, level, stored)
        sheet.prefilled = None  # scores read from a workbook are the filler's own
        sheet.updated_by_id = user.id
    return SaveOutcome(sheet, {}, computed.problems)
