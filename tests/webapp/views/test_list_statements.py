"""Every case list issues the same few SQL statements whatever the data size (issue 12, "Fast at scale").

The same pages are asked on the demo plus 5 cases and on the demo plus 200 cases spread over several bureaus,
with an engine-level counter (``before_cursor_execute``): a list that loads a relation per row, counts in
Python or builds a hidden tab costs more statements on the larger data, so the counts must be EQUAL (and ≤ 15).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from tests.factories import TODAY
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.grading.models import Case, CaseFiling

SHOW = False
#: statements a list page may issue at any size
BUDGET = 15

#: (state, the function columns the county 夷陵区 holds in it): open work at every step the county acts on
STATES = ("applied", "awaiting_approval", "prechecking", "in_notice", "approved", "planned", "in_review")


def add_cases(n: int) -> None:
    """``n`` cases of organs under the province, 宜昌市 and 夷陵区: the county lodges, plans, pre-checks and
    organises, the city approves, the province and the city receive a filing — so every list (the API, /cases/,
    each worklist tab of the county, the city and the province) has rows on every page asked."""
    orgs = {
        code: db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
        for code in ("hb", "yc", "yc-yl", "yc-yl-czj", "yc-yl-xxt", "yc-czj", "hb-czt")
    }
    organs = [orgs["yc-yl-czj"], orgs["yc-yl-xxt"], orgs["yc-czj"], orgs["hb-czt"]]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cases = []
    for i in range(n):
        organ = organs[i % len(organs)]
        state = STATES[i % len(STATES)]
        case = Case(
            organ=organ,
            level="second",
            kind="recheck" if i % 3 == 0 else "evaluation",
            tier=organ.tier,
            ruleset_id="hubei-2011",
            state=state,
            state_since=TODAY - timedelta(days=i % 90),
            plan_year=2026 + i % 2,
            applied_on=date(2026, 3, 1) + timedelta(days=i % 200),
            notice_start=TODAY - timedelta(days=3) if state == "in_notice" else None,
            lodged_with=orgs["yc-yl"],
            planner=orgs["yc-yl"],
            prechecker=orgs["yc-yl"],
            organizer=orgs["yc-yl"],
            approver=orgs["yc"] if i % 2 else orgs["yc-yl"],  # even: the city only supervises
            updated_at=start + timedelta(minutes=i),
        )
        case.filings = [
            CaseFiling(bureau=orgs["yc"], rule_id="ARC-9.5", filed_on=TODAY - timedelta(days=i % 30)),
            CaseFiling(bureau=orgs["hb"], rule_id="ARC-9.3", filed_on=TODAY - timedelta(days=i % 30)),
        ]
        cases.append(case)
    db.session.add_all(cases)
    db.session.commit()


@contextmanager
def counting(engine: sa.Engine) -> Iterator[SimpleNamespace]:
    counted = SimpleNamespace(n=0, sql=[])

    def count(conn, cursor, statement, *args):  # noqa: ANN001 - SQLAlchemy's event signature
        counted.n += 1
        counted.sql.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


#: (who, URL): the pages of issue 12's table that are case lists
PAGES = [
    ("prov-staff", "/api/v1/cases"),
    ("city-staff", "/api/v1/cases"),
    ("prov-staff", "/api/v1/cases?page=2&per_page=2"),
    ("prov-staff", "/cases/"),
    ("prov-staff", "/cases/?page=2&per_page=2"),
    ("prov-staff", "/cases/?page=1000"),  # past the end: the last page, with its rows and their statements
    ("county-staff", "/bureau/"),
    ("county-staff", "/bureau/?page=2&per_page=2"),
    ("county-staff", "/bureau/?page=1000&per_page=2"),
    ("city-staff", "/bureau/?tab=supervised"),
    ("city-staff", "/bureau/"),
    ("prov-staff", "/bureau/"),
    ("prov-staff", "/bureau/?tab=supervised"),
    ("prov-staff", "/bureau/?tab=filed"),
]


#: the province acts on none of the generated cases (it supervises them and receives a filing)
NO_ROWS = {("prov-staff", "/bureau/")}


def statements(app, pages) -> dict[tuple[str, str], int]:  # noqa: ANN001 - the Flask app
    out = {}
    with app.app_context():
        engine = db.engine
    for username, url in pages:
        client = app.test_client()
        headers = {}
        if url.startswith("/api/"):
            response = client.post("/api/v1/tokens", json={"username": username, "password": "kaoping-demo"})
            headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
        else:
            response = client.post("/auth/login", data={"username": username, "password": "kaoping-demo"})
            assert response.status_code == 302
        client.get(url, headers=headers)  # warm: the first request may fill per-process caches
        with counting(engine) as counted:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
        body = response.get_data(as_text=True)
        if (username, url) not in NO_ROWS:
            assert 'data-case-id="' in body or '"cases":[{' in body.replace(" ", ""), url  # rows shown
        out[(username, url)] = counted.n
        if SHOW:
            print(username, url, *("  " + " ".join(q.split())[:160] for q in counted.sql), sep="\n")
    return out


def test_each_case_list_issues_the_same_few_statements_with_5_and_with_200_cases(demo):
    # requests run outside the test's app context: each gets its own session, as in production (a shared
    # identity map would hide per-row loads)
    with demo.app_context():
        add_cases(5)
    small = statements(demo, PAGES)
    with demo.app_context():
        add_cases(195)
    large = statements(demo, PAGES)
    print({url: (small[url], large[url]) for url in small})
    assert large == small
    assert max(large.values()) <= BUDGET, large
