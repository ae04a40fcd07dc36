"""`webapp.core.services.kept`: the per-app, per-process cache the ledger's live results and rosters and the
campaigns' standings are kept in (issue 12)."""

from __future__ import annotations

from tests.factories import make_test_app
from webapp.core.services.kept import Kept


def test_the_least_recently_used_entry_goes_first_and_apps_never_share(app, tmp_path) -> None:  # noqa: ANN001
    kept: Kept[str] = Kept("test_lru", 2)
    with app.app_context():
        assert kept.put("a", "A") == "A" and kept.put("b", "B") == "B"
        assert kept.get("a") == "A"  # now the most recently used: "b" goes next
        kept.put("c", "C")
        assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")
    other = make_test_app(tmp_path)
    with other.app_context():
        assert kept.get("a") is None
