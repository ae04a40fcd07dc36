"""The committed migrations build exactly the schema the models describe."""

import datetime as dt

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from tests import database as test_database
from tests.factories import make_test_app
from webapp import MIGRATIONS_DIR
from webapp.articles.models import is_fulltext_table
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditEvent
from webapp.core.models.audit import MAC_SHA256
from webapp.core.services.audit import append_event, verify_chain


def _not_fulltext(name, type_, parent_names):
    return not (type_ == "table" and is_fulltext_table(name))


def _schema_differences():
    """Alembic's comparison of the database with the models ([] when they agree) and the database's tables."""
    with db.engine.connect() as connection:
        # SQLite's full-text index of articles is made by hand (webapp/articles/models/fulltext.py)
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _not_fulltext}
        )
        return compare_metadata(context, db.metadata), set(db.inspect(connection).get_table_names())


def test_migrations_on_an_empty_database_match_the_models(tmp_path):
    """Upgrade from nothing to head (on SQLite and, in the PostgreSQL pass, on PostgreSQL)."""
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade()
        diff, tables = _schema_differences()
    assert diff == []
    assert set(db.metadata.tables) <= tables


def test_the_db_commands_upgrade_and_downgrade_through_the_command_line(tmp_path):
    """`kaoping db upgrade / downgrade / current` (docs/operations.md): Flask-Migrate's command group, loaded when
    the command line first reaches it (webapp/core/schema_migrations.py), parses its own options (``-d``) and runs
    its commands; once Flask-Migrate is set up, its own group answers. (Alembic prints to the interpreter's own
    stdout, which the runner does not capture: the database says where it stands.)"""
    app = make_test_app(tmp_path, own_database=True)
    runner = app.test_cli_runner()
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()

    def revision() -> str | None:
        with app.app_context(), db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    assert revision() is None
    missing = str(tmp_path / "nowhere")
    assert runner.invoke(args=["db", "-d", missing, "upgrade"]).exit_code != 0  # no scripts there
    assert revision() is None
    assert runner.invoke(args=["db", "-d", str(MIGRATIONS_DIR), "upgrade"]).exit_code == 0
    assert revision() == head
    assert runner.invoke(args=["db", "current"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade"]).exit_code == 0
    assert revision() not in (head, None)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert revision() == head


def test_the_latest_migration_downgrades_and_upgrades_again(tmp_path):
    """Whatever head is: its downgrade runs, leaves the previous revision, and its upgrade rebuilds the models'
    schema (an upgrade in production can be undone)."""
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade()
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        head = script.get_current_head()
        previous = script.get_revision(head).down_revision
        assert isinstance(previous, str), "the test expects one previous revision (no merge at head)"
        downgrade(revision=previous)
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == previous
        upgrade()
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
        diff, tables = _schema_differences()
    assert diff == []
    assert set(db.metadata.tables) <= tables


def test_init_db_command_migrates_and_demo_runs_on_it(tmp_path):
    app = make_test_app(tmp_path, own_database=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "数据库已就绪" in result.output
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    if not test_database.on_postgres():
        assert (tmp_path / "test.sqlite3").exists()


def test_every_table_compiles_for_postgresql():
    """No SQLite-only types: the same models (and so the same migrations) serve PostgreSQL."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = postgresql.dialect()
    for table in db.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "CREATE TABLE" in ddl
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))
    assert "TIMESTAMP WITH TIME ZONE" in str(
        CreateTable(db.metadata.tables["audit_events"]).compile(dialect=dialect)
    )


def test_the_features_migration_dates_existing_cases_from_their_last_update(tmp_path):
    """0004_features: a case already running gets ``state_since`` (overdue waits count from it) = its last update."""
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade(revision="0004_uploads")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO organisations (id, name, code, kind, tier, has_system_guidance, acts_as_county, active,"
                    " created_at) VALUES (1, '某局', 'x', 'organ', 'county_direct', false, false, true, '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO cases (id, organ_id, level, kind, tier, ruleset_id, state, in_city_summary,"
                    " preconditions, spot_check, version_id, created_at, updated_at) VALUES (1, 1, 'second',"
                    " 'evaluation', 'county_direct', 'hubei-2011', 'awaiting_approval', false, '{}', false, 1,"
                    " '2026-03-01 08:00:00.000000', '2026-05-20 09:30:00.000000')"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            since = connection.execute(sa.text("SELECT state_since FROM cases WHERE id = 1")).scalar_one()
    assert str(since) == dt.date(2026, 5, 20).isoformat()


def _hashed_case_rows(case_id, count):
    """``count`` rows of a valid chain for ``case_id``, hashed the way every case row was hashed before the audit
    key (unkeyed SHA-256, ``mac_version`` 0; 0015_audit_mac keeps them so)."""
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        row = AuditEvent(
            subject_type="case",
            subject_id=case_id,
            seq=seq,
            actor_user_id=None,
            actor_name="系统",
            actor_org_id=None,
            actor_org_name="",
            at=dt.datetime(2026, 3, seq, 8, 0, tzinfo=dt.UTC),
            event=f"step{seq}",
            from_state=None,
            to_state=None,
            comment=f"第{seq}步",
            rule_id=None,
            ruleset_id="hubei-2011",
            prev_hash=prev,
            mac_version=MAC_SHA256,
        )
        row.hash = row.compute_hash()
        prev = row.hash
        rows.append(row)
    return rows


def test_the_audit_migration_moves_every_case_row_into_the_generic_trail_and_back(tmp_path):
    """0005_audit: the rows of case_events become the case subjects' rows of audit_events with their hashes as
    written (the chains still verify); a downgrade moves the case rows back as they were and drops the rows
    about subjects the old table cannot hold (admin changes)."""
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade(revision="0004_sheets")
        rows = _hashed_case_rows(1, 3) + _hashed_case_rows(2, 2)
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO organisations (id, name, code, kind, tier, has_system_guidance, acts_as_county, active,"
                    " created_at) VALUES (1, '某局', 'x', 'organ', 'county_direct', false, false, true, '2026-01-01 00:00:00')"
                )
            )
            for case_id in (1, 2):
                connection.execute(
                    sa.text(
                        "INSERT INTO cases (id, organ_id, level, kind, tier, ruleset_id, state, in_city_summary,"
                        " preconditions, spot_check, version_id, created_at, updated_at, state_since) VALUES"
                        f" ({case_id}, 1, 'second', 'evaluation', 'county_direct', 'hubei-2011', 'applied', false,"
                        " '{}', false, 1, '2026-03-01 08:00:00', '2026-03-01 08:00:00', '2026-03-01')"
                    )
                )
            for row in rows:
                connection.execute(
                    sa.text(
                        "INSERT INTO case_events (case_id, seq, actor_name, actor_org_name, at, event, comment,"
                        " ruleset_id, prev_hash, hash) VALUES (:case_id, :seq, :actor_name, '', :at, :event,"
                        " :comment, :ruleset_id, :prev_hash, :hash)"
                    ),
                    {
                        "case_id": row.subject_id,
                        "seq": row.seq,
                        "actor_name": row.actor_name,
                        "at": row.at,
                        "event": row.event,
                        "comment": row.comment,
                        "ruleset_id": row.ruleset_id,
                        "prev_hash": row.prev_hash,
                        "hash": row.hash,
                    },
                )
        upgrade()
        moved = db.session.execute(
            sa.text("SELECT subject_type, subject_id, seq, hash FROM audit_events ORDER BY id")
        ).all()
        assert moved == [("case", row.subject_id, row.seq, row.hash) for row in rows]
        assert verify_chain("case", 1).checked == 3 and verify_chain("case", 1).ok
        assert verify_chain("case", 2).checked == 2 and verify_chain("case", 2).ok
        append_event("user", 1, "user_created", actor=None, comment="新建用户")
        db.session.commit()
        db.session.remove()

        downgrade(revision="0004_sheets")
        back = db.session.execute(
            sa.text("SELECT case_id, seq, prev_hash, hash FROM case_events ORDER BY id")
        ).all()
        assert back == [(row.subject_id, row.seq, row.prev_hash, row.hash) for row in rows]
        assert "audit_events" not in db.inspect(db.engine).get_table_names()
        db.session.remove()

        upgrade()
        assert verify_chain("case", 1).ok and verify_chain("case", 2).checked == 2
