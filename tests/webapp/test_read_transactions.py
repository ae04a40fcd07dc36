"""webapp/core/read_transactions.py: on PostgreSQL a request's transaction that wrote nothing ends with COMMIT, so
psycopg keeps the statements it prepared; one that wrote, or raised, is rolled back as before."""

import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db
from webapp.core.models.setting import SettingKV
from webapp.core.read_transactions import WROTE, note_writes, with_settings

pytestmark = pytest.mark.postgres

READ = sa.select(SettingKV.value).where(SettingKV.key == "kaoping-read-transactions-test")


def _prepared(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")))


def _keys(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(SettingKV.key).order_by(SettingKV.key)))


def test_a_statement_read_in_one_context_after_another_stays_prepared(app: Flask):
    """psycopg prepares a statement at its fifth run on a connection and forgets it at a ROLLBACK: with every
    context rolled back (as Flask-SQLAlchemy's close does) none would ever be prepared."""
    for _ in range(7):
        with app.app_context():
            db.session.execute(READ).all()
    assert any("FROM settings" in statement for statement in _prepared(app))


def test_a_write_nobody_committed_is_still_rolled_back(app: Flask):
    with app.app_context():
        db.session.execute(
            sa.text("INSERT INTO settings (key, value, updated_at) VALUES ('flushed', 'x', now())")
        )
    with app.app_context():
        db.session.add(SettingKV(key="pending", value="x"))
    assert _keys(app) == []


def test_a_write_hidden_in_a_with_is_still_rolled_back(app: Flask):
    """Only a plain SELECT counts as a read: a WITH may hold an INSERT (a data-modifying CTE)."""
    with app.app_context():
        db.session.execute(
            sa.text(
                "WITH added AS (INSERT INTO settings (key, value, updated_at) VALUES ('cte', 'x', now()) "
                "RETURNING key) SELECT key FROM added"
            )
        ).all()
    assert _keys(app) == []


def test_a_context_that_raised_is_rolled_back(app: Flask):
    with pytest.raises(RuntimeError), app.app_context():
        db.session.execute(READ).all()
        db.session.execute(
            sa.text("INSERT INTO settings (key, value, updated_at) VALUES ('raised', 'x', now())")
        )
        raise RuntimeError("boom")
    assert _keys(app) == []


def test_a_page_asked_for_again_and_again_has_its_statements_prepared(app: Flask, client):
    """The same through HTTP: each request ends in its teardown, where the hook runs."""
    for _ in range(6):
        assert client.get("/auth/login").status_code == 200
    assert _prepared(app)


def test_an_object_read_in_a_context_still_reads_its_attributes_after_it(app: Flask):
    """As with the close alone: committing what wrote nothing must not expire what was loaded."""
    with app.app_context():
        db.session.add(SettingKV(key="kept", value="v"))
        db.session.commit()
    with app.app_context():
        row = db.session.get(SettingKV, "kept")
    assert row is not None and row.value == "v"


def test_every_run_of_a_prepared_statement_is_planned_for_its_own_parameters(app: Flask):
    """A generic plan is costed for the average parameter: for the province's subtree (40,163 organisations
    against five on average) it walked the whole closure table, 95-126 ms where the custom plan takes 1-5. And
    no statement is compiled by JIT (183 ms of a 497 ms article search)."""
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "force_custom_plan"
        assert db.session.scalar(sa.text("SHOW jit")) == "off"


OURS = "-c plan_cache_mode=force_custom_plan -c jit=off"


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (None, OURS),
        ("-c statement_timeout=5000", f"-c statement_timeout=5000 {OURS}"),
        # the deployment's own choice is kept
        ("-c plan_cache_mode=auto", "-c plan_cache_mode=auto -c jit=off"),
        ("-c jit=on -c plan_cache_mode=auto", "-c jit=on -c plan_cache_mode=auto"),
    ],
)
def test_the_connection_options_a_deployment_gave_are_kept(given, sent):
    cparams = {} if given is None else {"options": given}
    with_settings(None, None, [], cparams)
    assert cparams.get("options") == (sent or None)


class _Conn:
    def __init__(self) -> None:
        self.info: dict[str, object] = {}


@pytest.mark.parametrize(
    ("statement", "wrote"),
    [
        ("SELECT 1", False),
        (
            "  select cases.id FROM cases FOR UPDATE OF cases",
            False,
        ),  # locks only: COMMIT and ROLLBACK release
        ("/* kaoping */ SELECT 1", False),
        ("-- a comment\nSELECT 1", False),
        ("SELECTED", True),  # not the keyword
        ("INSERT INTO settings VALUES (1)", True),
        ("WITH added AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM added", True),
        ("UPDATE cases SET state = 'x'", True),
        ("SET LOCAL statement_timeout = 1", True),
    ],
)
def test_only_a_plain_select_leaves_the_transaction_unwritten(statement, wrote):
    conn = _Conn()
    note_writes(conn, None, statement, {}, None, False)  # type: ignore[arg-type]
    assert bool(conn.info.get(WROTE)) is wrote
