"""Static files with a content hash in their URL and a one-year, immutable cache lifetime.

`url_for('static', filename=…)` (and every blueprint's static endpoint, e.g. Bootstrap-Flask's) gets ``?v=<hash
of the file>``; a request whose ``v`` is the file's current hash is answered with
``Cache-Control: public, max-age=31536000, immutable``, so a browser fetches each file once per version and a
changed file gets a new URL. A URL without the hash (or with an old one) keeps Flask's revalidating default.

A file's hash is read from the disk when templates are (Jinja's ``auto_reload``: development): an edited file gets
its new URL at the next page. Otherwise (production, ``make bench``) it is read once per process, as the templates
are: a release replaces the files and restarts the workers (docs/operations.md). A page links six to eight static
files; looking each up on the disk cost 0.08-0.11 ms of a 3-9 ms page (issue 12).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, redirect, request, url_for
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from webapp.core.auth.permissions import public

#: One year: the longest lifetime HTTP caches honour; ``immutable`` skips revalidation on reload.
LONG_LIVED = "public, max-age=31536000, immutable"
VERSION_ARG = "v"
#: ``app.extensions`` key of the versions read once per process
VERSIONS_KEY = "kaoping_static_versions"


def _static_folder(endpoint: str) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    if endpoint.endswith(".static"):
        blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0])
        return blueprint.static_folder if blueprint is not None else None
    return None


def file_version(endpoint: str, filename: str, *, remember: bool = True) -> str | None:
    """Short content hash of a static file, or None when it does not exist (read once per process unless
    templates are re-read, see above). ``remember=False`` for a name from a request's URL: it is looked up among
    the remembered ones but never added (one entry per way of spelling a path would grow without end)."""
    if current_app.jinja_env.auto_reload:
        return _read_version(endpoint, filename)
    known = current_app.extensions.setdefault(VERSIONS_KEY, {})
    key = (endpoint, filename)
    if key in known:
        return known[key]
    version = _read_version(endpoint, filename)
    if remember:
        known[key] = version
    return version


def _read_version(endpoint: str, filename: str) -> str | None:
    folder = _static_folder(endpoint)
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    # keyed on mtime and size too, so an edited file (development) is hashed again
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    filename = values.get("filename")
    if filename and VERSION_ARG not in values and _static_folder(endpoint) is not None:
        version = file_version(endpoint, filename)
        if version:
            values[VERSION_ARG] = version


def _cache_hashed(response: Response) -> Response:
    endpoint = request.endpoint or ""
    version = request.args.get(VERSION_ARG)
    if version and response.status_code in (200, 304) and _static_folder(endpoint) is not None:
        filename = (request.view_args or {}).get("filename", "")
        if version == file_version(endpoint, filename, remember=False):
            response.cache_control.no_cache = None
            response.headers["Cache-Control"] = LONG_LIVED
    return response


@public
def favicon() -> Response:
    """Browsers and tools that ask for /favicon.ico without reading the page's <link rel="icon">."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def register_static_files(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_hashed)
    app.add_url_rule("/favicon.ico", endpoint="favicon", view_func=favicon)
