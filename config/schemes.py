"""Scoring schemes on disk: `config/schemes/*.toml` → `workflow.scoring.scheme.Scheme`.

A scheme is addressed by a path, by its id (the highest version shipped) or by `id@version` (the exact version a
running case started with). Errors name the file: `sta-2017.toml: item STA-3.1.2: ...`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from workflow.scoring.errors import SchemeError, SheetError
from workflow.scoring.scheme import Scheme, parse_scheme, scheme_to_data

SCHEMES_DIR = Path(__file__).resolve().parent / "schemes"


def read_scheme_file(path: str | Path) -> Scheme:
    """Load and validate one TOML scheme file."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError:
        raise SchemeError("scheme.unreadable", source=path.name) from None
    return _read_bytes(content, path)


def _read_bytes(content: bytes, path: Path) -> Scheme:
    return parse_scheme_text(decode_scheme_bytes(content, path.name), path.name)


def decode_scheme_bytes(content: bytes, source: str) -> str:
    """A scheme file's text: UTF-8 (a byte-order mark is tolerated). GBK text or a binary file is refused with
    a Chinese message naming the file, never a traceback (a bureau's Windows editor often saves GBK)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SchemeError("scheme.not_utf8", source=source) from None
    if "\x00" in text:
        raise SchemeError("scheme.not_utf8", source=source)
    return text


_TOML_AT = re.compile(r"line (\d+), column (\d+)")


def parse_scheme_text(text: str, source: str) -> Scheme:
    """Validate TOML text (e.g. an uploaded file); `source` names it in errors."""
    if "\x00" in text:
        raise SchemeError("scheme.not_utf8", source=source)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        if at:
            line, column = at.group(1), at.group(2)
        else:  # "at end of document": the problem is at the last character
            lines = text.split("\n")
            line, column = str(len(lines)), str(len(lines[-1]) + 1)
        raise SchemeError("scheme.invalid_syntax", source=source, line=line, column=column) from None
    return parse_scheme(data, source)


#: the schemes read from a directory, kept with the files' names and bytes: a page that offers the schemes asked
#: for them eight times, and each time every file was parsed (~10 ms each; /campaigns/new spent 95 of its 99 ms
#: there). Reading the bytes to compare is ~0.03 ms a file; a file added, removed or changed is parsed again.
_READ: OrderedDict[Path, tuple[tuple[tuple[str, bytes], ...], tuple[Scheme, ...]]] = OrderedDict()
_READ_DIRECTORIES = 8


def _shipped(directory: Path) -> list[Scheme]:
    files = tuple((path, path.read_bytes()) for path in sorted(directory.glob("*.toml")))
    stamp = tuple((path.name, content) for path, content in files)
    kept = _READ.get(directory)
    if kept is None or kept[0] != stamp:
        kept = (stamp, tuple(_read_bytes(content, path) for path, content in files))
        _READ[directory] = kept
        while len(_READ) > _READ_DIRECTORIES:
            _READ.popitem(last=False)
    return list(kept[1])


def _version_key(version: str) -> tuple[Any, ...]:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-]", version)
    )


def available_schemes(directory: Path = SCHEMES_DIR) -> list[tuple[str, str, str]]:
    """(id, version, name) of every scheme in `directory`, sorted by id then version."""
    schemes = _shipped(directory)
    return sorted(((s.id, s.version, s.name) for s in schemes), key=lambda t: (t[0], _version_key(t[1])))


def load_scheme(id_or_path: str | Path, version: str | None = None, directory: Path = SCHEMES_DIR) -> Scheme:
    """A scheme by file path, by id (highest version) or by `id@version` / `version=`."""
    candidate = Path(id_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        scheme = read_scheme_file(candidate)
        if version is not None and scheme.version != version:
            raise SchemeError(
                "scheme.version_mismatch", source=candidate.name, found=scheme.version, wanted=version
            )
        return scheme
    scheme_id = str(id_or_path)
    if "@" in scheme_id:
        scheme_id, version = scheme_id.split("@", 1)
    matches = [s for s in _shipped(directory) if s.id == scheme_id]
    if version is not None:
        matches = [s for s in matches if s.version == version]
    if not matches:
        known = sorted({s[0] for s in available_schemes(directory)})
        wanted = f"{scheme_id}@{version}" if version else scheme_id
        raise SchemeError("scheme.not_found", wanted=wanted, available=known)
    return max(matches, key=lambda s: _version_key(s.version))


def scheme_to_toml(scheme_or_data: Scheme | Mapping[str, Any]) -> str:
    """TOML text for a scheme (or scheme data, e.g. from an xlsx import) that `load_scheme` reads back."""
    data = scheme_to_data(scheme_or_data) if isinstance(scheme_or_data, Scheme) else scheme_or_data
    return tomli_w.dumps(_plain(data))


def _plain(value: Any) -> Any:
    """Decimals as int when whole (TOML 10, not 10.0), else float; None dropped; tuples as lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def read_sheet_file(path: Path) -> dict[str, Any]:
    """A sheet JSON file (docs/schemes.md) as plain data, numbers as exact Decimals; `SheetError` naming the file
    when it cannot be read, is not UTF-8, is not JSON or is not an object (``kaoping score``, ``kaoping campaign``)."""
    name = path.name
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except OSError:
        raise SheetError("sheet.unreadable", source=name) from None
    except UnicodeDecodeError:
        raise SheetError("sheet.not_utf8", source=name) from None
    except json.JSONDecodeError as exc:
        raise SheetError("sheet.invalid_syntax", source=name, line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict):
        raise SheetError("sheet.not_object", source=name)
    return data
