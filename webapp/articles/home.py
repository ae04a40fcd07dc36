"""The article feature's part of each person's home page: counts of their work, overdue first; and its timers.

Counting queries only (a fixed number per person, whatever the data size); the lists are the unit's and the
office's pages these lines link to.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from webapp.core.feature import WorkArea
from webapp.core.models import User


def worklist(user: User, today: date) -> list[WorkArea]:
    return []


def overdue_count(user: User, today: date) -> int:
    return 0


def tick(today: date) -> dict[str, Any]:
    """Advance what is due on ``today`` (idempotent): commissions past their deadline are missed."""
    return {}
