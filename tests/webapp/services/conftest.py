"""``ctx``: the demo app with its app context pushed, for the service tests that call services directly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture
def ctx(demo: Flask) -> Iterator[Flask]:
    with demo.app_context():
        yield demo
