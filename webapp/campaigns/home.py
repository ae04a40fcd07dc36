"""The campaign feature's part of each person's home page: the office's lines (`office.home`); the unit's and the
assessor's are added beside them."""

from __future__ import annotations

from datetime import date

from webapp.campaigns.office.home import office_overdue, office_worklist
from webapp.core.feature import WorkArea
from webapp.core.models import User


def worklist(user: User, today: date) -> list[WorkArea]:
    return [*office_worklist(user, today)]


def overdue_count(user: User, today: date) -> int:
    return office_overdue(user, today)
