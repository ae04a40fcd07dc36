"""Scoring schemes in the database: shipped ones registered, official tables imported from .xlsx, one version
per ruleset active for new cases, and the scheme a running case keeps (running instances finish on their own
version: a case records ``scheme_id`` + ``scheme_version`` when it is opened).

Who manages schemes: a system administrator, or the head of the provincial bureau (the bureau that issues the
official table). Every error an importer sees is in Chinese and names the cell or the item to fix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from config.rulesets import available_rulesets, load_ruleset
from config.schemes import SCHEMES_DIR, decode_scheme_bytes, load_scheme, parse_scheme_text, scheme_to_toml
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import transaction
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.core.services.kept import Kept
from webapp.scoring.models import SchemeSource, SchemeVersion
from webapp.scoring.permissions import can_manage_schemes
from webapp.scoring.services.scoresheets.subject import procedures
from workflow.errors import RulesetError
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Scheme, SchemeError, parse_scheme


def _default_scheme(ruleset_id: str) -> str | None:
    """The shipped scheme the ruleset names (``default_scheme``) for its new cases until an administrator
    activates another version; None when it names none (or no longer loads)."""
    try:
        return load_ruleset(ruleset_id).default_scheme
    except RulesetError:
        return None


_ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{1,58}$")
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")


class SchemeRefused(ServiceError):
    status = 403

    def __init__(self, message: str = "只有系统管理员或省档案局负责人可以管理评分表。") -> None:
        super().__init__(message, code="forbidden")


# --------------------------------------------------------------------------------------------------------
# Who may manage: decided in `webapp.scoring.permissions.can_manage_schemes`


def _require_manager(user: User) -> None:
    if not can_manage_schemes(user):
        raise SchemeRefused()


# --------------------------------------------------------------------------------------------------------
# Loading the scheme a case uses


@lru_cache(maxsize=64)
def _parse_cached(ref: str, text: str) -> Scheme:
    return parse_scheme_text(text, f"{ref}.toml")


#: registered versions read, per process (issue 12): a registered version's table never changes — a changed table
#: is registered as a new version (`save_imported`, `register_shipped_schemes`) and no version is ever deleted —
#: so once read it needs no statement, nor its whole TOML text sent again, on every case and campaign page
_REGISTERED: Kept[Scheme] = Kept("scheme_versions", 64)


def get_scheme(scheme_id: str, version: str) -> Scheme:
    """The exact version: the stored TOML when registered, else the shipped file (`load_scheme("id@version")`)."""
    found = _REGISTERED.get((scheme_id, version))
    if found is not None:
        return found
    row = db.session.scalar(
        sa.select(SchemeVersion).where(SchemeVersion.scheme_id == scheme_id, SchemeVersion.version == version)
    )
    if row is not None:
        return _REGISTERED.put((scheme_id, version), _parse_cached(row.ref, row.toml_text))
    try:
        return load_scheme(f"{scheme_id}@{version}")
    except SchemeError:
        raise NotFound(f"评分表 {scheme_id}@{version} 不存在。") from None


def active_scheme_for(ruleset_id: str) -> tuple[str, str] | None:
    """(scheme id, version) new cases of ``ruleset_id`` start with: the active version, else the shipped default.

    Called by `cases.open_case`, which stores both on the case; the case keeps them to the end.
    """
    row = db.session.scalar(sa.select(SchemeVersion).where(SchemeVersion.active_for == ruleset_id))
    if row is not None:
        return row.scheme_id, row.version
    default = _default_scheme(ruleset_id)
    if default is None:
        return None
    try:
        scheme = load_scheme(default)
    except SchemeError:
        return None
    return scheme.id, scheme.version


# --------------------------------------------------------------------------------------------------------
# Registering shipped schemes


def summarise(scheme: Scheme) -> dict[str, Any]:
    """The validation summary kept with a version and shown to the admin."""
    items = list(scheme.items())
    leaves = [i for i in items if not i.parts]
    return {
        "sections": len(scheme.sections),
        "items": len(items),
        "max": fmt_points(scheme.max),
        "levels": [scheme.level_names.get(lv, lv) for lv in scheme.levels],
        "pass_lines": {
            scheme.level_names.get(lv, lv): fmt_points(line) for lv, line in scheme.pass_lines.items()
        },
        "vetoes": sum(1 for i in items if i.kind == "veto" or i.vetoes()),
        "bonus": sum(1 for i in items if i.bonus),
        "discretionary": sum(1 for i in leaves if i.kind == "deduction" and not i.deductions),
        "sample": scheme.sample,
        "partial": scheme.partial,
        "frame": scheme.frame,
    }


def register_shipped_schemes() -> int:
    """Store every `config/schemes/*.toml` version not yet in the database and activate each ruleset's default
    when none is active. Idempotent; runs inside the caller's transaction (``kaoping demo``, ``init-db``)."""
    created = 0
    existing = {
        (row[0], row[1])
        for row in db.session.execute(sa.select(SchemeVersion.scheme_id, SchemeVersion.version))
    }
    for path in sorted(SCHEMES_DIR.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        scheme = parse_scheme_text(text, path.name)
        if (scheme.id, scheme.version) in existing:
            continue
        db.session.add(
            SchemeVersion(
                scheme_id=scheme.id,
                version=scheme.version,
                name=scheme.name,
                toml_text=text,
                source=SchemeSource.SHIPPED,
                imported_at=clock.now(),
                validation=summarise(scheme),
            )
        )
        existing.add((scheme.id, scheme.version))
        created += 1
    db.session.flush()
    for ruleset_id in available_rulesets():
        default = _default_scheme(ruleset_id)
        if default is None:
            continue
        if db.session.scalar(sa.select(SchemeVersion.id).where(SchemeVersion.active_for == ruleset_id)):
            continue
        try:
            scheme = load_scheme(default)
        except SchemeError:  # a registered ruleset naming a scheme that is not shipped: paper review
            continue
        row = db.session.scalar(
            sa.select(SchemeVersion).where(
                SchemeVersion.scheme_id == scheme.id, SchemeVersion.version == scheme.version
            )
        )
        if row is not None and row.active_for is None:  # a version serves one ruleset; the other falls back
            row.active_for = ruleset_id
            row.activated_at = clock.now()
    db.session.flush()
    return created


# --------------------------------------------------------------------------------------------------------
# Lists and views


def list_versions() -> list[SchemeVersion]:
    return list(
        db.session.scalars(sa.select(SchemeVersion).order_by(SchemeVersion.scheme_id, SchemeVersion.id))
    )


def get_version(version_pk: int) -> SchemeVersion:
    row = db.session.get(SchemeVersion, version_pk)
    if row is None:
        raise NotFound("评分表版本不存在。")
    return row


def version_scheme(row: SchemeVersion) -> Scheme:
    return _parse_cached(row.ref, row.toml_text)


def ruleset_choices() -> list[tuple[str, str]]:
    out = []
    for name in available_rulesets():
        try:
            out.append((name, load_ruleset(name).name))
        except RulesetError:
            continue
    return out


def cases_using(rows: Sequence[SchemeVersion]) -> dict[int, int]:
    """How many subjects (cases, campaigns…) record each of ``rows``' versions, by row id, as each procedure
    with sheets counts them: one grouped statement per procedure, however many versions are listed (a count
    per version and procedure scanned the province's 60,000 cases each time: 120 ms for the list)."""
    used: Counter[tuple[str, str]] = Counter()
    for proc in procedures().values():
        used.update(proc.scheme_users())
    return {row.id: used[(row.scheme_id, row.version)] for row in rows}


# --------------------------------------------------------------------------------------------------------
# Importing an official table from .xlsx


@dataclass
class ImportProblem:
    """One thing to fix: ``where`` is a cell (「评分表!C7」) or an item/field; ``message`` is Chinese."""

    where: str
    message: str
    code: str = ""  #: the engine's code (workflow/scoring/messages.py) when the engine refused
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What validating an uploaded table found. ``toml_text`` is set only when the table is valid."""

    scheme_id: str
    version: str
    name: str
    problems: list[ImportProblem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    toml_text: str = ""
    scheme: Scheme | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.toml_text)


def _problem(exc: SchemeError) -> ImportProblem:
    """An engine refusal as an import problem: where (the item or part as the table shows it) and what."""
    if exc.label:
        where = f"考核项目「{exc.label}」"
    elif exc.section_label:
        where = f"部分「{exc.section_label}」"
    else:
        where = exc.source or "评分表"
    return ImportProblem(where, exc.detail, code=exc.code, params=exc.to_dict()["params"])


def _check_ids(scheme_id: str, version: str, name: str) -> list[ImportProblem]:
    problems = []
    if not _ID_RE.match(scheme_id):
        problems.append(
            ImportProblem("scheme_id", "编号只能用小写字母、数字和连字符（2–59个字符），如 hubei-archive")
        )
    if not _VERSION_RE.match(version):
        problems.append(
            ImportProblem("version", "版本号只能用字母、数字、点和连字符，不超过20个字符，如 2027.1")
        )
    if not problems and db.session.scalar(
        sa.select(SchemeVersion.id).where(
            SchemeVersion.scheme_id == scheme_id, SchemeVersion.version == version
        )
    ):
        problems.append(ImportProblem("version", f"评分表 {scheme_id} 已有版本 {version}，请换一个版本号"))
    return problems


def _levels_from_ruleset(data: dict[str, Any], ruleset_id: str | None, section_ratio: Decimal | None) -> None:
    """The procedure's scored levels and pass lines (ARC-7.2) go with the table: an .xlsx carries neither."""
    if not ruleset_id:
        return
    ruleset = load_ruleset(ruleset_id)
    scored = [lv for lv in ruleset.levels if lv.scored and lv.pass_line is not None]
    if not scored:
        return
    data["levels"] = [lv.id for lv in scored]
    data["level_names"] = {lv.id: lv.name for lv in scored}
    data["pass_lines"] = {lv.id: Decimal(str(lv.pass_line)) for lv in scored}
    if section_ratio is not None:
        data["section_min_ratio"] = {lv.id: section_ratio for lv in scored}


def validate_xlsx(
    user: User,
    content: bytes,
    *,
    scheme_id: str,
    version: str,
    name: str = "",
    ruleset_id: str | None = None,
    section_min_ratio: Decimal | None = None,
    filename: str = "",
) -> ImportReport:
    """Read and validate an official table (序号 | 考核项目 | 分数 | 评分细则), or a scheme file (.toml, e.g. one
    downloaded here and corrected). Writes nothing."""
    _require_manager(user)
    if filename.lower().endswith(".toml"):
        return _validate_toml(content, filename, scheme_id.strip(), version.strip())
    scheme_id, version, name = scheme_id.strip(), version.strip(), name.strip()
    report = ImportReport(scheme_id, version, name)
    report.problems += _check_ids(scheme_id, version, name)
    if ruleset_id and ruleset_id not in available_rulesets():
        report.problems.append(ImportProblem("ruleset_id", "未知的考评办法"))
        ruleset_id = None
    if section_min_ratio is not None and not Decimal(0) < section_min_ratio <= Decimal(1):
        report.problems.append(ImportProblem("section_min_ratio", "各部分最低得分率应在0到1之间，如0.8"))
        section_min_ratio = None
    from webapp.scoring.xlsx.scheme_io import scheme_from_xlsx  # openpyxl loads on first use

    try:
        data, cell_errors = scheme_from_xlsx(
            content, scheme_id=scheme_id or "imported", version=version or "1", name=name or None
        )
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        shown = f"「{filename}」" if filename else "该文件"
        report.problems.append(ImportProblem("file", f"无法读取{shown}：请上传 .xlsx 格式的Excel工作簿"))
        return report
    report.problems += [ImportProblem(f"{e.sheet}!{e.cell}", e.message) for e in cell_errors]
    if report.problems or not data:
        return report
    report.name = data.get("name", name)
    _levels_from_ruleset(data, ruleset_id, section_min_ratio)
    try:
        scheme = parse_scheme(data, f"{scheme_id}.xlsx")
    except SchemeError as exc:
        report.problems.append(_problem(exc))
        return report
    report.scheme = scheme
    report.summary = summarise(scheme)
    report.toml_text = scheme_to_toml(data)
    return report


def _validate_toml(content: bytes, filename: str, scheme_id: str, version: str) -> ImportReport:
    """A scheme file: UTF-8 TOML whose id and version match what the admin typed (no surprise overwrites)."""
    report = ImportReport(scheme_id, version, "")
    try:
        text = decode_scheme_bytes(content, filename)
        scheme = parse_scheme_text(text, filename)
    except SchemeError as exc:
        report.problems.append(_problem(exc))
        return report
    report.name = scheme.name
    if scheme.id != scheme_id:
        report.problems.append(
            ImportProblem("scheme_id", f"文件中的评分表编号是「{scheme.id}」，与填写的「{scheme_id}」不一致")
        )
    if scheme.version != version:
        report.problems.append(
            ImportProblem("version", f"文件中的版本号是「{scheme.version}」，与填写的「{version}」不一致")
        )
    report.problems += _check_ids(scheme.id, scheme.version, scheme.name)
    if report.problems:
        return report
    report.scheme = scheme
    report.summary = summarise(scheme)
    report.toml_text = text
    return report


def save_imported(user: User, toml_text: str) -> SchemeVersion:
    """Store a validated table (the TOML from `validate_xlsx`, validated again) as a new inactive version."""
    _require_manager(user)
    try:
        scheme = parse_scheme_text(toml_text, "upload.toml")
    except SchemeError as exc:
        raise ServiceError(exc.message, code=exc.code, field="toml_text") from None
    problems = _check_ids(scheme.id, scheme.version, scheme.name)
    if problems:
        raise Conflict(problems[0].message, field=problems[0].where)
    with transaction():
        row = SchemeVersion(
            scheme_id=scheme.id,
            version=scheme.version,
            name=scheme.name[:200],
            toml_text=toml_text,
            source=SchemeSource.IMPORTED,
            imported_by_id=user.id,
            imported_at=clock.now(),
            validation=summarise(scheme),
        )
        db.session.add(row)
    return row


def activation_problem(scheme: Scheme, ruleset_id: str) -> str | None:
    """Why ``scheme`` cannot grade new cases of ``ruleset_id`` (a pass line missing for a level the procedure
    scores), or None when it can. The page offers 启用 only where this is None, and `activate` checks it."""
    if scheme.frame:  # SAF-2.1: the areas only, no points (the office imports its own table)
        return "该评分表只有考评内容框架，原文未附评分细则，不能计分：请导入本单位的评分表。"
    ruleset = load_ruleset(ruleset_id)
    missing = [lv.name for lv in ruleset.levels if lv.scored and lv.id not in scheme.pass_lines]
    if missing:
        return (
            f"该评分表未设{'、'.join(missing)}的达标分数线，不能用于{ruleset.name}（导入时请选择考评办法）。"
        )
    return None


def activation_options(row: SchemeVersion) -> tuple[list[tuple[str, str]], list[str]]:
    """(rulesets this version may be activated for, as (id, name); why not for each of the others)."""
    scheme = version_scheme(row)
    allowed, reasons = [], []
    for ruleset_id, name in ruleset_choices():
        problem = activation_problem(scheme, ruleset_id)
        if problem is None:
            allowed.append((ruleset_id, name))
        else:
            reasons.append(problem)
    return allowed, reasons


def activate(user: User, version_pk: int, ruleset_id: str) -> SchemeVersion:
    """Make a version the one new cases of ``ruleset_id`` start with. Running cases keep theirs."""
    _require_manager(user)
    if ruleset_id not in available_rulesets():
        raise ServiceError("未知的考评办法。", field="ruleset_id")
    row = get_version(version_pk)
    problem = activation_problem(version_scheme(row), ruleset_id)
    if problem:
        raise ServiceError(problem, field="ruleset_id")
    with transaction():
        current = db.session.scalar(sa.select(SchemeVersion).where(SchemeVersion.active_for == ruleset_id))
        if current is not None and current.id != row.id:
            current.active_for = None
            db.session.flush()  # the unique index on active_for: free it before taking it
        row.active_for = ruleset_id
        row.activated_at = clock.now()
        row.activated_by_id = user.id
    return row
