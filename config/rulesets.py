"""Load rulesets from TOML files (the I/O side of `workflow.ruleset`).

Two places hold them: the shipped folder `config/rulesets/` and, for a deployment, a folder of registered
files (``<instance>/rulesets``, set by the app with `use_registered_dir`). `register_ruleset_file` validates a
province's file and copies it there under its id; which ruleset new cases get is stored in the database (the
web app's job), not here.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workflow.errors import RulesetError
from workflow.ruleset import Ruleset, parse_ruleset

#: Folder holding the shipped rulesets, one TOML file per province and version.
RULESET_DIR = Path(__file__).resolve().parent / "rulesets"

#: The ruleset new cases start with until one is selected (`kaoping ruleset use`).
DEFAULT_RULESET = "hubei-2011"

#: A ruleset id: stored on every case (40 characters at most) and used as the file name.
RULESET_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{1,39}$")

#: The deployment's folder of registered rulesets (one per deployment: the app sets it when it is created).
_registered_dir: Path | None = None


def use_registered_dir(path: Path | None) -> None:
    """Look for registered rulesets in ``path`` besides the shipped ones (None: shipped ones only)."""
    global _registered_dir
    _registered_dir = Path(path).resolve() if path is not None else None


def _dirs() -> list[Path]:
    return [RULESET_DIR] if _registered_dir is None else [RULESET_DIR, _registered_dir]


def available_rulesets() -> list[str]:
    """Ids of the shipped and registered rulesets, sorted."""
    return sorted({path.stem for folder in _dirs() if folder.is_dir() for path in folder.glob("*.toml")})


@dataclass(frozen=True)
class RulesetEntry:
    """One line of `kaoping ruleset list`."""

    id: str
    name: str
    province: str
    effective: str
    #: True for a file shipped with the code, False for one registered by this deployment
    shipped: bool


def list_rulesets() -> tuple[list[RulesetEntry], list[RulesetError]]:
    """Every available ruleset, parsed; a file that no longer parses (edited by hand since it was registered) is
    returned as its error instead, so a listing never fails on it."""
    entries, problems = [], []
    for ruleset_id in available_rulesets():
        try:
            ruleset = load_ruleset(ruleset_id)
        except RulesetError as error:
            problems.append(error)
            continue
        entries.append(
            RulesetEntry(
                id=ruleset.id,
                name=ruleset.name,
                province=ruleset.province,
                effective=ruleset.effective,
                shipped=(RULESET_DIR / f"{ruleset_id}.toml").is_file(),
            )
        )
    return entries, problems


def load_ruleset(name_or_path: str = DEFAULT_RULESET) -> Ruleset:
    """Read and validate a ruleset by id (``hubei-2011``) or by path to a TOML file; cached per file, and per id
    once found (`_loaded`)."""
    key = (name_or_path, _registered_dir)
    ruleset = _loaded.get(key)
    if ruleset is not None:
        return ruleset
    path = _resolve(name_or_path)
    ruleset = _load(path)
    if _looks_like_path(name_or_path):
        return ruleset
    if ruleset.id != name_or_path:
        # cases store the id and load by it later: a file whose id differs from its name would load another
        raise RulesetError(path.name, "id", f"is {ruleset.id!r}, but the file is named {name_or_path!r}")
    _loaded[key] = ruleset
    return ruleset


def register_ruleset_file(source: Path, into: Path) -> Ruleset:
    """Validate the ruleset in ``source`` and copy it into ``into`` (the registered folder, see
    `use_registered_dir`) as ``<id>.toml``; return it.

    A registered id is never overwritten with different content: running cases keep their ruleset to the end,
    so a changed regulation is a new file with a new id (hubei-2011 → hubei-2024). Registering the same file
    again does nothing.
    """
    source = Path(source).resolve()
    ruleset = _parse_file(source)
    if not RULESET_ID.match(ruleset.id):
        raise RulesetError(
            source.name, "id", f"{ruleset.id!r}: use 2–40 lower-case letters, digits and hyphens (hubei-2011)"
        )
    content = source.read_bytes()
    for folder in _dirs():
        existing = folder / f"{ruleset.id}.toml"
        if existing.is_file():
            if existing.resolve() == source or existing.read_bytes() == content:
                return ruleset  # already available under its id (a shipped file, or registered before)
            raise RulesetError(
                source.name,
                "id",
                f"{ruleset.id!r} is already registered with other content ({existing}); "
                "give the changed ruleset a new id",
            )
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, into / f"{ruleset.id}.toml")
    return ruleset


def _looks_like_path(name_or_path: str) -> bool:
    return name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path


#: rulesets already loaded by id, with the registered folder they were looked for in: a page of cases asks for them
#: a hundred times (each row's names, dates and flags), and looking again cost a stat per folder, then a path's
#: hash and compare in the per-file cache below. A loaded id stays: a registered id is never overwritten. This also
#: keeps one object per id for good, which the caches that compare rulesets by identity rely on. An id not found
#: (or whose file names another id) is looked for again next time.
_loaded: dict[tuple[str, Path | None], Ruleset] = {}


def _resolve(name_or_path: str) -> Path:
    if _looks_like_path(name_or_path):
        return Path(name_or_path).resolve()
    for folder in _dirs():
        path = folder / f"{name_or_path}.toml"
        if path.is_file():
            return path
    return RULESET_DIR / f"{name_or_path}.toml"


@lru_cache(maxsize=16)
def _load(path: Path) -> Ruleset:
    return _parse_file(path)


def _parse_file(path: Path) -> Ruleset:
    if not path.is_file():
        known = ", ".join(available_rulesets())
        raise RulesetError(path.name, "", f"no such ruleset file (available: {known})")
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise RulesetError(path.name, "", f"invalid TOML: {error}") from None
    except UnicodeDecodeError:
        raise RulesetError(path.name, "", "not UTF-8 text") from None
    return parse_ruleset(data, path.name)
