"""One validator for the plain data people write in files (scoring schemes, rulesets): declare, then read.

A parser declares each field as a `Field` (its types, required or its default, its range, its choices, what
each element of a list must be) and reads a mapping with a `Reader`, which also reports the keys nobody read:
a misspelt key must be refused, never silently ignored. A value that does not fit becomes an `Invalid`: a
problem code, the key, the path from the document's root and the parameters a message needs. Each kind of
file turns an `Invalid` into its own error in ONE function given to the reader (`error=`), so the checks are
written once while a scheme keeps its Chinese `scheme.*` messages and a ruleset its field-path problems.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

#: Problem codes an `Invalid` carries (the parameters each has are listed beside it).
MISSING = "missing"  # —
WRONG_TYPE = "wrong_type"  # expected: tuple of type names, got: the value's type name, value
EMPTY = "empty"  # — (a blank text or an empty list where `nonempty`)
TOO_SMALL = "too_small"  # min, value
TOO_LARGE = "too_large"  # max, value
NOT_CHOICE = "not_choice"  # choices, value
UNKNOWN_KEYS = "unknown_keys"  # names (sorted)
NOT_TABLE = "not_table"  # got: the type name of what stands where a table should
BAD_VALUE = "bad_value"  # whatever the field's `convert` put in the `Invalid` it raised

#: A path from the document's root: keys and list indexes, e.g. ("authority", 14, "panel").
Path = tuple[str | int, ...]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a field that must be present.
REQUIRED: Any = _Required()


class Invalid(Exception):
    """A value that does not fit its field. ``key`` is the field read (``element`` the list index or mapping
    key inside it, when the problem is one element); ``path`` leads from the root to the problem."""

    def __init__(
        self,
        problem: str,
        *,
        key: str | None = None,
        element: str | int | None = None,
        path: Path = (),
        context: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key
        self.element = element
        self.path = path
        self.context: dict[str, Any] = dict(context or {})
        self.params = params


@dataclass(frozen=True)
class Field:
    """What one field must be. Types are Python types; a bool is never taken for an int unless listed."""

    types: tuple[type, ...]
    default: Any = REQUIRED
    min: Any = None
    max: Any = None
    choices: Sequence[str] | None = None
    #: a text must not be blank, a list not empty
    nonempty: bool = False
    #: what each element of a list (or each value of a mapping) must be
    each: Field | None = None
    #: turns the checked value into the one returned; raises `Invalid` (BAD_VALUE or another code) to refuse
    convert: Callable[[Any], Any] | None = None

    def optional(self, default: Any = None) -> Field:
        return replace(self, default=default)


def text(**kw: Any) -> Field:
    return Field((str,), **kw)


def flag(**kw: Any) -> Field:
    return Field((bool,), **kw)


def integer(**kw: Any) -> Field:
    return Field((int,), **kw)


def array(each: Field | None = None, **kw: Any) -> Field:
    return Field((list, tuple), each=each, **kw)


def table(each: Field | None = None, **kw: Any) -> Field:
    return Field((Mapping,), each=each, **kw)


ErrorFactory = Callable[[Invalid], Exception]


class Reader:
    """Reads one mapping, remembering the keys read so `done` can refuse the others.

    ``context`` is the caller's own description of where the mapping sits (a scheme's file, section and
    item); it travels in every `Invalid` so the caller's `error` can name the place.
    """

    def __init__(
        self,
        data: Any,
        *,
        error: ErrorFactory,
        path: Path = (),
        context: Mapping[str, Any] | None = None,
    ) -> None:
        self.error = error
        self.path = path
        self.context: dict[str, Any] = dict(context or {})
        if not isinstance(data, Mapping):
            raise self._invalid(NOT_TABLE, got=type(data).__name__)
        self.data = data
        self.used: set[str] = set()

    def _invalid(self, problem: str, key: str | None = None, **params: Any) -> Exception:
        path = self.path + ((key,) if key is not None else ())
        element = params.pop("element", None)
        if element is not None:
            path += (element,)
        invalid = Invalid(problem, key=key, element=element, path=path, context=self.context, **params)
        return self.error(invalid)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        """The value as written (or `default`), without checks; the key counts as read."""
        self.used.add(key)
        return self.data.get(key, default)

    def get(self, key: str, spec: Field) -> Any:
        """The value of `key` checked against `spec` (its default when absent and not required).

        A null (JSON's, or a blank cell an import turned into None) counts as absent.
        """
        self.used.add(key)
        if self.data.get(key) is None:
            if spec.default is REQUIRED:
                raise self._invalid(MISSING, key)
            return spec.default
        return self._check(key, self.data[key], spec, None)

    def read(self, specs: Mapping[str, Field]) -> dict[str, Any]:
        """Every field of `specs`, checked in the order declared."""
        return {key: self.get(key, spec) for key, spec in specs.items()}

    def _check(self, key: str, value: Any, spec: Field, element: str | int | None) -> Any:
        where: dict[str, Any] = {} if element is None else {"element": element}
        if not _is_a(value, spec.types):
            raise self._invalid(
                WRONG_TYPE, key, expected=spec.types, got=type(value).__name__, value=value, **where
            )
        if spec.nonempty and (not value.strip() if isinstance(value, str) else not value):
            raise self._invalid(EMPTY, key, **where)
        if spec.choices is not None and value not in spec.choices:
            raise self._invalid(NOT_CHOICE, key, choices=tuple(spec.choices), value=value, **where)
        if spec.min is not None and value < spec.min:
            raise self._invalid(TOO_SMALL, key, min=spec.min, value=value, **where)
        if spec.max is not None and value > spec.max:
            raise self._invalid(TOO_LARGE, key, max=spec.max, value=value, **where)
        if spec.each is not None:
            if isinstance(value, Mapping):
                value = {str(k): self._check(key, v, spec.each, str(k)) for k, v in value.items()}
            else:
                value = tuple(self._check(key, v, spec.each, n) for n, v in enumerate(value))
        if spec.convert is not None:
            try:
                return spec.convert(value)
            except Invalid as refused:
                raise self._invalid(refused.problem, key, **where, **refused.params) from None
        return value

    def child(self, data: Any, *path: str | int, context: Mapping[str, Any] | None = None) -> Reader:
        """A reader for `data` found at `path` below this one (same error factory, context replaced)."""
        return Reader(
            data,
            error=self.error,
            path=self.path + path,
            context=self.context if context is None else context,
        )

    def children(self, key: str, *, nonempty: bool = False, start: int = 0) -> list[Reader]:
        """A reader for each table in the list `key` (absent = none); paths count from `start`."""
        values = self.get(key, array(nonempty=nonempty, default=() if not nonempty else REQUIRED))
        return [self.child(value, key, n) for n, value in enumerate(values, start)]

    def fail(self, problem: str, key: str | None = None, **params: Any) -> Exception:
        """The caller's error for a problem its own rules found (a duplicate id, a sum that does not add up)."""
        return self._invalid(problem, key, **params)

    def done(self) -> None:
        unknown = sorted(set(map(str, self.data)) - self.used)
        if unknown:
            raise self._invalid(UNKNOWN_KEYS, names=unknown)


def dotted(path: Path) -> str:
    """A path as people read it: ("authority", 14, "panel") → ``authority[14].panel``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _is_a(value: Any, types: tuple[type, ...]) -> bool:
    # bool is an int in Python; a file saying `notice_days = true` is a mistake, not 1 day.
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)
