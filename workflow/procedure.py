"""The procedure core: a transition table becomes one shared `transitions` Machine, and every procedure gets
`check` (state → actor → guards, with reasons), `fire`, its labels and its Mermaid diagram from it.

A procedure (grading, later articles and campaigns) writes only data and pure functions: its `Row`s, the guards
they name, the branch functions that pick a target when one event has two outcomes, the inputs a person types
with the check of each, and the side effects as declared `Effect`s. Nothing here knows a regulation.

Guards run once per firing: `fire` checks (every guard once), picks the row, and triggers the machine with the
chosen row, whose only condition is "this is the row `fire` chose". The facts the guards read come in as one
object the caller gathered once.

Effects are data. The core applies those that only change the facts (`set_date`, `set_year`, `clear`); a
service applies the rest (`service_effect`, e.g. grant a grade, close objections) by walking
`TransitionRecord.effects` in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from transitions import Machine

from workflow.errors import GuardRefused, InvalidTransition, NotAllowed, Refusal


class Stateful(Protocol):
    """The facts of one subject (a case, an article…): the core reads and sets ``state``."""

    state: str


F = TypeVar("F", bound=Stateful)
R = TypeVar("R")


@dataclass(frozen=True)
class Actor:
    """The functions the acting person holds in this subject (``applicant``, ``organizer``…)."""

    functions: frozenset[str]


#: ``(facts, actor, today, rules) -> Refusal | None``: why the row may not fire now, or None.
Guard = Callable[[F, Actor, date, R], Refusal | None]
#: ``(facts, today, rules) -> bool``: whether this row is the outcome of its event (rows sharing one event).
Branch = Callable[[F, date, R], bool]
#: ``(value, today, rules) -> Refusal | None``: a value a person typed, checked against the rules.
InputCheck = Callable[[Any, date, R], Refusal | None]

#: Effect kinds the core applies to the facts itself; every other kind is left to a service.
FACT_EFFECTS = frozenset({"set_date", "set_year", "clear"})


@dataclass(frozen=True)
class Effect:
    """A side effect declared on a row. ``kind`` says what, ``field`` on what (a fact's name, a status)."""

    kind: str
    field: str = ""
    #: For ``set_date``: the input whose value is the date (the day of firing when it is not given).
    source: str = ""

    @property
    def on_facts(self) -> bool:
        """Applied by the core to the facts (the service copies the field); otherwise applied by a service."""
        return self.kind in FACT_EFFECTS


def set_date(field: str, *, from_input: str = "") -> Effect:
    """Set the date fact ``field`` to the day of firing (or to the input ``from_input`` when given)."""
    return Effect("set_date", field, from_input)


def set_year(field: str) -> Effect:
    """Set the fact ``field`` to the year of the day of firing."""
    return Effect("set_year", field)


def clear(field: str) -> Effect:
    """Set the fact ``field`` to None."""
    return Effect("clear", field)


def service_effect(kind: str, field: str = "") -> Effect:
    """An effect outside the facts (a grade granted, objections closed): the service applies it."""
    if kind in FACT_EFFECTS:
        raise ValueError(f"{kind} is applied by the core; use {kind}()")
    return Effect(kind, field)


@dataclass(frozen=True)
class Input(Generic[R]):
    """A value a person types with this event (``notice_start``, ``opinion``) and the check it must pass.

    An input left out of the mapping is not checked (asking "may I" before anything is typed); one given is
    checked whatever its value, None included: the check says what None means.
    """

    name: str
    check: InputCheck[R]


@dataclass(frozen=True)
class Row(Generic[F, R]):
    """One transition: ``event`` takes a subject in one of ``source`` to ``target``.

    Rows sharing ``(event, source state)`` are the outcomes of one event: each names a ``when`` branch, and they
    share actors, guards and inputs (the table is checked when the `Procedure` is built).
    """

    id: str
    event: str
    source: tuple[str, ...]
    target: str
    #: Functions that may fire the row.
    actors: tuple[str, ...]
    #: The rule the row implements, cited in the audit trail.
    rule: str
    guards: tuple[Guard[F, R], ...] = ()
    when: Branch[F, R] | None = None
    effects: tuple[Effect, ...] = ()
    inputs: tuple[Input[R], ...] = ()
    #: Edge label for an outcome row (「评审达标」), drawn instead of the event's label.
    outcome: str = ""
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    """The answer of `Procedure.check`: allowed, or the reasons why not (each names and quotes its rule)."""

    reasons: tuple[Refusal, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def first(self) -> Refusal | None:
        return self.reasons[0] if self.reasons else None


ALLOWED = Verdict()
#: Reason codes that are about the state or the actor, not about a guard.
ACCESS_CODES = frozenset({"invalid_transition", "forbidden"})


@dataclass(frozen=True)
class TransitionRecord:
    """What `fire` did, for the audit log and for the service that applies the row's effects."""

    event: str
    source: str
    dest: str
    #: Rule ID of the row that fired.
    rule: str
    #: Id of the row that fired (``CT-08``).
    transition_id: str = ""
    #: The fired row's effects, in declared order.
    effects: tuple[Effect, ...] = ()


class Procedure(Generic[F, R]):
    """A procedure built from its table: the shared machine, checking, firing, labels and diagram."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        subject: str,
        states: Iterable[str],
        initial: str,
        terminal: Iterable[str],
        events: Iterable[str],
        functions: Iterable[str],
        rows: Iterable[Row[F, R]],
        state_labels: Mapping[str, str],
        event_labels: Mapping[str, str],
        drawn_once: Mapping[str, str] | None = None,
    ) -> None:
        #: Registry name (``grading``), used by commands.
        self.name = name
        #: Default diagram title.
        self.title = title
        #: What a subject is called in messages (「案件」).
        self.subject = subject
        self.states: tuple[str, ...] = tuple(states)
        self.initial = initial
        self.terminal = frozenset(terminal)
        self.events: tuple[str, ...] = tuple(events)
        self.functions = frozenset(functions)
        self.rows: tuple[Row[F, R], ...] = tuple(rows)
        self.state_labels = state_labels
        self.event_labels = event_labels
        #: Events drawn once in a diagram, with a note, instead of one arrow per source (withdrawal).
        self.drawn_once: Mapping[str, str] = drawn_once or {}
        self._index: dict[tuple[str, str], tuple[Row[F, R], ...]] = {}
        #: Inputs each event takes, whatever the state (asking with another input is a programming error).
        self._inputs: dict[str, frozenset[str]] = {}
        for row in self.rows:
            self._inputs[row.event] = self._inputs.get(row.event, frozenset()) | {i.name for i in row.inputs}
            for state in row.source:
                self._index[(row.event, state)] = (*self._index.get((row.event, state), ()), row)
        self._check_table()
        #: The one machine every subject shares; `fire` triggers it with the row it chose.
        self.machine = Machine(
            model=None,
            states=list(self.states),
            transitions=[
                {
                    "trigger": row.event,
                    "source": list(row.source),
                    "dest": row.target,
                    "conditions": [_chosen(row)],
                }
                for row in self.rows
            ],
            initial=None,
            auto_transitions=False,
            send_event=True,
        )

    def _check_table(self) -> None:
        states, events = set(self.states), set(self.events)
        problems = []
        if self.initial not in states or not self.terminal <= states:
            problems.append("initial and terminal states must be states")
        for row in self.rows:
            if row.event not in events or row.target not in states or not set(row.source) <= states:
                problems.append(f"{row.id}: unknown event or state")
            if not row.actors or not set(row.actors) <= self.functions:
                problems.append(f"{row.id}: actors must be known functions")
            if set(row.source) & self.terminal:
                problems.append(f"{row.id}: leaves a terminal state")
            unknown = [
                e.source for e in row.effects if e.source and e.source not in {i.name for i in row.inputs}
            ]
            if unknown:
                problems.append(f"{row.id}: effect reads an input the row does not take: {unknown}")
        for (event, state), rows in self._index.items():
            first = rows[0]
            if any(
                (r.actors, r.guards, r.inputs) != (first.actors, first.guards, first.inputs) for r in rows
            ):
                problems.append(f"{event} from {state}: outcomes differ in actors, guards or inputs")
            if len(rows) > 1 and any(r.when is None for r in rows):
                problems.append(f"{event} from {state}: several rows, each needs a `when` branch")
        if problems:
            raise ValueError("; ".join(problems))

    # -- labels ------------------------------------------------------------------------------------------------

    def state_label(self, state: str) -> str:
        return self.state_labels.get(state, state)

    def event_label(self, event: str) -> str:
        return self.event_labels.get(event, event)

    # -- the table as a graph ----------------------------------------------------------------------------------

    def rows_for(self, event: str, state: str) -> tuple[Row[F, R], ...]:
        """The rows of ``event`` from ``state`` (one, or one per outcome; none when undefined there)."""
        return self._index.get((event, state), ())

    def sources(self, event: str) -> frozenset[str]:
        """The states ``event`` may be fired from."""
        return frozenset(state for row in self.rows if row.event == event for state in row.source)

    def states_up_to(self, event: str) -> frozenset[str]:
        """The source states of ``event`` and every state the procedure passes through before them."""
        states = set(self.sources(event))
        while True:
            before = {s for row in self.rows if row.target in states for s in row.source} - states
            if not before:
                return frozenset(states)
            states |= before

    def inputs_of(self, event: str) -> frozenset[str]:
        """The names of the inputs a person types with ``event`` (``notice_start``, ``opinion``)."""
        return self._inputs.get(event, frozenset())

    # -- checking and firing -----------------------------------------------------------------------------------

    def access(self, state: str, event: str, actor: Actor) -> Refusal | None:
        """State → actor only (no guards): whether ``event`` exists in ``state`` and ``actor`` may fire it."""
        rows = self.rows_for(event, state)
        if not rows:
            message = f"{self.subject}当前状态为“{self.state_label(state)}”，不能“{self.event_label(event)}”"
            return Refusal("invalid_transition", message, None)
        if not actor.functions & set(rows[0].actors):
            message = f"您在本{self.subject}中没有“{self.event_label(event)}”的职权"
            return Refusal("forbidden", message, rows[0].rule)
        return None

    def check(
        self,
        facts: F,
        event: str,
        actor: Actor,
        today: date,
        rules: R,
        inputs: Mapping[str, Any] | None = None,
        *,
        awaiting: Collection[Guard[F, R]] = (),
    ) -> Verdict:
        """Whether ``actor`` may fire ``event`` now. State, then actor (one reason each, and the guards do not
        run); then every guard of the row and every input given, each once, all their reasons in order.

        ``awaiting``: guards on what the person will supply with the event (e.g. the panel's result) when only
        asking whether it is possible; they are skipped rather than fed a made-up value.

        Raises TypeError for an input the event does not take (a programming error, not a person's)."""
        inputs = inputs or {}
        unknown = set(inputs) - self.inputs_of(event)
        if unknown:
            raise TypeError(f"unexpected input for {event}: {', '.join(sorted(unknown))}")
        refusal = self.access(facts.state, event, actor)
        if refusal is not None:
            return Verdict((refusal,))
        row = self.rows_for(event, facts.state)[0]
        reasons = [
            r
            for guard in row.guards
            if guard not in awaiting and (r := guard(facts, actor, today, rules)) is not None
        ]
        for item in row.inputs:
            if item.name in inputs and (r := item.check(inputs[item.name], today, rules)) is not None:
                reasons.append(r)
        return Verdict(tuple(reasons))

    def fire(
        self,
        facts: F,
        event: str,
        actor: Actor,
        today: date,
        rules: R,
        inputs: Mapping[str, Any] | None = None,
    ) -> TransitionRecord:
        """Check, pick the outcome, move the state through the shared machine, apply the effects on the facts.

        Raises InvalidTransition / NotAllowed / GuardRefused with the first reason; nothing changes then."""
        inputs = inputs or {}
        verdict = self.check(facts, event, actor, today, rules, inputs)
        refusal = verdict.first
        if refusal is not None:
            if refusal.code == "invalid_transition":
                raise InvalidTransition(refusal)
            if refusal.code == "forbidden":
                raise NotAllowed(refusal)
            raise GuardRefused(refusal)
        source = facts.state
        row = next(r for r in self.rows_for(event, source) if r.when is None or r.when(facts, today, rules))
        if not self.machine.events[event].trigger(facts, row=row):
            # Unreachable: the machine's only condition is that this is the row chosen above.
            raise GuardRefused(Refusal("guard_refused", "规则检查未通过", row.rule))
        for effect in row.effects:
            _apply_to_facts(effect, facts, today, inputs)
        return TransitionRecord(event, source, facts.state, row.rule, row.id, row.effects)

    def allowed_events(self, facts: F, actor: Actor, today: date, rules: R) -> list[str]:
        """Events ``actor`` may fire now, in table order."""
        return [event for event in self.events if self.check(facts, event, actor, today, rules)]

    def blocked_events(self, facts: F, actor: Actor, today: date, rules: R) -> list[tuple[str, Refusal]]:
        """Events defined for the state and open to ``actor`` but refused by a guard: shown disabled, with why."""
        blocked = []
        for event in self.events:
            refusal = self.check(facts, event, actor, today, rules).first
            if refusal is not None and refusal.code not in ACCESS_CODES:
                blocked.append((event, refusal))
        return blocked

    # -- diagrams ------------------------------------------------------------------------------------------------

    def edges(self) -> list[tuple[str, str, str]]:
        """(source, target, label) of every arrow a diagram for people draws, in table order: labels for people,
        outcome rows named by outcome, and the events in `drawn_once` left out (said once, with their note)."""
        edges: list[tuple[str, str, str]] = []
        for row in self.rows:
            if row.event in self.drawn_once:
                continue
            label = row.outcome or self.event_label(row.event)
            edges += [(source, row.target, label) for source in row.source]
        return edges

    def mermaid(self, highlight: str | None = None, title: str | None = None) -> str:
        """Mermaid source of the machine (via `GraphMachine(graph_engine="mermaid")`), ``highlight`` marked active.

        Drawn for people: states and events carry their labels, the diagram starts at the initial state whatever
        is highlighted, and each `drawn_once` event is drawn once with its note.
        """
        from transitions.extensions.diagrams import GraphMachine

        class _Holder:
            state: str

        if highlight is not None and highlight not in self.states:
            raise ValueError(f"unknown state {highlight!r}")
        holder = _Holder()
        GraphMachine(
            model=holder,
            states=list(self.states),
            transitions=[
                {"trigger": row.event, "source": list(row.source), "dest": row.target} for row in self.rows
            ],
            initial=highlight or self.initial,
            auto_transitions=False,
            graph_engine="mermaid",
            title=title or self.title,
        )
        source: str = holder.get_graph().draw(None)  # type: ignore[attr-defined]
        if highlight is None:
            # The graph marks the model's state active; with nothing to highlight, draw every state alike.
            source = source.replace(f"Class {self.initial} s_active", f"Class {self.initial} s_default")
        return self._label_for_people(source)

    def _label_for_people(self, source: str) -> str:
        outcomes = {(row.event, row.target): row.outcome for row in self.rows if row.outcome}
        lines: list[str] = []
        drawn: set[str] = set()
        for line in source.splitlines():
            if match := _STATE_LINE.match(line):
                indent, state, alias = match.groups()
                line = f'{indent}state "{self.state_label(state)}" as {alias}'
            elif match := _EDGE_LINE.match(line):
                indent, source_state, target, event = match.groups()
                if event in self.drawn_once:
                    if event not in drawn:
                        drawn.add(event)
                        lines.append(f"{indent}{source_state} --> {target}: {self.event_label(event)}")
                        lines.append(f"{indent}note right of {target}: {self.drawn_once[event]}")
                    continue
                label = outcomes.get((event, target)) or self.event_label(event)
                line = f"{indent}{source_state} --> {target}: {label}"
            elif match := _START_LINE.match(line):
                # transitions points the start marker at the model's (highlighted) state; the procedure starts here.
                line = f"{match.group(1)}[*] --> {self.initial}"
            lines.append(line.replace("  Class ", "  class "))
        return "\n".join(lines) + "\n"


_STATE_LINE = re.compile(r'^(\s*)state "(\w+)" as (\w+)$')
_EDGE_LINE = re.compile(r"^(\s*)(\w+) --> (\w+): (\w+)$")
_START_LINE = re.compile(r"^(\s*)\[\*\] --> \w+$")


def _chosen(row: Row[Any, Any]) -> Callable[[Any], bool]:
    """The machine condition of ``row``: `fire` chose it (send_event=True passes an EventData)."""

    def condition(event_data: Any) -> bool:
        return event_data.kwargs.get("row") is row

    condition.__name__ = f"chosen_{row.id}"
    return condition


def _apply_to_facts(effect: Effect, facts: Any, today: date, inputs: Mapping[str, Any]) -> None:
    if effect.kind == "set_date":
        value = inputs.get(effect.source) if effect.source else None
        setattr(facts, effect.field, value or today)
    elif effect.kind == "set_year":
        setattr(facts, effect.field, today.year)
    elif effect.kind == "clear":
        setattr(facts, effect.field, None)
