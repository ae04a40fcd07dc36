"""0009_sheet_subjects: a score sheet names its subject by (subject_type, subject_id); grading's rows become 'case'
rows and come back as they were; a campaign unit may share a case's id without its sheets mixing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.factories import make_test_app
from webapp.core.extensions import db

SHEET_COLUMNS = "kind, slot, status, scheme_id, scheme_version, entries, created_at, updated_at, version_id"
SHEET_VALUES = "'self', 'self', 'draft', 'hubei-sample', 'sample-1', '{}', '2026-03-01', '2026-03-01', 1"


def _case_with_a_self_check(connection: sa.Connection) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO organisations (id, name, code, kind, tier, has_system_guidance, acts_as_county, active,"
            " created_at) VALUES (1, '某局', 'x', 'organ', 'county_direct', false, false, true, '2026-01-01 00:00:00')"
        )
    )
    connection.execute(
        sa.text(
            "INSERT INTO cases (id, organ_id, level, kind, tier, ruleset_id, state, in_city_summary,"
            " preconditions, spot_check, version_id, created_at, updated_at, state_since) VALUES (1, 1, 'second',"
            " 'evaluation', 'county_direct', 'hubei-2011', 'planned', false, '{}', false, 1,"
            " '2026-03-01 08:00:00.000000', '2026-03-01 08:00:00.000000', '2026-03-01')"
        )
    )
    connection.execute(
        sa.text(f"INSERT INTO score_sheets (id, case_id, {SHEET_COLUMNS}) VALUES (7, 1, {SHEET_VALUES})")
    )


def test_grading_sheets_become_case_subjects_and_come_back_on_downgrade(tmp_path):
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade(revision="0007_ledger")
        with db.engine.begin() as connection:
            _case_with_a_self_check(connection)
        upgrade(revision="0009_sheet_subjects")
        with db.engine.begin() as connection:
            row = connection.execute(
                sa.text("SELECT subject_type, subject_id, slot FROM score_sheets WHERE id = 7")
            ).one()
            assert tuple(row) == ("case", 1, "self")
            # a campaign unit numbered 1 has its own self sheet: the unique key includes the subject type
            connection.execute(
                sa.text(
                    f"INSERT INTO score_sheets (id, subject_type, subject_id, {SHEET_COLUMNS})"
                    f" VALUES (8, 'campaign_unit', 1, {SHEET_VALUES})"
                )
            )
        with db.engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.execute(
                sa.text(
                    f"INSERT INTO score_sheets (id, subject_type, subject_id, {SHEET_COLUMNS})"
                    f" VALUES (9, 'case', 1, {SHEET_VALUES})"
                )
            )
        downgrade(revision="0008_campaigns")
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, case_id, slot FROM score_sheets")).all()
            columns = {c["name"] for c in sa.inspect(connection).get_columns("score_sheets")}
            foreign = sa.inspect(connection).get_foreign_keys("score_sheets")
    assert [tuple(r) for r in rows] == [(7, 1, "self")]  # only the case's row survives the way back
    assert "subject_type" not in columns and "case_id" in columns
    assert any(fk["referred_table"] == "cases" and fk["constrained_columns"] == ["case_id"] for fk in foreign)
