"""Shared fixtures: the shipped schemes (loaded once) and their raw data for broken-scheme tests."""

import copy
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from config.schemes import SCHEMES_DIR, load_scheme
from workflow.scoring.scheme import Scheme, parse_scheme


def _raw_scheme(file_stem: str) -> dict:
    path = Path(SCHEMES_DIR) / f"{file_stem}.toml"
    return copy.deepcopy(tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal))


def _build(data: dict, source: str = "test.toml") -> Scheme:
    return parse_scheme(data, source)


@pytest.fixture
def raw_scheme():
    """raw_scheme("sta-2017") → the shipped TOML as plain data (a fresh copy, safe to break)."""
    return _raw_scheme


@pytest.fixture
def build():
    """build(data, source="test.toml") → a validated Scheme."""
    return _build


@pytest.fixture(scope="session")
def sta() -> Scheme:
    return load_scheme("sta-2017")


@pytest.fixture(scope="session")
def lrn() -> Scheme:
    return load_scheme("lrn")


@pytest.fixture(scope="session")
def org() -> Scheme:
    return load_scheme("org-2014-streets")


@pytest.fixture(scope="session")
def hubei() -> Scheme:
    return load_scheme("hubei-archive-sample")
