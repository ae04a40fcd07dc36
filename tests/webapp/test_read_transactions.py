"""webapp/core/read_transactions.py: on PostgreSQL reads run outside a transaction and the first statement that
needs one begins it, so psycopg keeps the statements it prepared; a transaction that wrote, or raised, is rolled
back as before, and a row lock is held until its transaction ends."""

import pytest
import sqlalchemy as sa
from flask import Flask

from tests import database as test_database
from tests.factories import make_bureau, make_organ, make_test_app
from webapp.core.extensions import db
from webapp.core.models import BureauTier
from webapp.core.models.setting import SettingKV
from webapp.core.read_transactions import WROTE, needs_transaction, note_writes, with_settings
from webapp.core.services.organisations import subtree_bureau_ids, subtree_ids

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
    """A WITH counts as a read only when it holds no write: it may hold an INSERT (a data-modifying CTE)."""
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


def test_a_prepared_statement_may_keep_a_generic_plan_and_nothing_is_compiled_by_jit(app: Flask):
    """``auto`` whatever the server's own setting (a generic plan saves the case page 1.5 ms of PostgreSQL's CPU);
    no statement compiled by JIT (183 ms of a 497 ms article search)."""
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "auto"
        assert db.session.scalar(sa.text("SHOW jit")) == "off"


def test_each_organisations_subtree_is_prepared_and_planned_as_a_statement_of_its_own(app: Flask):
    """A generic plan is costed for the average subtree, five organisations; the province's holds 40,163, and a
    plan made for a county walked the whole closure table for it (95-126 ms against 1-5). With the organisation's
    id written into the statement, the province's and a county's are two prepared statements with two plans."""
    with app.app_context():
        province = make_bureau(BureauTier.PROVINCE)
        county = make_bureau(BureauTier.COUNTY, make_bureau(BureauTier.CITY, province))
        make_organ(county)
        db.session.commit()
        ids = [province.id, county.id]
    for _ in range(6):
        for org_id in ids:
            with app.app_context():
                db.session.scalars(subtree_ids(org_id)).all()
                db.session.scalars(subtree_bureau_ids(org_id)).all()
    prepared = [statement for statement in _prepared(app) if "organisation_tree" in statement]
    for org_id in ids:
        assert sum(f"ancestor_id = {org_id}" in statement for statement in prepared) == 2
    assert not [statement for statement in prepared if "ancestor_id = $" in statement]


OURS = "-c plan_cache_mode=auto -c jit=off"


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (None, OURS),
        ("-c statement_timeout=5000", f"-c statement_timeout=5000 {OURS}"),
        # the deployment's own choice is kept
        ("-c plan_cache_mode=force_custom_plan", "-c plan_cache_mode=force_custom_plan -c jit=off"),
        ("-c jit=on -c plan_cache_mode=force_custom_plan", "-c jit=on -c plan_cache_mode=force_custom_plan"),
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
        ("with gone as (delete from t returning id) select id from gone", True),
        ("WITH moved AS (UPDATE t SET a = 1 RETURNING id) SELECT id FROM moved", True),
        ("WITH b AS (SELECT id FROM t) MERGE INTO u USING b ON u.id = b.id WHEN MATCHED THEN DELETE", True),
        # a CTE that only reads (the bureaus under one: every worklist's visibility)
        ("WITH bureaus_under_1 AS (SELECT id FROM organisations) SELECT cases.id FROM cases", False),
        ("/* k */ WITH b AS (SELECT 1) SELECT cases.id FROM cases, b FOR NO KEY UPDATE OF cases", False),
        ("WITHIN", True),  # not the keyword
        ("UPDATE cases SET state = 'x'", True),
        ("SET LOCAL statement_timeout = 1", True),
    ],
)
def test_only_a_select_or_a_with_that_holds_no_write_leaves_the_transaction_unwritten(statement, wrote):
    conn = _Conn()
    note_writes(conn, None, statement, {}, None, False)  # type: ignore[arg-type]
    assert bool(conn.info.get(WROTE)) is wrote


def test_a_list_page_is_prepared_with_its_size_written_in(demo: Flask, client, auth):
    """Issue 12 (`page_bound`): with the page's LIMIT bound, PostgreSQL costs a generic plan as if it read a tenth
    of the cases, so under ``auto`` the province's case list was planned afresh at every run (1.37 against 0.40
    ms of its CPU at province size, where the plan written for ``LIMIT 21`` is kept). Whether a kept plan wins
    depends on the data; what the code decides is that the list's statement is prepared with its size and
    offset written in."""
    auth.login("prov-staff")
    for _ in range(8):
        assert client.get("/cases/").status_code == 200
    with demo.app_context():
        prepared = db.session.scalars(
            sa.text("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%FROM cases%'")
        ).all()
    lists = [statement for statement in prepared if "LIMIT" in statement]
    assert any("LIMIT 21 OFFSET 0" in statement for statement in lists)
    assert not [statement for statement in lists if "LIMIT $" in statement or "OFFSET $" in statement]


# -- reads outside a transaction (`begin_when_needed`) ------------------------------------------------------------

IDLE, IN_TRANSACTION = 0, 2  # libpq's PQTRANS_IDLE, PQTRANS_INTRANS


def _status() -> int:
    """The transaction status of the session's connection as the server reported it last."""
    return int(db.session.connection().connection.dbapi_connection.pgconn.transaction_status)


def test_a_read_runs_outside_a_transaction(app: Flask):
    """No BEGIN before a page's reads and no COMMIT after them: two round trips fewer on every page (issue 12)."""
    with app.app_context():
        db.session.execute(READ).all()
        assert _status() == IDLE
        assert db.session.connection().connection.dbapi_connection.autocommit


def test_a_write_begins_the_transaction_and_what_follows_runs_in_it(app: Flask):
    with app.app_context():
        db.session.execute(READ).all()
        db.session.add(SettingKV(key="begun", value="x"))
        db.session.flush()
        assert _status() == IN_TRANSACTION
        # the read runs in the write's transaction: it sees the row no other connection sees yet
        assert db.session.scalar(sa.select(SettingKV.value).where(SettingKV.key == "begun")) == "x"
        assert _status() == IN_TRANSACTION
        db.session.commit()
        db.session.execute(READ).all()
        assert _status() == IDLE  # after the COMMIT, reads are outside a transaction again
    assert _keys(app) == ["begun"]


def test_a_write_after_reads_is_rolled_back_whole(app: Flask):
    """A transaction either commits whole or not at all: two writes after a read, then an error."""
    with pytest.raises(RuntimeError), app.app_context():
        db.session.execute(READ).all()
        db.session.add(SettingKV(key="first", value="x"))
        db.session.flush()
        db.session.execute(READ).all()
        db.session.add(SettingKV(key="second", value="x"))
        db.session.flush()
        raise RuntimeError("boom")
    assert _keys(app) == []


def test_a_row_lock_taken_by_a_select_is_held_until_its_transaction_ends(app: Flask):
    """``SELECT … FOR UPDATE`` (every event locks its case, `locks.lock_row`) begins the transaction: in
    autocommit its lock would be released as soon as it was taken, and two events could both pass their guards."""
    with app.app_context():
        db.session.add(SettingKV(key="locked", value="x"))
        db.session.commit()
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.NullPool)
    try:
        with app.app_context():
            db.session.execute(sa.select(SettingKV).where(SettingKV.key == "locked").with_for_update()).all()
            assert _status() == IN_TRANSACTION
            with (
                other.connect() as conn,
                pytest.raises(sa.exc.OperationalError, match="could not obtain lock"),
            ):
                conn.execute(sa.text("SELECT key FROM settings WHERE key = 'locked' FOR UPDATE NOWAIT")).all()
            db.session.rollback()
        with other.connect() as conn:
            conn.execute(sa.text("SELECT key FROM settings WHERE key = 'locked' FOR UPDATE NOWAIT")).all()
    finally:
        other.dispose()


def test_a_read_streamed_through_a_server_side_cursor_runs_in_a_transaction(app: Flask):
    """``yield_per`` (the audit log's export, the chain check) declares a cursor on the server, which PostgreSQL
    allows only inside a transaction ("DECLARE CURSOR can only be used in transaction blocks")."""
    with app.app_context():
        db.session.add_all([SettingKV(key=f"streamed-{n}", value="x") for n in range(5)])
        db.session.commit()
        db.session.execute(READ).all()
        assert _status() == IDLE
        keys = db.session.scalars(sa.select(SettingKV.key).execution_options(yield_per=2)).all()
        assert len(keys) == 5
        assert _status() == IN_TRANSACTION


def test_a_connection_given_autocommit_by_sqlalchemy_is_left_alone(app: Flask):
    """``execution_options(isolation_level="AUTOCOMMIT")`` for what cannot run in a transaction (the bench's
    ``VACUUM ANALYZE``): no BEGIN is sent before it."""
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE settings"))


def test_a_deployment_that_chose_an_isolation_level_keeps_its_reads_in_transactions(tmp_path):
    if not test_database.on_postgres():
        pytest.skip(test_database.SKIP_REASON)
    app = make_test_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"})
    try:
        with app.app_context():
            db.session.execute(sa.text("SELECT 1")).all()
            assert _status() == IN_TRANSACTION
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("statement", "needed"),
    [
        ("SELECT 1", False),
        ("/* kaoping */ select cases.id FROM cases WHERE cases.id = 1", False),
        ("WITH bureaus_under_1 AS (SELECT id FROM organisations) SELECT cases.id FROM cases", False),
        ("SELECT pg_try_advisory_lock(1)", False),  # held by the connection, not the transaction (tick_lock)
        ("SELECT cases.id FROM cases WHERE cases.id = 1 FOR UPDATE", True),
        ("select cases.id from cases for no key update of cases", True),
        ("SELECT cases.id FROM cases FOR SHARE", True),
        ("SELECT cases.id FROM cases FOR KEY SHARE SKIP LOCKED", True),
        ("SELECT pg_advisory_xact_lock(7)", True),
        ("SELECT set_config('statement_timeout', '5s', true)", True),
        ("INSERT INTO settings VALUES (1)", True),
        ("UPDATE cases SET state = 'x'", True),
        ("WITH added AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM added", True),
        ("SET LOCAL cursor_tuple_fraction = 1.0", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("SELECTED", True),
    ],
)
def test_only_a_read_that_holds_nothing_to_the_end_runs_outside_a_transaction(statement, needed):
    assert needs_transaction(statement) is needed
