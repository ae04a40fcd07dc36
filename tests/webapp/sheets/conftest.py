"""Fixtures for the score-sheet tests: the demo (organisations, accounts) plus shipped schemes registered."""

from __future__ import annotations

import pytest

from webapp.core.services import transaction
from webapp.scoring.services.schemes import register_shipped_schemes


@pytest.fixture
def world(demo):  # noqa: ANN001 - the Flask app with demo data
    with demo.app_context(), transaction():
        register_shipped_schemes()
    return demo
