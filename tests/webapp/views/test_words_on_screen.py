"""Words on the screen (issue 7, point 16): every demo role walks its pages and reads no internal code.

People read the regulation's article and words (依据第十条…); gap ids (GAP-9), transition ids (CT-11), ruleset
ids (hubei-2011), environment variables, source notes ("seed 001") and authority-matrix rows stay in the API's
``rule`` field, the help page's tooltips and the code. The walk follows the links each role sees, from the
home page, over a demo with cases in every state plus a case under objection (timeline and refusals citing
GAP-9) and a case refused as 乡镇机关 for 省特级 (GAP-20).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import Flask

from tests.webapp.page_crawl import crawl, demo_world

#: What nobody but a developer should read.
INTERNAL = re.compile(r"GAP-\d|CT-\d|hubei-2011|KAOPING_TODAY|seed \d|权限矩阵第")
#: A sentence in English: three or more ASCII words in a row (user names and codes are single tokens).
ENGLISH = re.compile(r"[A-Za-z]{2,}[,.]? [A-Za-z]{2,}[,.]? [A-Za-z]{2,}")
ROLES = [
    "admin",
    "auditor",
    "prov-staff",
    "prov-head",
    "city-staff",
    "city-head",
    "county-staff",
    "county-head",
    "unit-county",
    "unit-town",
    "unit-city",
    "reviewer-1",
    "reviewer-7",
    None,  # the public
]
PER_PATTERN = 2
MAX_PAGES = 60


class _Text(HTMLParser):
    """Text nodes of a page (not scripts, styles or attributes: tooltips may carry ids)."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with demo_world(tmp_path_factory.mktemp("words"), DEMO_CASES=True) as app:
        yield app


def _walk_pages(app: Flask, username: str | None) -> Iterator[tuple[str, str]]:
    """(path, text) of every page the role reaches from the home page and the notice list."""
    for path, status, html in crawl(app, username, max_pages=MAX_PAGES, per_pattern=PER_PATTERN):
        if status != 200:
            continue
        parser = _Text()
        parser.feed(html)
        for text in parser.texts:
            yield path, text


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "public")
def test_no_page_shows_a_role_an_internal_code_or_an_english_sentence(world, username):
    found = [(path, text) for path, text in _walk_pages(world, username) if INTERNAL.search(text)]
    assert not found, "\n".join(f"{path}: {text[:120]}" for path, text in found[:20])
    english = [
        (path, text)
        for path, text in _walk_pages(world, username)
        if ENGLISH.search(text) and not text.startswith("kaoping ")
    ]
    assert not english, "\n".join(f"{path}: {text[:120]}" for path, text in english[:20])


def test_the_walk_reaches_the_pages_that_used_to_show_codes(world):
    """The walk is not vacuous: the objection case's timeline, the unit's refusals and the help page are read."""
    county = {path for path, _ in _walk_pages(world, "county-staff")}
    assert any(re.fullmatch(r"/cases/\d+", path) for path in county)
    assert "/bureau/objections" in county and "/help/interpretations" in county
    texts = [text for _, text in _walk_pages(world, "county-staff")]
    assert any("依据第十条，本系统解释" in text for text in texts), "GAP-9 cited by its article"
    unit = [text for _, text in _walk_pages(world, "unit-town")]
    assert any("乡（镇）机关不是省特级考评对象" in text for text in unit)
