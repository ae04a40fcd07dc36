"""The article feature's links in the navigation bar: the unit's articles and sign-off queue, the office's
intake, issues, requests and urgent board."""

from __future__ import annotations

from webapp.articles.services import permissions
from webapp.core.feature import NavLink
from webapp.core.models import Role, User


def nav(user: User) -> list[NavLink]:
    links: list[NavLink] = []
    # each asked at most once, and only when a role makes it matter (they were asked up to four times per page,
    # a statement each)
    office = permissions.office_of(user) if user.has_role(*permissions.ARTICLE_ROLES) else None
    unit_offices = user.has_role(*permissions.UNIT_ROLES, Role.INFO_READER) and bool(
        permissions.offices_of_unit(user.organisation_id)
    )
    if user.has_role(Role.INFO_OFFICER, Role.INFO_SIGNER) and unit_offices:
        links.append(
            NavLink(
                "信息报送",
                "articles.index",
                ("articles.",),
                overdue=not user.has_role(*permissions.OFFICE_ROLES),
            )
        )
    if user.has_role(*permissions.OFFICE_ROLES) and office is not None:
        links.append(NavLink("信息编辑", "articles_office.intake", ("articles_office.",), overdue=True))
    if user.has_role(*permissions.OFFICE_ROLES, Role.INFO_READER) and office is not None:
        links.append(NavLink("期刊与批示", "articles_publishing.index", PUBLISHING_OFFICE_PAGES))
    if user.has_role(*permissions.UNIT_ROLES, Role.INFO_READER) and unit_offices:
        links.append(NavLink("批示落实", "articles_publishing.follow_ups", PUBLISHING_UNIT_PAGES))
    if user.has_role(*permissions.UNIT_ROLES, Role.INFO_READER) and unit_offices:
        links.append(NavLink("我的计分", "articles_ledger.mine", ("articles_ledger.mine",)))
    if office is not None and permissions.can_see_ledger(user, office):
        links.append(NavLink("信息计分", "articles_ledger.index", LEDGER_OFFICE_PAGES))
    if (user.has_role(*permissions.OFFICE_ROLES) and office is not None) or (
        user.has_role(*permissions.UNIT_ROLES) and unit_offices
    ):
        links.append(NavLink("约稿与紧急信息", "articles_requests.commissions", ("articles_requests.",)))
    return links


#: the publishing area's pages, for the office (issues, instructions) and for the unit (its follow-ups)
PUBLISHING_UNIT_PAGES = ("articles_publishing.follow_ups", "articles_publishing.follow_up")
PUBLISHING_OFFICE_PAGES = tuple(
    f"articles_publishing.{name}"
    for name in ("index", "issues", "issue", "item_text", "instructions", "instruction_new", "follow_up_new")
)
#: the ledger's pages for the office (a unit's own page, `articles_ledger.mine`, is under its own link)
LEDGER_OFFICE_PAGES = tuple(
    f"articles_ledger.{name}"
    for name in (
        "index",
        "unit",
        "close",
        "recompute",
        "history",
        "publish",
        "bulletin",
        "imports",
        "import_roster",
        "import_records",
    )
)
