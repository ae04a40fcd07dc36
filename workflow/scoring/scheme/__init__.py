"""Scoring schemes (评分表): the frozen model, `parse_scheme` (plain data → checked scheme) and
`scheme_to_data` (back to plain data), and `SchemeError`, which `parse_scheme` raises. This package's names
are its public API; the modules split it by job:
`model` (the dataclasses), `parse` (reading and refusing), `checks` (cross-field rules), `serialise`."""

from workflow.scoring.errors import SchemeError
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
    "parse_scheme",
    "scheme_to_data",
    "SchemeError",
]
