"""The province bench (`make bench`, issue 12) at a tiny size: the generator writes data the app accepts —
every measured page answers 200, the timelines verify — and the results have the issue's JSON shape.

The measuring loop runs here with Flask's test client; gunicorn and real HTTP only in `make bench`."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from bench import pages as pg
from bench.province import BULK_TABLES, SIZES, generate
from bench.runner import PAGE_KEYS, REPORT_KEYS, page_row
from tests.factories import make_test_app
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services.audit import verify_chain
from webapp.demo import load_demo
from webapp.grading.models import Case


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = make_test_app(
        tmp_path_factory.mktemp("province"),
        DEMO_CASES=True,
        DEMO_ARTICLES=True,
        DEMO_CAMPAIGNS=True,
        KAOPING_SQL_COUNT="1",
    )
    with app.app_context():
        db.create_all()
        load_demo()
        counts = generate(SIZES["tiny"], log=lambda _: None)
        assert counts["cases"] > 200 and counts["audit_events"] > 2000 and counts["articles"] > 300
        app.extensions["bench_counts"] = counts
        # the subjects the POST pages find are the ones the generator counted (before any test uses some)
        assert len(pg.ready_for_precheck(1000)) == counts["transition_ready"]
        db.session.remove()
    return app


def test_generated_timelines_verify_as_the_app_writes_them(province: Flask) -> None:
    """ARC-10 trail: the generator hashes each row with the app's own code, so `verify_chain` passes."""
    with province.app_context():
        generated = list(
            db.session.scalars(
                sa.select(AuditEvent.subject_id)
                .where(AuditEvent.subject_type == "case")
                .group_by(AuditEvent.subject_id)
                .order_by(sa.func.count().desc())
                .limit(20)
            )
        )
        assert generated
        for case_id in generated:
            assert verify_chain("case", case_id), case_id


def test_the_generator_builds_again_every_index_it_deferred(province: Flask) -> None:
    """`bulk.indexes_deferred` drops the big tables' indexes for the load: each is there again afterwards."""
    with province.app_context():
        inspector = sa.inspect(db.engine)
        for table in BULK_TABLES:
            found = {index["name"]: index["column_names"] for index in inspector.get_indexes(table.name)}
            for index in table.indexes:
                assert found.get(index.name) == [c.name for c in index.columns], (table.name, index.name)


def test_generated_cases_are_in_states_of_the_transition_table(province: Flask) -> None:
    from workflow import grading

    with province.app_context():
        states = set(db.session.scalars(sa.select(Case.state).distinct()))
    assert states <= set(grading.CASE_STATES)
    assert {"approved", "acceptance_requested", "in_notice"} <= states


def test_every_measured_page_answers_200_on_the_generated_province(province: Flask) -> None:
    with province.app_context():
        page_list = pg.resolve_pages(transition_subjects=10)
        db.session.remove()
    names = {page.name for page in page_list}
    assert any(name.startswith("case page") for name in names)
    assert {"API POST a transition (start_precheck)", "campaign moderation page"} <= names
    # the floors the ratios are read against: a signed-in form, a bearer API call, the case's data without HTML
    assert {name for name in names if name.startswith("floor:")} == {
        "floor: a signed-in form (/auth/password)",
        "floor: a bearer API call (/api/v1/me)",
        "floor: the case page's data (API detail)",
    }
    backend = pg.FlaskBackend(province)
    accounts = pg.Accounts(backend)
    baseline = pg.measure(
        pg.Page("/healthz", "/healthz", None, "none"), [backend], accounts, requests=2, max_seconds=5
    )
    rows = []
    for page in page_list:
        result = pg.measure(page, [backend], accounts, requests=2, max_seconds=5, min_requests=2)
        assert set(result.statuses) == {200}, (page.path, result.statuses)
        assert result.sql is not None and result.sql > 0, page.path
        rows.append(page_row(result, baseline.p50_ms, result.sql))
    report = {"pages": rows, "ledger_s": 0.1, "tick_s": 0.1, "rss_mb": 100.0}
    shaped = json.loads(json.dumps(report))
    assert set(REPORT_KEYS) <= set(shaped)
    for row in shaped["pages"]:
        assert set(PAGE_KEYS) <= set(row)
        assert row["p50_ms"] > 0 and row["p99_ms"] >= row["p50_ms"]
    assert "| page |" in pg.table(rows)


def test_the_bench_refuses_a_database_whose_name_does_not_say_bench(tmp_path: Path) -> None:
    from bench.runner import database_urls

    with pytest.raises(SystemExit, match="bench"):
        database_urls("postgresql+psycopg://kaoping:kaoping@127.0.0.1:5432/kaoping", "full")
    province, demo = database_urls("postgresql+psycopg://k:k@127.0.0.1:5432/bench_province", "full")
    assert province.endswith("/bench_province") and demo.endswith("/bench_province_demo")


def test_no_request_is_timed_before_every_clients_warm_up_is_answered() -> None:
    """The bench's method (issue 12: p50 and p99 per page): a client done warming up must not time requests that
    queue behind another client's first, cold one. A slow warm-up of one client holds back everyone's timing."""
    import threading
    import time

    events: list[str] = []
    lock = threading.Lock()

    class Backend:
        def __init__(self, name: str, first_delay: float) -> None:
            self.name, self.first_delay, self.calls = name, first_delay, 0

        def request(self, method: str, path: str, headers: dict, body: bytes | None = None):  # noqa: ANN201
            self.calls += 1
            if self.calls == 1:
                time.sleep(self.first_delay)
            with lock:
                events.append("warm" if self.calls == 1 else "timed")
            return 200, {}, b""

    class NoAccounts:
        def headers(self, page: pg.Page) -> dict[str, str]:
            return {}

    backends = [Backend("quick", 0.0), Backend("slow", 0.2)]
    result = pg.measure(
        pg.Page("/healthz", "/healthz", None, "none"),
        backends,
        NoAccounts(),
        requests=6,
        max_seconds=5,  # type: ignore[arg-type]
    )
    assert len(result.latencies) == 6
    assert events[:2] == ["warm", "warm"] and set(events[2:]) == {"timed"}


def test_a_page_that_answered_errors_is_marked_failed_in_the_table() -> None:
    """A page answering 500 still has latencies (an error page is fast); the table must not pass them off as
    its figures (a fresh machine without Graphviz once "measured" the case page that way)."""
    rows = [
        {"name": "case page", "p50_ms": 5.0, "p99_ms": 6.0, "baseline_p50_ms": 1.0, "sql_small": 3,
         "sql_large": 3, "errors": {"500": 208}},
        {"name": "notices", "p50_ms": 5.0, "p99_ms": 6.0, "baseline_p50_ms": 1.0, "sql_small": 3, "sql_large": 3},
    ]  # fmt: skip
    case_line, notices_line = pg.table(rows).splitlines()[2:]
    assert "FAILED: 208 × HTTP 500" in case_line
    assert "FAILED" not in notices_line


def test_the_generated_province_has_a_case_for_every_post_of_a_run(province: Flask) -> None:
    """The POST pages fire ``start_precheck`` (ARC-10.2.1) once per case: the generator leaves at least
    `Size.transition_subjects` cases waiting for 夷陵区档案局's pre-check, whatever its mix drew."""
    assert province.extensions["bench_counts"]["transition_ready"] >= SIZES["tiny"].transition_subjects
    assert SIZES["full"].transition_subjects >= pg.subjects_needed(200, 8, rounds=4)


class _Recorder:
    """A stand-in server that answers 200 and notes every path asked for (from any client thread)."""

    def __init__(self) -> None:
        self.used: list[str] = []
        self.lock = threading.Lock()

    def request(self, method: str, path: str, headers: dict, body: bytes | None = None):  # noqa: ANN201
        with self.lock:
            self.used.append(path)
        return 200, {}, b""


class _NoAccounts:
    def headers(self, page: pg.Page) -> dict[str, str]:
        return {}


def _post_pages() -> list[pg.Page]:
    """The two POST pages of a run, each with cases of its own."""
    return [
        pg.Page("POST", "/api/v1/cases/{id}/events", None, "none", "POST", tuple(half), {"event": "x"})
        for half in (range(0, 500), range(500, 1000))
    ]


def test_a_run_uses_up_as_many_cases_as_the_bench_reckons() -> None:
    """`subjects_needed` is what the runner checks before reusing a province (``--reuse``): two POST pages of
    ``requests`` timed requests and one warm-up per client each use a case per request, no more."""
    server = _Recorder()
    requests, clients = 30, 4
    for page in _post_pages():
        pg.measure(page, [server] * clients, _NoAccounts(), requests=requests, max_seconds=60)  # type: ignore[arg-type]
    assert len(server.used) == len(set(server.used)) == pg.subjects_needed(requests, clients)


def test_a_run_in_rounds_uses_a_case_per_timed_request_and_per_warm_up_of_each_round() -> None:
    """Timed in rounds, each round of a POST page takes cases no other round took, and the whole run takes what
    `subjects_needed` reckons with the rounds' warm-ups counted (the runner checks it before reusing a province)."""
    server = _Recorder()
    requests, clients, rounds = 30, 4, 4
    shares = pg.in_rounds(requests, rounds)
    assert shares == [8, 8, 7, 7]
    timed = 0
    for page in _post_pages():
        for share, round_page in zip(shares, pg.in_round_pages(page, shares, clients), strict=True):
            result = pg.measure(
                round_page, [server] * clients, _NoAccounts(), requests=share, max_seconds=60, min_requests=1
            )  # type: ignore[arg-type]
            timed += len(result.latencies)
    assert timed == 2 * requests
    assert len(server.used) == len(set(server.used)) == pg.subjects_needed(requests, clients, rounds)


def test_a_pages_rounds_are_read_as_one_result() -> None:
    """Its p50 and p99 over every timed request of every round; its failures summed; the SQL count as reported."""
    rounds = [
        pg.Result("page", latencies=[0.010, 0.020], statuses={200: 2}, sql=None, path="/p"),
        pg.Result("page", latencies=[0.030], statuses={200: 1, 500: 1}, sql=7, path="/p"),
        pg.Result("page", latencies=[0.040, 0.050], statuses={200: 2}, sql=7, path="/p"),
    ]
    whole = pg.merged(rounds)
    assert whole.latencies == [0.010, 0.020, 0.030, 0.040, 0.050]
    assert (whole.p50_ms, whole.statuses, whole.errors, whole.sql) == (30.0, {200: 5, 500: 1}, {500: 1}, 7)
    assert pg.in_rounds(200, 4) == [50] * 4 and sum(pg.in_rounds(601, 5)) == 601
    get = pg.Page("GET", "/notices/")
    assert pg.in_round_pages(get, [50, 50], 8) == [get, get]


_MASTER = """
import os, sys, time
marker = sys.argv[1]
for busy in (0.6, 0.0):
    if os.fork() == 0:
        until = time.process_time() + busy
        while time.process_time() < until:
            pass
        if busy:
            open(marker, "w").close()
        time.sleep(60)
        os._exit(0)
time.sleep(60)
"""


def test_the_bench_waits_until_every_worker_has_started(tmp_path: Path) -> None:
    """The first baseline sample is taken once every worker is up and quiet, not at the first answer (a worker
    still importing served none of it, December 2026)."""
    import os
    import signal
    import subprocess
    import sys

    from bench.runner import _wait_until_started

    marker = tmp_path / "started"
    master = subprocess.Popen([sys.executable, "-c", _MASTER, str(marker)], start_new_session=True)
    try:
        _wait_until_started(master.pid, 2, quiet_for=0.2)
        assert marker.exists()  # the busy worker had finished its start
        with pytest.raises(RuntimeError):
            _wait_until_started(master.pid, 3, quiet_for=0.05, limit=0.5)  # a worker that never came
    finally:
        os.killpg(master.pid, signal.SIGKILL)  # the workers with their master
        master.wait()


def test_a_client_signs_in_as_a_browser_does_and_its_page_views_set_no_cookie(province: Flask) -> None:
    """The clients keep the cookie of the page the login sends them to (`pages.settled_cookie`): a measured page
    view then shows no 「欢迎」 again, makes no CSRF token and sets no cookie, as in a browser after its first page
    (with the login's own cookie every page view did all three)."""
    backend = pg.FlaskBackend(province)
    headers = pg.login(backend, "county-staff")
    for _ in range(2):
        status, answered, body = backend.request("GET", "/bureau/", headers)
        assert status == 200 and "set-cookie" not in answered
        assert "欢迎" not in body.decode()


def test_a_pages_worker_cpu_is_its_rounds_cpu_over_every_answered_request() -> None:
    """The workers' CPU a request: the rounds' CPU summed over every request answered (warm-ups are served too,
    so they count); unknown when any round's is (a worker came or went), never a guess."""
    rounds = [
        pg.Result("page", latencies=[0.010] * 50, statuses={200: 58}, cpu_s=0.40),
        pg.Result("page", latencies=[0.010] * 50, statuses={200: 58}, cpu_s=0.30),
    ]
    assert pg.merged(rounds).worker_cpu_ms == round(700 / 116, 2)
    assert pg.merged([*rounds, pg.Result("page", latencies=[0.01], statuses={200: 1})]).worker_cpu_ms is None
    assert pg.Result("page", cpu_s=0.1).worker_cpu_ms is None  # nothing answered
    row = page_row(pg.merged(rounds), 1.0, 3)
    assert row["worker_cpu_ms"] == 6.03
    assert pg.table([row]).splitlines()[2].endswith("| 6.03 |")


def test_the_workers_cpu_is_read_from_the_kernel_while_a_page_runs() -> None:
    """`with_workers_cpu` reads the CPU the master's children spent during the measurement: a child that spins
    for 0.3 s of CPU shows about that (and one sleeping shows about none); a child that exits meanwhile makes the
    figure unknown."""
    import os
    import subprocess
    import sys

    from bench.runner import with_workers_cpu

    spin = "import sys, time\nfor line in sys.stdin:\n    end = time.process_time() + float(line)\n" \
        "    while time.process_time() < end: pass\n    print('done', flush=True)\n"  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-c", spin], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:

        def busy(seconds: float) -> pg.Result:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(f"{seconds}\n")
            child.stdin.flush()
            assert child.stdout.readline().strip() == "done"
            return pg.Result("page", statuses={200: 1})

        assert with_workers_cpu(os.getpid(), lambda: busy(0.0)).cpu_s is not None  # started, its imports done
        spun = with_workers_cpu(os.getpid(), lambda: busy(0.3)).cpu_s
        idle = with_workers_cpu(os.getpid(), lambda: busy(0.0)).cpu_s
        assert spun is not None and 0.28 <= spun <= 0.45
        assert idle is not None and idle < 0.05

        def exits() -> pg.Result:
            assert child.stdin is not None
            child.stdin.close()
            child.wait(timeout=10)
            return pg.Result("page", statuses={200: 1})

        assert with_workers_cpu(os.getpid(), exits).cpu_s is None
    finally:
        child.kill()
        child.wait()
