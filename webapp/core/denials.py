"""Permission denials go on the audit trail (等保 2.0 8.1.4.3 a: important security events are audited).

Every 403 answered to a signed-in person — whichever check refused it: a role marker, a service's role ×
jurisdiction × state check, the separation of duties — adds a ``permission_denied`` row with result ``denied``
to that person's trail (subject ``("user", id)``), with the method and path tried and the client's address. The
refused request's own changes are rolled back first (a refusal keeps nothing), and the row is committed on its
own. Writing it never turns the 403 into an error: if the row cannot be written (the trail's next ``seq`` taken
by a concurrent row twice), the refusal stands and the failure is logged.

Anonymous visitors are never denied (they are sent to the login page or get 401), so they write nothing here;
404s, which hide whether something exists outside a person's jurisdiction, are not written either (every
mistyped address would fill the trail).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import transaction
from webapp.core.services.audit import append_event

EVENT = "permission_denied"  # its words are in SECURITY_EVENT_LABELS
#: how much of the path tried is kept (a query string can be long)
PATH_LENGTH = 300


def record_denial(response: Response) -> Response:
    if response.status_code != 403 or not current_user.is_authenticated:
        return response
    user_id = current_user.id
    tried = f"{request.method} {request.full_path.rstrip('?')}"[:PATH_LENGTH]
    db.session.rollback()
    for _ in range(2):
        try:
            with transaction():
                actor = db.session.get(User, user_id)
                append_event(
                    "user", user_id, EVENT, actor=actor, result="denied", comment=f"拒绝访问：{tried}"
                )
            break
        except SQLAlchemyError:
            db.session.rollback()
    else:
        current_app.logger.warning("permission denial of user %s on %s not audited", user_id, tried)
    return response


def register_denial_audit(app: Flask) -> None:
    app.after_request(record_denial)
