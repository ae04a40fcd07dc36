"""The case page says when its audit trail does not verify (docs/operations.md promises it; 等保 2.0
GB/T 22239-2019 8.1.4.3 c: audit records are protected and their integrity checked)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.webapp.security.audit_helpers import drop_append_only_triggers
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.grading.models import Case

BANNER = 'data-testid="chain-broken"'


def _page(client, username, case_id):
    client.post("/auth/login", data={"username": username, "password": "kaoping-demo"})
    response = client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_bureau_head_sees_no_banner_on_an_intact_trail(demo, client):
    with demo.app_context():
        case_id = walk(to="planned")
    assert BANNER not in _page(client, "county-head", case_id)


def test_the_bureau_head_is_told_when_a_row_of_the_trail_was_edited(demo, client):
    with demo.app_context():
        case_id = walk(to="planned")
        drop_append_only_triggers()
        table = AuditEvent.__table__
        db.session.execute(
            sa.update(table).where(table.c.subject_id == case_id, table.c.subject_type == "case", table.c.seq == 1)
            .values(comment="改过")
        )  # fmt: skip
        db.session.commit()
    text = _page(client, "county-head", case_id)
    assert BANNER in text and "审计链校验未通过" in text and "第1条起" in text


def test_the_bureau_head_is_told_when_the_case_state_was_changed_directly(demo, client):
    with demo.app_context():
        case_id = walk(to="planned")
        db.session.execute(sa.update(Case).where(Case.id == case_id).values(state="approved"))
        db.session.commit()
    text = _page(client, "county-head", case_id)
    assert BANNER in text and "状态可能被直接修改" in text
