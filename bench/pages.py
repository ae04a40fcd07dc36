"""The pages the province bench measures (issue 12's table), how to reach them, and the measuring loop.

The loop is the same over real HTTP (`HttpBackend`: http.client against gunicorn) and in-process (`FlaskBackend`:
Flask's test client, used by the tests and for the SQL counts at demo size): log in each account once (the form
with its CSRF token, or a bearer token), warm up, then N requests per page from C concurrent clients.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Organisation
from webapp.demo import DEMO_PASSWORD

SQL_HEADER = "X-SQL-Statements"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str | None = None  #: the account it is requested as
    auth: str = "session"  #: session | bearer | none
    method: str = "GET"
    #: POST pages: each request takes its own subject (a fresh case); the path has ``{id}``
    subjects: tuple[int, ...] = ()
    body: dict[str, Any] | None = None
    #: request headers of the page's own (besides the account's)
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sql: int | None = None
    path: str = ""
    #: CPU the server's workers spent while the requests ran, warm-ups included (None: not measured)
    cpu_s: float | None = None

    @property
    def worker_cpu_ms(self) -> float | None:
        """The workers' CPU a request of the page costs (every request answered, warm-ups included)."""
        answered = sum(self.statuses.values())
        return round(self.cpu_s * 1000 / answered, 2) if self.cpu_s is not None and answered else None

    @property
    def p50_ms(self) -> float | None:
        return round(statistics.median(self.latencies) * 1000, 1) if self.latencies else None

    @property
    def p99_ms(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return round(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] * 1000, 1)

    @property
    def errors(self) -> dict[int, int]:
        return {status: n for status, n in self.statuses.items() if status >= 400}


class Backend(Protocol):
    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]: ...


class HttpBackend:
    """One keep-alive connection per client (reopened by http.client when the server closes it)."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=600)

    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # a connection the server closed between requests: once more on a new one
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        out = {k.lower(): v for k, v in response.getheaders()}
        if "set-cookie" in out:
            out["set-cookie"] = ", ".join(v for k, v in response.getheaders() if k.lower() == "set-cookie")
        return response.status, out, data


class FlaskBackend:
    def __init__(self, app: Any) -> None:
        self.client = app.test_client(use_cookies=False)

    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        response = self.client.open(path, method=method, headers=headers, data=body)
        out = {k.lower(): v for k, v in response.headers.items()}
        if "set-cookie" in out:
            out["set-cookie"] = ", ".join(response.headers.getlist("Set-Cookie"))
        return response.status_code, out, response.get_data()


_CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_COOKIE = re.compile(r"(kaoping_session=[^;,\s]*)")


def _session_cookie(headers: dict[str, str]) -> str | None:
    found = _COOKIE.findall(headers.get("set-cookie", ""))
    return found[-1] if found else None


def login(backend: Backend, username: str) -> dict[str, str]:
    """The headers a signed-in request of ``username`` carries (the session cookie)."""
    status, headers, body = backend.request("GET", "/auth/login", {})
    cookie = _session_cookie(headers)
    match = _CSRF.search(body)
    token = (match.group(1) or match.group(2)).decode() if match else ""
    form = urlencode({"username": username, "password": DEMO_PASSWORD, "csrf_token": token}).encode()
    status, headers, _ = backend.request(
        "POST",
        "/auth/login",
        {"Content-Type": "application/x-www-form-urlencoded", **({"Cookie": cookie} if cookie else {})},
        form,
    )
    cookie = _session_cookie(headers)
    if status != 302 or cookie is None:
        raise RuntimeError(f"login of {username} failed ({status})")
    return {"Cookie": settled_cookie(backend, cookie, headers.get("location") or "/")}


def settled_cookie(backend: Backend, cookie: str, location: str) -> str:
    """The session cookie once a browser has opened the page the login sent it to, and kept the cookie that page
    answered with: the login's 「欢迎，…」 shown (and taken out of the session), a CSRF token made and kept. From
    then on a page view changes nothing in the session and sets no cookie. Until December 2026 the clients sent
    the cookie the login answered with on every request, so every page measured showed that message again, made a
    new CSRF token and signed and sent a new cookie: what a browser does once, after logging in."""
    parts = urlsplit(location)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    for _ in range(3):
        _, headers, _ = backend.request("GET", path, {"Cookie": cookie})
        newer = _session_cookie(headers)
        if newer is None:
            return cookie
        cookie = newer
    raise RuntimeError(f"the session cookie still changes at every view of {path}")


def bearer(backend: Backend, username: str) -> dict[str, str]:
    body = json.dumps({"username": username, "password": DEMO_PASSWORD}).encode()
    status, _, data = backend.request("POST", "/api/v1/tokens", {"Content-Type": "application/json"}, body)
    if status != 200:
        raise RuntimeError(f"token for {username} failed ({status})")
    return {"Authorization": f"Bearer {json.loads(data)['token']}"}


# -- what to measure ----------------------------------------------------------------------------------------------


def _org_id(code: str) -> int | None:
    return db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code))


def subjects_needed(requests: int, clients: int, rounds: int = 1) -> int:
    """Cases a run of the two POST pages uses up: each timed request and each client's warm-up (one a round) fires
    ``start_precheck`` on a case of its own."""
    return 2 * (requests + rounds * clients)


def in_rounds(requests: int, rounds: int) -> list[int]:
    """``requests`` shared out over ``rounds`` as evenly as they go (the first rounds take one more)."""
    return [requests // rounds + (1 if n < requests % rounds else 0) for n in range(rounds)]


def in_round_pages(page: Page, shares: list[int], warmups: int) -> list[Page]:
    """``page`` for each round of ``shares`` requests: a POST page's rounds each take their own cases (one per timed
    request and one per warm-up), the others are the page itself."""
    if not page.subjects:
        return [page] * len(shares)
    pages, taken = [], 0
    for share in shares:
        pages.append(replace(page, subjects=page.subjects[taken : taken + share + warmups]))
        taken += share + warmups
    return pages


def merged(results: list[Result]) -> Result:
    """One page's rounds as one result: every timed request, every status, the first SQL count reported, the
    workers' CPU of every round (unknown when a round's is)."""
    whole = Result(results[0].name, path=results[0].path)
    cpu = [result.cpu_s for result in results]
    whole.cpu_s = None if None in cpu else sum(c for c in cpu if c is not None)
    for result in results:
        whole.latencies.extend(result.latencies)
        for status, n in result.statuses.items():
            whole.statuses[status] = whole.statuses.get(status, 0) + n
        if whole.sql is None:
            whole.sql = result.sql
    return whole


def ready_for_precheck(limit: int) -> tuple[int, ...]:
    """The POST pages' subjects: up to ``limit`` cases waiting for 夷陵区档案局's pre-check (ARC-10.2.1).
    Inside an app context."""
    from webapp.grading.models import Case

    county = _org_id("yc-yl")
    return tuple(
        db.session.scalars(
            sa.select(Case.id)
            .where(Case.state == "acceptance_requested", Case.prechecker_id == county)
            .order_by(Case.id)
            .limit(limit)
        )
    )


def resolve_pages(summary_year: int = 2026, transition_subjects: int = 2000) -> list[Page]:
    """The issue's pages on whatever database the app context holds (the demo or the province). Inside an app
    context; a page whose subject the data lacks is left out (the table says so)."""
    from webapp.articles.models import ArticleOffice, LedgerPeriod
    from webapp.campaigns.models import Campaign, CampaignUnit
    from webapp.grading.models import Case

    pages = [
        Page("/api/v1/cases as the province", "/api/v1/cases", "prov-staff", "bearer"),
        Page("/api/v1/cases as a city", "/api/v1/cases", "city-staff", "bearer"),
        Page("/cases/?page=1000 (province)", "/cases/?page=1000", "prov-staff"),
        Page("/bureau/ county (open cases)", "/bureau/", "county-staff"),
        Page("/bureau/?tab=supervised (city)", "/bureau/?tab=supervised", "city-staff"),
        Page("/bureau/ province", "/bureau/", "prov-staff"),
        Page("12月20日 summary page", f"/bureau/summary?year={summary_year}", "city-staff"),
        Page("12月20日 summary .xlsx", f"/bureau/summary.xlsx?year={summary_year}", "city-staff"),
        Page("/notices/", "/notices/", None, "none"),
    ]
    # a decided case (its page shows every section: timeline, sheets, documents), so the page at demo size and
    # at province size is the same page, and its statements compare
    decided = sa.select(Case.id).where(Case.state.in_(("approved", "rejected")))
    counts = (
        sa.select(AuditEvent.subject_id, sa.func.count().label("n"))
        .where(AuditEvent.subject_type == "case", AuditEvent.subject_id.in_(decided))
        .group_by(AuditEvent.subject_id)
        .subquery()
    )
    case_id = db.session.scalar(
        sa.select(counts.c.subject_id).order_by(sa.func.abs(counts.c.n - 13), counts.c.subject_id).limit(1)
    )
    if case_id is not None:
        n = db.session.scalar(sa.select(counts.c.n).where(counts.c.subject_id == case_id))
        pages.append(Page(f"case page, {n}-event timeline", f"/cases/{case_id}", "prov-staff"))
    ready = ready_for_precheck(transition_subjects)
    if ready:
        # the same event answered two ways, half the subjects each: the whole case (the default), and the short
        # answer a client firing many events asks for (Prefer: return=minimal, RFC 7240)
        half = (len(ready) + 1) // 2
        for name, subjects, headers in (
            ("API POST a transition (start_precheck)", ready[:half], ()),
            ("API POST a transition, Prefer: return=minimal", ready[half:], (("Prefer", "return=minimal"),)),
        ):
            if subjects:
                pages.append(
                    Page(
                        name,
                        "/api/v1/cases/{id}/events",
                        "county-staff",
                        "bearer",
                        "POST",
                        subjects,
                        {"event": "start_precheck"},
                        headers,
                    )
                )
    pages.append(Page("article intake queue (office)", "/office/articles", "zg-editor"))
    pages.append(Page("office period ranking (ledger)", "/ledger/", "zg-head"))
    tj = _org_id("tj-yc")
    moderated = db.session.scalar(
        sa.select(Campaign.id)
        .join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id)
        .where(Campaign.office_id == tj, Campaign.state == "moderation")
        .group_by(Campaign.id)
        .order_by(sa.func.count(CampaignUnit.id).desc(), Campaign.id)
        .limit(1)
    )
    if moderated is not None:
        pages.append(Page("campaign moderation page", f"/campaigns/{moderated}/moderation", "tj-staff"))
    published = db.session.scalar(
        sa.select(Campaign.id)
        .where(Campaign.office_id == _org_id("jx-yl"), Campaign.state == "published")
        .order_by(Campaign.id.desc())
        .limit(1)
    )
    if published is not None:
        pages.append(Page("campaign bulletin", f"/campaigns/{published}/bulletin", "jx-staff"))
    office = db.session.scalar(
        sa.select(ArticleOffice.id).where(ArticleOffice.organisation_id == _org_id("zg-yc"))
    )
    period = db.session.scalar(
        sa.select(LedgerPeriod.period)
        .where(LedgerPeriod.office_id == office, LedgerPeriod.state == "published")
        .order_by(LedgerPeriod.id.desc())
        .limit(1)
    )
    if period is not None:
        pages.append(Page("ledger bulletin", f"/ledger/{period}/bulletin", "zg-head"))
    # not the issue's pages: floors to read the others' ratios against. Under every signed-in page: the session
    # and its user checked, the navigation with its overdue count, the layout, a three-field form. Under every
    # API call: the bearer token and its person (`/api/v1/me`, one statement). Under the case page and under a
    # transition's whole answer: the case's own data without its HTML (the API's detail, what the answer adds to
    # the event)
    pages.append(Page("floor: a signed-in form (/auth/password)", "/auth/password", "county-staff"))
    pages.append(Page("floor: a bearer API call (/api/v1/me)", "/api/v1/me", "prov-staff", "bearer"))
    if case_id is not None:
        pages.append(
            Page(
                "floor: the case page's data (API detail)", f"/api/v1/cases/{case_id}", "prov-staff", "bearer"
            )
        )
    return pages


# -- measuring ----------------------------------------------------------------------------------------------------


class Accounts:
    """Headers per account, fetched once (a session cookie or a bearer token), shared by the clients."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.cache: dict[tuple[str | None, str], dict[str, str]] = {}

    def headers(self, page: Page) -> dict[str, str]:
        key = (page.user, page.auth)
        if key not in self.cache:
            if page.auth == "none" or page.user is None:
                self.cache[key] = {}
            elif page.auth == "bearer":
                self.cache[key] = bearer(self.backend, page.user)
            else:
                self.cache[key] = login(self.backend, page.user)
        return self.cache[key]


def measure(
    page: Page,
    backends: list[Backend],
    accounts: Accounts,
    *,
    requests: int,
    max_seconds: float,
    min_requests: int = 8,
    warmup: bool = True,
    warmup_clients: int | None = None,
) -> Result:
    """``requests`` requests of ``page`` from ``len(backends)`` concurrent clients (fewer when ``max_seconds`` is
    spent, never fewer than ``min_requests``), timed once every client's one warm-up request is answered."""
    headers = {**accounts.headers(page), **dict(page.headers)}
    body = None
    if page.body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(page.body).encode()
    subjects = list(page.subjects)
    result = Result(page.name, path=page.path)
    lock = threading.Lock()
    issued = 0
    deadline = 0.0

    def path_for() -> str | None:
        if "{id}" not in page.path:
            return page.path
        with lock:
            return page.path.format(id=subjects.pop(0)) if subjects else None

    def once(backend: Backend, record: bool) -> bool:
        path = path_for()
        if path is None:
            return False
        started = time.perf_counter()
        status, response_headers, _ = backend.request(page.method, path, headers, body)
        elapsed = time.perf_counter() - started
        with lock:
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if record:
                result.latencies.append(elapsed)
                if result.sql is None and SQL_HEADER.lower() in response_headers:
                    result.sql = int(response_headers[SQL_HEADER.lower()])
        return True

    # no request is timed before every client's warm-up is answered: a client done warming up would otherwise
    # time requests queued behind the others' first (cold) ones, which made the first timed requests the slowest
    # of the page, its p99 when there are 200
    warmed = threading.Barrier(len(backends))

    def client(backend: Backend, index: int) -> None:
        nonlocal issued
        try:
            if warmup and (warmup_clients is None or index < warmup_clients):
                once(backend, record=False)
        finally:
            warmed.wait()
        while True:
            with lock:
                spent = time.perf_counter() > deadline and issued >= min_requests
                if issued >= requests or spent:
                    return
                issued += 1
            if not once(backend, record=True):
                return

    deadline = time.perf_counter() + max_seconds
    threads = [threading.Thread(target=client, args=(b, i)) for i, b in enumerate(backends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def sql_once(page: Page, backend: Backend, accounts: Accounts) -> tuple[int | None, int]:
    """Statements of one request of ``page`` (after one warm-up request): (count, status)."""
    result = measure(page, [backend], accounts, requests=1, max_seconds=0, min_requests=1)
    status = max(result.statuses) if result.statuses else 0
    return result.sql, status


def table(rows: list[dict[str, Any]]) -> str:
    """page | p50 | p99 | × baseline p50 | SQL demo → province | workers' CPU a request, as a Markdown table."""
    lines = [
        "| page | p50 ms | p99 ms | × baseline p50 | SQL demo → province | worker CPU ms |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = (
            f"{row['p50_ms'] / row['baseline_p50_ms']:.1f}"
            if row.get("p50_ms") is not None and row.get("baseline_p50_ms")
            else "—"
        )
        small = "—" if row.get("sql_small") is None else row["sql_small"]
        large = "—" if row.get("sql_large") is None else row["sql_large"]
        note = f" ({row['note']})" if row.get("note") else ""
        if row.get("errors"):  # a page that failed is not a figure: said in the row, and the run exits 1
            failed = ", ".join(f"{count} × HTTP {status}" for status, count in row["errors"].items())
            note += f" **FAILED: {failed}**"
        lines.append(
            f"| {row['name']}{note} | {_fmt(row.get('p50_ms'))} | {_fmt(row.get('p99_ms'))} | {ratio} | "
            f"{small} → {large} | {_fmt(row.get('worker_cpu_ms'), 2)} |"
        )
    return "\n".join(lines)


def _fmt(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.{places}f}"


Timer = Callable[[], float]
