"""`webapp.core.request_cache.once`: a read a request repeats (a permission's lower bureaus, a case's score sheets,
a bureau's revision) is read once per request, None included; outside a request, and once a write happened, it
is read every time."""

from __future__ import annotations

from webapp.core.extensions import db
from webapp.core.models.setting import SettingKV
from webapp.core.request_cache import once


def test_a_read_is_made_once_per_request_and_every_time_outside_one(app) -> None:  # noqa: ANN001
    reads: list[str] = []

    def read(value: object) -> object:
        reads.append(repr(value))
        return value

    with app.test_request_context("/"):
        assert once("test_once", 1, lambda: read(None)) is None
        assert once("test_once", 1, lambda: read("again")) is None  # None is remembered too
        assert once("test_once", 2, lambda: read(2)) == 2
        assert once("other", 1, lambda: read("other")) == "other"  # memos by name never mix
        db.session.add(
            SettingKV(key="pending", value="x")
        )  # unwritten: a query would see it, a memo would not
        assert once("test_once", 1, lambda: read("pending")) == "pending"
        db.session.rollback()
    with app.test_request_context("/"):
        assert once("test_once", 1, lambda: read("next request")) == "next request"
    with app.app_context():
        once("test_once", 1, lambda: read("outside"))
        once("test_once", 1, lambda: read("outside"))
    assert reads == ["None", "2", "'other'", "'pending'", "'next request'", "'outside'", "'outside'"]
