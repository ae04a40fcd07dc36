"""Static files (issue 7, points 22 and 23): a content hash in every static URL, a one-year immutable cache for
hashed URLs, and a favicon on every page."""

from __future__ import annotations

import re

import pytest

from webapp.core.static_files import LONG_LIVED


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:static|bootstrap/static)/[^"]+)"', html)


def test_every_static_url_on_a_page_carries_the_files_hash(client):
    urls = _static_urls(client.get("/auth/login").get_data(as_text=True))
    assert len(urls) >= 4  # favicon, Bootstrap css, popper, Bootstrap js
    assert all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls), urls


def test_a_hashed_static_url_is_cached_for_a_year_and_never_revalidated(client):
    for url in _static_urls(client.get("/auth/login").get_data(as_text=True)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == LONG_LIVED, url


@pytest.mark.parametrize("url", ["/static/favicon.svg", "/static/favicon.svg?v=000000000000"])
def test_an_unhashed_or_outdated_url_is_revalidated(client, url):
    """A file changed since the URL was made must not be pinned for a year under its old URL."""
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


def _url_before_and_after_an_edit(app, tmp_path, *, reread: bool) -> tuple[str, str]:
    """A static file's URL, then its URL once the file was edited, with templates re-read from the disk or not."""
    from flask import url_for

    static = tmp_path / "static"
    static.mkdir()
    (static / "a.css").write_text("a{}")
    app.static_folder = str(static)
    app.jinja_env.auto_reload = reread
    with app.test_request_context():
        first = url_for("static", filename="a.css")
        (static / "a.css").write_text("a{color:red}")
        return first, url_for("static", filename="a.css")


def test_the_hash_changes_with_the_file_where_templates_are_reread(app, tmp_path):
    """Development (templates re-read from the disk): an edited file gets its new URL at the next page."""
    first, second = _url_before_and_after_an_edit(app, tmp_path, reread=True)
    assert first != second and first.split("?")[0] == second.split("?")[0]


def test_the_hash_is_read_once_per_process_where_templates_are(app, tmp_path):
    """Production (issue 12): read once, as the templates are; a release restarts the workers. A name from a
    request's URL is never remembered: a path spelled many ways must not grow the process's memory."""
    from webapp.core.static_files import VERSIONS_KEY

    first, second = _url_before_and_after_an_edit(app, tmp_path, reread=False)
    assert first == second
    remembered = dict(app.extensions[VERSIONS_KEY])
    client = app.test_client()
    for spelling in ("a.css", "b/../a.css", "c/../a.css"):
        assert client.get(f"/static/{spelling}?v=0").status_code == 200
    assert app.extensions[VERSIONS_KEY] == remembered


def test_every_page_links_a_favicon_that_exists(client, demo, auth):
    for path in ("/auth/login", "/notices/"):
        html = client.get(path).get_data(as_text=True)
        icon = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', html)
        assert icon, path
        assert client.get(icon.group(1)).status_code == 200
    auth.login("county-staff")
    assert '<link rel="icon"' in client.get("/").get_data(as_text=True)


def test_favicon_ico_redirects_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response.headers["Location"]).status_code == 200
