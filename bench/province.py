"""The province generator (`make bench`, issue 12): the demo, then a generated province around it.

17 city and 103 county bureaus (the demo's included), ~40,000 organs; 60,000 grading cases in states the
transition table reaches, each with its hash-chained timeline (the app's own `AuditEvent.compute_hash`, so
`verify_chain` passes), grades, filings, panels and score sheets; three years of information work (offices'
units, articles with their first revision, adoptions); a year of campaigns (units, sheets, claims).

Everything is written in bulk (`bench.bulk`: Core executemany on SQLite, COPY on PostgreSQL) with ids chosen
here, never through the services: the services write one case at a time and would take hours. Deterministic
(fixed seed). The demo accounts see the big data: ``prov-staff`` the whole province, ``city-staff`` 宜昌's
cities and counties, ``county-staff`` (夷陵区) a worklist of ~1,500 open cases, ``zg-editor`` / ``zg-head`` an
office with a ~40 % share of the articles, ``tj-staff`` a campaign of hundreds of units in moderation.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from bench import bulk
from config.ledger_schemes import load_ledger_scheme
from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.articles.models import (
    FULLTEXT_TABLE,
    Adoption,
    Article,
    ArticleOffice,
    ArticleRevision,
    OfficeUnit,
    Publication,
)
from webapp.articles.models.fulltext import FULLTEXT_DDL
from webapp.campaigns.models import Campaign, CampaignClaim, CampaignUnit
from webapp.core.extensions import db
from webapp.core.models import (
    GENESIS_HASH,
    MAC_HMAC,
    AuditEvent,
    Organisation,
    Sequence,
    SettingKV,
    User,
    UserRole,
)
from webapp.grading.models import Case, CaseFiling, Grade, PanelMember
from webapp.grading.services.cases import _series, certificate_prefix, letter_prefix
from webapp.grading.services.panel import NO_CONFLICT_STATEMENT
from webapp.scoring.models import ScoreSheet
from workflow import calendar
from workflow.errors import WorkflowError
from workflow.grading.authority import BureauRef, assignment, resolve_bureaus

TODAY = date(2027, 1, 5)
#: the settings row that marks a generated database (its size and counts), read by ``--reuse``
MARKER = "bench_generated"
ALL_PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}


@dataclass(frozen=True)
class Size:
    name: str
    cities: int  #: city bureaus in all (the demo's 4 included)
    counties: int  #: county bureaus in all (the demo's 3 included)
    organs: int
    cases: int
    #: open cases on 夷陵区档案局's worklist (county-staff)
    county_open: int
    #: of them, at least this many waiting for its pre-check (ARC-10.2.1): the bench's POST pages fire
    #: ``start_precheck`` on each once, so one full run (two pages of 200 requests, and 8 warm-ups in each of its 4
    #: rounds) needs 464
    transition_subjects: int
    articles: int
    adoptions: int
    article_units: int
    campaigns: int
    campaign_units: int  #: units of the big campaign in moderation


SIZES = {
    "full": Size("full", 17, 103, 40_000, 60_000, 1_500, 520, 600_000, 700_000, 3_000, 12, 400),
    "quick": Size("quick", 17, 103, 3_000, 4_500, 300, 80, 20_000, 24_000, 300, 4, 60),
    "tiny": Size("tiny", 6, 8, 200, 300, 30, 12, 400, 480, 30, 2, 15),
}

NEW_CITIES = [
    ("黄石市", False), ("十堰市", False), ("襄阳市", False), ("鄂州市", False), ("荆门市", False),
    ("孝感市", False), ("荆州市", False), ("黄冈市", False), ("咸宁市", False), ("随州市", False),
    ("恩施土家族苗族自治州", False), ("潜江市", True), ("天门市", True),
]  # fmt: skip


def _at(day: date, minute: int = 0) -> datetime:
    """A business time on ``day`` (10:00 Beijing time = 02:00 UTC, plus minutes), seconds only."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC) + timedelta(minutes=minute)


class _Audit(SimpleNamespace):
    """A row of the trail as plain attributes, hashed by the app's own code (so `verify_chain` agrees)."""

    canonical_payload = AuditEvent.canonical_payload
    compute_hash = AuditEvent.compute_hash
    version = AuditEvent.version


@dataclass
class Org:
    id: int
    code: str
    name: str
    kind: str
    tier: str | None  #: bureau tier or organ tier
    parent: int | None
    acts_as_county: bool = False


@dataclass
class World:
    """What later steps need from earlier ones."""

    conn: sa.Connection
    size: Size
    rng: random.Random
    orgs: dict[int, Org] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    #: bureau id → (staff user id, head user id)
    bureau_users: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: organ id → applicant user id
    applicants: dict[int, int] = field(default_factory=dict)
    reviewers: list[int] = field(default_factory=list)
    users: dict[int, tuple[str, int]] = field(default_factory=dict)  #: user id → (display name, org id)
    password_hash: str = ""
    #: level → an untouched agreed sheet's total and result (read before the write transaction: on SQLite the
    #: ORM's own connection would wait for the generator's lock)
    sheet_results: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the scheme version new cases start with (`active_scheme_for`, as `open_case` asks)
    scheme: tuple[str, str] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


# -- organisations and people -------------------------------------------------------------------------------------


def _load_orgs(world: World) -> None:
    t = Organisation.__table__
    for row in world.conn.execute(
        sa.select(
            t.c.id, t.c.code, t.c.name, t.c.kind, t.c.bureau_tier, t.c.tier, t.c.parent_id, t.c.acts_as_county
        )
    ):
        org = Org(
            row.id,
            row.code,
            row.name,
            row.kind,
            row.bureau_tier or row.tier,
            row.parent_id,
            row.acts_as_county,
        )
        world.orgs[org.id] = org
        world.by_code[org.code] = org.id


def generate_organisations(world: World) -> None:
    conn, size, rng = world.conn, world.size, world.rng
    t = Organisation.__table__
    _load_orgs(world)
    next_id = bulk.next_id(conn, t)
    rows: list[dict[str, Any]] = []
    created = _at(date(2015, 1, 1))

    def add(code: str, name: str, kind: str, tier: str, parent: int | None, **flags: Any) -> int:
        nonlocal next_id
        oid = next_id
        next_id += 1
        bureau = kind == "bureau"
        rows.append(
            {
                "id": oid,
                "code": code,
                "name": name,
                "kind": kind,
                "bureau_tier": tier if bureau else None,
                "tier": None if bureau else tier,
                "parent_id": parent,
                "has_system_guidance": bool(flags.get("guidance", False)),
                "authority_status": "active" if bureau else None,
                "acts_as_county": bool(flags.get("acts_as_county", False)),
                "contact_phone": f"027-8{oid:07d}"[:13] if bureau else None,
                "address": f"{name}办公楼（示例地址）" if bureau else None,
                "active": True,
                "created_at": created,
            }
        )
        org = Org(oid, code, name, kind, tier, parent, bool(flags.get("acts_as_county", False)))
        world.orgs[oid] = org
        world.by_code[code] = oid
        return oid

    province = world.by_code["hb"]
    cities = [oid for oid, o in world.orgs.items() if o.kind == "bureau" and o.tier == "city"]
    for n, (name, direct) in enumerate(NEW_CITIES[: max(0, size.cities - len(cities))]):
        cities.append(add(f"g-c{n:02d}", f"{name}档案局", "bureau", "city", province, acts_as_county=direct))
    with_counties = [c for c in cities if not world.orgs[c].acts_as_county]
    counties = [oid for oid, o in world.orgs.items() if o.kind == "bureau" and o.tier == "county"]
    for n in range(max(0, size.counties - len(counties))):
        city = with_counties[n % len(with_counties)]
        stem = world.orgs[city].name.removesuffix("档案局")
        counties.append(add(f"g-k{n:03d}", f"{stem}第{n + 1}县区档案局", "bureau", "county", city))

    # organs: ~1 % provincial-direct, ~7 % city-direct, the rest under the counties; 夷陵区 (county-staff) gets
    # enough for its ~1,500 open cases
    yl = world.by_code["yc-yl"]
    n_prov = max(5, size.organs // 100)
    n_city = max(len(cities), size.organs * 7 // 100)
    n_yl = int(size.county_open * 1.7)
    n_rest = max(len(counties), size.organs - n_prov - n_city - n_yl)
    serial = 0

    def organ(parent: int, tier: str) -> None:
        nonlocal serial
        serial += 1
        stem = world.orgs[parent].name.removesuffix("档案局")
        word = {
            "provincial_direct": "直属单位",
            "city_direct": "市直单位",
            "county_direct": "局",
            "township": "镇",
        }
        add(
            f"g-o{serial:06d}",
            f"{stem}{word[tier]}{serial:05d}",
            "organ",
            tier,
            parent,
            guidance=serial % 9 == 0,
        )

    for _ in range(n_prov):
        organ(province, "provincial_direct")
    for n in range(n_city):
        organ(cities[n % len(cities)], "city_direct")
    for n in range(n_yl):
        organ(yl, "county_direct" if n % 2 else "township")
    for n in range(n_rest):
        organ(counties[n % len(counties)], "county_direct" if rng.random() < 0.55 else "township")
    world.count("organisations", bulk.insert(conn, t, rows))


def fill_organisation_tree(conn: sa.Connection) -> int:
    """The closure table of issue 12 (H4's ``organisation_tree``), when the model is there: every (ancestor,
    descendant, depth) pair, computed here and written in bulk — the session event that keeps it in the app
    does not see bulk inserts. Tolerant: without the table (before H4's model lands) nothing is done."""
    table = db.metadata.tables.get("organisation_tree")
    if table is None:
        return 0
    parents = dict(conn.execute(sa.select(Organisation.id, Organisation.parent_id)).all())
    rows = []
    for oid in parents:
        node, depth, seen = oid, 0, set()
        while node is not None and node not in seen:
            rows.append({"ancestor_id": node, "descendant_id": oid, "depth": depth})
            seen.add(node)
            node, depth = parents.get(node), depth + 1
    conn.execute(table.delete())
    return bulk.insert(conn, table, rows)


def generate_users(world: World) -> None:
    conn = world.conn
    ut, rt = User.__table__, UserRole.__table__
    world.password_hash = (
        conn.scalar(sa.select(ut.c.password_hash).where(ut.c.username == "prov-staff")) or ""
    )
    for uid, name, org in conn.execute(sa.select(ut.c.id, ut.c.display_name, ut.c.organisation_id)):
        world.users[uid] = (name, org)
    by_name = dict(conn.execute(sa.select(ut.c.username, ut.c.id)).all())
    demo_staff = {
        "hb": ("prov-staff", "prov-head"),
        "yc": ("city-staff", "city-head"),
        "yc-yl": ("county-staff", "county-head"),
    }
    for code, (staff, head) in demo_staff.items():
        world.bureau_users[world.by_code[code]] = (by_name[staff], by_name[head])
    world.reviewers = [by_name[f"reviewer-{n}"] for n in range(1, 10) if f"reviewer-{n}" in by_name]
    next_uid = bulk.next_id(conn, ut)
    users: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    created = _at(date(2016, 1, 1))
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"

    def add(username: str, org: int, *role_names: str) -> int:
        nonlocal next_uid
        uid = next_uid
        next_uid += 1
        name = (
            surnames[uid % len(surnames)]
            + ("建华", "丽", "伟", "敏", "静", "强", "磊", "芳")[uid % 8]
            + str(uid % 97)
        )
        users.append(
            {
                "id": uid,
                "username": username,
                "display_name": name,
                "password_hash": world.password_hash,
                "organisation_id": org,
                "active": True,
                "created_at": created,
                "last_login_at": None,
            }
        )
        roles.extend({"user_id": uid, "role": role} for role in role_names)
        world.users[uid] = (name, org)
        return uid

    for oid, org in world.orgs.items():
        if org.kind == "bureau":
            if oid not in world.bureau_users:
                world.bureau_users[oid] = (
                    add(f"g-{org.code}-staff", oid, "bureau_staff"),
                    add(f"g-{org.code}-head", oid, "bureau_head"),
                )
            for n in range(4 if org.tier in ("province", "city") else 2):
                world.reviewers.append(add(f"g-{org.code}-rev{n}", oid, "reviewer"))
        elif org.code.startswith("g-o"):
            world.applicants[oid] = add(f"g-{org.code}-unit", oid, "unit_applicant")
    world.count("users", bulk.insert(conn, ut, users))
    bulk.insert(conn, rt, roles)


# -- grading cases --------------------------------------------------------------------------------------------------

#: The main path: (event, from, to, rule, acting function, attachment kind for uploads).
MAIN: list[tuple[str, str | None, str, str, str, str | None]] = [
    ("open", None, "draft", "ARC-10.1.1", "applicant", None),
    ("upload", "draft", "draft", "ARC-10.1.4", "applicant", "application_form"),
    ("upload", "draft", "draft", "ARC-10.1.4", "applicant", "self_check_sheet"),
    ("apply", "draft", "applied", "ARC-10.1.1", "applicant", None),
    ("plan", "applied", "planned", "ARC-10.1.3", "planner", None),
    ("upload", "planned", "planned", "ARC-10.1.4", "applicant", "acceptance_report"),
    ("request_acceptance", "planned", "acceptance_requested", "ARC-10.1.4", "applicant", None),
    ("start_precheck", "acceptance_requested", "prechecking", "ARC-10.2.1", "prechecker", None),
    ("pass_precheck", "prechecking", "in_notice", "ARC-10.3.1", "prechecker", None),
    ("set_panel", "in_notice", "in_notice", "PANEL", "organizer", None),
    ("close_notice", "in_notice", "in_review", "ARC-10.3.2", "organizer", None),
    ("upload", "in_review", "in_review", "ARC-10.5.1", "applicant", "integrity_notice"),
    ("conclude_review", "in_review", "awaiting_approval", "ARC-10.4.5", "panel", None),
    ("approve", "awaiting_approval", "approved", "ARC-10.5.2", "approver", None),
]
#: last index of MAIN reached by each open state
REACH = {"applied": 3, "planned": 5, "acceptance_requested": 6, "prechecking": 7, "in_notice": 9,
         "in_review": 11, "awaiting_approval": 12, "approved": 13}  # fmt: skip
#: days after the previous step (min, max), per MAIN index
GAPS = [(0, 0), (0, 0), (0, 2), (1, 10), (7, 30), (20, 120), (0, 0), (3, 15), (5, 20), (1, 3), (7, 9), (1, 5),
        (3, 20), (5, 20)]  # fmt: skip
OPEN_MIX = [("applied", 14), ("planned", 14), ("acceptance_requested", 18), ("prechecking", 10),
            ("returned", 3), ("in_notice", 8), ("in_review", 15), ("awaiting_approval", 18)]  # fmt: skip
#: 夷陵区's open cases: mostly where the county acts next (its worklist), many ready for start_precheck
YL_MIX = [("applied", 18), ("acceptance_requested", 36), ("prechecking", 10), ("in_notice", 8),
          ("in_review", 6), ("awaiting_approval", 22)]  # fmt: skip


@dataclass
class CasePlan:
    organ: int
    year: int
    level: str
    kind: str
    outcome: str  #: an open state, or approved / withdrawn / declined / failed


def _chain(world: World, organ: int) -> list[BureauRef]:
    refs, node = [], world.orgs[organ].parent
    while node is not None:
        org = world.orgs[node]
        if org.kind == "bureau":
            refs.append(BureauRef(str(org.id), org.tier or "", True))
        node = org.parent
    return refs


def plan_cases(world: World) -> list[CasePlan]:
    """Which organ has which cases in which year: earlier rounds closed, the 2026 round partly still open."""
    rng, size = world.rng, world.size
    organs = [o for o in world.orgs.values() if o.kind == "organ" and o.code.startswith("g-o")]
    yl = world.by_code["yc-yl"]
    plans: list[CasePlan] = []
    yl_open = 0
    yl_final: list[int] = []  #: indices of 夷陵区's open cases in ``plans``
    rng.shuffle(organs)
    organs.sort(key=lambda o: o.parent != yl)  # 夷陵区 first: its open cases are a given
    for organ in organs:
        if len(plans) >= size.cases:
            break
        if organ.parent == yl and yl_open < size.county_open:
            first = rng.randrange(2014, 2024)
        elif rng.random() < 0.35:
            continue
        else:
            first = rng.randrange(2012, 2027)
        level, kind = "second", "evaluation"
        year = first
        while year <= 2026:
            last = year + 3 > 2026
            if organ.parent == yl and yl_open < size.county_open and last:
                outcome = _weighted(rng, YL_MIX)
                yl_open += 1
                yl_final.append(len(plans))
            elif year == 2026 and rng.random() < 0.6:
                outcome = _weighted(rng, OPEN_MIX)
            else:
                outcome = _weighted(
                    rng, [("approved", 78), ("withdrawn", 12), ("declined", 3), ("failed", 7)]
                )
            plans.append(CasePlan(organ.id, year, level, kind, outcome))
            if outcome == "approved":
                if level == "second" and rng.random() < 0.3:
                    level, kind = "first", "evaluation"
                else:
                    kind = "recheck"
                year += 3  # the year the certificate expires: the recheck's (ARC-11.2)
            else:
                year += rng.choice((1, 2))
                kind = "evaluation"
    # whatever the mix drew, at least `Size.transition_subjects` of them wait for 夷陵区's own pre-check (a 省二级
    # case is pre-checked by the county: ARC-10.2.1), one for each request of the bench's POST pages
    second = [i for i in yl_final if plans[i].level == "second"]
    waiting = sum(1 for i in second if plans[i].outcome == "acceptance_requested")
    others = [i for i in second if plans[i].outcome != "acceptance_requested"]
    for i in others[: max(0, size.transition_subjects - waiting)]:
        plans[i].outcome = "acceptance_requested"
    return plans


def _weighted(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([m for m, _ in mix], [w for _, w in mix])[0]


def _steps(outcome: str, rng: random.Random) -> list[tuple[str, str | None, str, str, str, str | None]]:
    if outcome in REACH:
        return MAIN[: REACH[outcome] + 1]
    if outcome == "returned":
        return [*MAIN[:8], ("return_for_completion", "prechecking", "returned", "GAP-8", "prechecker", None)]
    if outcome == "declined":
        return [*MAIN[:4], ("decline", "applied", "rejected", "ARC-10.1.3", "planner", None)]
    if outcome == "failed":
        return [*MAIN[:12], ("conclude_review", "in_review", "rejected", "ARC-7.2", "panel", None)]
    # withdrawn: from some open state
    stop = rng.choice((3, 5, 6, 9))
    state = MAIN[stop][2]
    return [*MAIN[: stop + 1], ("withdraw", state, "withdrawn", "ARC-3.1", "applicant", None)]


def generate_cases(world: World) -> dict[str, Any]:
    """Cases with their timelines, panels, sheets, grades, filings and number counters."""
    conn, rng = world.conn, world.rng
    ruleset = load_ruleset(DEFAULT_RULESET)
    scheme_id, scheme_version = world.scheme or (None, None)
    sheet_results = world.sheet_results
    plans = plan_cases(world)
    plans.sort(key=lambda p: (p.year, p.organ))
    ct, at, gt, ft, pt, st = (
        Case.__table__, AuditEvent.__table__, Grade.__table__, CaseFiling.__table__,
        PanelMember.__table__, ScoreSheet.__table__,
    )  # fmt: skip
    case_id, audit_id, grade_id, member_id, sheet_id = (
        bulk.next_id(conn, ct), bulk.next_id(conn, at), bulk.next_id(conn, gt),
        bulk.next_id(conn, pt), bulk.next_id(conn, st),
    )  # fmt: skip
    counters = {(r.name, r.year): r.value for r in conn.execute(sa.select(Sequence.__table__))}
    counters_start = dict(counters)
    cases, events, grades, filings, members, sheets = [], [], [], [], [], []
    asg_cache: dict[tuple[str, str, str, int], tuple[Any, dict[str, Any]]] = {}
    last_grade: dict[int, dict[str, Any]] = {}
    transition_ready: list[int] = []
    yl = world.by_code["yc-yl"]
    names = {oid: o.name for oid, o in world.orgs.items()}

    def number(kind: str, prefix: str, year: int) -> str:
        key = (_series(kind, prefix), year)
        counters[key] = counters.get(key, 0) + 1
        return f"{prefix}{counters[key]:04d}号" if kind == "certificate" else f"{prefix}{counters[key]}号"

    for plan in plans:
        organ = world.orgs[plan.organ]
        level, kind = plan.level, plan.kind
        key = (level, kind, organ.tier or "", organ.parent or 0)
        if key not in asg_cache:
            try:
                asg = assignment(ruleset, level, kind, organ.tier or "")
                asg_cache[key] = (asg, resolve_bureaus(asg, _chain(world, organ.id), ruleset))
            except WorkflowError:
                asg_cache[key] = (None, {})
        asg, bureaus = asg_cache[key]
        if asg is None:
            continue
        steps = _steps(plan.outcome, rng)
        # dates: the application in the window, each step some days after the previous one
        day = date(plan.year, 1, 4) + timedelta(days=rng.randrange(0, 85))
        days = []
        for n, step in enumerate(steps):
            lo, hi = GAPS[MAIN.index(step)] if step in MAIN else (3, 20)
            if n:
                day = day + timedelta(days=rng.randint(lo, hi))
            days.append(day)
        cap = TODAY - timedelta(days=1)
        if plan.outcome == "in_notice":  # a notice running today (the public notices page)
            cap = TODAY - timedelta(days=rng.randrange(1, 6))
            days[-1] = days[-2] = cap
        days = [min(d, cap) for d in days]
        cid = case_id
        case_id += 1
        applicant = world.applicants[organ.id]
        panel_size = asg.panel[0]
        panel = rng.sample(world.reviewers, panel_size) if len(world.reviewers) >= panel_size else []
        actors = {
            "applicant": applicant,
            "panel": panel[0] if panel else applicant,
            **{
                fn: world.bureau_users[int(bureaus[fn])][1 if fn == "approver" else 0]
                for fn in ("planner", "prechecker", "organizer", "approver")
            },
        }
        prev = GENESIS_HASH
        total = Decimal(rng.randrange(8000, 9800)) / 100
        state, state_since = None, days[0]
        for seq, ((event, source, dest, rule, fn, attachment), day) in enumerate(
            zip(steps, days, strict=True), 1
        ):
            uid = actors[fn]
            name, org = world.users[uid]
            comment = ""
            if event == "open":
                comment = f"新建{ruleset.level_name(level)}{ruleset.kind_name(kind)}申请"
            elif event == "upload":
                doc = ruleset.attachment_name(attachment or "other")
                comment = f"上传{doc}：{doc}.pdf"
            elif event == "plan":
                comment = f"{plan.year}年度考评计划"
            elif event == "set_panel":
                rule = asg.panel_rule
                comment = f"评审组{len(panel)}人：" + "、".join(
                    world.users[m][0] + ("（组长）" if i == 0 else "") for i, m in enumerate(panel)
                )
            elif event == "conclude_review":
                comment = f"评审总分 {total} 分"
            row = _Audit(
                subject_type="case", subject_id=cid, seq=seq, actor_user_id=uid, actor_name=name,
                actor_org_id=org, actor_org_name=names[org], at=_at(day, seq), event=event,
                from_state=source, to_state=dest, comment=comment, rule_id=rule, ruleset_id=ruleset.id,
                prev_hash=prev, result="success", address="", mac_version=MAC_HMAC,
            )  # fmt: skip
            row.hash = row.compute_hash()
            prev = row.hash
            events.append({"id": audit_id, **{k: v for k, v in vars(row).items()}})
            audit_id += 1
            if dest != state:
                state, state_since = dest, day
        reached = {step[0] for step in steps}
        decided = days[-1] if state in ("approved", "rejected", "withdrawn") else None
        case = {
            "id": cid, "organ_id": organ.id, "level": level, "kind": kind, "tier": organ.tier,
            "ruleset_id": ruleset.id, "scheme_id": scheme_id, "scheme_version": scheme_version,
            "state": state, "state_since": state_since,
            "plan_year": plan.year if "plan" in reached else None,
            "applied_on": days[3] if "apply" in reached else None, "forwarded_on": None,
            "lodged_with_id": int(bureaus["lodged_with"]), "planner_id": int(bureaus["planner"]),
            "prechecker_id": int(bureaus["prechecker"]), "organizer_id": int(bureaus["organizer"]),
            "approver_id": int(bureaus["approver"]),
            "forwarder_id": int(bureaus["forwarder"]) if "forwarder" in bureaus else None,
            "summary_to_id": int(bureaus["summary_to"]) if "summary_to" in bureaus else None,
            "panel_min": asg.panel[0], "panel_max": asg.panel[1], "in_city_summary": asg.in_city_summary,
            "preconditions": ALL_PRECONDITIONS,
            "notice_start": days[8] + timedelta(days=1) if "pass_precheck" in reached else None,
            "notice_closed_on": days[10] if "close_notice" in reached else None,
            "decided_on": decided,
            "letter_no": None, "certificate_no": None,
            "precheck_opinion": "材料齐全，同意公示。" if "pass_precheck" in reached else None,
            "review_date": days[12] if "conclude_review" in reached else None,
            "total_score": None, "conclusion": None, "deleted_at": None,
            "spot_check": False, "spot_checked_by_id": None, "spot_checked_at": None,
            "version_id": len(steps), "created_at": _at(days[0]), "updated_at": _at(days[-1], len(steps)),
        }  # fmt: skip
        if plan.outcome == "in_notice":
            case["notice_start"] = days[-1]
        if "conclude_review" in reached:
            failed = state == "rejected"
            score = Decimal(rng.randrange(6000, 7900)) / 100 if failed else total
            result = sheet_results.get(level)
            if result is not None and not failed and plan.year >= 2021:
                score = result["total"]
                sheets.append(
                    _sheet(
                        sheet_id, cid, "agreed", scheme_id, scheme_version, result, actors["panel"], days[12]
                    )
                )
                sheet_id += 1
                if plan.year >= 2023:
                    sheets.append(
                        _sheet(sheet_id, cid, "self", scheme_id, scheme_version, result, applicant, days[6])
                    )
                    sheet_id += 1
            case["total_score"], case["conclusion"] = score, "fail" if failed else "pass"
        if "set_panel" in reached:
            for i, member in enumerate(panel):
                members.append(
                    {"id": member_id, "case_id": cid, "user_id": member, "is_lead": i == 0, "declaration": "none",
                     "declaration_note": NO_CONFLICT_STATEMENT, "declared_at": _at(days[9], 30)}
                )  # fmt: skip
                member_id += 1
        if state == "approved":
            year = days[-1].year
            case["certificate_no"] = number("certificate", certificate_prefix(ruleset, year), year)
            approver = world.orgs[case["approver_id"]]
            bureau = SimpleNamespace(parent_id=approver.parent, name=approver.name)
            case["letter_no"] = number("letter", letter_prefix(ruleset, bureau, year), year)  # type: ignore[arg-type]
            valid_from = days[-1]
            grade = {
                "id": grade_id, "organ_id": organ.id, "level": level, "valid_from": valid_from,
                "valid_to": calendar.validity_end(ruleset, valid_from), "certificate_kind": kind,
                "certificate_no": case["certificate_no"], "case_id": cid, "superseded_by_id": None,
                "lapsed_on": None, "created_at": _at(valid_from, 20),
            }  # fmt: skip
            grade_id += 1
            previous = last_grade.get(organ.id)
            if previous is not None:
                previous["superseded_by_id"] = grade["id"]
            last_grade[organ.id] = grade
            grades.append(grade)
            for bureau_id in dict.fromkeys(int(i) for i in bureaus.get("filings", ())):
                filings.append(
                    {"case_id": cid, "bureau_id": bureau_id, "rule_id": "ARC-9.5", "filed_on": valid_from}
                )
        if state == "acceptance_requested" and organ.parent == yl and case["prechecker_id"] == yl:
            transition_ready.append(cid)
        cases.append(case)
    for grade in last_grade.values():  # an expired grade not renewed has lapsed (ARC-11.5), as tick records
        if grade["valid_to"] < TODAY and grade["superseded_by_id"] is None:
            grade["lapsed_on"] = grade["valid_to"] + timedelta(days=1)
    world.log(f"  cases planned: {len(cases):,}, timeline rows {len(events):,}; writing…")
    world.count("cases", bulk.insert(conn, ct, cases))
    world.count("audit_events", bulk.insert(conn, at, events))
    # superseded_by_id points forward: insert without it, then set it (a foreign key to a later row)
    superseded = [(g["id"], g["superseded_by_id"]) for g in grades if g["superseded_by_id"]]
    world.count("grades", bulk.insert(conn, gt, [g | {"superseded_by_id": None} for g in grades]))
    if superseded:
        conn.execute(
            gt.update().where(gt.c.id == sa.bindparam("gid")).values(superseded_by_id=sa.bindparam("sid")),
            [{"gid": g, "sid": s} for g, s in superseded],
        )
    world.count("case_filings", bulk.insert(conn, ft, filings))
    world.count("panel_members", bulk.insert(conn, pt, members))
    world.count("score_sheets", bulk.insert(conn, st, sheets))
    seq_t = Sequence.__table__
    changed = {k: v for k, v in counters.items() if counters_start.get(k) != v}
    for (name, year), _ in changed.items():
        if (name, year) in counters_start:
            conn.execute(seq_t.delete().where(seq_t.c.name == name, seq_t.c.year == year))
    bulk.insert(conn, seq_t, [{"name": n, "year": y, "value": v} for (n, y), v in changed.items()])
    world.counts["current_grades"] = sum(
        1 for g in last_grade.values() if g["lapsed_on"] is None and g["valid_to"] >= TODAY
    )
    world.counts["open_cases_county"] = sum(
        1
        for c in cases
        if c["lodged_with_id"] == yl and c["state"] not in ("approved", "rejected", "withdrawn")
    )
    world.counts["transition_ready"] = len(transition_ready)
    return {"transition_ready": len(transition_ready)}


def _sheet_results(scheme_id: str | None, version: str | None) -> dict[str, dict[str, Any]]:
    """The scheme's result for a sheet with no deductions, per level (what an untouched agreed sheet stores)."""
    if scheme_id is None or version is None:
        return {}
    from webapp.scoring.services.schemes import get_scheme
    from webapp.scoring.services.scoresheets.checks import compute

    scheme = get_scheme(scheme_id, version)
    out = {}
    for level in ("second", "first"):
        computed = compute(scheme, level, {})
        if computed.result is not None and computed.complete:
            out[level] = {"total": computed.result.total, "result": computed.result.to_dict()}
    return out


def _sheet(
    sid: int, case_id: int, kind: str, scheme_id: str | None, version: str | None, result: dict[str, Any],
    user: int, day: date,
) -> dict[str, Any]:  # fmt: skip
    at = _at(day, 45)
    return {
        "id": sid, "subject_type": "case", "subject_id": case_id, "kind": kind, "reviewer_id": None,
        "slot": kind, "status": "submitted", "scheme_id": scheme_id, "scheme_version": version, "entries": {},
        "total": result["total"], "result": result["result"], "prefilled": None,
        "opinion": "经评审组合议，同意通过。" if kind == "agreed" else None, "updated_by_id": user,
        "submitted_by_id": user, "submitted_at": at, "created_at": at, "updated_at": at, "version_id": 2,
    }  # fmt: skip


# -- information articles -----------------------------------------------------------------------------------------


def generate_articles(world: World) -> None:
    conn, rng, size = world.conn, world.rng, world.size
    ot, ut, rt = ArticleOffice.__table__, User.__table__, UserRole.__table__
    offices = {}
    for code, editor in (("zg-prov", "zg-prov-editor"), ("zg-yc", "zg-editor")):
        office = conn.execute(
            sa.select(ot.c.id, ot.c.scheme_id).where(ot.c.organisation_id == world.by_code[code])
        ).first()
        if office is None or not office.scheme_id:
            continue
        scheme = load_ledger_scheme(office.scheme_id)
        pubs = dict(
            conn.execute(
                sa.select(Publication.code, Publication.id).where(Publication.office_id == office.id)
            ).all()
        )
        codes = [p.id for p in scheme.publications if p.id in pubs]
        # only what the scheme prices (publication × class × form), so the ledger scores every adoption
        combos = [
            (p, c.id, f.id)
            for p in codes
            for c in scheme.classes
            for f in scheme.forms
            if scheme.value_for(p, c.id, f.id) is not None
        ]
        editor_id = conn.scalar(sa.select(ut.c.id).where(ut.c.username == editor))
        offices[code] = SimpleNamespace(
            id=office.id, groups=[g.id for g in scheme.groups], pubs=pubs, codes=codes, combos=combos,
            own=[c for c in combos if c[0] == codes[0]] if codes else [],
            classes=[c.id for c in scheme.classes], forms=[f.id for f in scheme.forms], editor=editor_id,
        )  # fmt: skip
    if not offices:
        world.log("  no article offices in the demo: articles skipped")
        return
    # units: organs of 宜昌 write to 宜昌's office, the others to the province's
    yc = world.by_code["yc"]
    in_yc = {oid for oid, o in world.orgs.items() if _under(world, oid, yc)}
    organs = [oid for oid, o in world.orgs.items() if o.kind == "organ" and o.code.startswith("g-o")]
    rng.shuffle(organs)
    yc_units = [o for o in organs if o in in_yc][: int(size.article_units * 0.4)]
    prov_units = [o for o in organs if o not in in_yc][: size.article_units - len(yc_units)]
    next_uid = bulk.next_id(conn, ut)
    users, roles, office_units, units = [], [], [], []
    ou_id = bulk.next_id(conn, OfficeUnit.__table__)
    for code, unit_ids in (("zg-yc", yc_units), ("zg-prov", prov_units)):
        office = offices.get(code)
        if office is None:
            continue
        for unit in unit_ids:
            users.append(
                {"id": next_uid, "username": f"g-{world.orgs[unit].code}-info", "display_name": f"信息员{next_uid}",
                 "password_hash": world.password_hash, "organisation_id": unit, "active": True,
                 "created_at": _at(date(2023, 1, 1)), "last_login_at": None}
            )  # fmt: skip
            roles.append({"user_id": next_uid, "role": "info_officer"})
            office_units.append(
                {"id": ou_id, "office_id": office.id, "unit_id": unit, "group_code": rng.choice(office.groups),
                 "base_score": None, "active": True}
            )  # fmt: skip
            ou_id += 1
            units.append((unit, next_uid, office))
            next_uid += 1
    bulk.insert(conn, ut, users)
    bulk.insert(conn, rt, roles)
    world.count("article_office_units", bulk.insert(conn, OfficeUnit.__table__, office_units))
    # the share of 宜昌's office: weight its units so it holds ~40 % of the articles
    yc_office = offices.get("zg-yc")
    weights = [0.4 / max(1, len(yc_units)) if office is yc_office else 0.6 / max(1, len(prov_units))
               for _, _, office in units]  # fmt: skip
    picks = rng.choices(range(len(units)), weights, k=size.articles)
    start = date(2024, 1, 1)
    span = (TODAY - start).days - 1
    art_t, rev_t, ad_t = Article.__table__, ArticleRevision.__table__, Adoption.__table__
    aid, ad_id = bulk.next_id(conn, art_t), bulk.next_id(conn, ad_t)
    adopted_once = int(size.articles * 0.75)
    twice = max(0, size.adoptions - adopted_once)
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    articles, revisions, adoptions = [], [], []
    topics = (
        "基层党建",
        "干部队伍建设",
        "人才工作",
        "乡村振兴",
        "组织生活",
        "作风建设",
        "党员教育",
        "基层治理",
    )
    written = 0

    def flush() -> None:
        nonlocal articles, revisions, adoptions, written
        written += bulk.insert(conn, art_t, articles)
        bulk.insert(conn, rev_t, revisions)
        world.count("article_adoptions", bulk.insert(conn, ad_t, adoptions))
        articles, revisions, adoptions = [], [], []

    # SQLite's full-text index: filled once at the end ('rebuild') instead of by the insert trigger row by row,
    # which is ten times slower; the trigger is put back as the app made it
    fts = conn.dialect.name == "sqlite" and bool(
        conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts_ai'").first()
    )
    if fts:
        conn.exec_driver_sql("DROP TRIGGER articles_fts_ai")
    for n in range(size.articles):
        unit, author, office = units[picks[n]]
        day = start + timedelta(days=rng.randrange(span))
        numbers[(office.id, day.year)] += 1
        title = f"{topics[n % len(topics)]}工作动态（第{n + 1}号）"
        body = f"{world.orgs[unit].name}扎实推进{topics[n % len(topics)]}，取得新成效。"
        recent = (TODAY - day).days < 15
        adopted = n < adopted_once and not recent
        if adopted:
            state = "adopted"
        elif recent:
            state = "submitted" if n % 2 else "received"
        else:
            state = "withdrawn" if n % 25 == 0 else "not_adopted"
        received = None if state in ("submitted", "withdrawn") else day + timedelta(days=1)
        decided = day + timedelta(days=rng.randint(2, 10)) if state in ("adopted", "not_adopted") else None
        if decided is not None:
            decided = min(decided, TODAY - timedelta(days=1))
        articles.append(
            {"id": aid, "number": f"{day.year}-{numbers[(office.id, day.year)]:05d}", "office_id": office.id,
             "unit_id": unit, "author_id": author, "kind": "normal", "secrecy": "none", "title": title,
             "body": body, "revision_no": 1, "state": state, "state_since": decided or received or day,
             "commission_target_id": None, "urgent_event_id": None, "import_id": None, "submitted_on": day,
             "submitted_at": _at(day), "signed_off_on": day, "signed_off_by_id": None, "received_on": received,
             "received_by_id": office.editor if received else None, "decided_on": decided,
             "withdrawn_on": day if state == "withdrawn" else None, "deleted_at": None, "version_id": 3,
             "created_at": _at(day), "updated_at": _at(decided or received or day, 5)}
        )  # fmt: skip
        revisions.append(
            {"article_id": aid, "no": 1, "title": title, "body": body, "note": "", "author_id": author,
             "state": "draft", "at": _at(day)}
        )  # fmt: skip
        if adopted and office.combos:
            for k in range(2 if n < twice else 1):
                code, klass, form = rng.choice(
                    office.own if k == 0 and office.own and rng.random() < 0.6 else office.combos
                )
                on = min((decided or day) + timedelta(days=3 * k), TODAY - timedelta(days=1))
                adoptions.append(
                    {"id": ad_id, "article_id": aid, "office_id": office.id, "publication_id": office.pubs[code],
                     "class_code": klass, "form_code": form,
                     "adopted_on": on, "editor_id": office.editor, "forwarding_id": None, "note": "",
                     "created_at": _at(on, 10), "cancelled_at": None, "cancel_reason": None}
                )  # fmt: skip
                ad_id += 1
        aid += 1
        if len(articles) >= 50_000:
            flush()
    flush()
    if fts:
        conn.exec_driver_sql(FULLTEXT_DDL[1])
        conn.exec_driver_sql(f"INSERT INTO {FULLTEXT_TABLE}({FULLTEXT_TABLE}) VALUES ('rebuild')")
    world.count("articles", written)


def _under(world: World, oid: int, ancestor: int) -> bool:
    node: int | None = oid
    while node is not None:
        if node == ancestor:
            return True
        node = world.orgs[node].parent
    return False


# -- campaigns ----------------------------------------------------------------------------------------------------


def generate_campaigns(world: World) -> None:
    """Copies of the demo's statistics campaign (scored, waiting in 审定中) over generated units: one big one for
    the moderation page, the others a month each of 2026. Sheets are the demo units' sheets (valid results),
    each unit a performance claim waiting to be verified."""
    conn, rng, size = world.conn, world.rng, world.size
    ct, ut, st, cl = Campaign.__table__, CampaignUnit.__table__, ScoreSheet.__table__, CampaignClaim.__table__
    template = (
        conn.execute(sa.select(ct).where(ct.c.state == "moderation").order_by(ct.c.id).limit(1))
        .mappings()
        .first()
    )
    if template is None:
        world.log("  no campaign in moderation in the demo: campaigns skipped")
        return
    template_units = [
        r.id
        for r in conn.execute(
            sa.select(ut.c.id).where(ut.c.campaign_id == template["id"]).order_by(ut.c.position)
        )
    ]
    sheets_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for sheet in conn.execute(
        sa.select(st).where(st.c.subject_type == "campaign_unit", st.c.subject_id.in_(template_units))
    ).mappings():
        sheets_of[sheet["subject_id"]].append(dict(sheet))
    staff = conn.scalar(sa.select(User.id).where(User.username == "tj-staff"))
    assessors = conn.execute(
        sa.text("SELECT user_id, lead FROM campaign_assessors WHERE campaign_id = :c"), {"c": template["id"]}
    ).all()
    organs = [oid for oid, o in world.orgs.items() if o.kind == "organ" and o.code.startswith("g-o")]
    cid, uid, sid, claim_id = (bulk.next_id(conn, t) for t in (ct, ut, st, cl))
    campaigns, units, sheets, claims, team = [], [], [], [], []
    for n in range(size.campaigns):
        count = size.campaign_units if n == 0 else max(10, size.campaign_units // 4)
        month = 12 - (n % 12)
        start, end = date(2026, month, 1), date(2026, month, 28)
        row = {k: v for k, v in template.items()}
        row.update(
            id=cid, title=f"2026年{month}月统计工作考评（第{n + 1}批）" if n else "2026年度全市统计工作考评（扩大）",
            period_kind="month" if n else "year", period_start=start if n else date(2026, 1, 1),
            period_end=end if n else date(2026, 12, 31), series_id=None, previous_id=None, version_id=1,
            created_by_id=staff or template["created_by_id"],
        )  # fmt: skip
        campaigns.append(row)
        team.extend({"campaign_id": cid, "user_id": u, "lead": lead} for u, lead in assessors)
        for pos, organ in enumerate(rng.sample(organs, min(count, len(organs)))):
            units.append(
                {"id": uid, "campaign_id": cid, "organisation_id": organ, "group": "", "position": pos,
                 "vetoed": False, "veto_reason": "", "judged_fail": False, "fail_reason": "", "recognition": None}
            )  # fmt: skip
            for sheet in (
                sheets_of.get(template_units[pos % len(template_units)], []) if template_units else []
            ):
                sheets.append(sheet | {"id": sid, "subject_id": uid})
                sid += 1
            claims.append(
                {"id": claim_id, "campaign_unit_id": uid, "kind": "performance",
                 "content": f"承担全省统计改革试点任务（第{claim_id}项）", "content_key": f"pilot-{claim_id}",
                 "category": "other", "points": Decimal(2), "declared": True, "evidence": "省统计局通报",
                 "status": "pending", "note": "", "created_by_id": staff or template["created_by_id"],
                 "created_at": _at(start, 60), "verified_by_id": None, "verified_at": None}
            )  # fmt: skip
            claim_id += 1
            uid += 1
        cid += 1
    world.count("campaigns", bulk.insert(conn, ct, campaigns))
    world.count("campaign_units", bulk.insert(conn, ut, units))
    bulk.insert(conn, db.metadata.tables["campaign_assessors"], team)
    world.count("campaign_sheets", bulk.insert(conn, st, sheets))
    world.count("campaign_claims", bulk.insert(conn, cl, claims))


# -- the whole ----------------------------------------------------------------------------------------------------


#: the tables of a hundred thousand rows or more, loaded with their indexes deferred (`bulk.indexes_deferred`);
#: no step reads them back by an indexed column
BULK_TABLES = (
    AuditEvent.__table__,
    PanelMember.__table__,
    Article.__table__,
    ArticleRevision.__table__,
    Adoption.__table__,
)


def generate(size: Size, *, seed: int = 12, log: Callable[[str], None] = print) -> dict[str, int]:
    """Add the generated province to the demo already loaded in the app's database (inside an app context)."""
    rng = random.Random(seed)
    steps: list[tuple[str, Callable[[World], Any]]] = [
        ("organisations", generate_organisations),
        ("organisation tree", lambda w: w.count("organisation_tree", fill_organisation_tree(w.conn))),
        ("users", generate_users),
        ("cases", generate_cases),
        ("articles", generate_articles),
        ("campaigns", generate_campaigns),
    ]
    from webapp.scoring.services.schemes import active_scheme_for

    active = active_scheme_for(load_ruleset(DEFAULT_RULESET).id)
    sheet_results = _sheet_results(*active) if active else {}
    db.session.remove()
    with db.engine.begin() as conn:
        world = World(conn, size, rng, log=log, sheet_results=sheet_results, scheme=active)
        with bulk.indexes_deferred(conn, BULK_TABLES):
            for name, step in steps:
                started = time.perf_counter()
                extra = step(world)
                log(f"  {name}: {time.perf_counter() - started:.1f} s {extra or ''}")
            started = time.perf_counter()
        log(f"  indexes of {', '.join(t.name for t in BULK_TABLES)}: {time.perf_counter() - started:.1f} s")
        bulk.reset_sequences(conn, db.metadata)
        conn.execute(
            SettingKV.__table__.insert(),
            [{"key": MARKER, "value": size.name, "updated_at": datetime.now(UTC)}],
        )
    bulk.analyze(db.engine)
    return world.counts


def generated_size(conn: sa.Connection) -> str | None:
    """The size a database was generated at (``--reuse``), or None."""
    try:
        return conn.scalar(sa.select(SettingKV.value).where(SettingKV.key == MARKER))
    except sa.exc.DBAPIError:
        return None
