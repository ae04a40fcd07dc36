"""Retention of the audit trail: at least 180 days (《网络安全法》第二十一条: network logs kept at least six
months; 等保 2.0 GB/T 22239-2019 8.1.4.3), enforced by the settings and by `kaoping audit purge`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import ConfigError
from tests.factories import TODAY, make_test_app
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services import audit_chain
from webapp.core.services.audit import append_event


def test_a_retention_period_under_180_days_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="AUDIT_RETENTION_DAYS"):
        make_test_app(tmp_path, AUDIT_RETENTION_DAYS=179)
    assert make_test_app(tmp_path, AUDIT_RETENTION_DAYS="365").config["AUDIT_RETENTION_DAYS"] == 365


def test_purge_refuses_a_date_inside_the_retention_period_naming_the_rule(app):
    with app.app_context():
        append_event("settings", 0, "demo_clock_set", actor=None, comment="x")
        db.session.commit()
    inside = (TODAY - timedelta(days=179)).isoformat()
    result = app.test_cli_runner().invoke(args=["audit", "purge", "--before", inside, "--yes"])
    assert result.exit_code == 2
    assert (
        "拒绝删除" in result.output and "网络安全法》第二十一条" in result.output and "180天" in result.output
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_purge_removes_only_rows_older_than_the_retention_period_and_the_trail_still_verifies(app):
    with app.app_context():
        with clock.as_of(TODAY - timedelta(days=400)):
            append_event("settings", 0, "demo_clock_set", actor=None, comment="很久以前")
            db.session.commit()
        append_event("settings", 0, "demo_clock_set", actor=None, comment="最近")
        db.session.commit()
    before = (TODAY - timedelta(days=200)).isoformat()
    result = app.test_cli_runner().invoke(args=["audit", "purge", "--before", before, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [r.comment for r in db.session.scalars(sa.select(AuditEvent))] == ["最近"]
        assert "purged" in Path(app.config["AUDIT_CHECKPOINT_PATH"]).read_text()
        report = audit_chain.verify_all()
        assert report.ok, report.summary()
        # the triggers are back: nothing else deletes
        with db.engine.connect() as connection, pytest.raises(sa.exc.DBAPIError):
            connection.exec_driver_sql("DELETE FROM audit_events")
