"""The counter behind the login lock and the objection limits (issue 13): a fixed window per (scope, key), a lock
from the attempt that reaches the limit, one atomic upsert per attempt. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.core.extensions import db
from webapp.core.models import Throttle
from webapp.core.services import throttle

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LOGIN = throttle.Limit("login_account", limit=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))
RATE = throttle.Limit("objection_address", limit=3, window=timedelta(hours=1))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_the_fifth_failure_in_the_window_locks_for_fifteen_minutes(ctx):
    hits = [throttle.hit(LOGIN, "zhang", now=T0 + timedelta(minutes=i)) for i in range(5)]
    assert [h.count for h in hits] == [1, 2, 3, 4, 5]
    assert not any(h.locked(T0 + timedelta(minutes=4)) for h in hits[:4])
    assert hits[4].locked_until == T0 + timedelta(minutes=4 + 15)
    assert throttle.locked_until(LOGIN, "zhang", now=T0 + timedelta(minutes=18)) == hits[4].locked_until
    assert (
        throttle.locked_until(LOGIN, "zhang", now=T0 + timedelta(minutes=19)) is None
    )  # the lock has run out


def test_a_lock_is_not_extended_by_attempts_while_locked(ctx):
    for i in range(5):
        throttle.hit(LOGIN, "zhang", now=T0 + timedelta(seconds=i))
    first = throttle.locked_until(LOGIN, "zhang", now=T0 + timedelta(minutes=1))
    again = throttle.hit(LOGIN, "zhang", now=T0 + timedelta(minutes=10))
    assert again.locked_until == first


def test_failures_spread_beyond_the_window_never_lock(ctx):
    for i in range(12):  # one every 4 minutes: 4 in any 15-minute window
        hit = throttle.hit(LOGIN, "li", now=T0 + timedelta(minutes=4 * i))
        assert not hit.locked(T0 + timedelta(minutes=4 * i)), i
    assert throttle.count(LOGIN, "li", now=T0 + timedelta(minutes=44)) == 4
    assert throttle.count(LOGIN, "li", now=T0 + timedelta(hours=2)) == 0


def test_keys_and_scopes_count_apart(ctx):
    for _ in range(5):
        throttle.hit(LOGIN, "zhang", now=T0)
    assert throttle.locked_until(LOGIN, "wang", now=T0) is None
    other_scope = throttle.Limit(
        "login_address", limit=5, window=timedelta(minutes=15), lock=timedelta(minutes=15)
    )
    assert throttle.locked_until(other_scope, "zhang", now=T0) is None


def test_a_rate_limit_counts_without_locking(ctx):
    hits = [throttle.hit(RATE, "10.0.0.9", now=T0) for _ in range(4)]
    assert [h.count for h in hits] == [1, 2, 3, 4]
    assert all(h.locked_until is None for h in hits)


def test_lift_and_active_locks_and_clear(ctx):
    for _ in range(5):
        throttle.hit(LOGIN, "zhang", now=T0)
    throttle.hit(LOGIN, "wang", now=T0)
    assert [(row.scope, row.key) for row in throttle.active_locks(["login_account"], now=T0)] == [
        ("login_account", "zhang")
    ]
    assert throttle.lift("login_account", "wang") is False  # counted, not locked: nothing to lift
    assert throttle.lift("login_account", "zhang") is True
    assert throttle.active_locks(["login_account"], now=T0) == []
    throttle.clear("login_account", "wang")
    assert db.session.get(Throttle, ("login_account", "wang")) is None


def test_old_unlocked_rows_are_forgotten_and_locks_are_kept(ctx):
    throttle.hit(LOGIN, "old", now=T0)
    for _ in range(5):
        throttle.hit(LOGIN, "locked", now=T0 + timedelta(days=1))
    removed = throttle.forget_expired(now=T0 + timedelta(days=1, minutes=1), older_than=timedelta(days=1))
    assert removed == 1
    assert db.session.get(Throttle, ("login_account", "locked")) is not None


def test_a_key_longer_than_the_column_is_cut_not_refused(ctx):
    hit = throttle.hit(LOGIN, "名" * 500, now=T0)
    db.session.commit()
    assert hit.count == 1


def test_a_limit_must_make_sense():
    with pytest.raises(ValueError):
        throttle.Limit("x", limit=0, window=timedelta(minutes=1))
    with pytest.raises(ValueError):
        throttle.Limit("x", limit=3, window=timedelta(0))
