"""Share werkzeug's URL builders between the test apps of one process.

Every test makes its own application, and werkzeug compiles two URL builders per rule (Python source assembled as
an AST, then ``compile``): for ~300 rules that was 0.2–0.7 s of every test, more than most tests themselves. A
builder is a pure function of the rule's parsed parts, its defaults and whether unknown arguments are appended;
the rule it serves is passed in (``.self``) when it runs, so the same compiled function serves every app's copy
of the rule. Tests only: a served application is built once and never needs this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def _shared_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    defaults = self.defaults or {}
    key = (
        self.rule,
        tuple(self._trace),
        append_unknown,
        tuple(sorted((name, repr(value)) for name, value in defaults.items())),
        # a default that fills a part of the rule is converted when the builder is made
        tuple(
            sorted(
                (name, type(self._converters[name]).__qualname__)
                for name in defaults
                if name in self._converters
            )
        ),
    )
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


def install() -> None:
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
