"""/cases/ at depth (issue 12): 上一页/下一页 step by cursor, numbered links jump by page, the count stops at a
cap, a damaged cursor is a Chinese 400 — and the rows are those of the numbered pages, in their order."""

from __future__ import annotations

import html as html_lib
import re

from tests.webapp.views.test_list_statements import add_cases


def ids(page: str) -> list[int]:
    if 'data-testid="case-list"' not in page:
        return []
    table = page.split('data-testid="case-list"')[1].split("</table>")[0]
    return [int(n) for n in re.findall(r'<tr data-case-id="(\d+)"', table)]


def link(page: str, testid: str) -> str | None:
    found = re.search(rf'data-testid="{testid}" href="([^"]+)"', page)
    return html_lib.unescape(found.group(1)) if found and found.group(1) != "#" else None


def test_next_and_previous_walk_the_list_by_cursor_through_the_same_rows_as_the_numbered_pages(
    demo, client, auth
):
    with demo.app_context():
        add_cases(11)
    auth.login("prov-staff")
    page = client.get("/cases/?per_page=4").get_data(as_text=True)
    pages = int(re.search(r"第 1/(\d+)", page).group(1))
    numbered = [
        ids(client.get(f"/cases/?per_page=4&page={n}").get_data(as_text=True)) for n in range(1, pages + 1)
    ]
    assert all(numbered) and sum(map(len, numbered)) >= 11
    walked = [ids(page)]
    while (url := link(page, "next-page")) is not None:
        assert "after=" in url and "per_page=4" in url
        page = client.get(url).get_data(as_text=True)
        walked.append(ids(page))
        assert f"第 {len(walked)}/" in page  # the page number travels with the cursor
    assert walked == [rows for rows in numbered if rows]
    back = []
    while (url := link(page, "prev-page")) is not None:
        assert "before=" in url
        page = client.get(url).get_data(as_text=True)
        back.append(ids(page))
    assert back == list(reversed(walked[:-1]))
    assert "第 1/" in page


def test_a_damaged_cursor_is_refused_in_chinese_and_the_first_page_is_shown(demo, client, auth):
    auth.login("prov-staff")
    response = client.get("/cases/?after=bm90LWEtY3Vyc29y")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "分页游标无效" in page
    assert 'data-testid="filter-errors"' in page


def test_past_the_count_cap_the_list_says_so_and_still_offers_the_next_page(demo, client, auth, monkeypatch):
    from webapp.grading.services import paging

    with demo.app_context():
        add_cases(9)
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    auth.login("prov-staff")
    page = client.get("/cases/?per_page=2&page=3").get_data(as_text=True)
    assert "共 4+ 件" in page and len(ids(page)) == 2
    assert link(page, "next-page") is not None


def test_a_page_past_the_end_shows_the_last_page_with_its_rows_and_the_same_statements(
    demo, client, auth, app
):
    """A stale link or a typed page number past the end of an exactly counted list shows the last page (not an
    empty table), in the statements a page inside the list takes (issue 12: the same at demo and province size)."""
    from tests.webapp.sql_count import count_statements

    with demo.app_context():
        add_cases(5)
    auth.login("prov-staff")
    first = client.get("/cases/?per_page=4").get_data(as_text=True)
    pages = int(re.search(r"第 1/(\d+)", first).group(1))
    client.get(f"/cases/?per_page=4&page={pages}")
    with count_statements(app) as inside:
        last = client.get(f"/cases/?per_page=4&page={pages}").get_data(as_text=True)
    with count_statements(app) as past:
        beyond = client.get("/cases/?per_page=4&page=1000").get_data(as_text=True)
    assert ids(beyond) == ids(last) != []
    assert f"第 {pages}/{pages}" in beyond
    assert past.count == inside.count, past.sql


def test_the_bureaus_worklist_past_its_end_shows_its_last_page(demo, client, auth):
    """The same for /bureau/ (the county's 待办): page 1000 of a short list is its last page, with the rows."""
    with demo.app_context():
        add_cases(6)
    auth.login("county-staff")
    first = client.get("/bureau/?per_page=1").get_data(as_text=True)
    pages = int(re.search(r"第 1 / (\d+) 页", first).group(1))
    last = client.get(f"/bureau/?per_page=1&page={pages}").get_data(as_text=True)
    beyond = client.get("/bureau/?per_page=1&page=1000").get_data(as_text=True)
    assert f"第 {pages} / {pages} 页" in beyond
    assert (
        re.findall(r'<tr data-case-id="(\d+)"', beyond) == re.findall(r'<tr data-case-id="(\d+)"', last) != []
    )


def test_a_numbered_page_seen_again_starts_where_it_was_found_until_a_change_moves_the_list(
    demo, client, auth, app
):
    """Issue 12: page 3, found by OFFSET, records where it and page 4 start, kept under the province's cases
    revision; seen again, both seek to their start and show the rows the OFFSET showed. A transition committed in
    between (ARC-9.4: the county plans its oldest application, now the newest change) moves the revision: page 3
    shows the list as it is now, one row further on."""
    import sqlalchemy as sa

    from tests.walk import fire
    from tests.webapp.sql_count import count_statements
    from webapp.core.extensions import db
    from webapp.grading.models import Case

    with demo.app_context():
        add_cases(16)
        oldest = db.session.scalar(
            sa.select(Case.id).where(Case.state == "applied").order_by(Case.updated_at, Case.id).limit(1)
        )
    auth.login("prov-staff")
    listed = ids(client.get("/cases/?per_page=100").get_data(as_text=True))
    assert len(listed) == 16 and listed.index(oldest) >= 12

    def page(number: int) -> tuple[list[int], list[str]]:
        with count_statements(app) as sent:
            html = client.get(f"/cases/?per_page=4&page={number}").get_data(as_text=True)
        return ids(html), [sql for sql in sent.sql if "ORDER BY cases.updated_at DESC" in sql]

    rows, (found,) = page(3)
    assert rows == listed[8:12] and "OFFSET" in found
    for number in (3, 4):
        rows, (sought,) = page(number)
        assert rows == listed[4 * number - 4 : 4 * number]
        assert "cases.id <=" in sought  # from the start kept: the list's keys, the start's id included
    with demo.app_context():
        fire("county-staff", oldest, "plan")
    now = ids(client.get("/cases/?per_page=100").get_data(as_text=True))
    assert now[0] == oldest and now[1:] == [i for i in listed if i != oldest]
    rows, (found,) = page(3)
    assert rows == now[8:12] == listed[7:11]


def test_the_bureau_filter_is_read_once_per_change_and_a_renamed_bureau_shows_at_the_next_view(
    demo, client, auth, app
):
    """Issue 12: the 档案局 filter's choices (every bureau) are kept under the viewer's cases revision, which any
    bureau's change raises for every bureau, in their own store: a bureau renamed in between is listed under its
    new name."""
    import sqlalchemy as sa

    from tests.webapp.sql_count import count_statements
    from webapp.core.extensions import db
    from webapp.core.models import Organisation

    auth.login("city-staff")
    client.get("/cases/")
    with count_statements(app) as again:
        page = client.get("/cases/").get_data(as_text=True)
    choices = re.compile(r"SELECT organisations\.id, organisations\.name\s+FROM organisations\s+WHERE")
    assert "江岸区档案局" in page and not any(choices.match(sql) for sql in again.sql)
    # in a store of their own: ~120 bureaus per bureau looking never push the bureaus' counts out
    assert [key[2] for key in app.extensions["kaoping_kept_bureau_choices"]] == ["bureau_choices"]
    assert all(key[2] != "bureau_choices" for key in app.extensions["kaoping_kept_bureau_cases"])
    with demo.app_context():
        bureau = db.session.scalar(sa.select(Organisation).where(Organisation.name == "江岸区档案局"))
        bureau.name = "江岸区档案馆"
        db.session.commit()
    page = client.get("/cases/").get_data(as_text=True)
    assert "江岸区档案馆" in page and "江岸区档案局" not in page
