"""A grading case as the auditor reads it (the `Feature.audit_subject_names` of grading): the organ's name with
the case's year, level and kind as the case list shows them — 「某局（2027年 省二级考评）」."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from config.rulesets import load_ruleset
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.grading.models import Case
from workflow.errors import RulesetError

SUBJECT = "case"


def _level_and_kind(ruleset_id: str, level: str, kind: str) -> str:
    try:
        ruleset = load_ruleset(ruleset_id)
    except (RulesetError, OSError):  # a ruleset file removed since: the organ and year still name the case
        return ""
    return f"{ruleset.level_name(level)}{ruleset.kind_name(kind)}"


def audit_subject_names(subject_type: str, ids: Collection[int]) -> dict[int, str]:
    """The cases among ``ids`` that exist, by name: one query."""
    if subject_type != SUBJECT or not ids:
        return {}
    rows = db.session.execute(
        sa.select(Case.id, Case.plan_year, Case.level, Case.kind, Case.ruleset_id, Organisation.name)
        .join(Organisation, Organisation.id == Case.organ_id)
        .where(Case.id.in_(ids))
    ).all()
    names: dict[int, str] = {}
    for row in rows:
        parts = [
            f"{row.plan_year}年" if row.plan_year else "",
            _level_and_kind(row.ruleset_id, row.level, row.kind),
        ]
        what = " ".join(part for part in parts if part)
        names[row.id] = f"{row.name}（{what}）" if what else row.name
    return names
