"""Random walks through the article machine (hypothesis): random events by random actors with random reasons,
answers and texts, on random days.

Invariants, each checked against what the walk saw happen (its own history), not against the table:
- an article reaches adopted only after the leader signed it off and the office received it, both after its
  last return (ZG-6.1, PUB-5.3);
- a returned article goes back through the leader (awaiting_signoff) before the office sees it again (ZG-6.1);
- withdrawn only while the office does not hold it: never from received (编辑中) or a decision (PUB-5.1, our
  reading: before receipt);
- each event is fired only by the people the issue names (the writer, the leader in charge, the office);
- a return or a decline carried a reason, a resubmission an answer, of at least four characters (ZG-6.1);
- a refused event changes nothing and quotes its rule; terminal states stay.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from config.articles import load_rules
from workflow import articles as domain
from workflow.articles import EVENTS, FUNCTIONS, PROCEDURE, TERMINAL_STATES, Actor, ArticleFacts
from workflow.articles.guards import TEXT_MAX, TEXT_MIN
from workflow.errors import WorkflowError
from workflow.procedure import ACCESS_CODES

RULES = load_rules()

#: Who may fire each event, as the issue states it (not read from the table): the writer sends and revises, the
#: unit's leader in charge signs off or returns, either may withdraw; the office receives, returns and decides.
WHO = {
    "submit": {"author"},
    "resubmit": {"author"},
    "sign_off": {"signer"},
    "leader_return": {"signer"},
    "withdraw": {"author", "signer"},
    "receive": {"editor", "head"},
    "office_return": {"editor", "head"},
    "adopt": {"editor", "head"},
    "decline": {"editor", "head"},
}
#: Events that need a typed reason or answer (ZG-6.1 / PUB-2.4 / INF-2.0).
TYPED = {"leader_return": "reason", "office_return": "reason", "decline": "reason", "resubmit": "answer"}

texts = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "   ", "好", "不行", "abc", "数据不准", "请补充具体做法和成效", "长" * (TEXT_MAX + 1)]
    ),
    st.text(max_size=12),
    st.integers(),
)
functions = st.frozensets(st.sampled_from(sorted(FUNCTIONS)), max_size=3)


def _valid_text(value: object) -> bool:
    return isinstance(value, str) and TEXT_MIN <= len(value.strip()) <= TEXT_MAX


class _Walk(RuleBasedStateMachine):
    """The article, what happened to it, and the invariants; the walks below add the steps."""

    @initialize(
        title=st.sampled_from(["", "甲县推行组工干部下沉一线", "乙区探索“三级联动”选派驻村第一书记"]),
        body_length=st.sampled_from([0, 1, 800]),
        start=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    )
    def write(self, title: str, body_length: int, start: date) -> None:
        self.article = ArticleFacts(title=title, body_length=body_length)
        self.today = start
        #: (event, source, target) of every event that fired, in order
        self.history: list[tuple[str, str, str]] = []
        self.terminal: str | None = None

    def _fire(self, event: str, actor: Actor, inputs: dict[str, object]) -> None:
        article, before = self.article, self.article.state
        snapshot = copy.copy(article)
        refusal = domain.check(article, event, actor, self.today, RULES, **inputs)
        try:
            record = domain.fire(article, event, actor, self.today, RULES, **inputs)
        except WorkflowError as error:
            assert refusal is not None and error.refusal == refusal
            assert article == snapshot, "a refused event changed the article"
            if refusal.code not in ACCESS_CODES:
                text = RULES.texts[refusal.rule or ""]
                assert refusal.message.startswith(
                    f"依据{text.source}{text.article}：{text.quote} · {refusal.rule}"
                )
            return
        assert refusal is None and (record.source, record.dest) == (before, article.state)
        assert actor.functions & WHO[event], f"{event} fired by {set(actor.functions)}"
        if event in TYPED:
            assert _valid_text(inputs[TYPED[event]]), f"{event} fired with {inputs[TYPED[event]]!r}"
        self.history.append((event, before, article.state))
        self._check_the_way_in(event, before)

    def _check_the_way_in(self, event: str, before: str) -> None:
        state = self.article.state
        since_return = self._since_last_return()
        events = [e for e, _, _ in since_return]
        if state == "adopted":
            assert "sign_off" in events and "receive" in events, self.history
            assert events.index("sign_off") < events.index("receive")
            assert self.article.signed_off_on and self.article.received_on and self.article.decided_on
            assert self.article.signed_off_on <= self.article.received_on <= self.article.decided_on
        if state in ("submitted", "received", "adopted", "not_adopted"):
            # the office sees the article only after the leader signed it off — after a return, the revised
            # article went back to the leader first (resubmitted, then signed off)
            assert "sign_off" in events, self.history
            if self._returned():
                assert since_return[0] == ("resubmit", "returned", "awaiting_signoff"), self.history
        if state == "withdrawn":
            assert before not in ("received", *TERMINAL_STATES), self.history
            assert self.article.withdrawn_on == self.today
        if state == "returned":
            assert event in ("leader_return", "office_return")

    def _returned(self) -> bool:
        return any(target == "returned" for _, _, target in self.history)

    def _since_last_return(self) -> list[tuple[str, str, str]]:
        last = max((i for i, (_, _, target) in enumerate(self.history) if target == "returned"), default=-1)
        return self.history[last + 1 :]

    # -- invariants ----------------------------------------------------------------------------------------------

    @invariant()
    def terminal_states_stay_terminal(self) -> None:
        if not hasattr(self, "article"):
            return
        if self.terminal is not None:
            assert self.article.state == self.terminal
        elif self.article.state in TERMINAL_STATES:
            self.terminal = self.article.state

    @invariant()
    def the_state_is_a_state_of_the_table(self) -> None:
        if hasattr(self, "article"):
            assert self.article.state in PROCEDURE.states


class ArticleWalk(_Walk):
    """Any event by any set of functions with any typed value, on any later day; the text changes at any time."""

    @rule(event=st.sampled_from(EVENTS), held=functions, typed=texts, days=st.integers(0, 9))
    def fire_event(self, event: str, held: frozenset[str], typed: object, days: int) -> None:
        self.today += timedelta(days=days)
        inputs = {TYPED[event]: typed} if event in TYPED else {}
        self._fire(event, Actor(held), inputs)

    @rule(title=st.sampled_from(["", " ", "修改后的标题"]), body_length=st.integers(0, 3))
    def edit_text(self, title: str, body_length: int) -> None:
        """The unit revises its text (in the service only while it holds the article; here at any time, so the
        guards meet every text in every state)."""
        self.article.title, self.article.body_length = title, body_length


ArticleWalk.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_random_walks_keep_the_article_invariants = ArticleWalk.TestCase


class GuidedWalk(_Walk):
    """Same invariants, but each step fires an event open in the article's state, mostly by one of the right
    people (sometimes by anyone), with a valid or an invalid reason, so walks get through returns and
    resubmissions to the office's decisions."""

    @rule(
        data=st.data(),
        typed=st.sampled_from(["数据不准", "请补充具体做法和成效", "好", None]),
        days=st.integers(0, 3),
    )
    def fire_an_open_event(self, data: st.DataObject, typed: str | None, days: int) -> None:
        self.today += timedelta(days=days)
        everyone = Actor(FUNCTIONS)
        open_events = [
            e for e in EVENTS if domain.check(self.article, e, everyone, self.today, RULES) is None
        ]
        if not open_events:  # an empty title or text: the writer fills it in
            self.article.title, self.article.body_length = "补写的标题", 500
            return
        event = data.draw(st.sampled_from(open_events), label="event")
        right = st.sampled_from(sorted(WHO[event])).map(lambda function: frozenset({function}))
        anyone = st.sampled_from(sorted(FUNCTIONS)).map(lambda function: frozenset({function}))
        held = data.draw(st.one_of(right, anyone, functions), label="actor")
        self._fire(event, Actor(held), {TYPED[event]: typed} if event in TYPED else {})


GuidedWalk.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_guided_walks_keep_the_article_invariants = GuidedWalk.TestCase


def _explore() -> dict[str, ArticleFacts]:
    """Every state the events the issue names lead to from a draft, with one article in each."""
    found = {"draft": ArticleFacts(title="标题", body_length=10)}
    frontier = list(found.values())
    while frontier:
        article = frontier.pop()
        for event in EVENTS:
            trial = copy.copy(article)
            actor, inputs = (
                Actor(frozenset(WHO[event])),
                ({TYPED[event]: "理由写清楚"} if event in TYPED else {}),
            )
            if domain.check(trial, event, actor, date(2027, 1, 5), RULES, **inputs) is None:
                domain.fire(trial, event, actor, date(2027, 1, 5), RULES, **inputs)
                if trial.state not in found:
                    found[trial.state] = trial
                    frontier.append(trial)
    return found


def test_the_people_the_issue_names_take_an_article_to_every_state():
    """Guards the walks above: their invariants meet adopted, returned and withdrawn articles, not only drafts."""
    assert set(_explore()) == set(PROCEDURE.states)


def test_in_every_state_each_event_is_open_only_to_the_people_the_issue_names():
    """The actor invariant, exhaustively: every state × event × single function (the walks sample it)."""
    for state, article in _explore().items():
        for event in EVENTS:
            for function in sorted(FUNCTIONS):
                trial = copy.copy(article)
                inputs = {TYPED[event]: "理由写清楚"} if event in TYPED else {}
                try:
                    domain.fire(trial, event, Actor(frozenset({function})), date(2027, 1, 5), RULES, **inputs)
                except WorkflowError as error:
                    assert trial == article and error.refusal.code in ACCESS_CODES, (state, event, function)
                    continue
                assert function in WHO[event], f"{function} may {event} from {state}"
