"""No inline script on any page (issue 13, output): the Content-Security-Policy says ``script-src 'self'``, so a
browser runs no ``<script>`` without ``src``, no ``on…=`` handler and no ``javascript:`` link. A page relying on
one would break silently (a confirmation not asked, a form not sent); this walk makes it loud instead.

Every demo account (grading with cases in every state and an objection, articles, campaigns) and the public walk
the links they see from the home page, the notice list and the help page; every HTML page reached is parsed.
The behaviour those pages need comes from static/js/kaoping.js (``data-confirm``, ``data-autosubmit``,
``data-check-all``, ``data-reorder``); the browser tests click them (tests/browser/test_page_scripts.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from flask import Flask

from tests.factories import make_test_app
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.demo import demo_logins, load_demo
from webapp.grading.services import objection_filing

#: Links not followed: files, leaving, the API.
SKIP = re.compile(
    r"logout|/attachments/|\.pdf|\.xlsx|\.csv|\.toml|/letter|/certificate|/export|/static/|^/api/"
)
#: pages of one shape (ids replaced) read per account: the handlers sit in the template, not in the data
PER_PATTERN = 2
MAX_PAGES = 120


class _Scripts(HTMLParser):
    """Inline scripts, ``on…=`` attributes and ``javascript:`` URLs of a page, and its links and marks."""

    def __init__(self) -> None:
        super().__init__()
        self.offences: list[str] = []
        self.links: list[str] = []
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
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def offences_in(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    return parser.offences


def _login(client, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": "kaoping-demo"})
    assert response.status_code == 302, username


def _walk(app: Flask, username: str | None) -> Iterator[tuple[str, _Scripts]]:
    """(path, parsed page) of every HTML page the account reaches."""
    client = app.test_client()
    if username:
        _login(client, username)
    queue, seen, patterns = ["/", "/notices/", "/help/interpretations"], set(), Counter()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        pattern = re.sub(r"\d+", "N", path.split("?")[0])
        if path in seen or patterns[pattern] >= PER_PATTERN:
            continue
        seen.add(path)
        patterns[pattern] += 1
        response = client.get(path)
        if not response.content_type.startswith("text/html"):
            continue
        parser = _Scripts()
        parser.feed(response.get_data(as_text=True))
        yield path, parser
        for href in parser.links:
            url = urlparse(urljoin(f"http://localhost{path}", href))
            if url.netloc != "localhost" or "page=" in url.query:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if not SKIP.search(target) and target not in seen:
                queue.append(target)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, list[str | None]]]:
    app = make_test_app(
        tmp_path_factory.mktemp("scripts"),
        own_database=True,
        DEMO_CASES=True,
        DEMO_ARTICLES=True,
        DEMO_CAMPAIGNS=True,
    )
    with app.app_context():
        db.create_all()
        load_demo()
        objected = walk("unit-county", to="in_notice")
        objection_filing.submit_objection(objected, content="申报材料与实际不符，请核实。")
        accounts: list[str | None] = [row[0] for row in demo_logins()]
    yield app, [*accounts, None]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
