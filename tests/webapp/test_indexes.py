"""No index the models declare is the leading part of another index or unique constraint of the same table.

Both databases answer a lookup on the leading columns of a wider index from that index (an organisation's cases
as planner from ``(planner_id, state)``, a foreign key's check on delete likewise), so the narrower one is never
needed; yet every insert and every update that moves the row writes it too. Issue 12: a case's transition updated
21 indexes of ``cases``, 5 of them such copies (migration 0023_redundant_indexes).
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.core.extensions import db


def _plain_columns(index: sa.Index) -> tuple[str, ...] | None:
    """The index's columns, or None for a partial index (``WHERE`` on either database) or one on an expression."""
    if any(index.dialect_options[dialect].get("where") is not None for dialect in ("postgresql", "sqlite")):
        return None
    names = [getattr(expression, "name", None) for expression in index.expressions]
    return None if None in names else tuple(str(name) for name in names)


def _column_lists(table: sa.Table) -> list[tuple[str, tuple[str, ...]]]:
    """(name, columns) of each plain index and each unique constraint (an index on both databases) of ``table``;
    a partial index (``WHERE``) or one on an expression is left out: it cannot stand in for a plain one."""
    found = [(str(index.name), columns) for index in table.indexes if (columns := _plain_columns(index))]
    for constraint in table.constraints:
        if isinstance(constraint, (sa.UniqueConstraint, sa.PrimaryKeyConstraint)) and constraint.columns:
            found.append((str(constraint.name), tuple(column.name for column in constraint.columns)))
    return found


def redundant_indexes(metadata: sa.MetaData) -> list[str]:
    """``table.index`` for each non-unique index whose columns begin another index or constraint of its table."""
    redundant = []
    for table in metadata.sorted_tables:
        lists = _column_lists(table)
        for index in table.indexes:
            columns = _plain_columns(index)
            if index.unique or columns is None:
                continue
            if any(
                name != index.name and len(other) >= len(columns) and other[: len(columns)] == columns
                for name, other in lists
            ):
                redundant.append(f"{table.name}.{index.name}")
    return sorted(redundant)


def test_no_index_is_the_leading_part_of_another():
    """Issue 12 (fast at scale: the indexes the queries need, and no more for every write to keep)."""
    assert redundant_indexes(db.metadata) == []


def test_the_check_finds_a_narrow_index_under_a_wide_one_or_a_unique_constraint_and_nothing_else():
    """The check itself: an index on ``a`` under ``(a, b)`` and one on ``e`` under the unique ``(e, d)`` are
    found; ``b`` inside ``(a, b)`` but not leading it, ``c`` unique, a partial index on ``d`` under ``(d, b)``, and
    ``f`` under only a partial ``(f, a)`` are not."""
    metadata = sa.MetaData()
    sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, index=True),
        sa.Column("b", sa.Integer, index=True),
        sa.Column("c", sa.Integer, unique=True),
        sa.Column("d", sa.Integer),
        sa.Column("e", sa.Integer, index=True),
        sa.Column("f", sa.Integer, index=True),
        sa.Index("ix_t_a_b", "a", "b"),
        sa.Index("ix_t_c_a", "c", "a"),
        sa.Index("ix_t_d_live", "d", postgresql_where=sa.text("d > 0"), sqlite_where=sa.text("d > 0")),
        sa.Index("ix_t_d_b", "d", "b"),
        sa.Index("ix_t_f_a_live", "f", "a", sqlite_where=sa.text("f > 0")),
        sa.UniqueConstraint("e", "d", name="uq_t_e_d"),
    )
    assert redundant_indexes(metadata) == ["t.ix_t_a", "t.ix_t_e"]
