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
    def __init__(self, name: str, size: int) -> None:
        self.name = f"{PREFIX}{name}"
        self.size = size
        self._lock = threading.Lock()

    def _entries(self) -> OrderedDict[Hashable, V]:
        entries: OrderedDict[Hashable, V] = current_app.extensions.setdefault(self.name, OrderedDict())
        return entries

    def get(self, key: Hashable) -> V | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            entries = self._entries()
            found = entries.get(key)
            if found is not None:
                entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` under ``key``, dropping the least recently used beyond the size; returns ``value``."""
        with self._lock:
            entries = self._entries()
            entries[key] = value
            entries.move_to_end(key)
            while len(entries) > self.size:
                entries.popitem(last=False)
        return value

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
