"""A few values kept per app and per process, the least recently used dropped first (issue 12: read models kept
under a revision — a ledger's live result and roster, a campaign's standing). Kept in the app's ``extensions``,
so two apps of one process (tests) never share entries, and shared by the app's threads under one lock. Callers
key an entry by everything it was made of, so an entry never goes stale; they read values, never change them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app, has_request_context, request

V = TypeVar("V")
#: the start of every kept store's name in ``app.extensions``
PREFIX = "kaoping_kept_"


class Kept(Generic[V]):
    """At most ``size`` entries; with a ``budget``, also at most that much of the entries' weights together (what
    a value weighs is the caller's measure, given to `put`), but never fewer than the newest entry: a store of
    values of very different sizes (a city office's ledger result and a province office's year) is bounded by
    what it holds, not only by how many."""

    def __init__(self, name: str, size: int, budget: int | None = None) -> None:
        self.name = f"{PREFIX}{name}"
        self.size = size
        self.budget = budget
        self._lock = threading.Lock()

    def _entries(self) -> OrderedDict[Hashable, V]:
        entries: OrderedDict[Hashable, V] = current_app.extensions.setdefault(self.name, OrderedDict())
        return entries

    def _weights(self) -> dict[Hashable, int]:
        weights: dict[Hashable, int] = current_app.extensions.setdefault(f"{self.name}_weights", {})
        return weights

    def get(self, key: Hashable) -> V | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            entries = self._entries()
            found = entries.get(key)
            if found is not None:
                entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V, weight: int = 0) -> V:
        """Keep ``value`` under ``key``, dropping the least recently used beyond the size (and the budget, where
        there is one: ``weight`` is what ``value`` counts against it); returns ``value``."""
        with self._lock:
            entries, weights = self._entries(), self._weights()
            entries[key] = value
            entries.move_to_end(key)
            weights[key] = weight
            while len(entries) > self.size or (
                self.budget is not None and len(entries) > 1 and sum(weights.values()) > self.budget
            ):
                dropped, _ = entries.popitem(last=False)
                weights.pop(dropped, None)
        return value

    def make_room(self, weight: int) -> None:
        """Drop the least recently used entries until one weighing ``weight`` fits the budget beside the rest:
        called before a heavy value is made, so what is kept and what is being made are never both over it."""
        if self.budget is None:
            return
        with self._lock:
            entries, weights = self._entries(), self._weights()
            while entries and sum(weights.values()) + weight > self.budget:
                dropped, _ = entries.popitem(last=False)
                weights.pop(dropped, None)

    def values(self) -> list[V]:
        """The values kept now, the least recently used first."""
        with self._lock:
            return list(self._entries().values())

    def made(self, key: Hashable | None, make: Callable[[], V]) -> V:
        """The value kept under ``key``, or ``make()`` kept there now; ``make()`` alone, kept nowhere, when ``key``
        is None (the caller may not keep a value now: not a GET, or unwritten changes)."""
        if key is None:
            return make()
        found = self.get(key)
        return found if found is not None else self.put(key, make())


def may_keep() -> bool:
    """A GET or HEAD request: it changes nothing, so a value it makes may be kept for the next (the caller still
    checks that its session holds nothing unwritten)."""
    return has_request_context() and request.method in ("GET", "HEAD")
