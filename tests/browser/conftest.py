"""Browser tests: a live server in a thread and headless Debian Chromium driven by Playwright (sync API).

Never downloads a browser: Playwright launches the system ``/usr/bin/chromium`` (``KAOPING_CHROMIUM`` overrides).
Tests are marked ``@pytest.mark.browser`` and skipped when no Chromium is installed (they fail instead when ``CI`` is set). Helpers (``shot``,
``login``) live in tests/browser/helpers.py.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.factories import make_test_app
from webapp.core.extensions import db
from webapp.demo import load_demo

CHROMIUM = os.environ.get("KAOPING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    def __init__(self, app, host: str = "127.0.0.1") -> None:  # noqa: ANN001 - a Flask app
        # port 0: the OS picks a free loopback port
        self.app = app  #: for tests that set up state through services in the app context
        self._server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@contextmanager
def demo_served(folder: Path, **config: Any) -> Iterator[LiveServer]:
    """The app on its own SQLite file in ``folder`` with the demo loaded, served until the block ends."""
    app = make_test_app(folder, own_database=True, **config)
    with app.app_context():
        db.create_all()
        load_demo()
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on its own temp SQLite file with demo data, today fixed at 2027-01-05, CSRF on."""
    with demo_served(tmp_path_factory.mktemp("live"), WTF_CSRF_ENABLED=True) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (make system-browser installs Debian's)"
        if os.environ.get("CI"):
            # In CI a missing browser is a broken set-up, not a reason to pass without the browser tests.
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: the window the walks use unless they say otherwise
DESKTOP = {"width": 1280, "height": 900}


def open_page(
    browser: Any, server: LiveServer, *, viewport: dict[str, int] = DESKTOP, timeout_ms: int = 10_000
) -> Any:
    """A page in a context of its own on ``server``, in Chinese; close it with ``page.context.close()``."""
    context = browser.new_context(base_url=server.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(timeout_ms)
    return context.new_page()


@pytest.fixture(scope="session")
def every_procedure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo with grading's cases, the articles' offices and the campaigns (the widest pages, the longest
    navigation bars), CSRF off: for the walks that only read pages."""
    with demo_served(
        tmp_path_factory.mktemp("every-procedure"), DEMO_CASES=True, DEMO_ARTICLES=True, DEMO_CAMPAIGNS=True
    ) as server:
        yield server


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator[object]:  # noqa: ANN001
    page = open_page(browser, live_server)
    yield page
    page.context.close()
