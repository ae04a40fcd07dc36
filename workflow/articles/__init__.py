"""Information articles (信息稿件报送, sources ZG, INF, PUB): the article procedure and its rules.

`table` holds the procedure's rows (`PROCEDURE`), `guards` the checks they name, `facts` what the guards read,
`rules` the quoted rule texts; `urgent` the timers of urgent reports, `numbering` the numbers of a
publication's issues. This module is the procedure's front: `check`, `fire` and the diagram.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.articles.facts import FUNCTIONS, SECRECY_LABELS, SECRECY_LEVELS, Actor, ArticleFacts
from workflow.articles.rules import ArticleRules, RuleText
from workflow.articles.table import (
    ARTICLE_STATES,
    EDITABLE_STATES,
    EVENT_LABELS,
    EVENTS,
    MACHINE,
    OFFICE_EDITABLE_STATES,
    PROCEDURE,
    STATE_LABELS,
    TERMINAL_STATES,
    TRANSITIONS,
    WITHDRAW_NOTE,
)
from workflow.errors import Refusal
from workflow.procedure import TransitionRecord, Verdict

__all__ = [
    "ARTICLE_STATES",
    "EDITABLE_STATES",
    "EVENTS",
    "EVENT_LABELS",
    "FUNCTIONS",
    "MACHINE",
    "OFFICE_EDITABLE_STATES",
    "PROCEDURE",
    "SECRECY_LABELS",
    "SECRECY_LEVELS",
    "STATE_LABELS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "WITHDRAW_NOTE",
    "Actor",
    "ArticleFacts",
    "ArticleRules",
    "RuleText",
    "TransitionRecord",
    "allowed_events",
    "blocked_events",
    "check",
    "fire",
    "mermaid",
    "reasons",
]


def reasons(
    article: ArticleFacts, event: str, actor: Actor, today: date, rules: ArticleRules, **inputs: Any
) -> Verdict:
    """Every reason ``actor`` may not fire ``event`` on ``article`` today (state → actor → guards → inputs).
    An input left out is not checked (asking before anything is typed); one given is checked, None included."""
    return PROCEDURE.check(article, event, actor, today, rules, inputs)


def check(
    article: ArticleFacts, event: str, actor: Actor, today: date, rules: ArticleRules, **inputs: Any
) -> Refusal | None:
    """The first reason ``actor`` may not fire ``event`` on ``article`` today, or None."""
    return reasons(article, event, actor, today, rules, **inputs).first


def fire(
    article: ArticleFacts, event: str, actor: Actor, today: date, rules: ArticleRules, **inputs: Any
) -> TransitionRecord:
    """Apply ``event``; raises InvalidTransition / NotAllowed / GuardRefused. The record carries the row's
    effects; those outside the facts (open or answer a return, record the adoption) are the service's."""
    return PROCEDURE.fire(article, event, actor, today, rules, inputs)


def allowed_events(article: ArticleFacts, actor: Actor, today: date, rules: ArticleRules) -> list[str]:
    return PROCEDURE.allowed_events(article, actor, today, rules)


def blocked_events(
    article: ArticleFacts, actor: Actor, today: date, rules: ArticleRules
) -> list[tuple[str, Refusal]]:
    return PROCEDURE.blocked_events(article, actor, today, rules)


def mermaid(highlight: str | None = None) -> str:
    return PROCEDURE.mermaid(highlight)
