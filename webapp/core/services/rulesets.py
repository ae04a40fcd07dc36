"""Choosing the ruleset new cases get (`kaoping ruleset use ID_OR_FILE`, the admin page 考评办法).

The selection is a row of the settings table; registered files are copied to ``<instance>/rulesets`` (see
`config.rulesets`). Reading the selection is `webapp.core.rulesets`.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from config.rulesets import RulesetEntry, list_rulesets, load_ruleset, register_ruleset_file
from webapp.core import rulesets
from webapp.core.extensions import db
from webapp.core.models.setting import SettingKV
from webapp.core.services import transaction
from webapp.core.services.errors import Conflict
from workflow.errors import RulesetError
from workflow.ruleset import Ruleset


def registered_dir() -> Path:
    """The deployment's folder of registered ruleset files (``RULESET_FOLDER``, default instance/rulesets)."""
    return Path(current_app.config["RULESET_FOLDER"])


def entries() -> list[tuple[RulesetEntry, bool]]:
    """Every available ruleset that parses, and whether it is the selected one."""
    selected = rulesets.selected_ruleset_id()
    return [(entry, entry.id == selected) for entry in list_rulesets()[0]]


def broken_files() -> list[str]:
    """Registered files that no longer parse, each with its error (for the command line)."""
    return [str(problem) for problem in list_rulesets()[1]]


def selection_problem() -> str | None:
    """Why the stored selection cannot be used (its file was removed or broken by hand), for the admin page."""
    try:
        load_ruleset(rulesets.selected_ruleset_id())
    except RulesetError:
        return "所选考评办法的文件已无法读取，新案件暂不能申报。请重新选定考评办法。"
    return None


def ruleset_for_new_case() -> Ruleset:
    """The selected ruleset; refused (409) while its file cannot be read, rather than silently another."""
    try:
        return load_ruleset(rulesets.selected_ruleset_id())
    except RulesetError as exc:
        raise Conflict("系统选定的考评办法无法读取，暂不能新建申报，请联系系统管理员。") from exc


def select(id_or_file: str) -> Ruleset:
    """Select a shipped or registered ruleset by id, or validate and register a TOML file and select it.
    Raises `RulesetError` (naming the file and field) for anything that does not load."""
    if id_or_file.endswith(".toml") or "/" in id_or_file or "\\" in id_or_file:
        ruleset = register_ruleset_file(Path(id_or_file), registered_dir())
    else:
        ruleset = load_ruleset(id_or_file)
    with transaction():
        row = db.session.get(SettingKV, rulesets.SELECTED_KEY)
        if row is None:
            db.session.add(SettingKV(key=rulesets.SELECTED_KEY, value=ruleset.id))
        else:
            row.value = ruleset.id
    rulesets.forget_cached_selection()
    return ruleset
