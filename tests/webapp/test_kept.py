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


def test_made_keeps_under_a_key_and_makes_afresh_without_one(app) -> None:  # noqa: ANN001
    """What every kept read model does (issue 12): made once under its key, made every time when it may not be
    kept (no key: not a GET, or unwritten changes), a falsy value kept like any other."""
    kept: Kept[object] = Kept("test_made", 4)
    made: list[str] = []

    def make(value: object) -> object:
        made.append(repr(value))
        return value

    with app.app_context():
        assert kept.made("k", lambda: make(False)) is False
        assert kept.made("k", lambda: make(True)) is False  # kept: not made again
        assert kept.made(None, lambda: make(1)) == 1 and kept.made(None, lambda: make(2)) == 2
        assert made == ["False", "1", "2"] and kept.get(None) is None
