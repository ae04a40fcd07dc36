"""Random walks through the case machine (hypothesis): random events, actors, dates, attachments, panels, results.

Invariants: a case reaches `approved` only after a notice of the ruleset's minimum length (ARC-10.3.2), a passing
review by a panel inside the row's size range (ARC-7.2, ARC-10.4.2–10.4.4) and with the basis documents
(ARC-10.5.1); terminal states stay terminal; a refused event never changes the state.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from config.rulesets import load_ruleset
from workflow import calendar
from workflow.errors import WorkflowError
from workflow.grading import (
    EVENTS,
    FUNCTIONS,
    TERMINAL_STATES,
    Actor,
    allowed_events,
    check,
    fire,
    open_case,
    review_passed,
)

from ..conftest import TESTPROV, all_preconditions, graded_organ

HUBEI = load_ruleset("hubei-2011")
OTHER = load_ruleset(TESTPROV)

#: (ruleset, organ, level, kind, first day): applications that are eligible, so walks get far.
SCENARIOS = [
    (
        HUBEI,
        graded_organ("county_direct", "second", date(2020, 3, 15), date(2023, 3, 14)),
        "first",
        "evaluation",
        date(2022, 1, 3),
    ),
    (
        HUBEI,
        graded_organ("city_direct", "first", date(2021, 11, 20), date(2024, 11, 19), guidance=True),
        "special",
        "evaluation",
        date(2023, 1, 3),
    ),
    (HUBEI, graded_organ("township", None), "second", "evaluation", date(2024, 1, 2)),
    (OTHER, graded_organ("local", None), "bronze", "assessment", date(2030, 2, 1)),
]


def attachment_ids(ruleset):
    return [kind.id for kind in ruleset.attachment_kinds]


class CaseWalk(RuleBasedStateMachine):
    @initialize(scenario=st.sampled_from(SCENARIOS))
    def open(self, scenario):
        self.ruleset, organ, level, kind, self.today = scenario
        self.case = open_case(self.ruleset, organ, level, kind, all_preconditions(self.ruleset))
        self.terminal = None
        self.review_ok = False  # the last conclusion into awaiting_approval passed with a panel in range
        self.notice_ok = False  # the last entry into in_review came after a full notice

    @rule(
        event=st.sampled_from(EVENTS),
        functions=st.frozensets(st.sampled_from(sorted(FUNCTIONS)), max_size=3),
        days=st.integers(0, 12),
    )
    def fire_event(self, event, functions, days):
        self.today += timedelta(days=days)
        case, before = self.case, self.case.state
        actor = Actor(functions)
        refusal = check(case, event, actor, self.today, self.ruleset)
        snapshot = (case.panel_size, case.total_score, case.conclusion, set(case.attachments))
        try:
            record = fire(case, event, actor, self.today, self.ruleset)
        except WorkflowError as error:
            assert refusal is not None and error.refusal == refusal
            assert case.state == before
            return
        assert refusal is None and record.source == before and record.dest == case.state
        if case.state == "in_review":
            may_close = calendar.notice_may_close_on(self.ruleset, case.notice_start)
            self.notice_ok = self.today >= may_close
        if case.state == "awaiting_approval":
            low, high = case.assignment.panel
            self.review_ok = (
                snapshot[0] is not None
                and low <= snapshot[0] <= high
                and review_passed(case, self.today, self.ruleset)
            )
        if case.state == "approved":
            assert self.notice_ok and self.review_ok
            assert case.notice_closed_on is not None
            for document in self.ruleset.basis_documents:
                assert set(document.attachments) <= snapshot[3], document.name

    @rule(
        data=st.data(),
        panel=st.none() | st.integers(1, 12),
        score=st.none() | st.floats(0, 100, allow_nan=False),
        conclusion=st.sampled_from([None, "pass", "fail"]),
        objections=st.integers(0, 2),
    )
    def record_facts(self, data, panel, score, conclusion, objections):
        kinds = attachment_ids(self.ruleset)
        self.case.attachments = set(data.draw(st.sets(st.sampled_from(kinds)), label="attachments"))
        self.case.panel_size, self.case.total_score, self.case.conclusion = panel, score, conclusion
        self.case.open_objections = objections

    @invariant()
    def terminal_states_stay_terminal(self):
        if not hasattr(self, "case"):
            return
        if self.terminal is not None:
            assert self.case.state == self.terminal
        elif self.case.state in TERMINAL_STATES:
            self.terminal = self.case.state


CaseWalk.TestCase.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
test_random_walks_keep_the_case_invariants = CaseWalk.TestCase


#: Events that move a case forward (no withdrawal or refusal), so guided walks get deep into the procedure.
PROGRESS_EVENTS = [
    "apply", "forward", "plan", "request_acceptance", "start_precheck", "pass_precheck", "close_notice",
    "dismiss_objection", "resubmit", "conclude_review", "approve",
]  # fmt: skip


class GuidedWalk(CaseWalk):
    """Same invariants, but actors always hold every function and facts are often complete, so walks reach approval."""

    @rule(data=st.data(), days=st.integers(0, 10))
    def fire_an_allowed_event(self, data, days):
        everyone = Actor(FUNCTIONS)
        allowed = [
            e for e in allowed_events(self.case, everyone, self.today + timedelta(days=days), self.ruleset)
        ]
        progress = [e for e in allowed if e in PROGRESS_EVENTS]
        if progress:
            self.fire_event(data.draw(st.sampled_from(progress), label="event"), FUNCTIONS, days)
        else:
            self.today += timedelta(days=days)  # e.g. a notice still running: let time pass

    @rule(score=st.floats(60, 100), conclusion=st.sampled_from(["pass", "fail"]), spread=st.integers(-1, 1))
    def complete_the_file(self, score, conclusion, spread):
        low, high = self.case.assignment.panel
        self.case.attachments = set(attachment_ids(self.ruleset))
        self.case.open_objections = 0
        self.case.panel_size = {-1: low - 1, 0: (low + high) // 2, 1: high}[spread]
        self.case.total_score, self.case.conclusion = score, conclusion


GuidedWalk.TestCase.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
test_guided_walks_keep_the_case_invariants = GuidedWalk.TestCase
