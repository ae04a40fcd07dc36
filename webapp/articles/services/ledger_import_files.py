"""Reading an uploaded ledger file for the import (services/ledger_import.py), and the forms to fill in.

An upload is judged by its bytes (`webapp.core.services.uploads`): an Excel workbook (.xlsx) or a CSV that is
UTF-8 text, at most `MAX_BYTES` and `MAX_ROWS` rows; anything else — a renamed text file, a damaged workbook, an
old .xls, a CSV saved by Excel in GBK — is refused with a Chinese message saying what to do, never an exception
of the readers. Rows are ``(row_number, {header: cell})`` with the sheet's own numbers (the header is row 1), as
`webapp.scoring.services.ledger_files` reads them for the CLI, so a message can say 第7行「刊物」.

The office's words: which names each column accepts (its scheme's names and aliases, `guide`) and the templates
(.xlsx with the header and one example row in the source's words).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from webapp.articles.models import (
    INSTRUCTION_LEVELS,
    ArticleOffice,
    OfficeUnit,
    Publication,
)
from webapp.articles.services import ledger
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services import uploads
from webapp.core.services.errors import NotFound, ServiceError
from webapp.scoring.services.ledger_files import NoWorksheet, read_csv_text, read_xlsx
from workflow.scoring.ledger import LedgerError, LedgerScheme
from workflow.scoring.ledger.rows import (
    CREDIT_COLUMN,
    RECORD_COLUMNS,
    ROSTER_COLUMNS,
)
from workflow.scoring.ledger.scheme import normalize

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: a 5 MB .xlsx can unpack to far more (a zip bomb): refuse before reading
MAX_UNPACKED = 200 * 1024 * 1024
#: messages shown; the rest are counted (「另有×处」)
MAX_SHOWN = 200
Row = tuple[int, dict[str, Any]]
#: the columns of each kind of file, in the order of the templates
KIND_COLUMNS = {"roster": ROSTER_COLUMNS, "records": (*RECORD_COLUMNS, CREDIT_COLUMN)}


# -- refusals --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (row and column, or the whole file) and what, in Chinese."""

    row: int | None
    column: str | None
    message: str

    @property
    def text(self) -> str:
        if self.row is None:
            return self.message
        where = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        return f"{where}：{self.message}"


class ImportRefused(ServiceError):
    """The file was not imported; ``problems`` says every reason (the page shows the first `MAX_SHOWN`)."""

    status = 400

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.row or 0)  # stable: a row keeps its order
        if len(self.problems) == 1 and self.problems[0].row is None:
            message = f"文件未导入：{self.problems[0].message}"
        else:
            message = f"文件未导入：共{len(self.problems)}处问题，请改正后重新上传（未写入任何记录）。"
        super().__init__(message, code="import_refused", field="file")

    @property
    def shown(self) -> list[Problem]:
        return self.problems[:MAX_SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.problems) - MAX_SHOWN)


def refuse(message: str) -> ImportRefused:
    return ImportRefused([Problem(None, None, message)])


def problem_of(error: LedgerError) -> Problem:
    return Problem(error.row, error.column, error.detail)


# -- reading the file ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row]


def read_file(filename: str, data: bytes) -> Table:
    """The first sheet (or the CSV) as numbered rows; a file that is too big, of another type, damaged or not
    UTF-8 is refused with a Chinese message (never an exception of the readers)."""
    if not data:
        raise refuse("文件为空，请重新选择。")
    if len(data) > MAX_BYTES:
        raise refuse(
            f"文件超过{MAX_BYTES // (1024 * 1024)} MB（现{len(data) / 1024 / 1024:.1f} MB），请分成几个文件分批导入。"
        )
    ext = uploads.extension_of(uploads.clean_filename(filename))
    kind = uploads.sniff(data)
    if ext == "xls" or kind == "xls":
        raise refuse("这是旧版Excel（.xls）文件，请在Excel中另存为“Excel工作簿（.xlsx）”后上传。")
    if ext not in ("xlsx", "csv"):
        raise refuse("只能上传Excel工作簿（.xlsx）或UTF-8编码的CSV文件（.csv）。")
    if ext == "xlsx":
        if kind != "xlsx":
            raise refuse(
                "文件扩展名是.xlsx，但内容不是Excel工作簿（可能已损坏，或是改了扩展名的其他文件）。"
                "请在Excel中打开后另存为.xlsx再上传。"
            )
        table = _read_xlsx(data)
    else:
        if kind is not None:
            raise refuse(
                f"文件扩展名是.csv，但内容是{uploads.TYPES[kind].label}文件。"
                "请上传逗号分隔的文本文件（.csv），或直接上传.xlsx。"
            )
        table = _read_csv(data)
    if not table.header or not any(table.header):
        raise refuse("文件第1行应为表头（列名），现在是空的。")
    if len(table.rows) > MAX_ROWS:
        raise refuse(f"文件超过每次导入的上限{MAX_ROWS}行数据，请分成几个文件分批导入。")
    return table


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise refuse("文件内容不是文本，不是CSV文件。请上传.xlsx或UTF-8编码的CSV文件。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            "CSV文件不是UTF-8编码（Excel默认另存的CSV多为GBK编码）。请另存为UTF-8编码的CSV，或直接上传.xlsx。"
        ) from None
    try:
        header = next(csv.reader(io.StringIO(text)), [])
        rows = read_csv_text(text)
    except csv.Error:
        raise refuse(
            "CSV文件格式有误（引号不成对或某格内容过长），请在Excel中打开后另存为.xlsx再上传。"
        ) from None
    return Table([h.strip() for h in header], [(n, dict(r)) for n, r in rows])


def _read_xlsx(data: bytes) -> Table:
    """`ledger_files.read_xlsx` (the CLI's reader: same row numbers, empty rows skipped) from bytes, reading no
    further than one row past `MAX_ROWS` — a big sheet is refused at once instead of being read to the end —
    after refusing a workbook that would unpack too big."""
    damaged = "Excel工作簿已损坏或无法读取，请在Excel中打开后另存为.xlsx再上传。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise refuse(damaged) from None
    if unpacked > MAX_UNPACKED:
        raise refuse("Excel工作簿解压后过大，请只保留需要导入的工作表和数据后再上传。")
    try:
        header, rows = read_xlsx(io.BytesIO(data), name="", max_rows=MAX_ROWS)
    except NoWorksheet:
        raise refuse(
            "Excel工作簿中没有可读的工作表（文件可能已损坏），请在Excel中打开后另存为.xlsx再上传。"
        ) from None
    except LedgerError:
        raise refuse(damaged) from None
    return Table(header, rows)


def require(table: Table, required: Iterable[str], kind: str) -> None:
    missing = [c for c in required if c not in table.header]
    if missing:
        expected = "、".join(KIND_COLUMNS[kind])
        raise refuse(
            "缺少" + "、".join(f"「{c}」" for c in missing) + f"列。第1行应为表头，列名为：{expected}。"
        )
    if not table.rows:
        raise refuse("文件中没有数据行（第1行为表头，数据从第2行起）。")


def cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def clean(text: str) -> str:
    """One line without control or invisible format characters (cells pasted from elsewhere carry them)."""
    text = "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf") else " " for ch in text)
    return " ".join(text.split())


# -- the office's words ----------------------------------------------------------------------------------------


def inverse_levels(scheme: LedgerScheme) -> dict[str, str]:
    """The scheme's instruction level id → the flow's leader level (national/provincial/city/county): the
    inverse of its ``[flow] instructions``. Where two flow levels read as one scheme level the higher is taken
    (both score the same)."""
    out: dict[str, str] = {}
    for level in INSTRUCTION_LEVELS:
        mapped = scheme.flow.levels.get(level)
        if mapped is not None:
            out.setdefault(mapped, level)
    return out


@dataclass(frozen=True)
class Guide:
    """What the page explains: the words each column accepts in this office."""

    scheme: LedgerScheme
    groups: list[str]
    publications: list[str]
    classes: list[str]
    forms: list[str]
    levels: list[str]
    base_scores: bool


def _named(item: Any) -> str:
    aliases = [a for a in item.aliases if normalize(a) != normalize(item.name)]
    return item.name + (f"（也可写：{'、'.join(aliases[:3])}）" if aliases else "")


def guide(office: ArticleOffice) -> Guide:
    scheme = ledger.require_scheme(office)
    held = set(db.session.scalars(sa.select(Publication.code).where(Publication.office_id == office.id)))
    mapped = inverse_levels(scheme)
    return Guide(
        scheme=scheme,
        groups=[_named(g) for g in scheme.groups],
        publications=[_named(p) for p in scheme.publications if p.id in held],
        classes=[_named(c) for c in scheme.classes],
        forms=[_named(f) for f in scheme.forms],
        levels=[_named(level) for level in scheme.levels if level.id in mapped],
        base_scores=scheme.ranking_key == "completion",
    )


TEMPLATE_NAMES = {"roster": "单位名册导入模板.xlsx", "records": "采用记录导入模板.xlsx"}


def template(office: ArticleOffice, kind: str, *, today: date | None = None) -> tuple[str, bytes]:
    """An .xlsx with the header row, one example row in the source's words (the office's scheme) and a second
    sheet listing the words each column accepts."""
    if kind not in TEMPLATE_NAMES:
        raise NotFound()
    from openpyxl import Workbook
    from openpyxl.styles import Font

    today = today or clock.today()
    words = guide(office)
    scheme = words.scheme
    unit = (
        db.session.scalar(
            sa.select(Organisation.name)
            .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
            .where(OfficeUnit.office_id == office.id, OfficeUnit.active.is_(True))
            .order_by(Organisation.name)
            .limit(1)
        )
        or "（单位全称）"
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位名册" if kind == "roster" else "采用记录"
    if kind == "roster":
        header: list[str] = list(ROSTER_COLUMNS)
        example: list[Any] = [
            unit,
            scheme.groups[0].name if scheme.groups else "",
            100 if words.base_scores else None,
        ]
        help_rows = [
            ("类别", words.groups),
            ("基础分", ["大于0、不超过10000，最多两位小数；不设基础分的留空"]),
        ]
    else:
        header = list(RECORD_COLUMNS)
        example = _record_example(office, scheme, unit, today)
        help_rows = [
            ("刊物", words.publications),
            ("类别", words.classes),
            ("形式", words.forms),
            ("批示级别", words.levels + ["没有批示的留空；多个级别用顿号分隔"]),
            ("刊发日期", ["写成2027-03-02；当月28日后刊发的按计分办法计入下月"]),
        ]
    sheet.append(header)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate([28, 14, 36, 20, 10, 10, 12, 12][: len(header)], start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    if kind == "records":
        sheet.cell(row=2, column=header.index("刊发日期") + 1).number_format = "yyyy-mm-dd"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "可填写的名称"])
    for column, names in help_rows:
        for name in names:
            notes.append([column, name])
    notes.append(["", "第2行为示例，导入前请改为本单位的实际内容或删除。只读取第一张工作表。"])
    notes.column_dimensions["A"].width = 10
    notes.column_dimensions["B"].width = 70
    out = io.BytesIO()
    workbook.save(out)
    return TEMPLATE_NAMES[kind], out.getvalue()


def _record_example(office: ArticleOffice, scheme: LedgerScheme, unit: str, today: date) -> list[Any]:
    held = set(db.session.scalars(sa.select(Publication.code).where(Publication.office_id == office.id)))
    value = next(
        (v for v in scheme.values if v.publication in held and v.klass != "*" and v.form != "*"), None
    )
    by_id = {item.id: item.name for item in (*scheme.publications, *scheme.classes, *scheme.forms)}
    levels = inverse_levels(scheme)
    level = next((item.name for item in scheme.levels if item.id in levels), "")
    return [
        unit,
        "A001",
        "（示例）某县推行组工干部下沉一线",
        by_id.get(value.publication, "") if value else "",
        by_id.get(value.klass, "") if value else "",
        by_id.get(value.form, "") if value else "",
        today,
        level,
    ]
