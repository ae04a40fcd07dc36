"""`refused(cls, code, item=…)`: pytest.raises for the engine's coded errors (workflow/scoring/errors.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from workflow.scoring.errors import ScoringError


@contextmanager
def refused(cls: type[ScoringError], code: str, item: str | None = None, **params) -> Iterator[None]:
    """Expect `cls` with `code` (and the item id / params given); the message must render in Chinese."""
    with pytest.raises(cls) as excinfo:
        yield
    error = excinfo.value
    assert error.code == code, f"{error.code} != {code}: {error}"
    if item is not None:
        assert error.item == item, f"{error.item} != {item}: {error}"
    for key, value in params.items():
        assert error.params.get(key) == value, f"{key}: {error.params.get(key)!r} != {value!r}"
