"""Permission denials are audited (issue 13; 等保 2.0 8.1.4.3 a, ASVS 7.2.2): every 403 answered to a signed-in
person — a page or the API — adds a ``permission_denied`` row with result ``denied`` to that person's trail,
with what was tried and from where; the refused request keeps nothing else."""

from __future__ import annotations

import sqlalchemy as sa

from tests.walk import user
from tests.webapp.api.conftest import bearer_callers
from tests.webapp.security.auth_support import login
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.core.models import AuditEvent


def _denials(username: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.about("user", user(username).id), AuditEvent.event == "permission_denied")
            .order_by(AuditEvent.seq)
        )
    )


def test_a_page_refused_to_a_signed_in_person_is_on_their_trail(demo, client):
    login(client, "unit-county", address="10.1.2.3")
    assert client.get("/admin/users?q=x", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    with demo.app_context():
        [row] = _denials("unit-county")
        assert (row.result, row.address, row.actor_user_id) == ("denied", "10.1.2.3", user("unit-county").id)
        assert row.comment == "拒绝访问：GET /admin/users?q=x"


def test_an_api_call_refused_by_jurisdiction_is_on_the_callers_trail_and_changes_nothing(demo, client):
    with demo.app_context():
        case_id = walk("unit-county", to="applied")
        before = db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.about("case", case_id))
        )
    city = bearer_callers(client)("city-staff")
    assert city.fire(case_id, "plan").status_code == 403  # the city cannot act for the county (ARC-9.2)
    with demo.app_context():
        [row] = _denials("city-staff")
        assert row.result == "denied" and f"POST /api/v1/cases/{case_id}/events" in row.comment
        after = db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.about("case", case_id))
        )
        assert after == before  # the case's own trail is untouched


def test_allowed_pages_and_anonymous_visitors_write_no_denial(demo, client):
    assert client.get("/admin/users").status_code in (302, 401)  # anonymous: sent to the login page
    login(client, "unit-county")
    assert client.get("/").status_code == 200
    with demo.app_context():
        assert _denials("unit-county") == []
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.event == "permission_denied")
            )
            == 0
        )
