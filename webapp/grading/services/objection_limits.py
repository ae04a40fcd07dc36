"""Rate limits on public objections (issue 13): the form and the API need no login, so without limits one address
could bury a notice under objections (50 in 1.2 s were accepted before).

- per address: at most `PER_ADDRESS` (5) objections an hour; from the `CHALLENGE_FROM`-th (4th) on, the web form
  asks an arithmetic question first (`challenges`), and the API — which carries no session to keep an answer in —
  answers 429 ``challenge_required`` (the web form stays open to a person);
- per case: at most `PER_CASE` (20) objections a day, whoever sends them.

Only accepted objections count: `record` runs inside the objection's transaction, so a refused one (over a limit,
bad input, outside the notice) rolls its count back together with everything else — nothing is stored. The
counter is one atomic upsert per key (`webapp.core.services.throttle.hit`); on PostgreSQL its row stays locked
until the objection commits, so concurrent submissions from one address are counted one after the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from webapp.core.extensions import db
from webapp.core.models.throttle import Throttle
from webapp.core.services import throttle
from webapp.core.services.errors import ServiceError

PER_ADDRESS = throttle.Limit("objection_address", 5, timedelta(hours=1))
PER_CASE = throttle.Limit("objection_case", 20, timedelta(days=1))
#: the objection (counted per address within the hour) from which a person must answer the question first
CHALLENGE_FROM = 4


class RateLimited(ServiceError):
    """429: over a limit; ``retry_after`` seconds until the window that counts ends."""

    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


class ChallengeRequired(ServiceError):
    """The address has reached the challenge threshold and the answer was not given (or was wrong)."""

    status = 429

    def __init__(
        self,
        message: str = f"同一网络地址一小时内已提交{CHALLENGE_FROM - 1}份异议，继续提交请先回答验证问题。",
    ) -> None:
        super().__init__(message, code="challenge_required", field="challenge")


MESSAGES = {
    PER_ADDRESS.scope: f"提交过于频繁：同一网络地址每小时最多提交{PER_ADDRESS.limit}份异议，请稍后再试；"
    "如情况紧急，请直接联系组织考评的档案局。",
    PER_CASE.scope: f"该公示今日收到的异议已达上限（每天{PER_CASE.limit}份），请明天再提交，"
    "或直接联系组织考评的档案局。",
}


def _limited(limit: throttle.Limit, key: str | int, now: datetime) -> RateLimited:
    """The refusal for ``key`` over ``limit``, with the seconds until its window ends."""
    row = db.session.get(Throttle, (limit.scope, str(key)[: throttle.KEY_LENGTH]))
    left = (row.window_started_at + limit.window - now).total_seconds() if row is not None else 0
    return RateLimited(MESSAGES[limit.scope], retry_after=max(1, int(left)))


def needs_challenge(address: str, *, now: datetime) -> bool:
    """Whether the next objection from ``address`` must come with the answer to a question."""
    return bool(address) and throttle.count(PER_ADDRESS, address, now=now) >= CHALLENGE_FROM - 1


def check(case_id: int, address: str, *, now: datetime) -> None:
    """Refuse early (no write) when the next objection would be over a limit; `record` decides for good."""
    if address and throttle.count(PER_ADDRESS, address, now=now) >= PER_ADDRESS.limit:
        raise _limited(PER_ADDRESS, address, now)
    if throttle.count(PER_CASE, case_id, now=now) >= PER_CASE.limit:
        raise _limited(PER_CASE, case_id, now)


def record(case_id: int, address: str, *, now: datetime, challenge_passed: bool) -> None:
    """Count one objection on ``case_id`` from ``address`` ("" outside a request: the per-address limit does not
    apply) inside the objection's transaction; raises (and so rolls back the counts and the objection) when it
    is over a limit or needs an answer that was not given."""
    if address:
        by_address = throttle.hit(PER_ADDRESS, address, now=now)
        if by_address.count > PER_ADDRESS.limit:
            raise _limited(PER_ADDRESS, address, now)
        if by_address.count >= CHALLENGE_FROM and not challenge_passed:
            raise ChallengeRequired()
    by_case = throttle.hit(PER_CASE, case_id, now=now)
    if by_case.count > PER_CASE.limit:
        raise _limited(PER_CASE, case_id, now)
