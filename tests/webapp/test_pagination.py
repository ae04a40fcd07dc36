"""Keyset pagination (webapp/core/pagination.py): every row once, in order, whatever the page size; a forged
or damaged cursor is a 400 naming ``cursor``, never a 500 or a silent first page."""

from __future__ import annotations

import base64
import json
import re

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import make_bureau
from webapp.core.extensions import db
from webapp.core.models import BureauTier, Organisation
from webapp.core.pagination import SortKey, after, decode_cursor, keyset_page, limit_arg, order_by
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


def _bureaus(n: int) -> None:
    province = make_bureau(BureauTier.PROVINCE)
    for i in range(n):
        make_bureau(BureauTier.CITY, province, code=f"c{i % 4}-{i:02d}", active=i % 3 != 0)
    db.session.commit()


@pytest.mark.parametrize("keys", [BY_ID, MIXED], ids=["by id", "mixed directions"])
def test_after_a_row_and_from_a_row_are_the_rows_behind_it_in_the_lists_order(app: Flask, keys) -> None:
    """``after`` (the next page's cursor) leaves the row out; ``inclusive`` (a page known to start there) keeps
    it: for every row of the list, in either direction of each key."""
    with app.app_context():
        _bureaus(12)
        ordered = db.session.scalars(sa.select(Organisation).order_by(*order_by(keys))).all()
        for index, row in enumerate(ordered):
            values = tuple(key.value_of(row) for key in keys)
            behind = sa.select(Organisation.id).order_by(*order_by(keys))
            strict = db.session.scalars(behind.where(after(keys, values))).all()
            inclusive = db.session.scalars(behind.where(after(keys, values, inclusive=True))).all()
            assert strict == [o.id for o in ordered[index + 1 :]]
            assert inclusive == [o.id for o in ordered[index:]]


def test_a_page_whose_start_is_known_seeks_to_it_and_shows_the_rows_the_offset_showed(app: Flask) -> None:
    """Issue 12 (`paging.Anchors`): each page served records where it and the next one start; a page asked again
    (or the next one by its number) starts there without an OFFSET, with the same rows and the same 下一页."""
    from webapp.grading.services.paging import Anchors, CappedPagination

    with app.app_context():
        _bureaus(23)
        starts: dict[int, tuple] = {}
        anchors = Anchors(MIXED, find=starts.get, keep=starts.__setitem__)
        listed = sa.select(Organisation).order_by(*order_by(MIXED))
        total = len(db.session.scalars(listed).all())

        def page(number: int, with_anchors: bool) -> tuple[list[int], bool, list[int]]:
            """The page's ids, whether it has a next page, and how many rows its statement skipped."""
            skipped: list[int] = []

            def offset_of(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
                found = re.search(r"OFFSET (\d+|\?|%\((\w+)\)s)", statement)
                if found is None:
                    skipped.append(0)
                elif found[1].isdigit():  # written into the statement (`page_bound`)
                    skipped.append(int(found[1]))
                else:  # SQLite writes OFFSET ? (0) after every LIMIT; PostgreSQL only when there is one
                    skipped.append(parameters[found[2]] if found[2] else parameters[-1])

            sa.event.listen(db.engine, "before_cursor_execute", offset_of)
            try:
                found = CappedPagination(listed, number, 5, total, anchors=anchors if with_anchors else None)
                items = [o.id for o in found.items]
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", offset_of)
            return items, found.has_next, skipped

        pages = -(-total // 5)
        by_offset = [page(n, False)[:2] for n in range(1, pages + 1)]
        assert [i for items, _ in by_offset for i in items] == [o.id for o in db.session.scalars(listed)]
        assert page(3, True) == (*by_offset[2], [10])  # found by OFFSET: records pages 3 and 4
        assert set(starts) == {10, 15}
        for number in (3, 4):
            assert page(number, True) == (*by_offset[number - 1], [0])
        assert page(pages, True)[:2] == by_offset[-1]  # the last page records no page after it
        assert max(starts) == (pages - 1) * 5


@pytest.mark.parametrize(("rows", "counted"), [(0, False), (5, False), (6, True), (12, True)])
def test_a_short_list_is_counted_only_when_it_goes_beyond_its_first_page(app: Flask, rows, counted) -> None:
    """Issue 12 (`ShortListPage`, the 上报 section of an office's intake): a first page with room to spare is the
    whole list, so its total needs no COUNT; a list that fills it is counted, and its later pages are right."""
    from tests.webapp.sql_count import count_statements
    from webapp.core.pagination import ShortListPage

    with app.app_context():
        province = make_bureau(BureauTier.PROVINCE)
        for n in range(rows):
            make_bureau(BureauTier.CITY, province, code=f"s{n:02d}")
        db.session.commit()
        cities = (
            sa.select(Organisation).where(Organisation.parent_id == province.id).order_by(Organisation.id)
        )
        with count_statements(app) as sent:
            first = ShortListPage(cities, 1, 5)
        assert first.total == rows and len(first.items) == min(rows, 5)
        assert any("count(" in sql.lower() for sql in sent.sql) is counted
        assert len(sent.sql) == (2 if counted else 1)
        if rows > 5:
            second = ShortListPage(cities, 2, 5)
            assert (
                second.total == rows
                and len(second.items) == min(rows - 5, 5)
                and second.pages == -(-rows // 5)
            )


def test_a_pages_limit_and_offset_are_written_into_its_statement(app: Flask) -> None:
    """Issue 12 (`read_transactions.page_bound`): on PostgreSQL a bound LIMIT kept every list page from a kept
    (generic) plan, so each was planned afresh at every run; the page's size and offset are written in instead,
    by every pager, and the rows are the same."""
    from tests.webapp.sql_count import count_statements
    from webapp.core.pagination import KeyedOffsetPage, ShortListPage, capped_count
    from webapp.grading.services.paging import CappedPagination

    with app.app_context():
        _bureaus(23)
        listed = sa.select(Organisation).order_by(Organisation.id)
        everyone = [o.id for o in db.session.scalars(listed)]
        with count_statements(app) as sent:
            capped = [o.id for o in CappedPagination(listed, 3, 5, len(everyone)).items]
            keyed = [
                o.id
                for o in KeyedOffsetPage(
                    listed.with_only_columns(Organisation.id),
                    lambda keys: listed.where(Organisation.id.in_(keys)),
                    2,
                    4,
                    len(everyone),
                ).items
            ]
            short = [o.id for o in ShortListPage(listed, 2, 7).items]
            first = [o.id for o in keyset_page(listed, BY_ID, cursor=None, limit=3).items]
            counted = db.session.scalar(sa.select(capped_count(listed, Organisation.id, 9)))
        assert (capped, keyed, short) == (everyone[10:15], everyone[4:8], everyone[7:14])
        assert first == sorted(everyone, reverse=True)[:3] and counted == 10
        pages = [sql for sql in sent.sql if "LIMIT" in sql]
        for written in ("LIMIT 6 OFFSET 10", "LIMIT 4 OFFSET 4", "LIMIT 8 OFFSET 7", "LIMIT 4", "LIMIT 10"):
            assert any(written in " ".join(sql.split()) for sql in pages), written
        # none bound (SQLite's dialect writes a bound OFFSET 0 after a LIMIT that has no offset)
        assert not [sql for sql in pages if re.search(r"LIMIT (\?|%\()|OFFSET %\(", sql)]


def test_a_page_whose_rows_are_known_is_read_by_them_under_the_lists_own_conditions(app: Flask) -> None:
    """Issue 12 (`pagination.KeptPages`): each page served records its rows' keys and the next row's; the page asked
    again is read by them (no LIMIT, no OFFSET), with the same rows and the same 下一页; a row that has left the
    list since is not shown, as the list's conditions still apply."""
    from tests.webapp.sql_count import count_statements
    from webapp.core.pagination import KeptPages
    from webapp.grading.services.paging import CappedPagination

    with app.app_context():
        _bureaus(12)

        class Store(dict):  # a `Kept` of one process, without its bound
            def put(self, key, value):  # type: ignore[no-untyped-def]
                self[key] = value

        kept = Store()
        pages = KeptPages(Organisation.id, kept, lambda offset, n: (offset, n))
        listed = sa.select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.code)
        total = len(db.session.scalars(listed).all())

        def page(number: int) -> tuple[list[int], bool, str]:
            with count_statements(app) as sent:
                found = CappedPagination(listed, number, 3, total, kept_pages=pages)
                items = [o.id for o in found.items]
            return items, found.has_next, " ".join(sent.sql[0].split())

        fresh = [page(n) for n in (1, 2)]
        assert all("LIMIT 4" in sql for _, _, sql in fresh) and set(kept) == {(0, 3), (3, 3)}
        assert all(len(keys) == 4 for keys in kept.values())  # the page's rows and the next one
        again = [page(n) for n in (1, 2)]
        assert [(items, more) for items, more, _ in again] == [(items, more) for items, more, _ in fresh]
        assert not [sql for _, _, sql in again if "LIMIT" in sql or "OFFSET" in sql]
        gone = db.session.get(Organisation, fresh[0][0][1])
        gone.active = False  # behind the kept keys' back (the app's keys move with the bureau's revision)
        db.session.commit()
        items, _, _ = page(1)
        assert gone.id not in items and items == [key for key in kept[(0, 3)] if key != gone.id]
