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


def test_a_budget_bounds_what_the_entries_weigh_together_but_the_newest_stays(app) -> None:  # noqa: ANN001
    """issue 12 (worker RSS ≤ 200 MB): values of very different sizes — a city office's ledger result and a
    province office's year — are bounded by their weight, the least recently used dropped first; a value heavier
    than the whole budget is still kept alone (the page that made it reads it again at once)."""
    kept: Kept[str] = Kept("test_budget", 8, budget=10)
    with app.app_context():
        kept.put("a", "A", 4)
        kept.put("b", "B", 4)
        assert kept.get("a") == "A"  # now the most recently used: "b" goes first
        kept.put("c", "C", 4)  # 12 > 10
        assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")
        kept.put("big", "BIG", 25)
        assert [kept.get(k) for k in ("a", "c", "big")] == [None, None, "BIG"]
        value = "V"
        kept.put("small", value, 1)  # 26 > 10: the heavy one goes, the newest stays
        assert kept.get("big") is None and kept.values() == [value]
        unbounded: Kept[int] = Kept("test_unbounded", 3)
        for n in range(5):
            unbounded.put(n, n, 10**9)  # no budget: only the count bounds it
        assert [unbounded.get(n) for n in range(5)] == [None, None, 2, 3, 4]


def test_room_is_made_before_a_heavy_value_is_made(app) -> None:  # noqa: ANN001
    """`make_room`: what is kept goes, least recently used first, until the value about to be made fits beside
    the rest, so a worker never holds a full budget and the making of another heavy value at once (issue 12)."""
    kept: Kept[str] = Kept("test_room", 8, budget=10)
    with app.app_context():
        kept.put("a", "A", 4)
        kept.put("b", "B", 4)
        kept.make_room(2)  # 8 + 2 fits
        # both still kept; read in that order, "a" is now the least recently used
        assert (kept.get("a"), kept.get("b")) == ("A", "B")
        kept.make_room(5)  # 8 + 5 does not: "a" goes
        assert (kept.get("a"), kept.get("b")) == (None, "B")
        kept.make_room(11)  # more than the whole budget: everything goes
        assert kept.get("b") is None
        Kept("test_room_unbounded", 2).make_room(10**9)  # no budget: nothing to make room in
