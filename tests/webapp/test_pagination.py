"""Keyset pagination (webapp/core/pagination.py): every row once, in order, whatever the page size; a forged
or damaged cursor is a 400 naming ``cursor``, never a 500 or a silent first page."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import make_bureau
from webapp.core.extensions import db
from webapp.core.models import BureauTier, Organisation
from webapp.core.pagination import SortKey, decode_cursor, keyset_page, limit_arg
from webapp.core.services.errors import BadQueryArg

BY_ID = (SortKey(Organisation.id, "id", int),)
#: mixed directions: active first (descending), then by code ascending, the id last for a total order
MIXED = (
    SortKey(Organisation.active, "active", bool),
    SortKey(Organisation.code, "code", str, descending=False),
    SortKey(Organisation.id, "id", int, descending=False),
)


def _walk(keys, limit: int) -> list[Organisation]:
    seen: list[Organisation] = []
    cursor = None
    for _ in range(100):
        page = keyset_page(sa.select(Organisation), keys, cursor=cursor, limit=limit)
        seen.extend(page.items)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("limit", [1, 3, 7, 25, 100])
def test_the_pages_hold_every_row_once_in_order(app: Flask, limit: int) -> None:
    with app.app_context():
        province = make_bureau(BureauTier.PROVINCE)
        for n in range(24):
            make_bureau(BureauTier.CITY, province, code=f"c{n % 5}-{n:02d}", active=n % 3 != 0)
        db.session.commit()
        expected = db.session.scalars(sa.select(Organisation).order_by(Organisation.id.desc())).all()
        assert [o.id for o in _walk(BY_ID, limit)] == [o.id for o in expected]
        mixed = db.session.scalars(
            sa.select(Organisation).order_by(
                Organisation.active.desc(), Organisation.code.asc(), Organisation.id.asc()
            )
        ).all()
        assert [o.id for o in _walk(MIXED, limit)] == [o.id for o in mixed]


def test_the_last_page_has_no_next_cursor_and_an_empty_list_is_one_page(app: Flask) -> None:
    with app.app_context():
        empty = keyset_page(sa.select(Organisation), BY_ID, cursor=None, limit=5)
        assert list(empty.items) == [] and empty.next_cursor is None
        for _ in range(5):
            make_bureau(BureauTier.PROVINCE)
        db.session.commit()
        exactly = keyset_page(sa.select(Organisation), BY_ID, cursor=None, limit=5)
        assert len(exactly.items) == 5 and exactly.next_cursor is None


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        _b64([1, 2]),  # two values for a one-key list
        _b64(["7"]),  # a string where the key is a number
        _b64([True]),
        _b64([2**70]),  # beyond any id column
        _b64({"id": 3}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 600,
    ],
)
def test_a_forged_cursor_is_refused_naming_the_parameter(cursor: str) -> None:
    with pytest.raises(BadQueryArg) as refused:
        decode_cursor(BY_ID, cursor)
    assert refused.value.field == "cursor"
    assert "游标" in refused.value.message


@pytest.mark.parametrize("raw", ["0", "101", "-1", "abc", "1e3", "9" * 30])
def test_a_limit_out_of_range_is_refused(raw: str) -> None:
    with pytest.raises(BadQueryArg) as refused:
        limit_arg({"limit": raw})
    assert refused.value.field == "limit"


def test_a_missing_limit_takes_the_default() -> None:
    assert limit_arg({}) == 20 and limit_arg({"limit": "100"}) == 100
