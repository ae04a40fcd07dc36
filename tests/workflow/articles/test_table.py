"""The article procedure's table (AT-01…AT-09) as data: every row cites a quoted rule, every state is reachable,
terminal states are final, refusals quote their rule, returns carry a reason and resubmissions an answer (ZG-6.1),
the diagram speaks Chinese, and the rules file is read strictly."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from config.articles import RULES_FILE, load_rules, parse_rules
from workflow import articles as domain
from workflow.articles import (
    ARTICLE_STATES,
    EVENT_LABELS,
    EVENTS,
    PROCEDURE,
    STATE_LABELS,
    TERMINAL_STATES,
    TRANSITIONS,
    Actor,
    ArticleFacts,
)
from workflow.articles.guards import TEXT_MAX, TEXT_MIN
from workflow.errors import GuardRefused, InvalidTransition, NotAllowed, RulesetError

ROOT = Path(__file__).resolve().parents[3]
RULES = load_rules()
DAY = date(2027, 1, 5)
EVERYONE = Actor(domain.FUNCTIONS)
RULE_ID = re.compile(r"\b(?:ZG|INF|PUB|CAD)-\d+(?:\.\d+)*\b")


def facts(state: str = "draft", **kwargs: object) -> ArticleFacts:
    values: dict[str, object] = {"title": "甲县推行组工干部下沉一线", "body_length": 300, **kwargs}
    return ArticleFacts(state=state, **values)  # type: ignore[arg-type]


def reachable_from(start: str) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        state = frontier.pop()
        for row in TRANSITIONS:
            if state in row.source and row.target not in seen:
                seen.add(row.target)
                frontier.append(row.target)
    return seen


# -- rows and rules ----------------------------------------------------------------------------------------------


def test_every_row_cites_a_rule_the_rules_file_quotes():
    for row in TRANSITIONS:
        assert re.fullmatch(r"AT-\d\d", row.id), row.id
        assert row.rule in RULES.texts, f"{row.id} cites {row.rule}, which config/articles/rules.toml lacks"
        text = RULES.texts[row.rule]
        assert text.source.startswith("《") and text.article and text.quote, row.rule


def test_row_ids_are_unique_and_in_table_order():
    ids = [row.id for row in TRANSITIONS]
    assert ids == sorted(set(ids)) and len(ids) == len(TRANSITIONS)


def test_every_rule_the_article_code_names_is_quoted_in_the_rules_file():
    """A rule id written in the article package (a refusal, a docstring, a model's rule map) can be shown to people
    with its quote: nothing cites a rule the rules file does not quote."""
    files = [
        *(ROOT / "workflow" / "articles").rglob("*.py"),
        *(ROOT / "webapp" / "articles").rglob("*.py"),
        ROOT / "config" / "articles.py",
    ]
    assert len(files) > 10  # guards the test: the package was found
    named = {
        (rule, path.relative_to(ROOT).as_posix())
        for path in files
        for rule in RULE_ID.findall(path.read_text(encoding="utf-8"))
    }
    missing = sorted(f"{rule} ({where})" for rule, where in named if rule not in RULES.texts)
    assert not missing, "add these rules to config/articles/rules.toml: " + ", ".join(missing)


def test_the_procedure_document_names_every_row_with_its_rule_and_people():
    """docs/articles.md is the procedure for people and developers: its table must be the table."""
    lines = [line for line in (ROOT / "docs" / "articles.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| AT-")]  # fmt: skip
    documented = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[1:-1]] for line in lines
    }
    assert sorted(documented) == [row.id for row in TRANSITIONS]
    for row in TRANSITIONS:
        _, event, states, who, rule, _ = documented[row.id]
        assert event == f"{EVENT_LABELS[row.event]} `{row.event}`", row.id
        assert states == f"{', '.join(row.source)} → {row.target}", row.id
        assert who == ", ".join(row.actors) and rule == row.rule, row.id


def test_every_event_and_state_has_a_chinese_label():
    assert set(STATE_LABELS) == set(ARTICLE_STATES) and set(EVENT_LABELS) == set(EVENTS)
    for label in [*STATE_LABELS.values(), *EVENT_LABELS.values()]:
        assert re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"[A-Za-z]", label), label


def test_every_event_has_a_row():
    assert {row.event for row in TRANSITIONS} == set(EVENTS)


# -- the graph ---------------------------------------------------------------------------------------------------


def test_every_state_is_reachable_from_draft():
    assert reachable_from("draft") == set(ARTICLE_STATES)


def test_every_non_terminal_state_can_still_reach_a_decision():
    """No dead end: from every open state some path leads to adoption, non-adoption or withdrawal."""
    for state in set(ARTICLE_STATES) - TERMINAL_STATES:
        assert reachable_from(state) & TERMINAL_STATES, state


@pytest.mark.parametrize("state", sorted(TERMINAL_STATES))
def test_a_terminal_state_has_no_way_out(state):
    assert not [row.id for row in TRANSITIONS if state in row.source]
    assert reachable_from(state) == {state}
    for event in EVENTS:
        refusal = domain.check(facts(state), event, EVERYONE, DAY, RULES)
        assert refusal is not None and refusal.code == "invalid_transition", (state, event)


def test_adoption_has_one_way_in_through_sign_off_and_receipt_zg_6_1_pub_5_3():
    """ZG-6.1 (the leader in charge reviews) and PUB-5.3 (the office keeps all adoptions): the only row into
    adopted leaves received, the only row into received leaves submitted, the only rows into submitted are the
    leader's sign-off."""
    into = {state: [row for row in TRANSITIONS if row.target == state] for state in ARTICLE_STATES}
    assert [(r.event, r.source) for r in into["adopted"]] == [("adopt", ("received",))]
    assert [(r.event, r.source) for r in into["received"]] == [("receive", ("submitted",))]
    assert [(r.event, r.source, r.actors) for r in into["submitted"]] == [
        ("sign_off", ("awaiting_signoff",), ("signer",))
    ]


def test_a_returned_article_goes_back_to_the_leader_zg_6_1():
    ways_out = [(row.event, row.target) for row in TRANSITIONS if "returned" in row.source]
    assert sorted(ways_out) == [("resubmit", "awaiting_signoff"), ("withdraw", "withdrawn")]


def test_withdrawal_is_only_before_the_office_holds_the_article_pub_5_1():
    [row] = [row for row in TRANSITIONS if row.event == "withdraw"]
    assert set(row.source) == {"awaiting_signoff", "returned", "submitted"}
    assert not set(row.source) & ({"received"} | TERMINAL_STATES)


def test_the_unit_acts_before_the_office_and_the_office_after_sign_off():
    unit, office = {"author", "signer"}, {"editor", "head"}
    for row in TRANSITIONS:
        if set(row.source) & {"draft", "awaiting_signoff", "returned"} and row.event != "withdraw":
            assert set(row.actors) <= unit, row.id
        if set(row.source) & {"received"}:
            assert set(row.actors) <= office, row.id
    assert all("reader" not in row.actors and "upper_editor" not in row.actors for row in TRANSITIONS)


# -- refusals ----------------------------------------------------------------------------------------------------


def _quotes(message: str, rule: str) -> bool:
    text = RULES.texts[rule]
    return message.startswith(f"依据{text.source}{text.article}：{text.quote} · {rule}")


@pytest.mark.parametrize(
    ("state", "event", "actor", "given", "code", "rule"),
    [
        ("draft", "submit", "author", {"title": " "}, "title_missing", "PUB-2.4"),
        ("draft", "submit", "author", {"body_length": 0}, "body_missing", "PUB-2.4"),
        ("awaiting_signoff", "sign_off", "signer", {"body_length": 0}, "body_missing", "PUB-2.4"),
        ("returned", "resubmit", "author", {"title": ""}, "title_missing", "PUB-2.4"),
    ],
)
def test_a_guard_refusal_quotes_its_rule(state, event, actor, given, code, rule):
    subject = facts(state, **given)
    refusal = domain.check(subject, event, Actor(frozenset({actor})), DAY, RULES)
    assert refusal is not None and (refusal.code, refusal.rule) == (code, rule)
    assert _quotes(refusal.message, rule), refusal.message
    with pytest.raises(GuardRefused) as raised:
        domain.fire(subject, event, Actor(frozenset({actor})), DAY, RULES)
    assert raised.value.refusal == refusal and subject.state == state


@pytest.mark.parametrize(
    ("state", "event", "name", "rule"),
    [
        ("awaiting_signoff", "leader_return", "reason", "ZG-6.1"),
        ("submitted", "office_return", "reason", "PUB-2.4"),
        ("received", "office_return", "reason", "PUB-2.4"),
        ("received", "decline", "reason", "INF-2.0"),
        ("returned", "resubmit", "answer", "ZG-6.1"),
    ],
)
def test_a_return_needs_a_reason_and_a_resubmission_an_answer_of_four_characters_zg_6_1(
    state, event, name, rule
):
    row = PROCEDURE.rows_for(event, state)[0]
    actor = Actor(frozenset(row.actors))
    for bad in (None, "", "   ", "好的", "abc", " 三个字 ", 42, ["理由写清楚"], "长" * (TEXT_MAX + 1)):
        refusal = domain.check(facts(state), event, actor, DAY, RULES, **{name: bad})
        assert refusal is not None and refusal.rule == rule, (event, bad)
        assert refusal.code == ("answer_missing" if name == "answer" else "reason_missing")
        assert _quotes(refusal.message, rule), refusal.message
    for good in ("数据不准", "x" * TEXT_MIN, "请核实第二段的统计口径", "长" * TEXT_MAX):
        assert domain.check(facts(state), event, actor, DAY, RULES, **{name: good}) is None, (event, good)


def test_the_reason_or_answer_a_row_takes_is_declared_on_the_row():
    takes = {event: PROCEDURE.inputs_of(event) for event in EVENTS}
    assert takes["leader_return"] == takes["office_return"] == takes["decline"] == {"reason"}
    assert takes["resubmit"] == {"answer"}
    assert not takes["submit"] and not takes["sign_off"] and not takes["receive"] and not takes["adopt"]


def test_the_wrong_person_is_refused_before_any_guard_runs():
    refusal = domain.check(facts("awaiting_signoff", body_length=0), "sign_off", Actor(frozenset({"author"})),
                           DAY, RULES)  # fmt: skip
    assert refusal is not None and refusal.code == "forbidden" and refusal.rule == "ZG-6.1"
    assert "审阅同意并报送" in refusal.message
    with pytest.raises(NotAllowed):
        domain.fire(facts("awaiting_signoff"), "sign_off", Actor(frozenset({"editor"})), DAY, RULES)
    with pytest.raises(InvalidTransition):
        domain.fire(facts("draft"), "adopt", EVERYONE, DAY, RULES)


def test_firing_sets_the_dates_the_row_declares():
    subject = facts("awaiting_signoff")
    record = domain.fire(subject, "sign_off", Actor(frozenset({"signer"})), DAY, RULES)
    assert (record.transition_id, record.rule, record.source, record.dest) == (
        "AT-02", "ZG-6.1", "awaiting_signoff", "submitted"
    )  # fmt: skip
    assert subject.signed_off_on == subject.submitted_on == DAY and subject.state == "submitted"
    record = domain.fire(subject, "receive", Actor(frozenset({"editor"})), DAY, RULES)
    assert subject.received_on == DAY and record.rule == "PUB-5.3"
    record = domain.fire(subject, "adopt", Actor(frozenset({"head"})), DAY, RULES)
    assert subject.decided_on == DAY and [e.kind for e in record.effects] == ["set_date", "record_adoption"]


# -- the diagram -------------------------------------------------------------------------------------------------


def test_the_diagram_names_every_state_and_event_in_chinese():
    source = domain.mermaid()
    for state, label in STATE_LABELS.items():
        assert f'state "{label}" as {state}' in source
    assert not re.search(r'state "[a-z_]+"', source)
    for row in TRANSITIONS:
        if row.event != "withdraw":
            for state in row.source:
                assert f"{state} --> {row.target}: {EVENT_LABELS[row.event]}" in source
    assert domain.WITHDRAW_NOTE in source and "[*] --> draft" in source
    assert "信息稿件报送流程" in source


def test_the_diagram_highlights_the_current_state():
    source = domain.mermaid("returned")
    assert "class returned s_active" in source and "[*] --> draft" in source
    with pytest.raises(ValueError):
        domain.mermaid("archived")


# -- the rules file ----------------------------------------------------------------------------------------------


def _data(**rules: object) -> dict[str, object]:
    return {"sources": {"ZG": "《市组工信息工作考评办法》"}, "rules": rules}


def test_the_shipped_rules_file_parses_and_names_its_sources():
    assert RULES_FILE.name == "rules.toml" and RULES_FILE.parent.name == "articles"
    assert {rule.split("-")[0] for rule in RULES.texts} <= {"ZG", "INF", "PUB", "CAD"}
    assert RULES.cite("ZG-6.1", "退改理由") == (
        "依据《市组工信息工作考评办法》六、相关工作要求：信息应由本单位本科室相关分管领导审阅，约稿信息尤须把关"
        " · ZG-6.1（退改理由）"
    )


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        ({"rules": {}}, "", "needs [sources]"),
        ({"sources": {"ZG": "《办法》"}}, "", "needs [sources]"),
        ({"sources": [], "rules": {}}, "", "needs [sources]"),
        (_data(**{"XX-1": {"article": "一", "quote": "二"}}), "rules.XX-1", "no source named 'XX'"),
        (_data(**{"ZG-6.1": "信息应由分管领导审阅"}), "rules.ZG-6.1", "needs article and quote"),
        (_data(**{"ZG-6.1": {"article": "六、相关工作要求"}}), "rules.ZG-6.1", "needs article and quote"),
        (_data(**{"ZG-6.1": {"article": 6, "quote": "审阅"}}), "rules.ZG-6.1", "needs article and quote"),
        (_data(**{"ZG-6.1": {"article": "六", "quote": "  "}}), "rules.ZG-6.1.quote", "empty"),
        (_data(**{"ZG-6.1": {"article": "", "quote": "审阅"}}), "rules.ZG-6.1.article", "empty"),
        ({"sources": {"ZG": 7}, "rules": {}}, "sources.ZG", "text"),
        ({"sources": {"ZG": " "}, "rules": {}}, "sources.ZG", "text"),
    ],
)
def test_the_rules_loader_names_the_file_and_the_field_at_fault(data, field, problem):
    with pytest.raises(RulesetError) as raised:
        parse_rules(data, "rules.toml")
    error = raised.value
    assert (error.source, error.field) == ("rules.toml", field)
    assert problem in error.problem and str(error).startswith("rules.toml: ")
