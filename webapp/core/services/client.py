"""Who is on the other end of the request: the client's address, as the audit trail and the limits key it."""

from __future__ import annotations

import os

from flask import Flask, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: the longest address kept (an IPv6 address with a zone fits)
ADDRESS_LENGTH = 64


def client_address() -> str:
    """``request.remote_addr`` ("" outside a request). Behind a reverse proxy the deployment sets
    ``KAOPING_PROXY_HOPS`` so that ProxyFix puts the client's address there (docs/operations.md)."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:ADDRESS_LENGTH]


def register_proxy_fix(app: Flask) -> None:
    """Behind ``KAOPING_PROXY_HOPS`` trusted proxies (nginx: 1), take the client's address (and scheme) from
    their ``X-Forwarded-For`` / ``X-Forwarded-Proto``; otherwise every request would come from 127.0.0.1 and
    the per-address limits (objections, login) would fall on everybody at once. Unset or 0 (no proxy, the
    default): the headers are ignored, so a client cannot choose its own address by sending them."""
    raw = str(app.config.get("KAOPING_PROXY_HOPS") or os.environ.get("KAOPING_PROXY_HOPS") or "0").strip()
    if not raw.isdigit() or int(raw) > 5:
        raise ValueError(f"KAOPING_PROXY_HOPS must be a number of proxies from 0 to 5, got {raw!r}")
    hops = int(raw)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
