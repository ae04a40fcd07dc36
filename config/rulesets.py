"""Load rulesets from `config/rulesets/<name>.toml` (the I/O side of `workflow.ruleset`)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from workflow.errors import RulesetError
from workflow.ruleset import Ruleset, parse_ruleset

#: Folder holding the shipped rulesets, one TOML file per province and version.
RULESET_DIR = Path(__file__).resolve().parent / "rulesets"

#: The ruleset new cases start with unless told otherwise.
DEFAULT_RULESET = "hubei-2011"


def available_rulesets() -> list[str]:
    """Names of the shipped rulesets, sorted."""
    return sorted(path.stem for path in RULESET_DIR.glob("*.toml"))


def load_ruleset(name_or_path: str = DEFAULT_RULESET) -> Ruleset:
    """Read and validate a ruleset by name (``hubei-2011``) or by path to a TOML file; cached per name/path."""
    return _load(_resolve(name_or_path))


def _resolve(name_or_path: str) -> Path:
    looks_like_path = name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path
    if looks_like_path:
        return Path(name_or_path).resolve()
    return RULESET_DIR / f"{name_or_path}.toml"


@lru_cache(maxsize=16)
def _load(path: Path) -> Ruleset:
    if not path.is_file():
        known = ", ".join(available_rulesets())
        raise RulesetError(path.name, "", f"no such ruleset file (available: {known})")
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise RulesetError(path.name, "", f"invalid TOML: {error}") from None
    return parse_ruleset(data, path.name)
