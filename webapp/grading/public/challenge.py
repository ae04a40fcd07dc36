"""The question the public objection form asks from an address's 4th objection in an hour (issue 13): a small
sum in Chinese words (「七加五等于多少？」), answered in digits.

The answer never reaches the browser: the session (a signed, but readable, cookie) holds a random nonce, the
time it was asked and an HMAC of nonce, answer and time under the app's SECRET_KEY, which a client cannot invert
without the key. Each question answers once: checking it removes it from the session and records its nonce in
the throttles table (scope ``objection_challenge``), committed at once, so replaying an old cookie with a solved
question is refused too. A question expires after `VALID_FOR`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.services import throttle

SESSION_KEY = "objection_challenge"
VALID_FOR = timedelta(minutes=30)
#: a nonce answers once: its first check counts 1, any later one is over the limit
USED = throttle.Limit("objection_challenge", 1, VALID_FOR * 2)
DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Question:
    text: str
    answer: int


def _words(number: int) -> str:
    return DIGITS[number] if number < 10 else "十" + (DIGITS[number - 10] if number > 10 else "")


def new_question() -> Question:
    """A sum, a difference (never negative) or a product of two numbers from 2 to 9."""
    a, b = 2 + secrets.randbelow(8), 2 + secrets.randbelow(8)
    kind = secrets.randbelow(3)
    if kind == 0:
        return Question(f"{_words(a)}加{_words(b)}等于多少？", a + b)
    if kind == 1:
        a, b = max(a, b), min(a, b)
        return Question(f"{_words(a)}减{_words(b)}等于多少？", a - b)
    return Question(f"{_words(a)}乘以{_words(b)}等于多少？", a * b)


def _mac(nonce: str, answer: int, asked_at: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(
        key, f"objection-challenge:{nonce}:{answer}:{asked_at}".encode(), hashlib.sha256
    ).hexdigest()


def ask() -> str:
    """A new question for this session (replacing any earlier one); returns its text for the form."""
    question = new_question()
    nonce = secrets.token_hex(16)
    asked_at = int(clock.now().timestamp())
    session[SESSION_KEY] = {"nonce": nonce, "at": asked_at, "mac": _mac(nonce, question.answer, asked_at)}
    return question.text


def _as_number(typed: str | None) -> int | None:
    text = unicodedata.normalize("NFKC", typed or "").strip()  # full-width digits count as digits
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


def answered(typed: str | None) -> bool:
    """Whether ``typed`` answers the session's question. The question is used up either way."""
    asked = session.pop(SESSION_KEY, None)
    number = _as_number(typed)
    if not isinstance(asked, dict) or number is None:
        return False
    nonce, asked_at, mac = asked.get("nonce"), asked.get("at"), asked.get("mac")
    if not (isinstance(nonce, str) and isinstance(asked_at, int) and isinstance(mac, str)):
        return False
    now = clock.now()
    if not 0 <= now.timestamp() - asked_at <= VALID_FOR.total_seconds():
        return False
    if not hmac.compare_digest(mac, _mac(nonce, number, asked_at)):
        return False
    first_use = throttle.hit(USED, nonce, now=now).count == 1
    db.session.commit()  # the nonce is spent whatever happens to the objection
    return first_use
