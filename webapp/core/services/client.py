"""Who is on the other end of the request: the client's address, as the audit trail and the limits key it."""

from __future__ import annotations

from flask import has_request_context, request

#: the longest address kept (an IPv6 address with a zone fits)
ADDRESS_LENGTH = 64


def client_address() -> str:
    """``request.remote_addr`` ("" outside a request). Behind a reverse proxy the deployment sets
    ``KAOPING_PROXY_HOPS`` so that ProxyFix puts the client's address there (docs/operations.md)."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:ADDRESS_LENGTH]
