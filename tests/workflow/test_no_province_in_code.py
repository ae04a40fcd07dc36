"""Nothing province-specific is written in Python: the province's name, its short name (鄂) and its words come
from the ruleset (config/rulesets/*.toml), so a second province is a new file, not a code change."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The shipped province in Chinese (full and short name) and in English.
PROVINCE_MARKS = re.compile(r"鄂|湖北|Hubei")


def python_sources() -> list[Path]:
    files = [
        *(ROOT / "workflow").rglob("*.py"),
        *(ROOT / "webapp").rglob("*.py"),
        *(ROOT / "config").glob("*.py"),
    ]
    return sorted(path for path in files if "__pycache__" not in path.parts)


def test_the_sources_are_found():
    """Guards the test below: an empty file list would pass it without reading anything."""
    names = {path.relative_to(ROOT).as_posix() for path in python_sources()}
    assert {"workflow/ruleset/parse.py", "config/rulesets.py", "webapp/__init__.py"} <= names
    assert len(names) > 100


def test_no_python_source_names_the_province():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PROVINCE_MARKS.search(line)
    ]
    assert not found, "province-specific text in Python (move it to the ruleset):\n" + "\n".join(found)
