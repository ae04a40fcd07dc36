"""Security headers on every response, a server that does not announce its version, and error pages that show no
internals (issue 13, output; OWASP ASVS V14.4, V14.3; 等保 2.0 三级 8.1.4 入侵防范 — 最小化信息泄露)."""

from __future__ import annotations

import http.client
import sys
import threading
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from flask import cli as flask_cli
from werkzeug.serving import make_server

from tests.factories import make_test_app
from webapp.core import dev_server
from webapp.core.auth.permissions import public
from webapp.core.extensions import db
from webapp.core.security_headers import CONTENT_SECURITY_POLICY

#: the policy of the shared design (security-design.md, part C), word for word
DESIGNED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
EXPECTED = {
    "Content-Security-Policy": DESIGNED_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
PRODUCTION_SECRET = "a-production-secret-of-more-than-32-characters"


def _add_failing_views(app: Flask) -> None:
    """A page and an API call that fail with an unhandled error carrying internals in its message (the 500
    path), and a pair that fail inside the database (bad SQL: the 503 path of webapp.core.errors, which says
    nothing was saved)."""

    @public
    def broken() -> str:
        raise RuntimeError('SELECT secret_column FROM no_such_table_kp; File "/srv/kaoping/webapp/x.py"')

    @public
    def broken_in_the_database() -> str:
        db.session.execute(sa.text("SELECT secret_column FROM no_such_table_kp WHERE id = 1"))
        return "unreachable"

    app.add_url_rule("/boom-for-test", "boom_page", broken)
    app.add_url_rule("/api/v1/boom-for-test", "boom_api", broken)
    app.add_url_rule("/db-boom-for-test", "db_boom_page", broken_in_the_database)
    app.add_url_rule("/api/v1/db-boom-for-test", "db_boom_api", broken_in_the_database)


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The production settings (with the secrets production requires), on a SQLite file."""
    monkeypatch.setenv("KAOPING_AUDIT_KEY", "an-audit-key-for-the-test-of-more-than-32-characters")
    app = make_test_app(
        tmp_path,
        KAOPING_CONFIG="production",
        TESTING=False,
        SECRET_KEY=PRODUCTION_SECRET,
        KAOPING_TODAY="",
        DEMO_CLOCK_ENABLED=False,
        WTF_CSRF_ENABLED=True,
    )
    assert app.config["NAME"] == "production" and not app.debug and not app.testing
    _add_failing_views(app)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _assert_headers(response, *, hsts: bool) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    assert (response.headers.get("Strict-Transport-Security") == HSTS) is hsts, response.request.path


def test_the_policy_is_the_designed_one_and_allows_no_inline_script():
    assert CONTENT_SECURITY_POLICY == DESIGNED_POLICY
    script = next(part for part in CONTENT_SECURITY_POLICY.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'"  # no 'unsafe-inline', no 'unsafe-eval', no other origin


def test_every_kind_of_response_carries_the_security_headers(app, client, auth, demo):
    """HTML, JSON, a download, a static file (the app's and Bootstrap's), redirects and error pages."""
    _add_failing_views(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # let the 500 through the error handler, as outside tests
    responses = [
        client.get("/auth/login"),  # HTML page
        client.get("/healthz"),  # JSON
        client.get("/api/v1/cases"),  # JSON 401
        client.get("/api/v1/no-such-thing"),  # JSON 404
        client.get("/no-such-page"),  # HTML 404
        client.get("/static/favicon.svg"),  # static file
        client.get("/static/js/kaoping.js"),
        client.get("/bootstrap/static/css/bootstrap.min.css"),  # a blueprint's static file
        client.post("/auth/login", data={"username": "admin", "password": "kaoping-demo"}),  # redirect
        client.get("/admin/users"),  # a signed-in page
        client.get("/notices/"),
        client.get("/boom-for-test"),  # HTML 500
        client.get("/api/v1/boom-for-test"),  # JSON 500
    ]
    statuses = [response.status_code for response in responses]
    assert statuses[:9] == [200, 200, 401, 404, 404, 200, 200, 200, 302]
    assert statuses[-2:] == [500, 500]
    for response in responses:
        _assert_headers(response, hsts=False)


def test_a_file_download_carries_the_security_headers(demo, client, auth):
    """A generated file: the bureau's case list as .xlsx."""
    auth.login("prov-staff")
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response.content_type
    _assert_headers(response, hsts=False)


def test_hsts_is_sent_in_production_only(production, app, client):
    """HTTPS pinning only where the app is served over HTTPS: development would pin localhost."""
    _assert_headers(client.get("/auth/login"), hsts=False)
    prod = production.test_client()
    for path in ("/auth/login", "/healthz", "/static/favicon.svg", "/no-such-page", "/boom-for-test"):
        _assert_headers(prod.get(path), hsts=True)


# --- error pages: nothing about the inside ---------------------------------------------------------------

#: what a 500 must not show: a traceback, the SQL, the table, a file path, the libraries and their versions
INTERNALS = [
    "Traceback",
    'File "',
    "SELECT",
    "secret_column",
    "no_such_table_kp",
    "sqlalche",
    "OperationalError",
    "sqlite",
    "Werkzeug",
    "werkzeug",
    "Flask",
    "flask",
    "Python",
    "webapp/",
    '.py", line',
    "site-packages",
    "/tmp",
    str(Path(__file__).resolve().parents[3]),
    version("flask"),
    version("werkzeug"),
    version("sqlalchemy"),
    sys.version.split()[0],
]


def test_a_500_in_production_shows_no_internals_on_the_page_or_in_the_json(production):
    client = production.test_client()
    page = client.get("/boom-for-test")
    assert page.status_code == 500 and page.content_type.startswith("text/html")
    text = page.get_data(as_text=True)
    assert "系统出错" in text
    api = client.get("/api/v1/boom-for-test")
    assert api.status_code == 500
    assert api.get_json() == {
        "error": "internal_error",
        "message": "服务器内部错误，请稍后重试或联系管理员。",
    }
    # a failure inside the database, and no SQL either: bad SQL is an OperationalError on SQLite (503, nothing
    # saved) and a ProgrammingError on PostgreSQL (500)
    db_page, db_api = client.get("/db-boom-for-test"), client.get("/api/v1/db-boom-for-test")
    assert db_page.status_code == db_api.status_code and db_page.status_code in (500, 503)
    assert db_api.get_json()["error"] in ("database_unavailable", "internal_error")
    bodies = (text, api.get_data(as_text=True), db_page.get_data(as_text=True), db_api.get_data(as_text=True))
    for body in (*bodies, str(page.headers), str(api.headers), str(db_page.headers)):
        shown = [word for word in INTERNALS if word and word in body]
        assert not shown, shown


def test_an_error_page_in_production_names_no_library_either(production):
    """404 and 405 pages and their JSON: the same generic words, no framework's default page."""
    client = production.test_client()
    for response in (
        client.get("/no-such-page"),
        client.post("/healthz"),
        client.get("/api/v1/nothing-here"),
    ):
        assert response.status_code in (404, 405)
        body = response.get_data(as_text=True) + str(response.headers)
        shown = [word for word in INTERNALS if word and word in body]
        assert not shown, shown


# --- `kaoping run`: no Server: Werkzeug/x Python/y ---------------------------------------------------------


def _server_header(app: Flask, handler) -> str | None:
    server = make_server("127.0.0.1", 0, app, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        return response.getheader("Server")
    finally:
        server.shutdown()
        server.server_close()


def test_the_development_server_sends_no_server_header(app):
    """Werkzeug's own handler announces ``Werkzeug/x Python/y``; `kaoping run`'s sends no Server header."""
    assert "Werkzeug/" in (_server_header(app, None) or "")  # what `kaoping run` used to send
    assert _server_header(app, dev_server.QuietRequestHandler) is None


def test_kaoping_run_serves_with_the_quiet_handler(monkeypatch):
    """The `run` of the `kaoping` command is ours and hands Werkzeug the quiet handler."""
    from webapp.cli import main

    started: dict = {}
    # no server is started: Werkzeug's run_simple, as the module imported it and as Flask's `run` did, records
    monkeypatch.setattr(dev_server, "run_simple", lambda *args, **kwargs: started.update(kwargs))
    monkeypatch.setattr(flask_cli, "run_simple", lambda *args, **kwargs: started.update(kwargs))
    monkeypatch.setenv("KAOPING_CONFIG", "testing")
    # the script freezes the app it loads (webapp/cli.py): not in this long-lived test process
    monkeypatch.setattr("webapp.cli.freeze_loaded", lambda: None)
    result = CliRunner().invoke(main, ["run", "--port", "0", "--no-reload"])
    assert result.exit_code == 0, result.output
    assert started.get("request_handler") is dev_server.QuietRequestHandler
