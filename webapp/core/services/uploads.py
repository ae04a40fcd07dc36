"""What an uploaded file is, judged by its bytes: the one check every upload path uses.

Case attachments (page and API) are checked with `check_upload`; the .xlsx imports (score tables, filled score
sheets) with `is_xlsx`. The type comes from the content (magic bytes, and for ZIP containers the entries they
hold); the file's extension must agree with it and be listed in ``ALLOWED_UPLOAD_EXTENSIONS``. Anything else —
an .exe, an HTML page, an SVG (it can carry script), a text file named ``.pdf`` — is refused with a Chinese
message that names the accepted types. Downloads are served with the MIME type fixed here for the checked type,
never the one the uploading browser sent.

The few signatures are checked here with the standard library rather than with a sniffing library: OFD (GB/T
33190, a ZIP holding ``OFD.xml``) is in none of them, and telling a .docx from an .xlsx from a plain ZIP needs the
ZIP's central directory (``zipfile``), not the first bytes such libraries look at.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import current_app

from webapp.core.services.errors import ServiceError

#: The longest file name kept (characters); longer names keep their end, where the extension is.
MAX_FILENAME = 120


@dataclass(frozen=True)
class FileType:
    """A type we accept: its id, the words a person reads, the MIME type we serve, the extensions it may
    carry."""

    id: str
    label: str
    mime: str
    extensions: tuple[str, ...]


TYPES: dict[str, FileType] = {
    t.id: t
    for t in (
        FileType("pdf", "PDF", "application/pdf", ("pdf",)),
        FileType("ofd", "OFD", "application/ofd", ("ofd",)),
        FileType("doc", "Word", "application/msword", ("doc",)),
        FileType(
            "docx",
            "Word",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileType("xls", "Excel", "application/vnd.ms-excel", ("xls",)),
        FileType(
            "xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
        ),
        FileType("jpeg", "JPEG图片", "image/jpeg", ("jpg", "jpeg")),
        FileType("png", "PNG图片", "image/png", ("png",)),
        FileType("zip", "ZIP压缩包", "application/zip", ("zip",)),
    )
}
#: MIME types we serve; a stored type outside this set (rows from before the check) is served as bytes.
SERVED_MIME_TYPES = frozenset(t.mime for t in TYPES.values())
OCTET_STREAM = "application/octet-stream"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_type(data: bytes) -> str | None:
    """doc or xls for an OLE compound file, from its directory's stream names (UTF-16LE); None for other OLE
    files (installers .msi, Outlook .msg …) and for files carrying macros (``_VBA_PROJECT``)."""
    if _utf16("_VBA_PROJECT") in data:
        return None
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book\x00") in data:
        return "xls"
    return None


def _zip_type(data: bytes) -> str | None:
    """ofd, docx, xlsx or zip, from the entries of a readable ZIP; None for a broken one or an Office file with
    macros (``vbaProject.bin``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    if not names:
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(name.endswith("vbaProject.bin") for name in names):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return "zip"


def sniff(data: bytes) -> str | None:
    """The id of the type ``data`` is (a key of `TYPES`), or None when it is none of them."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(_OLE):
        return _ole_type(data)
    if data.startswith(_ZIP):
        return _zip_type(data)
    return None


def is_xlsx(data: bytes) -> bool:
    """An Excel workbook (.xlsx) by content: what the score-table and score-sheet imports accept."""
    return sniff(data) == "xlsx"


def allowed_types(extensions: Iterable[str]) -> list[FileType]:
    """The types with at least one extension in ``extensions`` (the ``ALLOWED_UPLOAD_EXTENSIONS`` setting)."""
    allowed = set(extensions)
    return [t for t in TYPES.values() if allowed & set(t.extensions)]


def allowed_text(extensions: Iterable[str]) -> str:
    """「PDF、OFD、Word（.doc、.docx）…」: the accepted types for messages and the upload page's help text."""
    groups: dict[str, list[str]] = {}
    allowed = set(extensions)
    for t in allowed_types(allowed):
        groups.setdefault(t.label, []).extend(f".{e}" for e in t.extensions if e in allowed)
    return "、".join(f"{label}（{'、'.join(exts)}）" for label, exts in groups.items())


# -- names -----------------------------------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """A file name safe to show and to send back: no path, no control, format or bidi characters, no NUL,
    at most `MAX_FILENAME` characters (the end kept, with the extension). Chinese is kept as typed."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters (NUL, newlines …). Cf: invisible format characters, among them the bidirectional
    # controls U+202A–U+202E and U+2066–U+2069 (an RLO makes 「gpj.exe」 read as 「exe.jpg」), LRM/RLM/ALM and
    # zero-width characters. Cs/Co/Cn: surrogates, private use, unassigned.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_FILENAME - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_FILENAME]
    return name or "file"


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# -- the check -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its cleaned name and the type its bytes are."""

    filename: str
    type: FileType

    @property
    def mime(self) -> str:
        return self.type.mime


def check_upload(filename: str, data: bytes, extensions: Iterable[str]) -> CheckedFile:
    """The cleaned name and checked type of an upload, or `ServiceError` (``field="file"``) saying in Chinese
    which types are accepted. ``extensions``: the ``ALLOWED_UPLOAD_EXTENSIONS`` setting."""
    allowed = frozenset(e.lower() for e in extensions)
    accepted = f"只能上传{allowed_text(allowed)}文件"
    name = clean_filename(filename)
    if not data:
        raise ServiceError("文件为空，请重新选择。", code="invalid_input", field="file")
    ext = extension_of(name)
    if ext not in allowed:
        shown = f"“.{ext}”" if ext else "（无扩展名）"
        raise ServiceError(
            f"不接受扩展名为{shown}的文件：{accepted}。", code="file_type_refused", field="file"
        )
    kind = sniff(data)
    found = TYPES.get(kind) if kind is not None else None
    if found is None or not allowed & set(found.extensions):
        raise ServiceError(
            f"文件内容不是可接受的格式（{accepted}；不接受网页、SVG、程序、含宏的文档等）。",
            code="file_type_refused",
            field="file",
        )
    if ext not in found.extensions:
        if ext == "zip" and found.id in ("ofd", "docx", "xlsx"):
            found = TYPES["zip"]  # an OFD or Office file sent as a .zip is a ZIP; serve it as one
        else:
            raise ServiceError(
                f"文件扩展名“.{ext}”与其内容（{found.label}）不符，请确认文件后重新上传。",
                code="file_type_mismatch",
                field="file",
            )
    return CheckedFile(name, found)


# -- storing ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    """An upload checked and written under the upload folder: what its row records."""

    path: Path
    #: the name on disk: content-derived, never from user input
    stored: str
    checked: CheckedFile
    size: int
    sha256: str


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def store_upload(filename: str, data: bytes, extensions: Iterable[str]) -> StoredFile:
    """Check an upload (`check_upload`) and write its bytes under the upload folder. The name on disk is derived
    from the content, with a random tail that keeps re-uploads of one file distinct. Inside the caller's
    transaction, the caller removes the file (`remove_files`) if the transaction does not commit."""
    checked = check_upload(filename, data, extensions)
    digest = hashlib.sha256(data).hexdigest()
    stored = f"{digest[:40]}-{secrets.token_hex(8)}"
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored
    try:
        path.write_bytes(data)
    except BaseException:
        remove_files([path])
        raise
    return StoredFile(path, stored, checked, len(data), digest)


def remove_files(paths: Iterable[Path]) -> None:
    """Delete files whose rows are gone or were never committed; a file already gone is fine."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - a locked or read-only file: leave it, never fail the request
            current_app.logger.warning("could not remove upload %s", path.name)


# -- serving ---------------------------------------------------------------------------------------------------


def served_mime(stored: str | None) -> str:
    """The Content-Type to send for a stored attachment: the checked type's, else plain bytes."""
    return stored if stored in SERVED_MIME_TYPES else OCTET_STREAM


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name as RFC 5987 ``filename*`` (Chinese names)."""
    name = clean_filename(filename)
    ascii_name = " ".join(name.replace('"', "").replace("\\", "").split()) if name.isascii() else ""
    if not ascii_name.strip(" ."):
        ext = extension_of(name)
        ascii_name = f"download.{ext}" if ext else "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
