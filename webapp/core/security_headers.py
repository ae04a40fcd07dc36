"""Security headers on every response the app sends: pages, JSON, downloads, error pages and static files.

The Content-Security-Policy allows scripts from this site only (``script-src 'self'``: no inline script, no
``on…=`` handler, no ``javascript:`` URL), so an injected ``<script>`` cannot run. The pages' behaviour lives in
static files (``static/js/kaoping.js`` reads ``data-confirm``, ``data-autosubmit``, ``data-check-all``); a test
walks every page and refuses inline script, so the policy cannot break a page silently. Inline ``style``
attributes stay allowed (Bootstrap's components set them). Nothing may frame the app (clickjacking), browsers may
not guess content types, other sites get no referrer, and the powerful browser features are off.

HSTS only in production, where the app is served over HTTPS; in development it would pin ``localhost`` to
HTTPS in the browser. nginx serves ``/static/`` itself in production and adds the same headers there
(docs/operations.md).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: one year, subdomains included (the deployment serves nothing over plain HTTP: nginx redirects port 80)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def headers_for(app: Flask) -> dict[str, str]:
    """The headers this app adds: `HEADERS`, plus HSTS under the production settings."""
    headers = dict(HEADERS)
    if app.config.get("NAME") == "production":
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


def register_security_headers(app: Flask) -> None:
    """An ``after_request`` hook: it runs for every response, error handlers' and static files' included."""
    headers = headers_for(app)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers[name] = value
        return response
