"""No inline script on any page (issue 13, output): the Content-Security-Policy says ``script-src 'self'``, so a
browser runs no ``<script>`` without ``src``, no ``on…=`` handler and no ``javascript:`` link. A page relying on
one would break silently (a confirmation not asked, a form not sent); this walk makes it loud instead.

Every demo account (grading with cases in every state and an objection, articles, campaigns) and the public walk
the links they see from the home page, the notice list and the help page; every HTML page reached is parsed.
The behaviour those pages need comes from static/js/kaoping.js (``data-confirm``, ``data-autosubmit``,
``data-check-all``, ``data-reorder``); the browser tests click them (tests/browser/test_page_scripts.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import Flask

from tests.webapp.page_crawl import crawl, demo_world
from webapp.demo import demo_logins

#: pages of one shape (ids replaced) read per account: the handlers sit in the template, not in the data
PER_PATTERN = 2
MAX_PAGES = 120


class _Scripts(HTMLParser):
    """Inline scripts, ``on…=`` attributes and ``javascript:`` URLs of a page, and its links and marks."""

    def __init__(self) -> None:
        super().__init__()
        self.offences: list[str] = []
        self.marks: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.offences.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on"):
                self.offences.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.offences.append(f"<{tag} {name}=javascript:…>")
            if name.startswith("data-") and name in ("data-confirm", "data-autosubmit", "data-check-all"):
                self.marks.add(name)


def offences_in(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    return parser.offences


def _walk(app: Flask, username: str | None) -> Iterator[tuple[str, _Scripts]]:
    """(path, parsed page) of every HTML page the account reaches."""
    for path, _status, html in crawl(
        app, username, max_pages=MAX_PAGES, per_pattern=PER_PATTERN, shape_ignores_query=True
    ):
        parser = _Scripts()
        parser.feed(html)
        yield path, parser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, list[str | None]]]:
    flags = {"DEMO_CASES": True, "DEMO_ARTICLES": True, "DEMO_CAMPAIGNS": True}
    with demo_world(tmp_path_factory.mktemp("scripts"), **flags) as app:
        with app.app_context():
            accounts: list[str | None] = [row[0] for row in demo_logins()]
        yield app, [*accounts, None]


def test_the_checker_finds_inline_script_handlers_and_javascript_links():
    """The check below is not vacuous: each kind of inline script is reported, a static script is not."""
    page = (
        '<script src="/static/js/kaoping.js"></script><script>alert(1)</script>'
        '<button onclick="return confirm(\'x\')">删</button><select onchange="this.form.submit()"></select>'
        '<a href="javascript:void(0)">x</a><form data-confirm="确定？"></form>'
    )
    assert offences_in(page) == [
        "<script> without src",
        "<button onclick=…>",
        "<select onchange=…>",
        "<a href=javascript:…>",
    ]


def test_no_page_any_demo_account_reaches_has_inline_script(world):
    app, accounts = world
    offences, pages, marks = [], 0, set()
    for username in accounts:
        for path, parsed in _walk(app, username):
            pages += 1
            marks |= parsed.marks
            offences += [f"{username or 'public'} {path}: {offence}" for offence in parsed.offences]
    assert not offences, "\n".join(offences[:30])
    # the walk reached the pages whose buttons used to carry handlers (confirm, auto-submit, check-all)
    assert marks == {"data-confirm", "data-autosubmit", "data-check-all"}, marks
    assert pages > 300, pages
