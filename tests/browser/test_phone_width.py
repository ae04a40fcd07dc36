"""Phone width (issue 7, point 21): at 390 px no page scrolls sideways; wide tables scroll inside their card.

Runs on its own live server whose demo includes the demo cases (case pages with timelines, worklists with rows)
the article demo (issue 9: articles with revisions, returns, adoptions, issues, commissions, an urgent event) and the
campaign demo (issue 11: eleven bureaus in moderation, three months of a district's scoring, two of them published), so
the widest content of each page is on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, open_page
from tests.browser.helpers import login, shot
from webapp.articles.demo import CITY_PUBLICATION
from webapp.articles.models import Article, Publication, PublicationIssue
from webapp.campaigns.models import Campaign
from webapp.core.extensions import db
from webapp.core.models import Organisation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: the main pages of each role; ``CASES`` stands for the first two case pages the role can open, ``{article}`` for
#: the sent 夷陵 article with the most revisions (returns, answers, a long timeline), ``{triage}`` for the first article in
#: the city office's intake, ``{issue}`` for the city office's issue with the most items
PAGES: dict[str | None, list[str]] = {
    None: ["/auth/login", "/notices/"],
    "unit-lqz": ["/", "/unit/", "/cases/", "CASES"],
    "county-staff": ["/", "/bureau/", "/bureau/objections", "/cases/", "CASES"],
    "city-staff": ["/bureau/", "/bureau/summary", "/cases/", "CASES"],
    "reviewer-7": ["/review/", "CASES"],
    "yl-officer": [
        "/articles/",
        "/articles/new",
        "/articles/{article}",
        "/articles/{article}/compare?a=1&b=2",
        "/articles/returns",
        "/articles/adoptions",
        "/requests/commissions",
        "/office/publishing/follow-ups",
        "/ledger/mine?period=2026-Q4",
    ],
    "yl-signer": ["/articles/signoff", "/articles/{article}"],
    "zg-editor": [
        "/office/articles",
        "/office/articles/{triage}/triage",
        "/office/articles/search?q=干部",
        "/office/publishing/",
        "/office/publishing/instructions",
        "/requests/commissions",
        "/requests/urgent",
        "/requests/incidents",
        "/articles/{article}",
        "/ledger/?period=2026-Q4",
        "/ledger/units/{yl}?period=2026-Q4",
        "/ledger/history",
    ],
    "zg-head": [
        "/office/settings",
        "/office/publishing/issues/{issue}",
        "/requests/commissions/new",
        "/ledger/?period=2026-Q4",
        "/ledger/import",
    ],
    # campaigns: ``{sta}`` is the statistics campaign in moderation, ``{org}`` the district's latest published month,
    # ``{sta_unit}``/``{org_unit}`` a unit's line in each
    "tj-staff": ["/campaigns/", "/campaigns/{sta}", "/campaigns/{sta}/setup", "/campaigns/{sta}/moderation"],
    "jx-staff": [
        "/campaigns/{org}",
        "/campaigns/{org}/approval",
        "/campaigns/{org}/bulletin",
        "/campaigns/{org}/series",
        "/campaigns/{org}/claims",
    ],
    "tj-yl-unit": ["/", "/campaigns/mine", "/campaigns/unit/{sta_unit}"],
    "dc-unit": ["/campaigns/unit/{org_unit}"],
    "tj-team1": ["/campaigns/team/", "/campaigns/team/{sta}"],
    "auditor": ["/audit/", "/audit/?result=success&subject_type=case"],
    "admin": [
        "/admin/organisations",
        "/admin/users",
        "/admin/schemes/",
        "/admin/schemes/1",
        "/admin/schemes/import",
        "/admin/clock",
        "/help/interpretations",
    ],
}


def _article_ids(server: LiveServer) -> dict[str, int]:
    """The demo's widest article pages, found in the database (their ids depend on the loading order)."""
    with server.app.app_context():
        yl = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == "zg-yl"))
        city = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == "zg-yc"))
        article = db.session.scalar(
            sa.select(Article.id)
            .where(Article.unit_id == yl, Article.state != "draft", Article.secrecy == "none")
            .order_by(Article.revision_no.desc(), Article.id)
        )
        triage = db.session.scalar(
            sa.select(Article.id)
            .where(Article.state.in_(("submitted", "received")), Article.office.has(organisation_id=city))
            .order_by(Article.id)
        )
        issue = db.session.scalar(  # the locked one carries a 勘误 too
            sa.select(PublicationIssue.id)
            .join(Publication)
            .where(Publication.name == CITY_PUBLICATION)
            .order_by((PublicationIssue.state == "locked").desc(), PublicationIssue.id)
        )
        sta = db.session.scalar(sa.select(Campaign).where(Campaign.scheme_id == "sta-2017"))
        org = db.session.scalar(
            sa.select(Campaign)
            .where(Campaign.scheme_id != "sta-2017", Campaign.state == "published")
            .order_by(Campaign.period_start.desc())
        )
        assert sta is not None and org is not None, "the campaign demo is loaded"
        sta_unit = next(u.id for u in sta.units if u.organisation.code == "tj-yl")
        org_unit = next(u.id for u in org.units if u.organisation.code == "yl-dc")
        campaign_ids = {"sta": sta.id, "org": org.id, "sta_unit": sta_unit, "org_unit": org_unit}
    assert article and triage and issue, "the article demo is loaded"
    return {"article": article, "triage": triage, "issue": issue, "yl": yl, **campaign_ids}


@pytest.fixture
def phone(browser, every_procedure_server: LiveServer) -> Iterator[object]:  # noqa: ANN001
    page = open_page(browser, every_procedure_server, viewport=PHONE)
    yield page
    page.context.close()


def _paths(page, paths: list[str], ids: dict[str, int]) -> list[str]:  # noqa: ANN001
    out: list[str] = []
    for path in paths:
        if path != "CASES":
            out.append(path.format(**ids))
            continue
        page.goto("/cases/")
        links = page.eval_on_selector_all("a[href^='/cases/']", "els => els.map(e => e.getAttribute('href'))")
        found = [link for link in dict.fromkeys(links) if re.fullmatch(r"/cases/\d+", link)]
        assert found, "the role sees cases"
        out += found[:2]
    return out


@pytest.mark.parametrize("username", list(PAGES), ids=lambda name: name or "public")
def test_no_page_scrolls_sideways_at_phone_width(phone, every_procedure_server, username):
    if username:
        login(phone, username)
        phone.wait_for_url("**/")
    wide = []
    for path in _paths(phone, PAGES[username], _article_ids(every_procedure_server)):
        response = phone.goto(path)
        assert response.status == 200, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((path, width))
            shot(phone, f"phone-{username or 'public'}-{path.strip('/').replace('/', '-') or 'home'}")
    assert not wide, wide


def test_table_headers_stay_on_one_line_and_the_table_scrolls_in_its_card(phone):
    """/bureau/ at 390 px: a header cell is one line high (it used to wrap one character a line)."""
    login(phone, "county-staff")
    phone.wait_for_url("**/")
    phone.goto("/bureau/")
    heights = phone.eval_on_selector_all(
        "table thead th", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    line = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('table thead th')).lineHeight)")
    assert heights and max(heights) < 2 * line + 16  # one line plus the cell's padding
    brand = phone.locator(".navbar-brand")
    assert brand.bounding_box()["width"] < PHONE["width"]
