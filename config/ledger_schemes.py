"""Ledger schemes on disk: `config/schemes/ledger/ledger-*.toml` → `workflow.scoring.ledger.LedgerScheme`.

They sit in their own folder because `config/schemes.py` and the scheme registry read every
`config/schemes/*.toml` as a table scheme.

Addressed by a path or by id (the highest version shipped), like `config/schemes.py` does for table schemes.
Every error is a `LedgerError` naming the file and the field (「ledger-zg.toml：分值表第3项的分值：…」).
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from workflow.scoring.ledger import LedgerError, LedgerScheme, parse_ledger_scheme

SCHEMES_DIR = Path(__file__).resolve().parent / "schemes" / "ledger"
PATTERN = "ledger-*.toml"


def read_ledger_scheme(path: str | Path) -> LedgerScheme:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raise LedgerError("ledger.scheme.unreadable", source=path.name) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LedgerError("scheme.not_utf8", source=path.name) from None
    return parse_ledger_text(text, path.name)


def parse_ledger_text(text: str, source: str) -> LedgerScheme:
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        line, column = _position(str(exc))
        raise LedgerError("ledger.scheme.invalid_syntax", source=source, line=line, column=column) from None
    return parse_ledger_scheme(data, source)


def _position(message: str) -> tuple[Any, Any]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else ("?", "?")


def _version_key(version: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", version))


def available_ledger_schemes(directory: Path = SCHEMES_DIR) -> list[LedgerScheme]:
    """Every scheme in ``directory``, parsed once per version of the files (a page reads its office's scheme
    several times; a file changed on disk is read again)."""
    files = sorted(directory.glob(PATTERN))
    return list(_parsed(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)))


@lru_cache(maxsize=8)
def _parsed(files: tuple[tuple[str, int, int], ...]) -> tuple[LedgerScheme, ...]:
    return tuple(read_ledger_scheme(path) for path, _mtime, _size in files)


def load_ledger_scheme(id_or_path: str | Path, directory: Path = SCHEMES_DIR) -> LedgerScheme:
    """A ledger scheme by file path or by id (`ledger-zg`, highest version; `ledger-zg@2020.1` exact)."""
    candidate = Path(id_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        return read_ledger_scheme(candidate)
    wanted, _, version = str(id_or_path).partition("@")
    shipped = available_ledger_schemes(directory)
    matches = [s for s in shipped if s.id == wanted and (not version or s.version == version)]
    if not matches:
        raise LedgerError(
            "ledger.scheme.not_found", wanted=str(id_or_path), available=sorted({s.id for s in shipped})
        )
    return max(matches, key=lambda s: _version_key(s.version))
