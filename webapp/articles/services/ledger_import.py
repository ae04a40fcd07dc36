"""Import of an office's spreadsheet ledger (issue 10): the roster (单位, 类别, 基础分) and the adoption records
(单位, 稿件编号, 标题, 刊物, 类别, 形式, 刊发日期, 批示级别 [, 采稿方式]) from .xlsx or UTF-8 CSV.

The imported records become the records the flow produces, so the ledger (services/ledger.py) scores them like
any other: a roster row creates or updates the office's `OfficeUnit` (group, base score, active); a record row
becomes an adopted `Article` (one per unit × 稿件编号, with its first revision and a timeline row 「由台账导入」),
an `Adoption` in the office's `Publication` of that scheme id, and an `Instruction` per listed 批示级别 at the
flow's level that the scheme's ``[flow] instructions`` table maps onto it.

Names in the cells are the source's words, resolved the CLI's way (`workflow.scoring.ledger.rows`: the scheme's
names and aliases, per row, so every row's problem is found, not only the first). Everything is read and checked
first; one problem anywhere and nothing is written (every message is shown, 第N行「列」：…). Otherwise all of it
is written in one transaction with its `LedgerImport` row and the office's audit row. Re-importing a file
creates nothing twice: a unit's article of the same number with an adoption in the same publication on the same
day is counted as unchanged.

Numbers: an imported 稿件编号 is kept as typed, except one in the flow's own form 「年份-序号」 (2027-0042): the
flow numbers each office's articles that way from a counter (services/articles.py `_number`), so such a number
is stored as 「台账2027-0042」 and can never be handed out twice (the page says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.articles.models import (
    ArticleOffice,
    LedgerImport,
    OfficeUnit,
    Publication,
    VocabularyTerm,
)
from webapp.articles.services import ledger, permissions
from webapp.articles.services import ledger_import_write as writing
from webapp.articles.services.ledger_import_files import (
    ImportRefused,
    Problem,
    Row,
    Table,
    cell,
    clean,
    inverse_levels,
    problem_of,
    read_file,
    require,
)
from webapp.articles.services.ledger_import_write import Line
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services import transaction, uploads
from webapp.core.services.audit import append_event
from webapp.core.services.errors import NotFound
from workflow.articles.guards import TITLE_MAX
from workflow.scoring.ledger import Adoption as LedgerAdoption
from workflow.scoring.ledger import LedgerError, LedgerScheme
from workflow.scoring.ledger.rows import (
    CREDIT_COLUMN,
    records_from_rows,
    roster_from_rows,
)
from workflow.scoring.ledger.scheme import normalize, resolver

PER_PAGE = 20
#: `Article.number` is String(24)
NUMBER_MAX = 24
BASE_MAX = Decimal(10_000)
EARLIEST = date(2000, 1, 1)
#: the flow's own numbering (services/articles.py `_number`: 2027-0042)
FLOW_NUMBER = re.compile(r"^\d{4}-\d+$")
NUMBER_PREFIX = "台账"
OFFICE_SUBJECT = "article_office"
ROSTER_REQUIRED = ("单位", "类别")
RECORD_REQUIRED = ("单位", "稿件编号", "刊物", "刊发日期")


# -- access ----------------------------------------------------------------------------------------------------


def office_for_import(user: User | None) -> ArticleOffice:
    """The office whose ledger ``user`` imports: its head only (`permissions.can_close_ledger`); 404 otherwise."""
    office = permissions.office_of(user)
    if office is None or not permissions.can_close_ledger(user, office):
        raise NotFound()
    return office


def office_for_list(user: User | None) -> ArticleOffice:
    """The import page: the office's editors see it read-only, its head imports; anyone else 404."""
    office = permissions.office_of(user)
    if office is None or not permissions.can_work_at_office(user, office):
        raise NotFound()
    return office


# -- outcome ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    record: LedgerImport
    #: what happened, in words for the flash message
    summary: str
    notes: list[str] = field(default_factory=list)


def _start(user: User, office: ArticleOffice, kind: str, filename: str, rows: int) -> LedgerImport:
    """The batch row, written first inside the transaction: on SQLite the write takes the database lock and on
    PostgreSQL the office row is locked, so two imports of one office run one after the other and the second
    sees what the first wrote (nothing twice)."""
    db.session.execute(sa.select(ArticleOffice.id).where(ArticleOffice.id == office.id).with_for_update())
    record = LedgerImport(
        office_id=office.id,
        kind=kind,
        filename=uploads.clean_filename(filename)[:200],
        rows=rows,
        by_id=user.id,
        at=clock.now(),
    )
    db.session.add(record)
    db.session.flush()
    return record


# -- roster ----------------------------------------------------------------------------------------------------


@dataclass
class _UnitRow:
    number: int
    organisation: Organisation
    group: str
    base: Decimal | None
    #: False: the file has no 基础分 column, the unit's base score stays as it is
    sets_base: bool


def _base(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 < value <= BASE_MAX or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def _organisations(names: Iterable[str]) -> dict[str, Organisation]:
    wanted = sorted(set(names))
    found: dict[str, Organisation] = {}
    for start in range(0, len(wanted), 500):  # keep the IN list under every database's parameter limit
        for org in db.session.scalars(
            sa.select(Organisation).where(Organisation.name.in_(wanted[start : start + 500]))
        ):
            found[org.name] = org
    return found


def import_roster(user: User, filename: str, data: bytes) -> Outcome:
    """Create or update the office's units from 单位, 类别 (the scheme's group) and 基础分 (empty: none; a file
    without that column leaves base scores as they are). Units not in the file are left as they are."""
    office = office_for_import(user)
    scheme = ledger.require_scheme(office)
    table = read_file(filename, data)
    require(table, ROSTER_REQUIRED, "roster")
    sets_base = "基础分" in table.header
    with transaction():
        record = _start(user, office, "roster", filename, len(table.rows))
        planned = _check_roster(office, scheme, table, sets_base)
        existing = {
            row.unit_id: row
            for row in db.session.scalars(sa.select(OfficeUnit).where(OfficeUnit.office_id == office.id))
        }
        added = changed = same = 0
        for item in planned:
            row = existing.get(item.organisation.id)
            base = item.base if item.sets_base else (row.base_score if row is not None else None)
            if row is None:
                db.session.add(
                    OfficeUnit(
                        office_id=office.id,
                        unit_id=item.organisation.id,
                        group_code=item.group,
                        base_score=base,
                        active=True,
                    )
                )
                added += 1
            elif (row.group_code, row.base_score, row.active) == (item.group, base, True):
                same += 1
            else:
                row.group_code, row.base_score, row.active = item.group, base, True
                changed += 1
        listed = {item.organisation.id for item in planned}
        left = sum(1 for unit_id, row in existing.items() if unit_id not in listed and row.active)
        record.created, record.unchanged = added + changed, same
        summary = (
            f"导入单位名册「{record.filename}」：共{len(planned)}个单位，新增{added}个、更新{changed}个、"
            f"未变{same}个；名册外的{left}个报送单位未改动。"
        )
        db.session.flush()
        append_event(OFFICE_SUBJECT, office.id, "ledger_roster_imported", actor=user, comment=summary)
    return Outcome(record, summary)


def _check_roster(
    office: ArticleOffice, scheme: LedgerScheme, table: Table, sets_base: bool
) -> list[_UnitRow]:
    problems: list[Problem] = []
    organisations = _organisations(cell(row, "单位") for _, row in table.rows)
    seen: dict[str, int] = {}
    planned: list[_UnitRow] = []
    for number, row in table.rows:
        name, group_text, base_text = cell(row, "单位"), cell(row, "类别"), cell(row, "基础分")
        found: list[Problem] = []
        org = organisations.get(name)
        if name and name in seen:
            found.append(Problem(number, "单位", f"单位「{name[:40]}」与第{seen[name]}行重复"))
        elif name and org is None:
            found.append(
                Problem(number, "单位", f"系统中没有名称为「{name[:40]}」的单位（须与单位全称完全一致）")
            )
        elif org is not None and not org.active:
            found.append(Problem(number, "单位", f"单位「{name}」已停用"))
        elif org is not None and org.id == office.organisation_id:
            found.append(Problem(number, "单位", "办公室本身不是报送单位"))
        seen.setdefault(name, number)
        # the group the CLI's way: empty / unknown names are refused with the scheme's names listed
        group = ""
        try:
            units = roster_from_rows(scheme, [(number, {"单位": name or "-", "类别": group_text})])
            group = units[0].group
        except LedgerError as error:
            found.append(problem_of(error))
        base = None
        if sets_base and base_text:
            base = _base(base_text)
            if base is None:
                found.append(
                    Problem(
                        number,
                        "基础分",
                        f"「{base_text[:20]}」不是合理的基础分：应大于0、不超过{BASE_MAX}，最多两位小数；"
                        "不设基础分请留空（INF-1.9 按实记分）",
                    )
                )
        if not name:
            found.insert(0, Problem(number, "单位", "此处不能为空"))
        if found:
            problems.extend(found)
        elif org is not None:
            planned.append(_UnitRow(number, org, group, base, sets_base))
    if problems:
        raise ImportRefused(problems)
    return planned


# -- records ---------------------------------------------------------------------------------------------------


def stored_number(text: str) -> str:
    """The 稿件编号 as stored: typed, except the flow's own form 「2027-0042」, which gets 「台账」 before it."""
    return NUMBER_PREFIX + text if FLOW_NUMBER.match(text) else text


def import_records(user: User, filename: str, data: bytes, *, today: date | None = None) -> Outcome:
    """Adoption records → adopted articles, adoptions and instructions of the flow (see the module docstring)."""
    today = today or clock.today()
    office = office_for_import(user)
    scheme = ledger.require_scheme(office)
    table = read_file(filename, data)
    require(table, RECORD_REQUIRED, "records")
    with transaction():
        record = _start(user, office, "records", filename, len(table.rows))
        vocabulary = _vocabulary(office)
        lines = _check_records(office, scheme, vocabulary, table, today)
        plan = writing.plan(office, lines, vocabulary.terms)
        adoptions, instructions = writing.write(user, office, record, plan, vocabulary.terms)
        record.created, record.unchanged = adoptions, plan.unchanged
        db.session.flush()
        summary = (
            f"导入采用记录「{record.filename}」：共{len(lines)}行，新增采用记录{adoptions}条"
            f"（新建稿件{len(plan.new_articles)}篇）、批示{instructions}条；已有未变{plan.unchanged}条。"
        )
        notes = writing.closed_period_notes(office, writing.changed_days(plan))
        append_event(
            OFFICE_SUBJECT, office.id, "ledger_records_imported", actor=user, comment=summary + "".join(notes)
        )
    return Outcome(record, summary, notes)


@dataclass(frozen=True)
class _Vocabulary:
    #: the office's publications by scheme id
    publications: dict[str, Publication]
    #: (kind, code) → the office's name of its classes and forms
    terms: dict[tuple[str, str], str]
    #: column → the office's own names (normalised) → scheme id
    own: dict[str, dict[str, str]]


def _vocabulary(office: ArticleOffice) -> _Vocabulary:
    publications = {
        p.code: p
        for p in db.session.scalars(sa.select(Publication).where(Publication.office_id == office.id))
    }
    terms = {
        (kind, code): name
        for kind, code, name in db.session.execute(
            sa.select(VocabularyTerm.kind, VocabularyTerm.code, VocabularyTerm.name).where(
                VocabularyTerm.office_id == office.id
            )
        )
    }
    own: dict[str, dict[str, str]] = {"刊物": {}, "类别": {}, "形式": {}}
    for p in publications.values():
        own["刊物"][normalize(p.name)] = p.code
    for (kind, code), name in terms.items():
        own["类别" if kind == "class" else "形式"][normalize(name)] = code
    return _Vocabulary(publications, terms, own)


def _in_own_words(
    known: dict[str, dict[str, str]], rows: list[Row], own: dict[str, dict[str, str]]
) -> list[Row]:
    """The rows with the office's own names (《市组工信息》 for the scheme's P3) replaced by the scheme's ids, so
    the scheme's resolver accepts them; the scheme's own names and aliases are left alone."""
    out: list[Row] = []
    for number, row in rows:
        for column, names in own.items():
            text = normalize(cell(row, column))
            if text and text not in known[column] and text in names:
                row = {**row, column: names[text]}
        out.append((number, row))
    return out


def _parse(
    scheme: LedgerScheme, rows: list[Row]
) -> tuple[list[LedgerAdoption], dict[int, list[str]], list[Problem]]:
    """The CLI's parser (`records_from_rows`: names → scheme ids, dates) over every row, going on after a refused
    row so that each row's problem is found: (adoptions, row → scheme levels, problems)."""
    adoptions: list[LedgerAdoption] = []
    levels: dict[int, list[str]] = {}
    problems: list[Problem] = []

    def take(part: list[Row]) -> None:
        found, instructions = records_from_rows(scheme, part)
        adoptions.extend(found)
        for instruction in instructions:
            levels.setdefault(instruction.row or 0, []).append(instruction.level)

    index = {number: i for i, (number, _) in enumerate(rows)}
    start = 0
    while start < len(rows):
        try:
            take(rows[start:])
            break
        except LedgerError as error:
            problems.append(problem_of(error))
            at = index.get(error.row) if error.row is not None else None
            if at is None or at < start:  # not a row's problem: nothing more can be read
                break
            take(rows[start:at])  # the rows before it were fine
            start = at + 1
    return adoptions, levels, problems


def _check_records(
    office: ArticleOffice, scheme: LedgerScheme, vocabulary: _Vocabulary, table: Table, today: date
) -> list[Line]:
    """Every row through the CLI's parser (names → scheme ids, dates), then against the office: an active unit,
    a publication, class and form it has, a level the flow knows. All problems, or the checked lines."""
    who = ledger.roster(office, scheme)
    inactive = set(
        db.session.scalars(
            sa.select(Organisation.name)
            .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
            .where(OfficeUnit.office_id == office.id, OfficeUnit.active.is_(False))
        )
    )
    levels = inverse_levels(scheme)
    level_names = {level.id: level.name for level in scheme.levels}
    pub_names = {p.id: p.name for p in scheme.publications}
    known = {
        "刊物": resolver(scheme.publications),
        "类别": resolver(scheme.classes),
        "形式": resolver(scheme.forms),
    }
    raw_rows = dict(table.rows)
    parsed, parsed_levels, problems = _parse(scheme, _in_own_words(known, table.rows, vocabulary.own))
    lines: list[Line] = []
    for adoption in parsed:
        number = adoption.row or 0
        raw = raw_rows.get(number, {})
        found: list[Problem] = []
        unit_id = who.ids.get(adoption.unit)
        if unit_id is None:
            why = "已停用报送" if adoption.unit in inactive else "不是本办公室的报送单位（请先导入单位名册）"
            found.append(Problem(number, "单位", f"单位「{adoption.unit[:40]}」{why}"))
        article = stored_number(clean(adoption.article))
        if len(article) > NUMBER_MAX:
            limit = NUMBER_MAX - (len(article) - len(clean(adoption.article)))
            found.append(
                Problem(number, "稿件编号", f"稿件编号不超过{limit}个字符（现{len(adoption.article)}个）")
            )
        title = clean(adoption.title) or f"台账稿件{clean(adoption.article)[:20]}"
        if len(title) > TITLE_MAX:
            found.append(Problem(number, "标题", f"标题不超过{TITLE_MAX}字（现{len(title)}字）"))
        publication = vocabulary.publications.get(adoption.publication)
        if publication is None:
            name = pub_names.get(adoption.publication, adoption.publication)
            found.append(
                Problem(number, "刊物", f"本办公室没有设置刊物「{name}」，请先在办公室设置中增加该刊物")
            )
        for column, kind, code in (("类别", "class", adoption.klass), ("形式", "form", adoption.form)):
            if not code:
                found.append(Problem(number, column, "此处不能为空（系统中的采用记录都有类别和形式）"))
            elif (kind, code) not in vocabulary.terms:
                found.append(Problem(number, column, f"本办公室没有设置此{column}，请先在办公室设置中增加"))
        if adoption.credit:
            found.append(
                Problem(
                    number,
                    CREDIT_COLUMN,
                    f"「{cell(raw, CREDIT_COLUMN)}」的采用记录不能导入：系统中的采用记录都计为撰稿单位本单位的稿件",
                )
            )
        if adoption.day > today:
            found.append(Problem(number, "刊发日期", f"刊发日期{adoption.day.isoformat()}晚于今天"))
        elif adoption.day < EARLIEST:
            found.append(Problem(number, "刊发日期", f"刊发日期{adoption.day.isoformat()}过早，请核对"))
        flow_levels: list[str] = []
        for scheme_level in parsed_levels.get(number, []):
            level = levels.get(scheme_level)
            if level is None:
                name = level_names.get(scheme_level, scheme_level)
                found.append(
                    Problem(
                        number, "批示级别", f"「{name}」批示在本系统的批示记录中没有对应的领导级别，无法导入"
                    )
                )
            elif level not in flow_levels:
                flow_levels.append(level)
        if found or unit_id is None or publication is None:
            problems.extend(found)
            continue
        lines.append(
            Line(
                number,
                unit_id,
                adoption.unit,
                article,
                title,
                publication,
                adoption.klass,
                adoption.form,
                adoption.day,
                flow_levels,
            )  # fmt: skip
        )
    problems.extend(_duplicates(lines))
    if problems:
        raise ImportRefused(problems)
    return lines


def _duplicates(lines: list[Line]) -> list[Problem]:
    """The same article in the same publication twice in one file (the flow records one adoption there)."""
    seen: dict[tuple[int, str, int], Line] = {}
    problems = []
    for line in lines:
        first = seen.setdefault((line.unit_id, line.article, line.publication.id), line)
        if first is not line:
            problems.append(
                Problem(
                    line.number,
                    "刊物",
                    f"与第{first.number}行重复：同一稿件在「{line.publication.name}」只能有一条采用记录",
                )
            )
    return problems


# -- the list of past imports and the templates ----------------------------------------------------------------


def history(office: ArticleOffice, *, page: int = 1) -> Any:
    """The office's imports, newest first, one page at a time (who, when, file, rows, created, unchanged)."""
    return db.paginate(
        sa.select(LedgerImport)
        .where(LedgerImport.office_id == office.id)
        .order_by(LedgerImport.at.desc(), LedgerImport.id.desc())
        .options(joinedload(LedgerImport.by)),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
