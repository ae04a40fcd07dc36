"""The committed migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.factories import make_test_app
from webapp.core.extensions import db


def test_migrations_on_an_empty_database_match_the_models(tmp_path):
    app = make_test_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(db.inspect(connection).get_table_names())
    assert diff == []
    assert set(db.metadata.tables) <= tables


def test_init_db_command_migrates_and_demo_runs_on_it(tmp_path):
    app = make_test_app(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "数据库已就绪" in result.output
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
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
        CreateTable(db.metadata.tables["case_events"]).compile(dialect=dialect)
    )


def test_the_features_migration_dates_existing_cases_from_their_last_update(tmp_path):
    """0004_features: a case already running gets ``state_since`` (overdue waits count from it) = its last update."""
    import datetime as dt

    import sqlalchemy as sa

    app = make_test_app(tmp_path)
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
