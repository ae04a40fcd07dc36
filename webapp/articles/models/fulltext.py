"""The full-text index of articles' titles and texts on SQLite: an FTS5 table with the trigram tokenizer (any
substring of three or more characters, so Chinese needs no word segmenter), kept current by triggers.

The same statements are in migration 0006 (migrations import nothing from webapp); here they run when the tables
are made with ``create_all`` (the tests). PostgreSQL has no such table: the search uses ILIKE there
(`webapp/articles/services/search.py`). Alembic's autogenerate is told to leave these tables alone
(``include_name`` in webapp/migrations/env.py).

Caution for later migrations: SQLite's batch mode rebuilds a table by copy-and-rename, which drops its triggers;
a migration that batch-alters ``articles`` must create the three triggers again (tests/webapp/articles/
test_office_search.py checks the head of the migrations still has them).
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.articles.models.article import Article

FULLTEXT_TABLE = "articles_fts"
FULLTEXT_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, body, content='articles', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)


def is_fulltext_table(name: str | None) -> bool:
    """The FTS table and its shadow tables (articles_fts_data, _idx, _docsize, _config)."""
    return bool(name) and (name == FULLTEXT_TABLE or str(name).startswith(FULLTEXT_TABLE + "_"))


for _statement in FULLTEXT_DDL:
    sa.event.listen(Article.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
sa.event.listen(
    Article.__table__,
    "before_drop",
    sa.DDL(f"DROP TABLE IF EXISTS {FULLTEXT_TABLE}").execute_if(dialect="sqlite"),
)
