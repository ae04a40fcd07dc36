"""What happens next and who acts, per state (ARC-10.0: 申报、预检、公示、评审、审批)."""

from __future__ import annotations

import pytest

from workflow import grading
from workflow.grading.next_step import FORWARD_STEP, NEXT_STEPS, next_step


def test_every_state_of_the_procedure_has_a_next_step():
    assert set(NEXT_STEPS) == set(grading.CASE_STATES)


@pytest.mark.parametrize("state", sorted(set(grading.CASE_STATES) - grading.TERMINAL_STATES))
def test_the_function_named_for_a_running_state_can_fire_a_transition_out_of_it_arc_10_0(state):
    step = next_step(state)
    actors = {a for row in grading.TRANSITIONS if state in row.source for a in row.actors}
    assert step.function in actors


@pytest.mark.parametrize("state", sorted(grading.TERMINAL_STATES))
def test_nobody_acts_on_a_finished_case(state):
    assert next_step(state).function is None


def test_an_application_awaiting_forwarding_goes_to_the_forwarding_bureau_first_arc_10_1_2():
    assert next_step("applied", awaits_forwarding=True) == FORWARD_STEP
    assert FORWARD_STEP.function == "forwarder"
    assert next_step("applied").function == "planner"
