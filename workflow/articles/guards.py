"""The checks the article rows name, and the checks of what a person types with an event.

Guards: ``(facts, actor, today, rules) -> Refusal | None``; input checks: ``(value, today, rules)``. Each
refusal quotes its rule (`ArticleRules.refusal`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.articles.facts import ArticleFacts
from workflow.articles.rules import ArticleRules
from workflow.errors import Refusal
from workflow.procedure import Actor

#: Shortest and longest reason or answer a person may type (a reason of one character says nothing).
TEXT_MIN, TEXT_MAX = 4, 2000
TITLE_MAX = 120
BODY_MAX = 50_000


def has_text(facts: ArticleFacts, actor: Actor, today: date, rules: ArticleRules) -> Refusal | None:
    """PUB-2.4: an article goes out with a title that fits and a text (文题相符)."""
    if not facts.title.strip():
        return rules.refusal("title_missing", "PUB-2.4", "请填写标题")
    if facts.body_length <= 0:
        return rules.refusal("body_missing", "PUB-2.4", "正文为空")
    return None


def _text(value: Any, what: str, rule: str, rules: ArticleRules, code: str) -> Refusal | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        return rules.refusal(code, rule, f"{what}须为文字")
    if len(text) < TEXT_MIN:
        return rules.refusal(code, rule, f"须写明{what}（至少{TEXT_MIN}个字）")
    if len(text) > TEXT_MAX:
        return rules.refusal(code, rule, f"{what}不超过{TEXT_MAX}字")
    return None


def leader_reason(value: Any, today: date, rules: ArticleRules) -> Refusal | None:
    """ZG-6.1: the leader in charge returns an article with the reason written down."""
    return _text(value, "退改理由", "ZG-6.1", rules, "reason_missing")


def office_reason(value: Any, today: date, rules: ArticleRules) -> Refusal | None:
    """PUB-2.4 / PUB-2.2: the office returns or declines an article saying what does not meet the standard."""
    return _text(value, "退改理由", "PUB-2.4", rules, "reason_missing")


def decline_reason(value: Any, today: date, rules: ArticleRules) -> Refusal | None:
    """INF-2.0: a submitted article the office does not adopt is closed with the reason (the unit reads it)."""
    return _text(value, "不采用的理由", "INF-2.0", rules, "reason_missing")


def resubmit_answer(value: Any, today: date, rules: ArticleRules) -> Refusal | None:
    """ZG-6.1: a revised article goes back through the leader with the answer to the return."""
    return _text(value, "修改说明（对退改意见的答复）", "ZG-6.1", rules, "answer_missing")
