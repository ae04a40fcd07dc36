"""`make bench` at province scale: generate (or reuse) the province, serve it with gunicorn (2 workers), measure
every page of issue 12 with 8 concurrent clients against ``/healthz`` in the same run, count SQL statements at
demo and at province size, time a province-year ledger score and ``kaoping tick``, read the workers' peak RSS.

SQLite by default (files under ``instance/bench/``); ``DATABASE_URL=postgresql+psycopg://…/bench_province``
runs PostgreSQL (the database is dropped and created; its name must contain "bench", so a real database is never
touched; the demo-size database is ``<name>_demo`` on the same server).
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench import pages as pg
from bench.province import SIZES, TODAY, generate, generated_size

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "instance" / "bench"
RESULTS = Path(__file__).resolve().parent / "results"
VENV_BIN = Path(sys.executable).parent


def log(message: str) -> None:
    print(message, flush=True)


# -- databases ----------------------------------------------------------------------------------------------------


def database_urls(url: str | None, size: str) -> tuple[str, str]:
    """(province URL, demo URL) for ``url`` (None: SQLite files under instance/bench)."""
    if not url:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        return (
            f"sqlite:///{BENCH_DIR / f'province-{size}.sqlite3'}",
            f"sqlite:///{BENCH_DIR / 'demo.sqlite3'}",
        )
    from config.settings import _database_url

    parsed = make_url(_database_url(url, BENCH_DIR))
    if parsed.get_backend_name() == "sqlite":
        return parsed.render_as_string(hide_password=False), f"sqlite:///{BENCH_DIR / 'demo.sqlite3'}"
    name = parsed.database or ""
    if "bench" not in name:
        raise SystemExit(
            f"refusing to drop database {name!r}: the bench's database name must contain 'bench'"
        )
    demo = parsed.set(database=f"{name}_demo")
    return parsed.render_as_string(hide_password=False), demo.render_as_string(hide_password=False)


def recreate(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
        _as_in_production(conn, parsed.database or "")
    server.dispose()


def _as_in_production(conn: sa.Connection, database: str) -> None:
    """The database settings docs/operations.md asks of a production database (a TEMPLATE copy does not carry
    them): random_page_cost 1.1, the planner's cost of a random read from SSD or memory."""
    conn.exec_driver_sql(f'ALTER DATABASE "{database}" SET random_page_cost = 1.1')


def clone(source: str, target: str) -> None:
    """``target`` as a copy of ``source`` (the demo, loaded once): a file copy, or PostgreSQL's TEMPLATE."""
    src, dst = make_url(source), make_url(target)
    if src.get_backend_name() == "sqlite":
        recreate(target)
        shutil.copyfile(src.database or "", dst.database or "")
        return
    server = sa.create_engine(dst.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dst.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{dst.database}" TEMPLATE "{src.database}"')
        _as_in_production(conn, dst.database or "")
    server.dispose()


def exists_with(url: str, size: str | None) -> bool:
    """The database is there, has today's schema (a column or index added since means generating again) and was
    generated at ``size`` (None: holds the demo)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return False
    engine = sa.create_engine(parsed)
    try:
        with engine.connect() as conn:
            if not _schema_current(conn):
                return False
            if size is None:
                return bool(conn.scalar(sa.text("SELECT count(*) FROM users WHERE username = 'prov-staff'")))
            return generated_size(conn) == size
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


def subjects_left(url: str, needed: int) -> int:
    """How many cases (up to ``needed``) still wait for the pre-check the POST pages fire."""
    from webapp.core.extensions import db

    app = app_for(url)
    with app.app_context():
        try:
            return len(pg.ready_for_precheck(needed))
        finally:
            db.session.remove()
            db.engine.dispose()


def _schema_current(conn: sa.Connection) -> bool:
    from webapp.core.extensions import db
    from webapp.features import FEATURES  # noqa: F401 - every feature's models on the metadata

    inspector = sa.inspect(conn)
    present = set(inspector.get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in present:
            return False
        if {column.name for column in table.columns} - {c["name"] for c in inspector.get_columns(table.name)}:
            return False
        # an index the models gained since (the pages are measured with the indexes they are written for)
        if {index.name for index in table.indexes} - {i["name"] for i in inspector.get_indexes(table.name)}:
            return False
    return True


def app_for(url: str, **extra: Any) -> Any:
    from webapp import create_app

    return create_app(
        {
            "KAOPING_CONFIG": "development",
            "SQLALCHEMY_DATABASE_URI": url,
            "KAOPING_TODAY": TODAY.isoformat(),
            "UPLOAD_FOLDER": str(BENCH_DIR / "uploads"),
            "KAOPING_SQL_COUNT": "1",
            "TEMPLATES_AUTO_RELOAD": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the demo accounts' hash: logins stay cheap
            **extra,
        }
    )


def build(url: str, size: str | None, demo_url: str | None = None) -> tuple[dict[str, int], float, float]:
    """A fresh database with the demo — loaded, or copied from ``demo_url`` — and the province at ``size``:
    (counts, demo seconds, generate seconds)."""
    from webapp.core.extensions import db
    from webapp.demo import load_demo

    started = time.perf_counter()
    if demo_url is not None:
        clone(demo_url, url)
    else:
        recreate(url)
    app = app_for(url)
    with app.app_context():
        if demo_url is None:
            db.create_all()
            load_demo()
        demo_s = time.perf_counter() - started
        log(f"  demo loaded in {demo_s:.1f} s")
        counts: dict[str, int] = {}
        generate_s = 0.0
        if size is not None:
            started = time.perf_counter()
            counts = generate(SIZES[size], log=log)
            generate_s = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return counts, demo_s, generate_s


def counts_of(url: str) -> dict[str, int]:
    engine = sa.create_engine(make_url(url))
    tables = ("organisations", "cases", "audit_events", "grades", "score_sheets", "case_filings", "panel_members",
              "articles", "article_adoptions", "campaigns", "campaign_units", "campaign_claims", "users")  # fmt: skip
    with engine.connect() as conn:
        out = {t: int(conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) or 0) for t in tables}
    engine.dispose()
    return out


# -- gunicorn -----------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "KAOPING_CONFIG": "development",
            "DATABASE_URL": url,
            "KAOPING_TODAY": TODAY.isoformat(),
            "KAOPING_SQL_COUNT": "1",
            "BENCH_UPLOAD_FOLDER": str(BENCH_DIR / "uploads"),
        }
    )
    return env


def compile_bytecode() -> None:
    """The project's modules compiled to bytecode, as docs/operations.md has a deployment do after each install
    or upgrade. Without it, an environment that writes no bytecode (PYTHONDONTWRITEBYTECODE, or a checkout the
    service cannot write) compiles ~400 modules from source in every gunicorn worker and every `kaoping tick`:
    measured here, `python -c "import webapp"` 5.4 / 5.8 s from source against 4.0 / 4.3 s from bytecode."""
    for package in ("config", "webapp", "workflow", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


@contextmanager
def gunicorn(url: str, workers: int):
    port = _free_port()
    command = [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--timeout", "600", "--log-level", "warning", "bench.wsgi:app"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=_env(url))
    try:
        probe = pg.HttpBackend("127.0.0.1", port)
        for _ in range(600):
            try:
                if probe.request("GET", "/healthz", {})[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        _wait_until_started(process.pid, workers)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _workers(master: int) -> dict[Path, list[str]]:
    """The master's worker processes: each one's /proc folder and the fields of its ``stat`` after the name."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 12 and fields[1] == str(master):
            found[proc] = fields
    return found


def _wait_until_started(master: int, workers: int, *, quiet_for: float = 0.3, limit: float = 120.0) -> None:
    """Until every worker has started: ``workers`` of them, none using the CPU for ``quiet_for`` seconds. The first
    answer to /healthz only says that one worker is up; the other was still importing the app (~1.4 s of CPU
    each) and loading the document libraries, so the first baseline sample was served by one worker for part of
    its 0.2 s and read 3.8-4.1 ms against 2.3-2.6 for the two later ones (December 2026), which lowered every
    ratio."""
    deadline = time.monotonic() + limit
    previous: dict[Path, int] | None = None
    while time.monotonic() < deadline:
        spent = {proc: int(fields[11]) + int(fields[12]) for proc, fields in _workers(master).items()}
        if len(spent) >= workers and spent == previous:
            return
        previous = spent
        time.sleep(quiet_for)
    raise RuntimeError("gunicorn's workers did not finish starting")


def _cpu_of(proc: Path, fields: list[str]) -> float:
    """A process's CPU time so far in seconds: ``schedstat``'s nanoseconds on a CPU, or ``stat``'s user + system
    clock ticks where the kernel keeps no schedstat (10 ms steps: too coarse for a sample of the baseline)."""
    with suppress(OSError, ValueError, IndexError):
        return int((proc / "schedstat").read_text().split()[0]) / 1e9
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu(master: int) -> dict[Path, float]:
    """The CPU time each of the master's workers has used so far, in seconds."""
    return {proc: _cpu_of(proc, fields) for proc, fields in _workers(master).items()}


def with_workers_cpu(master: int, measure: Callable[[], pg.Result]) -> pg.Result:
    """``measure()``'s result with the CPU the workers spent while it ran (``cpu_s``); left unknown when a worker
    came or went meanwhile. The workers serve nothing else during a run, so that CPU is the requests'."""
    before = workers_cpu(master)
    result = measure()
    after = workers_cpu(master)
    if before.keys() == after.keys():
        result.cpu_s = sum(after.values()) - sum(before.values())
    return result


def worker_rss_mb(master: int) -> float | None:
    """The largest peak resident size (VmHWM) of the master's worker processes, in MB."""
    peaks = []
    for proc in _workers(master):
        try:
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):
            continue
    return round(max(peaks), 1) if peaks else None


# -- the run ------------------------------------------------------------------------------------------------------


def page_row(result: pg.Result, baseline_p50: float | None, sql_small: int | None) -> dict[str, Any]:
    """One page of latest.json: the issue's keys, then how many requests and which failed."""
    row: dict[str, Any] = {
        "name": result.name,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "baseline_p50_ms": baseline_p50,
        "sql_small": sql_small,
        "sql_large": result.sql,
        "path": result.path,
        "requests": len(result.latencies),
        "worker_cpu_ms": result.worker_cpu_ms,
    }
    if result.errors:
        row["errors"] = {str(k): v for k, v in result.errors.items()}
    return row


#: the keys issue 12 asks of latest.json and of each of its pages
REPORT_KEYS = ("pages", "ledger_s", "tick_s", "rss_mb")
PAGE_KEYS = ("name", "p50_ms", "p99_ms", "baseline_p50_ms", "sql_small", "sql_large")


def sql_counts_at_demo(url: str) -> dict[str, int | None]:
    """Statements per page on the plain demo (no generated data), one request each after a warm-up."""
    from webapp.core.extensions import db

    app = app_for(url, WTF_CSRF_ENABLED=False)
    out: dict[str, int | None] = {}
    with app.app_context():
        page_list = pg.resolve_pages(transition_subjects=4)
        db.session.remove()
    backend = pg.FlaskBackend(app)
    accounts = pg.Accounts(backend)
    for page in page_list:
        sql, status = pg.sql_once(page, backend, accounts)
        out[_key(page.name)] = sql if status < 400 else None
    return out


def _key(name: str) -> str:
    """A page's name without the detail that differs between databases (the case page's event count)."""
    return "case page" if name.startswith("case page") else name


def ledger_seconds(url: str) -> tuple[float | None, str]:
    """The app's ledger service scoring the province office's year 2026 (live, from the records)."""
    from webapp.articles.models import ArticleOffice
    from webapp.articles.services import ledger
    from webapp.core.extensions import db
    from webapp.core.models import Organisation
    from workflow.scoring.ledger import parse_period

    app = app_for(url)
    with app.app_context():
        office = db.session.scalar(
            sa.select(ArticleOffice).join(Organisation, Organisation.id == ArticleOffice.organisation_id)
            .where(Organisation.code == "zg-prov")
        )  # fmt: skip
        if office is None:
            return None, "no office"
        adoptions = db.session.scalar(
            sa.text("SELECT count(*) FROM article_adoptions WHERE office_id = :o AND adopted_on BETWEEN "
                    "'2026-01-01' AND '2026-12-31'"), {"o": office.id}
        )  # fmt: skip
        started = time.perf_counter()
        try:
            result = ledger.live(office, parse_period("2026"), as_of=TODAY)
        except (
            Exception
        ) as exc:  # a failure at province scale is a finding, reported, not a crash of the bench
            db.session.rollback()
            message = str(exc).splitlines()[0][:200]
            return (
                None,
                f"FAILED after {time.perf_counter() - started:.1f} s: {type(exc).__name__}: {message}",
            )
        seconds = time.perf_counter() - started
        units = len(result.get("unit_ids", {}))
        db.session.remove()
        db.engine.dispose()
    return round(seconds, 2), f"{office.id}: {adoptions:,} adoptions of 2026, {units:,} units"


def tick_seconds(url: str, timeout: float = 1800) -> tuple[float | None, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(VENV_BIN / "kaoping"), "tick"],
            cwd=ROOT,
            env=_env(url),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, f"stopped after {timeout:.0f} s (--tick-timeout)"
    seconds = time.perf_counter() - started
    tail = (done.stdout or done.stderr).strip().splitlines()[-1:] if (done.stdout or done.stderr) else []
    return round(seconds, 2), (f"exit {done.returncode}: " + " ".join(tail))[:200]


def run(args: Any) -> dict[str, Any]:
    size = "quick" if args.quick else args.size
    url, demo_url = database_urls(args.database_url, size)
    backend_name = make_url(url).get_backend_name()
    log(f"province bench: {backend_name}, size {size}")
    report: dict[str, Any] = {"database": backend_name, "size": size}

    started = time.perf_counter()
    if not (args.reuse and exists_with(demo_url, None)):
        log("building the demo database (SQL counts at demo size; the province starts as its copy)…")
        build(demo_url, None)
    reuse = args.reuse and exists_with(url, size)
    if reuse:
        # a run uses up the POST pages' subjects (each case is pre-checked once): a province whose subjects an
        # earlier run used is generated afresh rather than measured with the POST pages left out or cut short
        needed = pg.subjects_needed(args.requests, args.clients, args.rounds)
        left = subjects_left(url, needed)
        if left < needed:
            log(f"  the POST pages' cases are used up ({left} left, {needed} needed): generating afresh")
            reuse = False
    if reuse:
        log("reusing the generated province (--reuse)")
        report["generate_s"] = None
    else:
        started_province = time.perf_counter()
        log("generating the province…")
        _, demo_s, generate_s = build(url, size, demo_url)
        report["generate_s"] = round(time.perf_counter() - started, 1)
        report["generate_detail"] = {
            "demo_load_s": round(started_province - started, 1),
            "copy_s": round(demo_s, 1),
            "province_s": round(generate_s, 1),
        }
        log(f"  generated in {report['generate_s']} s")
    report["generated"] = counts_of(url)

    log("SQL statements at demo size…")
    small = sql_counts_at_demo(demo_url)

    from webapp.core.extensions import db

    app = app_for(url)
    with app.app_context():
        page_list = pg.resolve_pages(
            transition_subjects=pg.subjects_needed(args.requests, args.clients, args.rounds)
        )
        db.session.remove()
        db.engine.dispose()

    compile_bytecode()
    rounds = args.rounds
    log(f"gunicorn, {args.workers} workers, {args.clients} clients, {args.requests} requests per page "
        f"in {rounds} round(s)…")  # fmt: skip
    with gunicorn(url, args.workers) as (port, process):
        clients: list[pg.Backend] = [pg.HttpBackend("127.0.0.1", port) for _ in range(args.clients)]
        accounts = pg.Accounts(clients[0])
        health = pg.Page("/healthz (baseline)", "/healthz", None, "none")
        # as many baseline requests as before rounds (three samples of 200), shared out over rounds + 1 samples
        baseline_shares = pg.in_rounds(3 * max(200, args.requests), rounds + 1)
        page_shares = pg.in_rounds(args.requests, rounds)
        # The pages and the baseline are timed in rounds, a share of each page's requests a round, with the
        # baseline before each round and once more after the last: this machine's speed drifts over the minutes a
        # run takes (the same code's page moved by up to 30 % between runs timed a page after another), and a
        # page timed all at once took the drift of its own minute, which its ratio then carried. Timed in rounds,
        # each page and the baseline see every part of the run alike.
        baselines: list[pg.Result] = []
        parts: dict[str, list[pg.Result]] = {page.name: [] for page in page_list}
        warmups = min(args.warmup or args.clients, args.clients)
        round_pages = {page.name: pg.in_round_pages(page, page_shares, warmups) for page in page_list}

        def measure_baseline(number: int, when: str) -> None:
            measured = with_workers_cpu(
                process.pid,
                partial(
                    pg.measure, health, clients, accounts, requests=baseline_shares[number], max_seconds=60
                ),
            )
            baselines.append(measured)
            log(f"  baseline /healthz ({when}) p50 {measured.p50_ms} ms, p99 {measured.p99_ms} ms")

        for number in range(rounds):
            measure_baseline(number, f"before round {number + 1}")
            for page in page_list:
                parts[page.name].append(
                    with_workers_cpu(
                        process.pid,
                        partial(
                            pg.measure,
                            round_pages[page.name][number],
                            clients,
                            accounts,
                            requests=page_shares[number],
                            max_seconds=args.max_seconds / rounds,
                            warmup_clients=args.warmup,
                        ),
                    )
                )
        measure_baseline(rounds, "after the last round")
        results: list[tuple[pg.Page, pg.Result]] = []
        for page in page_list:
            result = pg.merged(parts[page.name])
            results.append((page, result))
            log(f"  {page.name}: p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
                f"{len(result.latencies)} requests, SQL {small.get(_key(page.name))} → {result.sql}, "
                f"worker CPU {result.worker_cpu_ms} ms a request"
                + (f", ERRORS {result.errors}" if result.errors else ""))  # fmt: skip
        report["rss_mb"] = worker_rss_mb(process.pid)
    baseline = pg.merged(baselines)
    base_p50 = baseline.p50_ms
    rows = [page_row(result, base_p50, small.get(_key(page.name))) for page, result in results]
    report["pages"] = rows
    report["baseline"] = {
        "p50_ms": base_p50,
        "p99_ms": baseline.p99_ms,
        "requests": len(baseline.latencies),
        "samples_p50_ms": [b.p50_ms for b in baselines],
        "worker_cpu_ms": baseline.worker_cpu_ms,
    }

    log("ledger score of a province-year…")
    report["ledger_s"], report["ledger_detail"] = ledger_seconds(url)
    log(f"  {report['ledger_s']} s ({report['ledger_detail']})")
    log("kaoping tick…")
    report["tick_s"], report["tick_detail"] = tick_seconds(url, args.tick_timeout)
    log(f"  {report['tick_s']} s ({report['tick_detail']})")
    report["clients"], report["workers"] = args.clients, args.workers
    report["requests_per_page"], report["max_seconds_per_page"] = args.requests, args.max_seconds
    report["rounds"] = rounds
    report["warmup_clients"] = args.warmup or args.clients
    report["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    with suppress(OSError):
        report["load_average"] = os.getloadavg()

    ordered = {k: report[k] for k in REPORT_KEYS}
    ordered.update({k: v for k, v in report.items() if k not in ordered})
    RESULTS.mkdir(exist_ok=True)
    out = Path(args.json) if args.json else RESULTS / "latest.json"
    out.write_text(json.dumps(ordered, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(pg.table(rows))
    samples = report["baseline"]["samples_p50_ms"]
    print(f"\nbaseline /healthz p50 {base_p50} ms (of {samples}), worker CPU {baseline.worker_cpu_ms} ms a request · "
          f"ledger {report['ledger_s']} s · "
          f"tick {report['tick_s']} s · worker RSS {report['rss_mb']} MB · {backend_name} · written to {out}")  # fmt: skip
    return ordered
