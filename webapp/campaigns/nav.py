"""The campaign feature's links in the navigation bar: the office's 考评活动 (`office.home`)."""

from __future__ import annotations

from webapp.campaigns.office.home import office_nav
from webapp.core.feature import NavLink
from webapp.core.models import User


def nav(user: User) -> list[NavLink]:
    return [*office_nav(user)]
