"""Fixtures for the pure domain tests: the shipped Hubei ruleset, the made-up test province, small factories."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from config.rulesets import load_ruleset
from workflow.grading import Actor
from workflow.grading.eligibility import OrganFacts
from workflow.grading.grade import Grade
from workflow.ruleset import Ruleset

TESTPROV = str(Path(__file__).parent / "rulesets" / "testprov-2030.toml")


@pytest.fixture(scope="session")
def hubei() -> Ruleset:
    return load_ruleset("hubei-2011")


@pytest.fixture(scope="session")
def testprov() -> Ruleset:
    return load_ruleset(TESTPROV)


def with_switches(ruleset: Ruleset, **switches: object) -> Ruleset:
    """The ruleset with some interpretation switches changed."""
    return replace(ruleset, switches=replace(ruleset.switches, **switches))


def actor(*functions: str) -> Actor:
    return Actor(frozenset(functions))


def all_preconditions(ruleset: Ruleset) -> dict[str, bool]:
    return {precondition.id: True for precondition in ruleset.preconditions}


def graded_organ(
    tier: str,
    level: str | None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    *,
    guidance: bool = False,
    incidents: tuple[date, ...] = (),
    kind: str = "evaluation",
) -> OrganFacts:
    grade = Grade(level, valid_from, valid_to, kind) if level and valid_from and valid_to else None
    return OrganFacts(tier=tier, has_system_guidance=guidance, grade=grade, incidents=incidents)
