"""Score sheets on a case: the applicant's self-check, each panel member's sheet on site, the panel's agreed sheet.

- The applicant fills the self-check (自查评分 with 扣分原因) while the case is planned or returned, before it
  requests acceptance; a submitted self-check counts as the 自查评分表 the request needs (ARC-10.1.4).
- Each panel member fills their own sheet while the case is in review, saved as a draft as they go
  (ARC-10.4.5 step 3: 「逐项评议(评分)」).
- The panel lead keeps the agreed sheet: one agreed score per item (GAP-12), prefilled with the median (or mean)
  of the members' submitted scores, a reason required for every deduction. `review_outcome` turns the submitted
  agreed sheet into the review conclusion: total, vetoes (一票否决) and section minimums against the level's
  pass line (ARC-7.2: reaching the line passes).
- Reading: the bureaus holding a function in the case and the panel read every sheet; the applicant reads its
  self-check, and everyone who may see the case reads the agreed sheet once the review is concluded.

Sheets are scored by the pure engine (`workflow.scoring.score_sheet`) against the scheme version the case
recorded when it was opened; every save recomputes and caches the total.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.services import Conflict, NotFound, ServiceError, transaction
from webapp.core.services.audit import append_case_event
from webapp.grading.documents.review import PanelMember as PdfPanelMember
from webapp.grading.documents.review import ReviewData, ReviewItem, ReviewSection, review_conclusion_pdf
from webapp.grading.models import Case, PanelMember
from webapp.grading.services import permissions
from webapp.grading.services.permissions import REVIEW_STATES
from webapp.scoring.models import SHEET_KIND_LABELS, ScoreSheet, SheetKind, SheetStatus
from webapp.scoring.permissions import SheetAccess, can_fill_sheet, can_read_sheet, fills_sheet, sheet_access
from webapp.scoring.services.schemes import get_scheme, pin_scheme, scheme_for_case
from webapp.scoring.xlsx.scheme_io import sheet_from_xlsx, sheet_to_xlsx
from workflow.scoring.numbers import NumberProblem, plain_decimal
from workflow.scoring.scheme import Item, Scheme, fmt_points
from workflow.scoring.table import BonusClaim, ItemEntry, SheetError, SheetResult, parse_sheet, score_sheet

#: The panel's written opinion on the agreed sheet (评审意见), printed on the review conclusion.
OPINION_MAX = 1000
#: Rule cited when the review conclusion comes from the sheet.
REVIEW_RULE = "ARC-10.4.5"


class SheetRefused(ServiceError):
    """Not allowed (403) or not now (409, with the rule)."""

    def __init__(self, message: str, *, status: int = 403, code: str = "forbidden", rule: str | None = None):
        super().__init__(message, code=code)
        self.status = status
        self.rule = rule


class SheetInvalid(ServiceError):
    """Entries that cannot be saved or submitted: ``errors`` maps a form field (or a cell) to a Chinese message.

    ``field`` is the first input at fault (a form field such as ``HBS-3.1:reason``, or an item id), so the API can
    name it.
    """

    def __init__(
        self,
        message: str,
        errors: Mapping[str, str] | None = None,
        problems: list[str] | None = None,
        *,
        field: str | None = None,
    ):
        super().__init__(message, code="invalid_sheet", field=field)
        self.errors = dict(errors or {})
        self.problems = list(problems or [])


class SheetStale(Conflict):
    """The sheet changed since the caller loaded it (optimistic lock, ``version_id``); same code as a stale case."""

    def __init__(self) -> None:
        super().__init__("该评分表已在别处更新，请刷新页面后再保存（您的输入未保存）。")
        self.code = "stale"


# --------------------------------------------------------------------------------------------------------
# Who may read and fill what


def access(user: User, case: Case) -> SheetAccess:
    """What ``user`` may do with the sheets of ``case``: grading says who the user is on the case
    (`permissions.sheet_roles`), scoring's `sheet_access` says what follows for the sheets."""
    return sheet_access(permissions.sheet_roles(user, case))


def _closed_reason(sheet_kind: str, case: Case) -> str:
    if sheet_kind == SheetKind.SELF:
        return (
            f"自查评分在下达考评计划后、提出验收申请前填写（ARC-10.1.4），案件当前为「{case.state_label}」。"
        )
    return f"评审评分在评审阶段填写（ARC-10.4.5），案件当前为「{case.state_label}」。"


# --------------------------------------------------------------------------------------------------------
# Loading


def _case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("案件不存在。")
    return case


def _visible_case(user: User, case_id: int) -> tuple[Case, SheetAccess]:
    case = _case(case_id)
    acc = access(user, case)
    if not acc.visible:
        raise NotFound("案件不存在。")  # no existence leak
    return case, acc


def _sheet(sheet_id: int) -> ScoreSheet:
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFound("评分表不存在。")
    return sheet


def sheets_of(case: Case) -> list[ScoreSheet]:
    return list(
        db.session.scalars(sa.select(ScoreSheet).where(ScoreSheet.case_id == case.id).order_by(ScoreSheet.id))
    )


def _find(case: Case, kind: str, reviewer_id: int | None = None) -> ScoreSheet | None:
    return db.session.scalar(
        sa.select(ScoreSheet).where(
            ScoreSheet.case_id == case.id, ScoreSheet.slot == ScoreSheet.slot_for(kind, reviewer_id)
        )
    )


def sheet_level(scheme: Scheme, case: Case) -> str | None:
    """The level the sheet is scored at: the case's level when the scheme has levels."""
    return case.level if scheme.levels else None


def scored_here(scheme: Scheme | None, case: Case) -> bool:
    """False for levels the scheme does not score (省特级: a panel conclusion without points, GAP-11)."""
    return scheme is not None and (not scheme.levels or case.level in scheme.levels)


def _scheme_of(sheet: ScoreSheet) -> Scheme:
    return get_scheme(sheet.scheme_id, sheet.scheme_version)


# --------------------------------------------------------------------------------------------------------
# Entries: JSON in the database ↔ ItemEntry for the engine ↔ form fields


def to_item_entry(raw: Mapping[str, Any]) -> ItemEntry:
    def num(value: Any) -> Decimal | None:
        return None if value in (None, "") else Decimal(str(value))

    return ItemEntry(
        defects={str(k): int(v) for k, v in (raw.get("defects") or {}).items() if int(v)},
        measures={str(k): Decimal(str(v)) for k, v in (raw.get("measures") or {}).items()},
        deduction=num(raw.get("deduction")),
        awarded=num(raw.get("awarded")),
        reason=str(raw.get("reason") or ""),
        flags=frozenset(raw.get("flags") or ()),
        claims=tuple(BonusClaim(content=str(c)) for c in raw.get("claims") or ()),
        note=str(raw.get("note") or ""),
    )


def from_item_entry(entry: ItemEntry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entry.awarded is not None:
        out["awarded"] = fmt_points(entry.awarded)
    if entry.deduction is not None:
        out["deduction"] = fmt_points(entry.deduction)
    if entry.defects:
        out["defects"] = {k: int(v) for k, v in entry.defects.items() if v}
    if entry.measures:
        out["measures"] = {k: fmt_points(v) for k, v in entry.measures.items()}
    if entry.flags:
        out["flags"] = sorted(entry.flags)
    if entry.claims:
        out["claims"] = [c.content for c in entry.claims]
    if entry.reason:
        out["reason"] = entry.reason
    if entry.note:
        out["note"] = entry.note
    return out


def typed_entries(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, ItemEntry]:
    return {item_id: to_item_entry(raw) for item_id, raw in entries.items()}


def field_name(item_id: str, what: str, key: str | None = None) -> str:
    """Form field of one input, e.g. ``HBS-3.1:defect:missing_file`` or ``HBS-3.3:reason``."""
    return f"{item_id}:{what}" + (f":{key}" if key is not None else "")


def form_items(scheme: Scheme, level: str | None) -> list[Item]:
    """The items that take an entry at ``level``, in table order (composites through their parts)."""
    out = []
    for section in scheme.sections:
        if not section.applies_to(level):
            continue
        for item in section.items:
            if not item.applies_to(level):
                continue
            out += list(item.parts) if item.parts else [item]
    return out


def item_label(scheme: Scheme, item_id: str) -> str:
    """An item as the table shows it, for messages: 「第五部分第1项「利用服务与编研」」 (no internal code)."""
    for section in scheme.sections:
        for item in section.items:
            for n, leaf in enumerate([item, *item.parts]):
                if leaf.id != item_id:
                    continue
                where = f"第{section.no}部分" if section.no else ""
                number = item.no + (f"（{leaf.no or n}）" if n else "") if item.no else ""
                title = leaf.name if not n else f"{item.name}：{leaf.name}"
                return f"{where}第{number}项「{title}」" if number else f"{where}「{title}」"
    return f"「{item_id}」"


def own_measure_keys(scheme: Scheme, item: Item) -> list[str]:
    """Measured values entered on ``item``'s row: its own, plus those other items read from it."""
    keys = [] if item.measures_from else list(item.measure_keys())
    for other in scheme.items():
        if other.measures_from == item.id:
            keys += [k for k in other.measure_keys() if k not in keys]
    return keys


def measure_label(scheme: Scheme, item: Item, key: str) -> str:
    for candidate in [item, *(o for o in scheme.items() if o.measures_from == item.id)]:
        if key in candidate.measures:
            return candidate.measures[key]
        for c in candidate.conditions:
            if c.measure == key and c.text:
                return c.text + (f"（{c.unit}）" if c.unit else "")
        for s in candidate.shortfalls:
            if s.measure == key and s.text:
                return s.text + (f"（{s.unit}）" if s.unit else "")
        band = candidate.ratio
        if band is not None and band.measure == key and band.text:
            return band.text + ("（%）" if band.of is None else "")
        if candidate.excess is not None and candidate.excess.measure == key and candidate.excess.text:
            return candidate.excess.text
        for ch in candidate.checks:
            if ch.measure == key and ch.text:
                return ch.text
    return key


#: A score or deduction as typed: digits with an optional point and up to two decimals (a sign is caught later).
PLAIN_POINTS = re.compile(r"-?[0-9]{1,4}(?:\.[0-9]{1,2})?")


def _parse_number(text: str) -> Decimal | None:
    """A plain decimal as typed (「87.5」); 1e3, NaN or 1e-400 are not numbers here (numbers.plain_decimal)."""
    try:
        return plain_decimal(text.strip().removesuffix("分"))
    except NumberProblem:
        return None


def entries_from_form(
    scheme: Scheme,
    level: str | None,
    form: Mapping[str, str],
    prefilled: Mapping[str, str] | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, str]]:
    """(entries as JSON, blocking errors, warnings) from the sheet form.

    Blocking errors are inputs that are not what the field takes (text in a number field, a negative count):
    nothing is saved. Warnings are entries the engine cannot score yet (a deduction without its reason, a score
    out of range): a draft keeps them and says so; submitting is refused until they are fixed.
    """
    entries: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}

    def text(name: str) -> str:
        return (form.get(name) or "").strip()

    for item in form_items(scheme, level):
        raw: dict[str, Any] = {}
        # numbers
        for what in ("awarded", "deduction"):
            name = field_name(item.id, what)
            value = text(name)
            if not value:
                continue
            # a score is written as a plain decimal: 1e-400 or NaN is not a score (issue 7 point 6)
            number = _parse_number(value) if PLAIN_POINTS.fullmatch(value.removesuffix("分")) else None
            if number is None:
                errors[name] = "请填写数字"
            elif number < 0:
                errors[name] = "不能为负数"
            else:
                raw[what] = fmt_points(number)
        defects: dict[str, int] = {}
        for d in item.deductions:
            name = field_name(item.id, "defect", d.defect)
            value = text(name)
            if not value or value == "0":
                continue
            if not value.isdigit():
                errors[name] = "请填写不小于0的整数"
                continue
            count = int(value)
            if d.per == "once" and count > 1:
                errors[name] = "此项只计一次（0或1）"
            elif d.max_count is not None and count > d.max_count:
                errors[name] = f"最多{d.max_count}{d.unit}"
            else:
                defects[d.defect] = count
        if defects:
            raw["defects"] = defects
        measures: dict[str, str] = {}
        for key in own_measure_keys(scheme, item):
            name = field_name(item.id, "measure", key)
            value = text(name)
            if not value:
                continue
            number = _parse_number(value.removesuffix("%"))
            if number is None:
                errors[name] = "请填写数字"
            else:
                measures[key] = fmt_points(number)
        if measures:
            raw["measures"] = measures
        flags = [
            c.flag for c in item.zero_when + item.veto_when if form.get(field_name(item.id, "flag", c.flag))
        ]
        if flags:
            raw["flags"] = flags
        if item.kind == "claims":
            claims = [
                line.strip() for line in text(field_name(item.id, "claims")).splitlines() if line.strip()
            ]
            if claims:
                raw["claims"] = claims
        for what in ("reason", "note"):
            value = text(field_name(item.id, what))
            if value:
                raw[what] = value[:1000]
        if replaces_prefill(item, raw, prefilled):
            del raw["awarded"]
        if raw:
            entries[item.id] = raw
        if not any(k in errors for k in _names_of(item, scheme)):
            warnings.update(_semantic_warnings(item, raw))
    return entries, errors, warnings


def _names_of(item: Item, scheme: Scheme) -> list[str]:
    names = [field_name(item.id, w) for w in ("awarded", "deduction", "reason", "note", "claims")]
    names += [field_name(item.id, "defect", d.defect) for d in item.deductions]
    names += [field_name(item.id, "measure", k) for k in own_measure_keys(scheme, item)]
    return names


def _semantic_warnings(item: Item, raw: Mapping[str, Any]) -> dict[str, str]:
    """What the engine would refuse, said in Chinese beside the field."""
    out: dict[str, str] = {}
    reason = raw.get("reason", "")
    if "awarded" in raw:
        value = Decimal(raw["awarded"])
        name = field_name(item.id, "awarded")
        if item.kind == "veto":
            out[name] = "否决项只勾选是否发生，不填分数"
        elif raw.get("defects") or "deduction" in raw:
            out[name] = "直接评分与扣分项只能填写一种"
        else:
            low = item.min if item.kind == "award" else Decimal(0)
            if not (low <= value <= item.max or (value == 0 and item.zero_allowed)):
                out[name] = f"评分应在{fmt_points(low)}–{fmt_points(item.max)}分之间"
            elif value < item.max and item.reason_required and not reason:
                out[field_name(item.id, "reason")] = "低于满分须填写扣分原因"
    if "deduction" in raw:
        value = Decimal(raw["deduction"])
        name = field_name(item.id, "deduction")
        bound = item.discretionary or Decimal(0)
        if item.discretionary is None:
            out[name] = "本项没有酌情扣分"
        elif value > bound:
            out[name] = f"酌情扣分应在0–{fmt_points(bound)}分之间"
        elif value > 0 and not reason:
            out[field_name(item.id, "reason")] = "酌情扣分须填写扣分原因"
    return out


def _score_leniently(
    scheme: Scheme, entries: Mapping[str, ItemEntry], level: str | None
) -> tuple[SheetResult | None, dict[str, SheetError]]:
    """Score the sheet; entries the engine refuses are left out (and reported) so the rest still shows."""
    problems: dict[str, SheetError] = {}
    remaining = dict(entries)
    for _ in range(len(entries) + 1):
        try:
            return score_sheet(scheme, remaining, level), problems
        except SheetError as exc:
            if exc.item is None or exc.item not in remaining:
                problems["_sheet"] = exc
                return None, problems
            problems[exc.item] = exc
            del remaining[exc.item]
    return None, problems  # pragma: no cover - each round removes one entry


@dataclass
class Computed:
    result: SheetResult | None  #: None only when the scheme itself cannot be scored at this level
    complete: bool  #: every entry scored (nothing left out), so the total is the sheet's total
    problems: dict[str, str]  #: item id → the engine's message for entries left out
    #: item id → the engine's refusal as the API gives it: {"error": code, "params", "message", …}
    problem_details: dict[str, dict[str, Any]] = field(default_factory=dict)


def compute(scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]) -> Computed:
    result, problems = _score_leniently(scheme, typed_entries(entries), level)
    return Computed(
        result,
        not problems,
        {k: e.message for k, e in problems.items()},
        {k: e.to_dict() for k, e in problems.items()},
    )


# --------------------------------------------------------------------------------------------------------
# Results as stored JSON: item id → score


def item_scores(result: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """Flatten a stored `SheetResult.to_dict()` into item id → score (parts included)."""
    out: dict[str, Decimal] = {}
    if not result:
        return out

    def walk(items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            out[item["id"]] = Decimal(str(item["score"]))
            walk(item.get("parts", ()))

    walk(result.get("items", ()))
    return out


def item_reasons(result: Mapping[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not result:
        return out

    def walk(items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            out[item["id"]] = list(item.get("reasons", ()))
            walk(item.get("parts", ()))

    walk(result.get("items", ()))
    return out


def _store(
    sheet: ScoreSheet, scheme: Scheme, level: str | None, entries: dict[str, dict[str, Any]]
) -> Computed:
    computed = compute(scheme, level, entries)
    sheet.entries = entries
    result = computed.result
    sheet.result = result.to_dict() if result is not None else None
    sheet.total = result.total if result is not None and computed.complete else None
    sheet.updated_at = clock.now()  # the demo clock, like every business time shown
    return computed


# --------------------------------------------------------------------------------------------------------
# Opening, saving, submitting


def _new_sheet(
    case: Case, scheme: Scheme, kind: str, user: User, reviewer_id: int | None = None
) -> ScoreSheet:
    sheet = ScoreSheet(
        case_id=case.id,
        kind=kind,
        reviewer_id=reviewer_id,
        slot=ScoreSheet.slot_for(kind, reviewer_id),
        status=SheetStatus.DRAFT,
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        entries={},
        updated_by_id=user.id,
    )
    db.session.add(sheet)
    return sheet


@dataclass(frozen=True)
class SheetSlot:
    """One sheet place on a case as a reader finds it, without creating anything (a GET changes nothing)."""

    case: Case
    kind: str
    reviewer_id: int | None
    sheet: ScoreSheet | None
    #: the user fills this sheet and may start it now (a POST creates it)
    startable: bool
    #: why the user may not start it, when they are the one who fills it ("" otherwise)
    closed_reason: str = ""


def find_sheet(user: User, case_id: int, kind: str, reviewer_id: int | None = None) -> SheetSlot:
    """The sheet of ``kind`` (a reviewer's own when ``reviewer_id`` is None), read only: never writes.

    `SheetRefused` when the user may not read it; NotFound for a case they may not see.
    """
    case, acc = _visible_case(user, case_id)
    if kind not in (SheetKind.SELF, SheetKind.REVIEWER, SheetKind.AGREED):
        raise NotFound("评分表不存在。")
    if kind == SheetKind.REVIEWER and reviewer_id is None:
        reviewer_id = user.id
    if not can_read_sheet(acc, kind, reviewer_id, user.id):
        raise SheetRefused("您无权查看该评分表。")
    sheet = _find(case, kind, reviewer_id)
    startable = sheet is None and can_fill_sheet(acc, kind, reviewer_id, user.id)
    closed = ""
    if startable and not scored_here(scheme_for_case(case), case):
        startable, closed = False, _not_scored(case).message
    elif sheet is None and not startable and fills_sheet(acc, kind, reviewer_id, user.id):
        closed = _closed_reason(kind, case)
    return SheetSlot(case, kind, reviewer_id, sheet, startable, closed)


def _not_scored(case: Case) -> SheetRefused:
    return SheetRefused(
        f"{case.level_label}不采用打分方式，由评审组作出达标结论（依据第六条）。",
        status=409,
        code="not_scored",
    )


def open_sheet(user: User, case_id: int, kind: str, reviewer_id: int | None = None) -> ScoreSheet | None:
    """The sheet of ``kind`` (a reviewer's own when ``reviewer_id`` is None and the user is on the panel),
    created as a draft when the user is the one to fill it and it does not exist yet (the agreed sheet starts
    prefilled with the median of the submitted reviewer sheets). Returns None when it does not exist and the
    user only reads. This writes: call it for a POST, never for a GET (use `find_sheet` to read).
    """
    slot = find_sheet(user, case_id, kind, reviewer_id)
    case, reviewer_id = slot.case, slot.reviewer_id
    if slot.sheet is not None:
        return slot.sheet
    acc = access(user, case)
    if kind == SheetKind.REVIEWER and reviewer_id != user.id:
        return None
    if not can_fill_sheet(acc, kind, reviewer_id, user.id):
        return None
    with transaction():
        scheme = pin_scheme(case)
        if not scored_here(scheme, case):
            raise _not_scored(case)
        assert scheme is not None
        sheet = _new_sheet(case, scheme, kind, user, reviewer_id)
        if kind == SheetKind.AGREED:
            entries = prefill_entries(case, scheme, "median")
            _store(sheet, scheme, sheet_level(scheme, case), entries)
            sheet.prefilled = prefilled_scores(entries)
        else:
            _store(sheet, scheme, sheet_level(scheme, case), {})
    return sheet


@dataclass
class SaveOutcome:
    sheet: ScoreSheet
    warnings: dict[str, str]
    problems: dict[str, str]
    submitted: bool = False


def _editable(user: User, sheet: ScoreSheet, *, hide_unreadable: bool = False) -> tuple[Case, SheetAccess]:
    """The case and access when ``user`` may change ``sheet`` now; otherwise why not (403 who, 409 when).

    ``hide_unreadable``: a sheet the user may not even read is 404, as if it did not exist (the API's rule).
    """
    case, acc = _visible_case(user, sheet.case_id)
    if not can_read_sheet(acc, sheet.kind, sheet.reviewer_id, user.id):
        if hide_unreadable:
            raise NotFound("评分表不存在。")
        raise SheetRefused("您无权查看该评分表。")
    if can_fill_sheet(acc, sheet.kind, sheet.reviewer_id, user.id):
        return case, acc
    raise _refusal(user, case, acc, sheet.kind, sheet.reviewer_id)


def _refusal(user: User, case: Case, acc: SheetAccess, kind: str, reviewer_id: int | None) -> SheetRefused:
    """Why ``user`` may not fill the sheet of ``kind`` (of ``reviewer_id``) now: 409 for the right person at
    the wrong time, with the rule; 403 for anyone else."""
    filler = fills_sheet(acc, kind, reviewer_id, user.id)
    if filler and kind != SheetKind.SELF and not acc.declared and case.state in REVIEW_STATES:
        return SheetRefused(
            "请先在「评审任务」中作出回避声明（确认与申报单位无利害关系）后再评分。",
            status=409,
            code="declaration_required",
        )
    if filler:
        return SheetRefused(
            _closed_reason(kind, case),
            status=409,
            code="sheet_closed",
            rule="ARC-10.1.4" if kind == SheetKind.SELF else REVIEW_RULE,
        )
    if kind == SheetKind.REVIEWER:
        if reviewer_id == user.id:
            return SheetRefused("评审评分表由评审组成员填写。")
        return SheetRefused("只能填写本人的评审评分表。")
    if kind == SheetKind.AGREED:
        return SheetRefused("合议评分表由评审组组长填写。")
    return SheetRefused("自查评分表由申报单位填写。")


def check_editable(user: User, sheet_id: int) -> ScoreSheet:
    """The sheet when ``user`` may change it now; otherwise the refusal (403 who, 409 when) a save would give.

    For the pages, which must say "not yours" before "reload the page" when a form comes without its version.
    """
    sheet = _sheet(sheet_id)
    _editable(user, sheet)
    return sheet


def _check_version(sheet: ScoreSheet, expected_version: int | None) -> None:
    if expected_version is not None and sheet.version_id != expected_version:
        raise SheetStale()


def _first_fault(warnings: Mapping[str, str], computed: Computed) -> str | None:
    """The first input that stops a submission: a field with a warning, an entry left out, an unscored item."""
    first = next(iter(warnings), None) or next(iter(computed.problems), None)
    if first is None and computed.result is not None and computed.result.missing:
        first = computed.result.missing[0]
    return first


def sheet_faults(
    scheme: Scheme, level: str | None, computed: Computed, warnings: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """(faults, unscored) in table order, each naming the item as the table shows it (issue 7 point 11).

    A fault is an entry that cannot be scored as it stands — what is wrong with it (a lowered score without its
    reason, a score out of range, …). Unscored items are those with no entry at all; an item whose entry is at
    fault is not among them, though the engine leaves it out of the total until it is fixed.
    """
    faults: list[str] = []
    faulty: set[str] = set()
    for item in form_items(scheme, level):
        messages = [m for name, m in warnings.items() if name.split(":", 1)[0] == item.id]
        if messages:
            faulty.add(item.id)
            faults.append(f"{item_label(scheme, item.id)}：{'；'.join(dict.fromkeys(messages))}")
        elif item.id in computed.problems:  # the engine's words already name the item as the table shows it
            faulty.add(item.id)
            faults.append(computed.problems[item.id])
    missing = computed.result.missing if computed.result is not None else ()
    unscored = [item_label(scheme, item_id) for item_id in missing if item_id not in faulty]
    return faults, unscored


def _submit_problems(
    scheme: Scheme, level: str | None, computed: Computed, warnings: Mapping[str, str]
) -> list[str]:
    faults, unscored = sheet_faults(scheme, level, computed, warnings)
    problems = list(faults)
    if unscored:
        problems.append("尚未评分的项目：" + "、".join(unscored))
    if not problems and "_sheet" in computed.problems:
        problems.append(computed.problems["_sheet"])
    return problems


def save_sheet(
    user: User,
    sheet_id: int,
    form: Mapping[str, str],
    *,
    submit: bool = False,
    expected_version: int | None = None,
) -> SaveOutcome:
    """Save the form as the sheet's entries (a draft), recompute the total; ``submit`` also submits it.

    Raises `SheetInvalid` (nothing written) for inputs that are not numbers, and, when submitting, for entries
    the engine cannot score or items still unscored.
    """
    sheet = _sheet(sheet_id)
    case, _ = _editable(user, sheet)
    _check_version(sheet, expected_version)
    if sheet.submitted:
        raise SheetRefused("该评分表已提交；如需修改，请先撤回提交。", status=409, code="sheet_submitted")
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    entries, errors, warnings = entries_from_form(scheme, level, form, sheet.prefilled)
    if errors:
        raise SheetInvalid("有输入需要改正，评分表未保存。", errors, field=next(iter(errors)))
    computed = compute(scheme, level, entries)
    if submit:
        problems = _submit_problems(scheme, level, computed, warnings)
        if problems:
            raise SheetInvalid(
                "评分表尚不能提交：" + "；".join(problems) + "。",
                warnings,
                problems,
                field=_first_fault(warnings, computed),
            )
    try:
        with transaction():
            _store(sheet, scheme, level, entries)
            sheet.prefilled = _still_prefilled(sheet.prefilled, entries)
            if sheet.kind == SheetKind.AGREED and "opinion" in form:
                sheet.opinion = (form.get("opinion") or "").strip()[:OPINION_MAX] or None
            sheet.updated_by_id = user.id
            if submit:
                _mark_submitted(sheet, user)
    except StaleDataError:
        raise SheetStale() from None
    return SaveOutcome(sheet, warnings, computed.problems, submitted=submit)


def _mark_submitted(sheet: ScoreSheet, user: User) -> None:
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_by_id = user.id
    sheet.submitted_at = clock.now()
    total = f"，总分 {fmt_points(sheet.total)}" if sheet.total is not None else ""
    _audit_sheet(sheet, user, "sheet_submitted", f"提交{sheet.kind_label}{total}")


def _audit_sheet(sheet: ScoreSheet, user: User, event: str, comment: str) -> None:
    """A sheet's submit and reopen go to its subject's trail (the case timeline), in the same transaction."""
    case = sheet.case
    rule = "ARC-10.1.4" if sheet.kind == SheetKind.SELF else REVIEW_RULE
    append_case_event(
        case, event, actor=user, from_state=case.state, to_state=case.state, comment=comment, rule_id=rule
    )


def submit_sheet(
    user: User, sheet_id: int, *, expected_version: int | None = None, hide_unreadable: bool = False
) -> ScoreSheet:
    """Submit the stored entries as they are (API and tests; the page submits through `save_sheet`)."""
    sheet = _sheet(sheet_id)
    case, _ = _editable(user, sheet, hide_unreadable=hide_unreadable)
    _check_version(sheet, expected_version)
    if sheet.submitted:
        return sheet
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    warnings: dict[str, str] = {}
    for item in form_items(scheme, level):
        warnings.update(_semantic_warnings(item, sheet.entries.get(item.id, {})))
    computed = compute(scheme, level, sheet.entries)
    problems = _submit_problems(scheme, level, computed, warnings)
    if problems:
        raise SheetInvalid(
            "评分表尚不能提交：" + "；".join(problems) + "。",
            warnings,
            problems,
            field=_first_fault(warnings, computed),
        )
    try:
        with transaction():
            _store(sheet, scheme, level, dict(sheet.entries))
            _mark_submitted(sheet, user)
    except StaleDataError:
        raise SheetStale() from None
    return sheet


def reopen_sheet(
    user: User, sheet_id: int, *, expected_version: int | None = None, hide_unreadable: bool = False
) -> ScoreSheet:
    """Take a submitted sheet back to draft while it may still be filled (e.g. after a return for completion)."""
    sheet = _sheet(sheet_id)
    _editable(user, sheet, hide_unreadable=hide_unreadable)
    _check_version(sheet, expected_version)
    with transaction():
        was_submitted = sheet.submitted
        sheet.status = SheetStatus.DRAFT
        sheet.submitted_at = None
        sheet.submitted_by_id = None
        sheet.updated_by_id = user.id
        if was_submitted:
            _audit_sheet(sheet, user, "sheet_reopened", f"撤回提交的{sheet.kind_label}，改为草稿")
    return sheet


def save_entries(
    user: User, sheet_id: int, entries: Mapping[str, Mapping[str, Any]], *, submit: bool = False
) -> SaveOutcome:
    """Save entries given as sheet JSON (docs/schemes.md) — for services, the API and tests."""
    sheet = _sheet(sheet_id)
    scheme = _scheme_of(sheet)
    case = _case(sheet.case_id)
    return save_sheet(
        user, sheet_id, entries_to_form(scheme, sheet_level(scheme, case), entries), submit=submit
    )


def entries_to_form(
    scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """The form fields that represent ``entries`` (what the sheet page shows in its inputs)."""
    form: dict[str, str] = {}
    for item in form_items(scheme, level):
        raw = entries.get(item.id) or {}
        for what in ("awarded", "deduction", "reason", "note"):
            if raw.get(what) not in (None, ""):
                form[field_name(item.id, what)] = str(raw[what])
        for key, count in (raw.get("defects") or {}).items():
            form[field_name(item.id, "defect", key)] = str(count)
        for key, value in (raw.get("measures") or {}).items():
            form[field_name(item.id, "measure", key)] = str(value)
        for flag in raw.get("flags") or ():
            form[field_name(item.id, "flag", flag)] = "1"
        if raw.get("claims"):
            form[field_name(item.id, "claims")] = "\n".join(str(c) for c in raw["claims"])
    return form


# --------------------------------------------------------------------------------------------------------
# The agreed sheet: prefill, spread between reviewers, self-check vs review


def reviewer_sheets(case: Case, *, submitted_only: bool = False) -> list[ScoreSheet]:
    """The panel members' sheets, lead first then in panel order."""
    order = {pm.user_id: (not pm.is_lead, pm.id) for pm in case.panel}
    sheets = [
        s
        for s in sheets_of(case)
        if s.kind == SheetKind.REVIEWER and (s.submitted or not submitted_only) and s.reviewer_id in order
    ]
    return sorted(sheets, key=lambda s: order[s.reviewer_id or 0])


def _quantize(value: Decimal, scheme: Scheme) -> Decimal:
    return value.quantize(scheme.precision, ROUND_HALF_UP)


def prefill_entries(case: Case, scheme: Scheme, method: str = "median") -> dict[str, dict[str, Any]]:
    """One agreed entry per item from the submitted reviewer sheets: the median (or mean) score with the reasons
    of the reviewers who gave that score, a veto flag when most reviewers flagged it. Empty when no reviewer
    has submitted yet.

    The result can be submitted as it stands (issue 7 point 10): every score is one the item takes, and a score
    below the maximum carries a reason — the reviewers' own words, without the 「评定8分（满分10分）：」 the engine
    puts before them (it adds that again on the agreed sheet) and without item codes.
    """
    sheets = reviewer_sheets(case, submitted_only=True)
    if not sheets:
        return {}
    level = sheet_level(scheme, case)
    scores = [item_scores(s.result) for s in sheets]
    entries: dict[str, dict[str, Any]] = {}
    for item in form_items(scheme, level):
        flags = _majority_flags(item, sheets)
        if item.kind == "veto":
            if flags:
                entries[item.id] = {"flags": flags, "reason": _flag_reason(item.id, sheets, flags)}
            continue
        given = [(s, sc[item.id]) for s, sc in zip(sheets, scores, strict=True) if item.id in sc]
        if not given:
            if flags:
                entries[item.id] = {"flags": flags, "reason": _flag_reason(item.id, sheets, flags)}
            continue
        values = [v for _, v in given]
        if method == "mean":
            agreed = _quantize(sum(values, Decimal(0)) / len(values), scheme)
        else:
            agreed = _quantize(Decimal(statistics.median(values)), scheme)
        if not _takes_score(item, agreed):  # e.g. the mean of 0 and 5 on a 3–5 item that allows 0
            agreed = statistics.median_low(values)
        entry: dict[str, Any] = {"awarded": fmt_points(agreed)}
        if agreed < item.max:
            # the reasons of those who gave this score; else of everyone who deducted
            matching = [s for s, v in given if v == agreed] or [s for s, v in given if v < item.max]
            reason = _joined([_reviewer_reason(s, item.id)] for s in matching)
            entry["reason"] = reason or f"按评审专家评分的{'平均数' if method == 'mean' else '中位数'}评定"
        if flags:
            # a fact most reviewers found (a zero_when that zeroes the item, or a veto_when / zero_when with
            # veto that vetoes the sheet) holds on the agreed sheet too, whatever the median score says
            entry["flags"] = flags
        notes = _joined([(sh.entries.get(item.id) or {}).get("note", "")] for sh in sheets)
        if notes:
            entry["note"] = notes
        entries[item.id] = entry
    return entries


def _flags_of(sheet: ScoreSheet, item_id: str) -> set[str]:
    """The flags a sheet holds on an item, stored as a list or as {flag: true/false} (docs/schemes.md)."""
    raw = (sheet.entries.get(item_id) or {}).get("flags") or ()
    if isinstance(raw, Mapping):
        return {str(k) for k, v in raw.items() if v}
    return {str(f) for f in raw}


def _majority_flags(item: Item, sheets: list[ScoreSheet]) -> list[str]:
    """The item's zero_when and veto_when facts that more than half of the reviewers recorded (ARC-7.2: the
    panel's finding), in the scheme's order — the same rule for every item kind."""
    held = [_flags_of(s, item.id) for s in sheets]
    return [flag for flag in item.flags() if sum(flag in h for h in held) * 2 > len(sheets)]


def _flag_reason(item_id: str, sheets: list[ScoreSheet], flags: list[str]) -> str:
    """The words of the reviewers who recorded the agreed facts (an item with only flags still needs a reason)."""
    flagged = [s for s in sheets if _flags_of(s, item_id) & set(flags)]
    return _joined([_reviewer_reason(s, item_id)] for s in flagged) or "评审组合议认定"


def _takes_score(item: Item, value: Decimal) -> bool:
    low = item.min if item.kind == "award" else Decimal(0)
    return low <= value <= item.max or (value == 0 and item.zero_allowed)


#: 「评定8分（满分10分）」 with or without 「：」, which the engine puts before a reason given with a score
_AWARDED_PREFIX = re.compile(r"^评定[0-9.]+分（满分[0-9.]+分）：?")


def plain_reason(text: str, item_id: str) -> str:
    """An engine reason as a person writes it: without the item code the engine appends and without the
    「评定8分（满分10分）：」 before a typed reason (the score is printed beside it anyway)."""
    return _AWARDED_PREFIX.sub("", text.replace(f"（{item_id}）", "")).strip()


def _reviewer_reason(sheet: ScoreSheet, item_id: str) -> str:
    """Why a reviewer scored the item as they did: what they typed, else their deductions as the engine
    describes them."""
    typed = str((sheet.entries.get(item_id) or {}).get("reason") or "").strip()
    if typed:
        return typed
    reasons = (plain_reason(r, item_id) for r in item_reasons(sheet.result).get(item_id, []))
    return "；".join(r for r in reasons if r)


def prefilled_scores(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, str] | None:
    """item id → the score a prefill put on the agreed sheet (remembered so a deduction may replace it)."""
    scores = {k: str(v["awarded"]) for k, v in entries.items() if v.get("awarded") is not None}
    return scores or None


def _scoring_input(item: Item, raw: Mapping[str, Any]) -> bool:
    """The entry scores the item another way than a direct score: defects, a deduction, measures, a zero flag."""
    zero_flags = {c.flag for c in item.zero_when}
    return bool(
        raw.get("defects")
        or raw.get("deduction") not in (None, "")
        or raw.get("measures")
        or zero_flags & set(raw.get("flags") or ())
    )


def replaces_prefill(item: Item, raw: Mapping[str, Any], prefilled: Mapping[str, str] | None) -> bool:
    """Entering a deduction replaces a pre-filled score (issue 7 point 10): the entry still carries the score a
    prefill put there, unchanged, together with another way of scoring the item. A score the person typed
    themselves is theirs: both together stay an error to correct."""
    if not prefilled or item.kind == "award" or item.id not in prefilled:
        return False
    try:
        same = Decimal(str(raw.get("awarded"))) == Decimal(str(prefilled[item.id]))
    except InvalidOperation:
        return False
    return same and _scoring_input(item, raw)


def _still_prefilled(
    prefilled: Mapping[str, str] | None, entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, str] | None:
    """The pre-filled scores still standing after a save (those changed or replaced are the lead's now)."""
    kept = {
        item_id: score
        for item_id, score in (prefilled or {}).items()
        if str((entries.get(item_id) or {}).get("awarded")) == str(score)
    }
    return kept or None


def _joined(groups: Iterable[Iterable[str]]) -> str:
    seen: list[str] = []
    for group in groups:
        for text in group:
            text = (text or "").strip()
            if text and text not in seen and not any(text in s for s in seen):
                seen.append(text)
    return "；".join(seen)[:1000]


def prefill_agreed(
    user: User, case_id: int, method: str = "median", *, expected_version: int | None = None
) -> ScoreSheet:
    """Replace the agreed draft with the median (``median``) or mean (``mean``) of the submitted reviewer sheets."""
    if method not in ("median", "mean"):
        raise ServiceError("预填方式只能是中位数或平均数。")
    sheet = open_sheet(user, case_id, SheetKind.AGREED)
    if sheet is None:
        raise SheetRefused("合议评分表由评审组组长填写。")
    case, _ = _editable(user, sheet)
    _check_version(sheet, expected_version)
    if sheet.submitted:
        raise SheetRefused("合议评分表已提交；如需修改，请先撤回提交。", status=409, code="sheet_submitted")
    scheme = _scheme_of(sheet)
    entries = prefill_entries(case, scheme, method)
    if not entries:
        raise SheetRefused("尚无评审专家提交评分表，无法预填。", status=409, code="no_reviewer_sheets")
    with transaction():
        _store(sheet, scheme, sheet_level(scheme, case), entries)
        sheet.prefilled = prefilled_scores(entries)
        sheet.updated_by_id = user.id
    return sheet


@dataclass
class ItemSpread:
    """One item across the sheets: each reviewer's score, their spread, the self-check and the agreed score."""

    item: Item
    reviewer_scores: list[Decimal | None]
    low: Decimal | None
    high: Decimal | None
    self_score: Decimal | None
    agreed_score: Decimal | None

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def compared(self) -> Decimal | None:
        """The review score the self-check is compared with: the agreed one, else the reviewers' median."""
        if self.agreed_score is not None:
            return self.agreed_score
        values = [v for v in self.reviewer_scores if v is not None]
        return Decimal(statistics.median(values)) if values else None

    @property
    def self_difference(self) -> Decimal | None:
        """Review minus self-check (negative: the panel found less than the unit claimed)."""
        if self.self_score is None or self.compared is None:
            return None
        return self.compared - self.self_score


@dataclass
class SpreadTable:
    reviewers: list[str]  #: names, in the column order of `ItemSpread.reviewer_scores`
    reviewer_sheets: list[ScoreSheet]
    rows: dict[str, ItemSpread] = field(default_factory=dict)


def spread_table(case: Case, scheme: Scheme) -> SpreadTable:
    sheets = reviewer_sheets(case)
    self_sheet = _find(case, SheetKind.SELF)
    agreed = _find(case, SheetKind.AGREED)
    per_sheet = [item_scores(s.result) for s in sheets]
    self_scores = item_scores(self_sheet.result) if self_sheet is not None and self_sheet.submitted else {}
    agreed_scores = item_scores(agreed.result) if agreed is not None else {}
    table = SpreadTable([s.reviewer.display_name if s.reviewer else "" for s in sheets], sheets)
    for item in scheme.items():
        values = [scores.get(item.id) for scores in per_sheet]
        present = [v for v in values if v is not None]
        table.rows[item.id] = ItemSpread(
            item=item,
            reviewer_scores=values,
            low=min(present) if present else None,
            high=max(present) if present else None,
            self_score=self_scores.get(item.id),
            agreed_score=agreed_scores.get(item.id),
        )
    return table


# --------------------------------------------------------------------------------------------------------
# The review conclusion from the agreed sheet (conclude_review without a manual total)


def agreed_sheet(case: Case) -> ScoreSheet | None:
    return _find(case, SheetKind.AGREED)


def agreed_result(case: Case) -> SheetResult | None:
    """The submitted agreed sheet scored against the case's scheme version; None when there is none yet."""
    sheet = _find(case, SheetKind.AGREED)
    if sheet is None or not sheet.submitted:
        return None
    scheme = _scheme_of(sheet)
    return score_sheet(scheme, typed_entries(sheet.entries), sheet_level(scheme, case))


@dataclass(frozen=True)
class ReviewOutcome:
    """What `conclude_review` records when the agreed sheet decides: the total, pass/fail and why."""

    total: Decimal
    passed: bool
    reasons: tuple[str, ...]
    result: SheetResult

    @property
    def conclusion(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def comment(self) -> str:
        """One paragraph for the audit row and the case page."""
        return "依据评审组合议评分表：" + "；".join(self.reasons) + "。"


def review_outcome(case: Case) -> ReviewOutcome | None:
    """The conclusion the submitted agreed sheet gives: total against the level's pass line (reached when
    equal, ARC-7.2), any veto (一票否决) and section minimums fail it. None when there is no submitted agreed
    sheet (or the level is not scored by the scheme); raises `SheetRefused` when the sheet has no pass line."""
    result = agreed_result(case)
    if result is None:
        return None
    ruleset = load_ruleset(case.ruleset_id)
    level = ruleset.level(case.level)
    line = result.pass_line
    if line is None and level.pass_line is not None:
        line = Decimal(str(level.pass_line))
    if line is None:
        raise SheetRefused(
            f"评分表未设{case.level_label}达标分数线，无法据此形成结论。",
            status=409,
            code="no_pass_line",
            rule="ARC-7.2",
        )
    reasons: list[str] = []
    reached = result.total >= line
    reasons.append(
        f"评审总分{fmt_points(result.total)}分，{'达到' if reached else '未达到'}{case.level_label}达标分数线"
        f"{fmt_points(line)}分（ARC-7.2）"
    )
    reasons += list(result.veto_reasons)
    reasons += list(result.section_failures)
    passed = reached and not result.vetoed and not result.section_failures
    if result.passed is False:
        passed = False
    return ReviewOutcome(result.total, passed, tuple(reasons), result)


def self_check_submitted(case: Case) -> bool:
    """A submitted self-check sheet is the 自查评分表 the acceptance request needs (ARC-10.1.4)."""
    sheet = _find(case, SheetKind.SELF)
    return sheet is not None and sheet.submitted


def paper_review_allowed(case: Case) -> bool:
    """The ruleset lets the panel record a total scored on paper (`procedure.allow_paper_review`)."""
    return load_ruleset(case.ruleset_id).procedure.allow_paper_review


# --------------------------------------------------------------------------------------------------------
# The case page section


@dataclass
class SheetLink:
    label: str
    sheet: ScoreSheet | None
    kind: str
    reviewer_id: int | None = None
    editable: bool = False


@dataclass
class SheetsOverview:
    case: Case
    scheme: Scheme | None
    scored: bool
    access: SheetAccess
    links: list[SheetLink]
    outcome: ReviewOutcome | None
    paper_review: bool
    note: str = ""


def overview(user: User, case: Case) -> SheetsOverview | None:
    """What the case page shows about score sheets for ``user``; None when they see none of them."""
    acc = access(user, case)
    if not acc.any:
        return None
    scheme = scheme_for_case(case)
    scored = scored_here(scheme, case)
    links: list[SheetLink] = []
    sheets = {s.slot: s for s in sheets_of(case)}
    if acc.read_self:
        links.append(SheetLink("自查评分表", sheets.get("self"), SheetKind.SELF, editable=acc.edit_self))
    if acc.read_reviews:
        for pm in sorted(case.panel, key=lambda p: (not p.is_lead, p.id)):
            slot = ScoreSheet.slot_for(SheetKind.REVIEWER, pm.user_id)
            label = f"评审评分表 · {pm.user.display_name}" + ("（组长）" if pm.is_lead else "")
            links.append(
                SheetLink(
                    label,
                    sheets.get(slot),
                    SheetKind.REVIEWER,
                    pm.user_id,
                    editable=acc.edit_own_review and pm.user_id == user.id,
                )
            )
    if acc.read_agreed:
        links.append(
            SheetLink(
                SHEET_KIND_LABELS[SheetKind.AGREED],
                sheets.get("agreed"),
                SheetKind.AGREED,
                editable=acc.edit_agreed,
            )
        )
    outcome = None
    try:
        outcome = review_outcome(case) if acc.read_agreed else None
    except SheetRefused:
        outcome = None
    note = ""
    if not scored:
        note = f"{case.level_label}不采用打分方式，由评审组作出达标结论（依据第六条）。"
    return SheetsOverview(case, scheme, scored, acc, links, outcome, paper_review_allowed(case), note)


def sheet_page_access(user: User, sheet: ScoreSheet) -> tuple[Case, SheetAccess, bool]:
    """(case, access, editable) for showing one sheet; NotFound when the user may not read it."""
    case, acc = _visible_case(user, sheet.case_id)
    if not can_read_sheet(acc, sheet.kind, sheet.reviewer_id, user.id):
        raise SheetRefused("您无权查看该评分表。")
    return case, acc, can_fill_sheet(acc, sheet.kind, sheet.reviewer_id, user.id)


def get_sheet(user: User, sheet_id: int) -> tuple[ScoreSheet, Case, SheetAccess, bool]:
    sheet = _sheet(sheet_id)
    case, acc, editable = sheet_page_access(user, sheet)
    return sheet, case, acc, editable


def self_sheet_of(case: Case) -> ScoreSheet | None:
    return _find(case, SheetKind.SELF)


# --------------------------------------------------------------------------------------------------------
# Sheets as data (the JSON API): list, read, start, replace entries. Unlike the pages, a sheet the user may not
# read is 404, and entries are checked strictly: a draft saved this way holds nothing the engine refuses.

_KIND_ORDER = {SheetKind.SELF: 0, SheetKind.REVIEWER: 1, SheetKind.AGREED: 2}


@dataclass
class CaseSheets:
    case: Case
    scheme: Scheme | None
    scored: bool
    access: SheetAccess
    sheets: list[ScoreSheet]  #: those the user may read: self-check, reviewers (lead first), agreed
    spread: SpreadTable | None  #: only for those who read every reviewer sheet


def case_sheets(user: User, case_id: int) -> CaseSheets:
    case, acc = _visible_case(user, case_id)
    scheme = scheme_for_case(case)
    scored = scored_here(scheme, case)
    panel = {pm.user_id: (not pm.is_lead, pm.id) for pm in case.panel}
    readable = sorted(
        (s for s in sheets_of(case) if can_read_sheet(acc, s.kind, s.reviewer_id, user.id)),
        key=lambda s: (_KIND_ORDER.get(s.kind, 3), panel.get(s.reviewer_id or 0, (True, 1 << 62)), s.id),
    )
    spread = spread_table(case, scheme) if acc.read_reviews and scored and scheme is not None else None
    return CaseSheets(case, scheme, scored, acc, readable, spread)


@dataclass
class SheetView:
    sheet: ScoreSheet
    case: Case
    scheme: Scheme
    level: str | None
    editable: bool
    computed: Computed


def sheet_view(user: User, sheet_id: int) -> SheetView:
    """One sheet with its result recomputed; NotFound when the user may not read it (or see its case)."""
    sheet = _sheet(sheet_id)
    case, acc = _visible_case(user, sheet.case_id)
    if not can_read_sheet(acc, sheet.kind, sheet.reviewer_id, user.id):
        raise NotFound("评分表不存在。")
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    editable = can_fill_sheet(acc, sheet.kind, sheet.reviewer_id, user.id)
    return SheetView(sheet, case, scheme, level, editable, compute(scheme, level, sheet.entries))


def start_sheet(user: User, case_id: int, kind: str) -> tuple[ScoreSheet, bool]:
    """(sheet, created): the user's own sheet of ``kind`` — the self-check, their reviewer sheet, the agreed
    sheet — created as a draft (the agreed one prefilled, as on the page) when it does not exist yet.

    An existing sheet the user may read is returned as it is. Otherwise `SheetRefused` says why the user does
    not fill it (403) or not now (409, with the rule).
    """
    case, acc = _visible_case(user, case_id)
    if kind not in _KIND_ORDER:
        raise NotFound("评分表不存在。")
    reviewer_id = user.id if kind == SheetKind.REVIEWER else None
    existing = _find(case, kind, reviewer_id)
    if existing is not None and can_read_sheet(acc, kind, reviewer_id, user.id):
        return existing, False
    if not can_fill_sheet(acc, kind, reviewer_id, user.id):
        raise _refusal(user, case, acc, kind, reviewer_id)
    sheet = open_sheet(user, case_id, kind)
    assert sheet is not None  # the user fills it and may now, so open_sheet created it
    return sheet, True


def _engine_message(exc: SheetError) -> str:
    """The engine's own words (the item as the table shows it, then what is wrong): workflow/scoring/messages.py."""
    return exc.message


def checked_entries(
    scheme: Scheme, level: str | None, entries: Mapping[str, Any], *, level_label: str = ""
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Sheet JSON entries (docs/schemes.md), checked as a whole: (entries as stored, errors).

    ``errors`` maps an item id, or a form field such as ``HBS-3.1:reason``, to a Chinese message naming the item:
    an item not in the scheme or taking no entry at ``level``, a value of the wrong type, a score outside the
    item's range, a deduction or lowered score without its reason, a defect counted too often, and anything
    else the engine refuses. Items left out are not errors: a draft may be incomplete.
    """
    takes = {item.id for item in form_items(scheme, level)}
    known = {item.id: item for item in scheme.items()}
    stored: dict[str, dict[str, Any]] = {}
    typed: dict[str, ItemEntry] = {}
    errors: dict[str, str] = {}
    for item_id, raw in entries.items():
        item = known.get(item_id)
        if item is None:
            errors[item_id] = f"评分表{scheme.id} {scheme.version}中没有考核项目{item_id}"
            continue
        if item_id not in takes:
            errors[item_id] = f"考核项目{item_id}" + (
                "由各分项评分，请填写分项" if item.parts else f"不适用于{level_label or '本级别'}"
            )
            continue
        try:
            entry = parse_sheet({item_id: raw}, scheme)[item_id]
        except SheetError as exc:
            errors[item_id] = _engine_message(exc)
            continue
        found: dict[str, str] = {}
        for what in ("awarded", "deduction"):
            value = getattr(entry, what)
            if value is not None and value < 0:
                found[field_name(item_id, what)] = "不能为负数"
        for d in item.deductions:
            count = entry.defects.get(d.defect, 0)
            if d.per == "once" and count > 1:
                found[field_name(item_id, "defect", d.defect)] = "此项只计一次（0或1）"
            elif d.max_count is not None and count > d.max_count:
                found[field_name(item_id, "defect", d.defect)] = f"最多{d.max_count}{d.unit}"
        entry_json = from_item_entry(entry)
        for what in ("reason", "note"):
            if what in entry_json:
                entry_json[what] = entry_json[what][:1000]
        if not found:
            found = _semantic_warnings(item, entry_json)
        errors.update({name: f"考核项目{item_id}：{message}" for name, message in found.items()})
        if not found:
            typed[item_id] = entry
            if entry_json:
                stored[item_id] = entry_json
    if not errors:
        _, problems = _score_leniently(scheme, typed, level)
        for item_id, error in problems.items():
            errors[item_id] = _engine_message(error)
    return stored, errors


def replace_entries(
    user: User,
    sheet_id: int,
    entries: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    opinion: str | None = None,
) -> ScoreSheet:
    """Replace a draft's entries with ``entries`` (sheet JSON) and recompute it — the owner only, while open.
    ``opinion`` (the agreed sheet's 评审意见) replaces the written opinion when given.

    Nothing is written when any entry is refused (`SheetInvalid`, ``field`` the first at fault).
    """
    sheet = _sheet(sheet_id)
    case, _ = _editable(user, sheet, hide_unreadable=True)
    _check_version(sheet, expected_version)
    if sheet.submitted:
        raise SheetRefused("该评分表已提交；如需修改，请先撤回提交。", status=409, code="sheet_submitted")
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    known = {item.id: item for item in scheme.items()}
    entries = {
        item_id: (
            {k: v for k, v in raw.items() if k != "awarded"}
            if item_id in known
            and isinstance(raw, Mapping)
            and replaces_prefill(known[item_id], raw, sheet.prefilled)
            else raw
        )
        for item_id, raw in entries.items()
    }
    stored, errors = checked_entries(scheme, level, entries, level_label=case.level_label)
    if errors:
        first = next(iter(errors))
        more = f"（另有{len(errors) - 1}处需要改正）" if len(errors) > 1 else ""
        raise SheetInvalid(
            errors[first] + more + "，评分表未保存。", errors, list(errors.values()), field=first
        )
    try:
        with transaction():
            _store(sheet, scheme, level, stored)
            sheet.prefilled = _still_prefilled(sheet.prefilled, stored)
            if opinion is not None and sheet.kind == SheetKind.AGREED:
                sheet.opinion = opinion.strip()[:OPINION_MAX] or None
            sheet.updated_by_id = user.id
    except StaleDataError:
        raise SheetStale() from None
    return sheet


# --------------------------------------------------------------------------------------------------------
# xlsx and PDF


def _filename(case: Case, what: str, ext: str) -> str:
    return f"{case.organ.name}-{case.level_label}{case.kind_label}-{what}.{ext}"


def export_xlsx(user: User, sheet_id: int, *, blank: bool = False) -> tuple[str, bytes]:
    """The sheet as .xlsx (序号 | 考核项目 | 分数 | 评分细则 | 自查评分 | 扣分原因 | 评审评分 | 扣分原因).

    A reviewer or agreed sheet carries the submitted self-check beside it; ``blank`` leaves both score columns
    empty, for filling on paper or in Excel.
    """
    sheet, case, acc, _ = get_sheet(user, sheet_id)
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    if blank:
        return _filename(case, "空白评分表", "xlsx"), sheet_to_xlsx(scheme, level=level)
    self_sheet = sheet if sheet.kind == SheetKind.SELF else _find(case, SheetKind.SELF)
    self_entries = None
    if self_sheet is not None and acc.read_self and (self_sheet is sheet or self_sheet.submitted):
        self_entries = _scorable(scheme, level, self_sheet.entries)
    review_entries = None if sheet.kind == SheetKind.SELF else _scorable(scheme, level, sheet.entries)
    content = sheet_to_xlsx(scheme, self_entries, review_entries, level=level)
    return _filename(case, sheet.kind_label, "xlsx"), content


def _scorable(
    scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, ItemEntry]:
    """Entries without those the engine refuses (a draft may hold some), so an export never fails."""
    typed = typed_entries(entries)
    _, problems = _score_leniently(scheme, typed, level)
    return {k: v for k, v in typed.items() if k not in problems}


def export_blank(user: User, case_id: int) -> tuple[str, bytes]:
    case, _ = _visible_case(user, case_id)
    scheme = scheme_for_case(case)
    if not scored_here(scheme, case):
        raise NotFound("本案件没有评分表。")
    assert scheme is not None
    return _filename(case, "空白评分表", "xlsx"), sheet_to_xlsx(scheme, level=sheet_level(scheme, case))


def import_xlsx(
    user: User, sheet_id: int, content: bytes, *, expected_version: int | None = None
) -> SaveOutcome:
    """Read a filled .xlsx into the sheet (as a draft): 自查评分 for the self-check, 评审评分 otherwise.

    Every problem is reported per cell (「评分表!G7：评分12超出范围0–10分」) and nothing is written.
    Evidence notes already entered on the page are kept.
    """
    sheet = _sheet(sheet_id)
    case, _ = _editable(user, sheet)
    _check_version(sheet, expected_version)
    if sheet.submitted:
        raise SheetRefused("该评分表已提交；如需修改，请先撤回提交。", status=409, code="sheet_submitted")
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    column = "self" if sheet.kind == SheetKind.SELF else "review"
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
        computed = _store(sheet, scheme, level, stored)
        sheet.prefilled = None  # scores read from a workbook are the filler's own
        sheet.updated_by_id = user.id
    return SaveOutcome(sheet, {}, computed.problems)


def review_pdf(user: User, case_id: int, *, reviewed_on: date | None = None) -> tuple[str, bytes]:
    """The printable agreed sheet and review conclusion (评审结论, ARC-10.4.5) from the submitted agreed sheet."""
    case, acc = _visible_case(user, case_id)
    if not acc.read_agreed:
        raise SheetRefused("评审结论在评审结束后公开；您现在无权查看合议评分表。")
    sheet = _find(case, SheetKind.AGREED)
    result = agreed_result(case)
    if sheet is None or result is None:
        raise SheetRefused(
            "评审组合议评分表尚未提交。", status=409, code="agreed_sheet_missing", rule=REVIEW_RULE
        )
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    entries = sheet.entries
    sections = []
    for section in scheme.sections:
        if not section.applies_to(level):
            continue
        rows = []
        for position, item in enumerate((i for i in section.items if i.applies_to(level)), 1):
            number = item.no or str(position)  # as the table numbers it; never an internal code
            leaves = [(p, f"{number}（{p.no or n}）") for n, p in enumerate(item.parts, 1)] or [
                (item, number)
            ]
            for leaf, leaf_number in leaves:
                scored = result.item(leaf.id)
                reason = str((entries.get(leaf.id) or {}).get("reason") or "").strip() or "；".join(
                    r for r in (plain_reason(x, leaf.id) for x in scored.reasons) if r
                )
                title = leaf.name if leaf is item else f"{item.name}：{leaf.name}"
                rows.append(
                    ReviewItem(
                        number=leaf_number,
                        title=title + ("（加分）" if leaf.bonus else ""),
                        max_points=leaf.max,
                        score=scored.score,
                        reason=reason,
                    )
                )
        sections.append(ReviewSection(section.no, section.name, rows))
    panel = [
        PdfPanelMember(pm.user.display_name, "组长" if pm.is_lead else "成员", pm.user.organisation.name)
        for pm in sorted(case.panel, key=lambda p: (not p.is_lead, p.id))
    ]
    outcome = review_outcome(case)
    day = reviewed_on or (clock.local(sheet.submitted_at).date() if sheet.submitted_at else clock.today())
    data = ReviewData(
        organ_name=case.organ.name,
        level=case.level_label,
        kind=case.kind_label,
        organizer=case.organizer.name if case.organizer else "",
        reviewed_on=day,
        sections=sections,
        panel=panel,
        pass_line=outcome.result.pass_line if outcome else result.pass_line,
        total=result.total,
        vetoes=list(result.veto_reasons),
        failures=list(result.section_failures),
        passed=outcome.passed if outcome else result.passed,
        remarks=(sheet.opinion or "").strip() or _lead_comment(case, outcome),
        note="本评分表为示例表，正式评分标准以省档案局发布的附件为准。" if scheme.sample else "",
    )
    return _filename(case, "评审结论", "pdf"), review_conclusion_pdf(data)


def _lead_comment(case: Case, outcome: ReviewOutcome | None) -> str:
    """What the lead wrote when concluding the review from the sheet (the conclusion's comment without the
    sentence the system adds from the agreed sheet); "" before the conclusion or when they wrote nothing."""
    comment = db.session.scalar(
        sa.select(AuditEvent.comment)
        .where(AuditEvent.about("case", case.id), AuditEvent.event == "conclude_review")
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    if not comment or outcome is None or not comment.endswith(outcome.comment):
        return ""
    return comment.removesuffix(outcome.comment).rstrip("；").strip()


def member_of(case: Case, user: User) -> PanelMember | None:
    return next((pm for pm in case.panel if pm.user_id == user.id), None)


# --------------------------------------------------------------------------------------------------------
# The sheet page


@dataclass
class ItemRow:
    """One line of the sheet form: an item (or a part of a composite item) with what was entered and scored."""

    item: Item
    parent: Item | None
    measures: list[tuple[str, str]]  #: (key, label) of the measured values entered on this row
    score: Decimal | None
    reasons: list[str]
    self_score: Decimal | None = None
    self_reason: str = ""
    spread: ItemSpread | None = None
    problem: str = ""  #: the engine's message when the entry could not be scored

    @property
    def number(self) -> str:
        if self.parent is None:
            return self.item.no or self.item.id
        index = self.parent.parts.index(self.item) + 1
        return f"{self.parent.no or self.parent.id}（{self.item.no or index}）"


@dataclass
class SectionBlock:
    id: str
    no: str
    name: str
    max: Decimal
    rows: list[ItemRow]
    score: Decimal | None = None
    bonus: Decimal | None = None
    min_required: Decimal | None = None
    failed: bool = False


@dataclass
class SheetPage:
    sheet: ScoreSheet
    case: Case
    scheme: Scheme
    level: str | None
    access: SheetAccess
    editable: bool
    closed_reason: str
    sections: list[SectionBlock]
    result: Mapping[str, Any] | None
    complete: bool
    problems: dict[str, str]
    form: Mapping[str, str]  #: input values (stored entries, or what was just typed)
    show_self: bool
    spread: SpreadTable | None
    outcome: ReviewOutcome | None
    self_sheet: ScoreSheet | None
    reviewers: list[str] = field(default_factory=list)
    #: field → what the engine will refuse in the stored entries (a draft may hold them; submitting may not)
    warnings: dict[str, str] = field(default_factory=dict)
    #: item id → the pre-filled score still standing (agreed sheet): a deduction entered replaces it
    prefilled: dict[str, str] = field(default_factory=dict)
    #: what is wrong, item by item, with entries that cannot be scored as they stand (「第一部分第3项…：…」)
    faults: list[str] = field(default_factory=list)
    #: items with no entry yet, as the table names them (scored 0 until filled)
    unscored: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal | None:
        return Decimal(str(self.result["total"])) if self.result and self.complete else None

    @property
    def max(self) -> Decimal:
        return self.scheme.max_for(self.level) if self.scheme.levels else self.scheme.max

    @property
    def pass_line(self) -> Decimal | None:
        return self.scheme.pass_lines.get(self.level) if self.level else None


def sheet_page(user: User, sheet_id: int, form: Mapping[str, str] | None = None) -> SheetPage:
    """Everything one sheet page shows; ``form`` is what the user just typed (kept when a save is refused)."""
    sheet, case, acc, editable = get_sheet(user, sheet_id)
    scheme = _scheme_of(sheet)
    level = sheet_level(scheme, case)
    computed = compute(scheme, level, sheet.entries)
    result = computed.result.to_dict() if computed.result is not None else None
    scores, reasons = item_scores(result), item_reasons(result)
    self_sheet = _find(case, SheetKind.SELF)
    show_self = (
        sheet.kind != SheetKind.SELF and acc.read_self and self_sheet is not None and self_sheet.submitted
    )
    self_scores = item_scores(self_sheet.result) if show_self and self_sheet is not None else {}
    self_entries = self_sheet.entries if show_self and self_sheet is not None else {}
    spread = spread_table(case, scheme) if sheet.kind == SheetKind.AGREED and acc.read_reviews else None
    section_results = {s["id"]: s for s in (result or {}).get("sections", ())}
    blocks = []
    for section in scheme.sections:
        if not section.applies_to(level):
            continue
        rows = []
        for item in section.items:
            if not item.applies_to(level):
                continue
            leaves = [(p, item) for p in item.parts] or [(item, None)]
            for leaf, parent in leaves:
                self_reason = (self_entries.get(leaf.id) or {}).get("reason", "") or "；".join(
                    item_reasons(self_sheet.result).get(leaf.id, []) if show_self and self_sheet else []
                )
                rows.append(
                    ItemRow(
                        item=leaf,
                        parent=parent,
                        measures=[
                            (k, measure_label(scheme, leaf, k)) for k in own_measure_keys(scheme, leaf)
                        ],
                        score=scores.get(leaf.id),
                        reasons=reasons.get(leaf.id, []),
                        self_score=self_scores.get(leaf.id),
                        self_reason=self_reason,
                        spread=spread.rows.get(leaf.id) if spread else None,
                        problem=computed.problems.get(leaf.id, ""),
                    )
                )
        sr = section_results.get(section.id, {})
        blocks.append(
            SectionBlock(
                id=section.id,
                no=section.no,
                name=section.name,
                max=Decimal(str(sr["max"])) if sr else section.max,
                rows=rows,
                score=Decimal(str(sr["score"])) if sr else None,
                bonus=Decimal(str(sr["bonus"])) if sr and sr.get("bonus") else None,
                min_required=Decimal(str(sr["min_required"])) if sr.get("min_required") is not None else None,
                failed=bool(sr.get("failed")),
            )
        )
    filler = {
        SheetKind.SELF: acc.is_applicant,
        SheetKind.REVIEWER: sheet.reviewer_id == user.id,
        SheetKind.AGREED: acc.is_lead,
    }.get(sheet.kind, False)
    closed = _closed_reason(sheet.kind, case) if filler and not editable else ""
    outcome = None
    if sheet.kind == SheetKind.AGREED and sheet.submitted:
        try:
            outcome = review_outcome(case)
        except SheetRefused:
            outcome = None
    warnings = {
        name: message
        for item in form_items(scheme, level)
        for name, message in _semantic_warnings(item, sheet.entries.get(item.id, {})).items()
    }
    faults, unscored = sheet_faults(scheme, level, computed, warnings)
    return SheetPage(
        sheet=sheet,
        case=case,
        scheme=scheme,
        level=level,
        access=acc,
        editable=editable,
        closed_reason=closed,
        sections=blocks,
        result=result,
        complete=computed.complete,
        problems=computed.problems,
        form=form
        if form is not None
        else {**entries_to_form(scheme, level, sheet.entries), "opinion": sheet.opinion or ""},
        show_self=show_self,
        spread=spread,
        outcome=outcome,
        self_sheet=self_sheet if show_self else None,
        reviewers=spread.reviewers if spread else [],
        prefilled=dict(sheet.prefilled or {}) if editable and not sheet.submitted else {},
        warnings=warnings,
        faults=faults,
        unscored=unscored,
    )
