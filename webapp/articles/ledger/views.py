"""views of the ledger (filled in by issue 10)."""

from webapp.articles.ledger import bp  # noqa: F401
