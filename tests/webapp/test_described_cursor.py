"""webapp/core/described_cursor.py: on PostgreSQL a statement's result columns are described once per connection,
and what SQLAlchemy reads from the description (names, type codes) stays right."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.core.described_cursor import DescribedOnceCursor
from webapp.core.extensions import db

pytestmark = pytest.mark.postgres


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many descriptions psycopg itself built (each is a `psycopg.Column` per result column)."""
    counted: list[int] = []
    build = psycopg.Cursor.description.fget

    def counting(cursor: Any) -> Any:
        counted.append(1)
        return build(cursor)

    monkeypatch.setattr(psycopg.Cursor, "description", property(counting))
    return counted


def _names(result: Any) -> list[str]:
    return [column[0] for column in result.cursor.description]


def test_the_connections_cursors_describe_a_statement_once(app: Flask, built: list[int]):
    with app.app_context():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        assert isinstance(cursor, DescribedOnceCursor)
        query = sa.text("SELECT key, value FROM settings WHERE key = :key")
        assert db.session.execute(query, {"key": "k"}).all() == []
        before = len(built)  # the connection's own first statements, and this one's description
        rows = [db.session.execute(query, {"key": f"k{n}"}).all() for n in range(5)]
    assert rows == [[]] * 5
    assert len(built) == before


def test_each_statement_and_each_shape_gets_its_own_columns(app: Flask):
    with app.app_context():
        first = db.session.execute(sa.text("SELECT 1 AS one, 'x' AS letter"))
        assert [(c[0], c[1]) for c in first.cursor.description] == [("one", 23), ("letter", 25)]
        assert first.mappings().one() == {"one": 1, "letter": "x"}
        # the same text with a parameter of another type answers another column type: described again
        query = sa.text("SELECT :value AS v")
        assert db.session.execute(query, {"value": 5}).scalar_one() == 5
        assert db.session.execute(query, {"value": "five"}).scalar_one() == "five"
        assert _names(db.session.execute(sa.text("SELECT 2 AS two"))) == ["two"]


def test_a_copy_is_handed_out_so_a_caller_cannot_change_what_is_kept(app: Flask):
    with app.app_context():
        query = sa.text("SELECT 1 AS one")
        description = db.session.execute(query).cursor.description
        description.clear()
        assert _names(db.session.execute(query)) == ["one"]


def test_the_second_result_of_one_text_keeps_its_own_names(app: Flask):
    """Two statements in one text answer two results of the same column types: each keeps its names."""
    with app.app_context():
        raw = db.session.connection().connection.dbapi_connection
        for _ in range(2):
            with raw.cursor() as cursor:
                cursor.execute("SELECT 1 AS first_one; SELECT 2 AS second_one")
                assert [c.name for c in cursor.description] == ["first_one"]
                assert cursor.nextset()
                assert [c.name for c in cursor.description] == ["second_one"]
