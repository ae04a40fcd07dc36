"""The sheet page's form and the API's JSON are read differently, then checked by ONE check (issue 8: there were
two ways of saving the same sheet, each with its own checks). What differs is only the policy: a page draft keeps
entries the engine cannot score yet and says so; an API draft holds nothing the engine refuses (ARC-10.4.5)."""

from __future__ import annotations

import pytest

from config.schemes import load_scheme
from webapp.scoring.services.scoresheets.checks import check_entries
from webapp.scoring.services.scoresheets.entries import read_form, read_json
from webapp.scoring.services.scoresheets.operations import FormInput, JsonInput

SCHEME = load_scheme("hubei-archive-sample", "sample-1")
LEVEL = "second"

#: (form fields, the same entries as JSON, errors, warnings) — each a fault the page and the API must name alike
SAME_FAULTS = [
    pytest.param(
        {"HBS-5.1:awarded": "-3"},
        {"HBS-5.1": {"awarded": -3}},
        {"HBS-5.1:awarded": "不能为负数"},
        {},
        id="a negative score",
    ),
    pytest.param(
        {"HBS-1.1:defect:no_leader": "2"},
        {"HBS-1.1": {"defects": {"no_leader": 2}}},
        {"HBS-1.1:defect:no_leader": "此项只计一次（0或1）"},
        {},
        id="a once-only defect counted twice",
    ),
    pytest.param(
        {"HBS-3.3:deduction": "2"},
        {"HBS-3.3": {"deduction": 2}},
        {},
        {"HBS-3.3:reason": "酌情扣分须填写扣分原因"},
        id="a discretionary deduction without its reason",
    ),
    pytest.param(
        {"HBS-5.1:awarded": "9"},
        {"HBS-5.1": {"awarded": 9}},
        {},
        {"HBS-5.1:reason": "低于满分须填写扣分原因"},
        id="a lowered score without its reason",
    ),
    pytest.param(
        {"HBS-5.1:awarded": "12", "HBS-5.1:reason": "超额"},
        {"HBS-5.1": {"awarded": 12, "reason": "超额"}},
        {},
        {"HBS-5.1:awarded": "评分应在1–10分之间"},
        id="a score above the item's maximum",
    ),
]


@pytest.mark.parametrize(("form", "body", "errors", "warnings"), SAME_FAULTS)
def test_the_page_and_the_api_find_the_same_fault_in_the_same_entries(form, body, errors, warnings):  # noqa: ANN001
    from_form = check_entries(SCHEME, LEVEL, read_form(SCHEME, LEVEL, form))
    from_json = check_entries(SCHEME, LEVEL, read_json(SCHEME, LEVEL, body))
    assert from_form.entries == from_json.entries
    assert from_form.errors == from_json.errors == errors
    assert from_form.warnings == from_json.warnings == warnings


def test_a_page_draft_keeps_what_the_engine_cannot_score_yet_while_an_api_draft_refuses_it():
    """The same warning: the page saves the draft and marks the field; the API answers 400 naming the field."""
    checked = check_entries(SCHEME, LEVEL, read_form(SCHEME, LEVEL, {"HBS-3.3:deduction": "2"}))
    assert FormInput({}).refused(checked) is None
    refused = JsonInput({}).refused(checked)
    assert refused is not None and refused.field == "HBS-3.3:reason"
    assert refused.message == "考核项目HBS-3.3：酌情扣分须填写扣分原因，评分表未保存。"


def test_an_impossible_value_is_refused_by_the_page_and_the_api_alike():
    checked = check_entries(SCHEME, LEVEL, read_form(SCHEME, LEVEL, {"HBS-5.1:awarded": "-3"}))
    page, api = FormInput({}).refused(checked), JsonInput({}).refused(checked)
    assert page is not None and page.errors == {"HBS-5.1:awarded": "不能为负数"}
    assert api is not None and api.errors == {"HBS-5.1:awarded": "考核项目HBS-5.1：不能为负数"}


def test_faults_are_reported_in_the_order_the_person_gave_the_items():
    """The API names the first fault as the person wrote the entries (``field``), whatever its kind."""
    body = {"HBS-5.1": {"awarded": 9}, "HBS-1.1": {"defects": {"no_leader": 2}}}
    checked = check_entries(SCHEME, LEVEL, read_json(SCHEME, LEVEL, body))
    assert list(checked.strict_errors()) == ["HBS-5.1:reason", "HBS-1.1:defect:no_leader"]
