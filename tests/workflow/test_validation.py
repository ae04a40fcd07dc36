"""The one declarative validator (workflow/validation.py) that scheme and ruleset files are read with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from workflow import validation as v


class Refused(Exception):
    def __init__(self, invalid: v.Invalid) -> None:
        super().__init__(invalid.problem)
        self.invalid = invalid


def reader(data: Any, **kw: Any) -> v.Reader:
    return v.Reader(data, error=Refused, **kw)


def refusal(data: Any, key: str, spec: v.Field, **kw: Any) -> v.Invalid:
    with pytest.raises(Refused) as raised:
        reader(data, **kw).get(key, spec)
    return raised.value.invalid


def test_a_required_field_that_is_absent_is_refused_as_missing_with_its_path():
    invalid = refusal({}, "notice_days", v.integer(), path=("calendar",))
    assert (invalid.problem, invalid.key, invalid.path) == (
        v.MISSING,
        "notice_days",
        ("calendar", "notice_days"),
    )


def test_an_optional_field_that_is_absent_or_null_gives_its_default():
    r = reader({"gap": None})
    assert r.get("gap", v.text(default="none")) == "none"
    assert r.get("absent", v.integer(default=3)) == 3


def test_a_boolean_is_never_taken_for_a_number():
    invalid = refusal({"days": True}, "days", v.integer())
    assert invalid.problem == v.WRONG_TYPE and invalid.params["got"] == "bool"
    assert reader({"on": True}).get("on", v.flag()) is True


def test_blank_text_and_empty_lists_are_refused_where_declared_nonempty():
    assert refusal({"name": "  "}, "name", v.text(nonempty=True)).problem == v.EMPTY
    assert refusal({"levels": []}, "levels", v.array(nonempty=True)).problem == v.EMPTY


def test_a_value_outside_its_range_names_the_bound():
    low = refusal({"days": 0}, "days", v.integer(min=1))
    high = refusal({"days": 400}, "days", v.integer(min=1, max=366))
    assert (low.problem, low.params["min"], low.params["value"]) == (v.TOO_SMALL, 1, 0)
    assert (high.problem, high.params["max"]) == (v.TOO_LARGE, 366)


def test_a_value_not_among_the_choices_lists_them():
    invalid = refusal({"per": "twice"}, "per", v.text(choices=("each", "once")))
    assert invalid.problem == v.NOT_CHOICE and invalid.params["choices"] == ("each", "once")


def test_a_bad_element_of_a_list_is_refused_at_its_index():
    spec = v.array(each=v.text(choices=("a", "b")))
    invalid = refusal({"kinds": ["a", "c"]}, "kinds", spec, path=("procedure",))
    assert invalid.problem == v.NOT_CHOICE
    assert (invalid.key, invalid.element, invalid.path) == ("kinds", 1, ("procedure", "kinds", 1))


def test_each_value_of_a_mapping_is_converted_by_the_declared_field():
    def number(value: Any) -> Decimal:
        if isinstance(value, str) and not value.replace(".", "").isdigit():
            raise v.Invalid(v.BAD_VALUE, code="not_number", value=value)
        return Decimal(str(value))

    spec = v.table(each=v.Field((object,), convert=number))
    assert reader({"lines": {"first": 60, "second": "75.5"}}).get("lines", spec) == {
        "first": Decimal(60),
        "second": Decimal("75.5"),
    }
    invalid = refusal({"lines": {"first": "sixty"}}, "lines", spec)
    assert (invalid.problem, invalid.element, invalid.params["code"]) == (v.BAD_VALUE, "first", "not_number")


def test_keys_nobody_read_are_refused_so_a_misspelling_is_never_ignored():
    r = reader({"notice_days": 7, "notice_dyas": 5})
    assert r.read({"notice_days": v.integer()}) == {"notice_days": 7}
    with pytest.raises(Refused) as raised:
        r.done()
    assert raised.value.invalid.problem == v.UNKNOWN_KEYS
    assert raised.value.invalid.params["names"] == ["notice_dyas"]


def test_something_that_is_not_a_table_is_refused_with_the_context_the_caller_gave():
    with pytest.raises(Refused) as raised:
        reader({"items": [3]}, context={"source": "a.toml"}).children("items")[0]
    invalid = raised.value.invalid
    assert (invalid.problem, invalid.path, invalid.context) == (
        v.NOT_TABLE,
        ("items", 0),
        {"source": "a.toml"},
    )
