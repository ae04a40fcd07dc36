"""Scoring schemes (评分表): the frozen model, `parse_scheme` (plain data → checked scheme) and
`scheme_to_data` (back to plain data). This package's names are its public API; the modules split it by job:
`model` (the dataclasses), `parse` (reading and refusing), `checks` (cross-field rules), `serialise`."""

# TEMPORARY until callers under webapp/ are updated after the package move (then removed):
from workflow.scoring.errors import SchemeError
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme.model import (
    BONUS_KINDS,
    DEFAULT_PRECISION,
    RULE_KINDS,
    Bonus,
    BonusGroup,
    Check,
    Condition,
    Deduction,
    Excess,
    GradeBand,
    Item,
    MeasureCondition,
    RankQuota,
    RatioBand,
    Scheme,
    Section,
    Shortfall,
    item_label,
    section_label,
)
from workflow.scoring.scheme.parse import parse_scheme
from workflow.scoring.scheme.serialise import scheme_to_data

__all__ = [
    "BONUS_KINDS",
    "DEFAULT_PRECISION",
    "RULE_KINDS",
    "Bonus",
    "BonusGroup",
    "Check",
    "Condition",
    "Deduction",
    "Excess",
    "GradeBand",
    "Item",
    "MeasureCondition",
    "RankQuota",
    "RatioBand",
    "Scheme",
    "Section",
    "Shortfall",
    "item_label",
    "parse_scheme",
    "scheme_to_data",
    "section_label",
    "SchemeError",
    "fmt_points",
]
