"""The article feature's links in the navigation bar: the unit's articles and sign-off queue, the office's
intake, issues, requests and urgent board."""

from __future__ import annotations

from webapp.articles.services import permissions
from webapp.core.feature import NavLink
from webapp.core.models import Role, User


def nav(user: User) -> list[NavLink]:
    links: list[NavLink] = []
    if user.has_role(Role.INFO_OFFICER, Role.INFO_SIGNER) and permissions.offices_of_unit(
        user.organisation_id
    ):
        links.append(
            NavLink(
                "信息报送",
                "articles.index",
                ("articles.",),
                overdue=not user.has_role(*permissions.OFFICE_ROLES),
            )
        )
    if user.has_role(*permissions.OFFICE_ROLES) and permissions.office_of(user) is not None:
        links.append(NavLink("信息编辑", "articles_office.intake", ("articles_office.",), overdue=True))
    return links
