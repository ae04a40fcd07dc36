"""Walk every HTML page an account reaches by following the links it sees (tests only).

Used by the checks that read whole pages: no internal code or English sentence on screen
(tests/webapp/views/test_words_on_screen.py) and no inline script under the Content-Security-Policy
(tests/webapp/security/test_page_scripts.py). The walk starts at the home page, the notice list and the help
page, and reads at most ``per_pattern`` pages of one shape (digits replaced), since a page's words and handlers
sit in its template, not in its data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from flask import Flask

from tests.factories import make_test_app
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.grading.services import objection_filing

START = ("/", "/notices/", "/help/interpretations")
#: links not followed: files, leaving, the API
SKIP = re.compile(
    r"logout|/attachments/|\.pdf|\.xlsx|\.csv|\.toml|/letter|/certificate|/export|/static/|^/api/"
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


@contextmanager
def demo_world(folder: Path, **flags: Any) -> Iterator[Flask]:
    """The demo (``flags``: DEMO_CASES, DEMO_ARTICLES… for the optional parts) plus a case under objection, on
    a database of its own (the app lives across a module's tests)."""
    app = make_test_app(folder, own_database=True, **flags)
    with app.app_context():
        db.create_all()
        load_demo()
        objected = walk("unit-county", to="in_notice")
        objection_filing.submit_objection(objected, content="申报材料与实际不符，请核实。")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def crawl(
    app: Flask,
    username: str | None,
    *,
    max_pages: int,
    per_pattern: int = 2,
    shape_ignores_query: bool = False,
) -> Iterator[tuple[str, int, str]]:
    """(path, status, HTML) of every HTML page ``username`` (None: the public) reaches."""
    client = app.test_client()
    if username:
        response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
    queue, seen, shapes = list(START), set(), Counter[str]()
    while queue and len(seen) < max_pages:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path.split("?")[0] if shape_ignores_query else path)
        if path in seen or shapes[shape] >= per_pattern:
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(path)
        if not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        yield path, response.status_code, html
        links = _Links()
        links.feed(html)
        for href in links.links:
            url = urlparse(urljoin(f"http://localhost{path}", href))
            if url.netloc != "localhost" or "page=" in url.query:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if not SKIP.search(target) and target not in seen:
                queue.append(target)
