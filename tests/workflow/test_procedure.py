"""The procedure core (workflow/procedure.py) on a tiny made-up procedure: a library loan.

requested --lend--> lent --give_back--> returned (on time) | late (after the due day); requested --refuse--> refused.
Rules LIB-1…LIB-4 are invented; nothing here is a regulation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest

from workflow.errors import GuardRefused, InvalidTransition, NotAllowed, Refusal
from workflow.procedure import (
    Actor,
    Effect,
    Input,
    Procedure,
    Row,
    clear,
    service_effect,
    set_date,
    set_year,
)


@dataclass
class Loan:
    state: str = "requested"
    member: bool = True
    fines: int = 0
    lent_on: date | None = None
    due: date | None = None
    year: int | None = None
    note: str | None = "left from before"


@dataclass(frozen=True)
class Rules:
    max_fines: int = 0


calls: Counter[str] = Counter()


def refusal(code: str, rule: str, quote: str) -> Refusal:
    return Refusal(code, f"依据{rule}：{quote}", rule)


def is_member(loan: Loan, actor: Actor, today: date, rules: Rules) -> Refusal | None:
    calls["is_member"] += 1
    return None if loan.member else refusal("not_a_member", "LIB-1", "只借给本馆读者")


def no_fines(loan: Loan, actor: Actor, today: date, rules: Rules) -> Refusal | None:
    calls["no_fines"] += 1
    return None if loan.fines <= rules.max_fines else refusal("fines_unpaid", "LIB-2", "欠费须先缴清")


def on_time(loan: Loan, today: date, rules: Rules) -> bool:
    calls["on_time"] += 1
    return loan.due is None or today <= loan.due


def overdue(loan: Loan, today: date, rules: Rules) -> bool:
    calls["overdue"] += 1
    return not on_time(loan, today, rules)


def due_in_range(value: object, today: date, rules: Rules) -> Refusal | None:
    calls["due_in_range"] += 1
    if value is None or (isinstance(value, date) and value > today):
        return None
    return refusal("due_in_past", "LIB-3", "应还日期须晚于借出日")


DUE = Input("due", due_in_range)
FINE = service_effect("charge_fine", "late")

ROWS: tuple[Row[Loan, Rules], ...] = (
    Row("L-1", "lend", ("requested",), "lent", ("desk",), "LIB-1", guards=(is_member, no_fines),
        inputs=(DUE,), effects=(set_date("lent_on"), set_date("due", from_input="due"), set_year("year"),
                                clear("note"))),
    Row("L-2", "give_back", ("lent",), "returned", ("desk", "reader"), "LIB-4", when=on_time, outcome="按期归还"),
    Row("L-3", "give_back", ("lent",), "late", ("desk", "reader"), "LIB-4", when=overdue, outcome="逾期归还",
        effects=(FINE,)),
    Row("L-4", "refuse", ("requested",), "refused", ("desk",), "LIB-1"),
    Row("L-5", "cancel", ("requested", "lent"), "refused", ("reader",), "LIB-1"),
)  # fmt: skip


def library(rows: tuple[Row[Loan, Rules], ...] = ROWS) -> Procedure[Loan, Rules]:
    return Procedure(
        name="loans",
        title="借阅",
        subject="借阅",
        states=("requested", "lent", "returned", "late", "refused"),
        initial="requested",
        terminal=("returned", "late", "refused"),
        events=("lend", "give_back", "refuse", "cancel"),
        functions=("desk", "reader"),
        rows=rows,
        state_labels={
            "requested": "已申请",
            "lent": "已借出",
            "returned": "已归还",
            "late": "逾期",
            "refused": "未借",
        },
        event_labels={"lend": "借出", "give_back": "归还", "refuse": "拒借", "cancel": "取消"},
        drawn_once={"cancel": "办结前均可取消"},
    )


LIBRARY = library()
DESK, READER = Actor(frozenset({"desk"})), Actor(frozenset({"reader"}))
TODAY = date(2030, 5, 1)


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


# -- check: state → actor → guards, every reason naming its rule ---------------------------------------------------


def test_an_event_undefined_in_the_state_gives_one_reason_and_runs_no_guard():
    verdict = LIBRARY.check(Loan(state="lent"), "lend", DESK, TODAY, Rules())
    assert not verdict and [r.code for r in verdict.reasons] == ["invalid_transition"]
    assert verdict.first.message == "借阅当前状态为“已借出”，不能“借出”"
    assert not calls


def test_an_actor_without_the_function_gives_one_reason_naming_the_rows_rule_and_runs_no_guard():
    verdict = LIBRARY.check(Loan(member=False), "lend", READER, TODAY, Rules())
    assert [(r.code, r.rule) for r in verdict.reasons] == [("forbidden", "LIB-1")]
    assert verdict.first.message == "您在本借阅中没有“借出”的职权"
    assert not calls


def test_every_failing_guard_gives_its_reason_in_table_order_each_quoting_its_rule():
    verdict = LIBRARY.check(Loan(member=False, fines=3), "lend", DESK, TODAY, Rules())
    assert [(r.code, r.rule) for r in verdict.reasons] == [
        ("not_a_member", "LIB-1"),
        ("fines_unpaid", "LIB-2"),
    ]
    assert all(r.message.startswith(f"依据{r.rule}：") for r in verdict.reasons)
    assert verdict.first.code == "not_a_member" and not verdict.allowed


def test_a_given_input_is_checked_after_the_guards_and_a_left_out_one_is_not():
    assert LIBRARY.check(Loan(), "lend", DESK, TODAY, Rules())
    assert not calls["due_in_range"]
    verdict = LIBRARY.check(Loan(fines=1), "lend", DESK, TODAY, Rules(), {"due": date(2030, 4, 1)})
    assert [r.code for r in verdict.reasons] == ["fines_unpaid", "due_in_past"]


def test_an_input_the_event_does_not_take_is_a_programming_error_in_any_state():
    assert LIBRARY.inputs_of("lend") == {"due"} and LIBRARY.inputs_of("give_back") == frozenset()
    with pytest.raises(TypeError, match="due"):
        LIBRARY.check(Loan(state="lent"), "give_back", DESK, TODAY, Rules(), {"due": TODAY})
    with pytest.raises(TypeError):
        LIBRARY.check(Loan(state="returned"), "refuse", DESK, TODAY, Rules(), {"due": TODAY})


# -- fire: guards once, effects declared ---------------------------------------------------------------------------


def test_firing_runs_each_guard_and_input_check_exactly_once():
    record = LIBRARY.fire(Loan(), "lend", DESK, TODAY, Rules(), {"due": date(2030, 5, 15)})
    assert record.dest == "lent"
    assert calls == Counter({"is_member": 1, "no_fines": 1, "due_in_range": 1})


def test_firing_an_event_with_two_outcomes_picks_the_row_once_and_reports_it():
    loan = Loan(state="lent", due=date(2030, 4, 30))
    record = LIBRARY.fire(loan, "give_back", READER, TODAY, Rules())
    assert (record.transition_id, record.dest, loan.state) == ("L-3", "late", "late")
    assert calls["on_time"] <= 2 and calls["overdue"] == 1  # each branch asked once (overdue reuses on_time)


def test_a_refused_firing_raises_with_the_first_reason_and_changes_nothing():
    loan = Loan(member=False)
    with pytest.raises(GuardRefused) as raised:
        LIBRARY.fire(loan, "lend", DESK, TODAY, Rules())
    assert raised.value.refusal.rule == "LIB-1" and loan == Loan(member=False)
    with pytest.raises(NotAllowed):
        LIBRARY.fire(loan, "lend", READER, TODAY, Rules())
    with pytest.raises(InvalidTransition):
        LIBRARY.fire(loan, "give_back", DESK, TODAY, Rules())
    assert calls["is_member"] == 1  # the two access refusals ran no guard


def test_fact_effects_are_applied_by_the_core_and_the_rest_are_returned_for_the_service():
    loan = Loan()
    record = LIBRARY.fire(loan, "lend", DESK, TODAY, Rules(), {"due": date(2030, 5, 20)})
    assert (loan.lent_on, loan.due, loan.year, loan.note) == (TODAY, date(2030, 5, 20), 2030, None)
    assert record.effects == ROWS[0].effects and all(effect.on_facts for effect in record.effects)
    late = LIBRARY.fire(loan, "give_back", DESK, date(2030, 6, 1), Rules())
    assert late.effects == (Effect("charge_fine", "late"),) and not late.effects[0].on_facts
    assert loan.fines == 0  # a service effect is data: the core does not apply it


def test_a_date_effect_from_an_input_left_out_uses_the_day_of_firing():
    loan = Loan()
    LIBRARY.fire(loan, "lend", DESK, TODAY, Rules())
    assert loan.due == TODAY


def test_one_shared_machine_no_model_attached_and_no_to_state_back_doors():
    first, second = Loan(), Loan()
    LIBRARY.fire(first, "lend", DESK, TODAY, Rules())
    assert (first.state, second.state) == ("lent", "requested")
    assert LIBRARY.machine.models == [] and "to_lent" not in LIBRARY.machine.events


def test_allowed_and_blocked_events_for_buttons():
    loan = Loan(fines=2)
    assert LIBRARY.allowed_events(loan, DESK, TODAY, Rules()) == ["refuse"]
    assert [(e, r.code) for e, r in LIBRARY.blocked_events(loan, DESK, TODAY, Rules())] == [
        ("lend", "fines_unpaid")
    ]


# -- the table is checked when the procedure is built ------------------------------------------------------------


def test_outcomes_of_one_event_must_share_actors_and_guards():
    bad = (
        ROWS[0],
        ROWS[1],
        Row("L-3", "give_back", ("lent",), "late", ("desk",), "LIB-4", when=overdue),
        *ROWS[3:],
    )
    with pytest.raises(ValueError, match="outcomes differ"):
        library(bad)


def test_two_rows_for_one_event_and_state_each_need_a_branch():
    bad = (*ROWS[:2], Row("L-3", "give_back", ("lent",), "late", ("desk", "reader"), "LIB-4"), *ROWS[3:])
    with pytest.raises(ValueError, match="branch"):
        library(bad)


def test_a_row_may_not_leave_a_terminal_state_nor_name_an_unknown_function_or_input():
    with pytest.raises(ValueError, match="terminal"):
        library((*ROWS, Row("L-9", "refuse", ("returned",), "refused", ("desk",), "LIB-1")))
    with pytest.raises(ValueError, match="functions"):
        library((*ROWS, Row("L-9", "refuse", ("lent",), "refused", ("janitor",), "LIB-1")))
    with pytest.raises(ValueError, match="input"):
        library((*ROWS, Row("L-9", "refuse", ("lent",), "refused", ("desk",), "LIB-1",
                            effects=(set_date("due", from_input="due"),))))  # fmt: skip
    with pytest.raises(ValueError):
        service_effect("set_date", "due")


def test_sources_and_the_states_before_an_event():
    assert LIBRARY.sources("give_back") == {"lent"}
    assert LIBRARY.states_up_to("give_back") == {"requested", "lent"}


# -- labels and the diagram ------------------------------------------------------------------------------------


def test_the_mermaid_diagram_is_labelled_for_people_and_highlights_the_current_state():
    source = LIBRARY.mermaid(highlight="lent")
    for state, label in LIBRARY.state_labels.items():
        assert f'state "{label}" as {state}' in source
    assert "requested --> lent: 借出" in source
    assert "lent --> returned: 按期归还" in source and "lent --> late: 逾期归还" in source
    assert source.count("--> refused: 取消") == 1 and "note right of refused: 办结前均可取消" in source
    assert "class lent s_active" in source and "[*] --> requested" in source and "借阅" in source
    assert "s_active\n" not in LIBRARY.mermaid().split("classDef")[-1]
    with pytest.raises(ValueError):
        LIBRARY.mermaid(highlight="lost")


def test_edges_name_outcomes_and_leave_out_events_drawn_once():
    assert LIBRARY.edges() == [
        ("requested", "lent", "借出"),
        ("lent", "returned", "按期归还"),
        ("lent", "late", "逾期归还"),
        ("requested", "refused", "拒借"),
    ]
    assert LIBRARY.state_label("late") == "逾期" and LIBRARY.event_label("nope") == "nope"
