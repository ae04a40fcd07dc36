"""Demo data (demo only: every account's password is ``kaoping-demo``).

Idempotent: each loader creates what is missing, matched on natural keys (organisation code, username,
certificate number …), and never changes rows that exist, so running ``kaoping demo`` twice changes nothing.
Add an area by writing ``load_<area>()`` and appending it to ``LOADERS``.

``load_cases`` drives a few cases through the real services (permissions, guards, audit rows) with explicit
past dates, so the first screen is alive; it is skipped under TESTING unless ``DEMO_CASES`` is set, so view
tests start from organs without cases.

Every date is relative to the day the demo is loaded (`DemoDates`): earlier rounds are whole years before the
current plan year, so each application still falls in the ruleset's application window, and the current
round's steps are a few days before today. Loaded on 2027-01-05 (``make run``) the demo is the start of the
2027 round; loaded on any other day it tells the same story without a date in the future.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash

from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.articles import demo as articles_demo
from webapp.campaigns import demo as campaigns_demo
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import (
    AuthorityStatus,
    BureauTier,
    Organisation,
    OrganTier,
    OrgKind,
    Role,
    User,
    UserRole,
)
from webapp.core.services import transaction
from webapp.grading.models import Case, Grade, SecurityIncident
from webapp.grading.services import attachments
from webapp.scoring.services.schemes import register_shipped_schemes
from workflow import calendar
from workflow.ruleset import Ruleset

DEMO_PASSWORD = "kaoping-demo"

BUREAU, ORGAN = OrgKind.BUREAU, OrgKind.ORGAN

#: The demo is the shipped ruleset's province: its name and short name come from the ruleset, not from here.
_WORDS = load_ruleset(DEFAULT_RULESET).documents
PROVINCE, SHORT = _WORDS.province, _WORDS.top_bureau_short

#: (code, name, kind, bureau tier or organ tier, parent code, extra flags)
ORGANISATIONS: list[tuple[str, str, str, str, str | None, dict]] = [
    ("hb", _WORDS.province_bureau, BUREAU, BureauTier.PROVINCE, None, {}),
    ("wh", "武汉市档案局", BUREAU, BureauTier.CITY, "hb", {}),
    ("wh-ja", "江岸区档案局", BUREAU, BureauTier.COUNTY, "wh", {}),
    ("yc", "宜昌市档案局", BUREAU, BureauTier.CITY, "hb", {}),
    ("yc-yl", "夷陵区档案局", BUREAU, BureauTier.COUNTY, "yc", {}),
    (
        "yc-xl",
        "西陵区档案局",
        BUREAU,
        BureauTier.COUNTY,
        "yc",
        {"authority_status": AuthorityStatus.UNDER_RECTIFICATION},
    ),
    # GAP-23: directly-administered units act as both C and K for their territory
    ("snj", "神农架林区档案局", BUREAU, BureauTier.CITY, "hb", {"acts_as_county": True}),
    ("xt", "仙桃市档案局", BUREAU, BureauTier.CITY, "hb", {"acts_as_county": True}),
    # provincial-direct organs
    ("hb-czt", f"{PROVINCE}财政厅", ORGAN, OrganTier.PROVINCIAL_DIRECT, "hb", {"has_system_guidance": True}),
    ("hb-slt", f"{PROVINCE}水利厅", ORGAN, OrganTier.PROVINCIAL_DIRECT, "hb", {"has_system_guidance": True}),
    ("hb-jyt", f"{PROVINCE}教育厅", ORGAN, OrganTier.PROVINCIAL_DIRECT, "hb", {"has_system_guidance": True}),
    # city-direct organs
    ("yc-czj", "宜昌市财政局", ORGAN, OrganTier.CITY_DIRECT, "yc", {"has_system_guidance": True}),
    ("yc-jyj", "宜昌市教育局", ORGAN, OrganTier.CITY_DIRECT, "yc", {"has_system_guidance": True}),
    ("yc-slj", "宜昌市水利和湖泊局", ORGAN, OrganTier.CITY_DIRECT, "yc", {}),
    ("wh-czj", "武汉市财政局", ORGAN, OrganTier.CITY_DIRECT, "wh", {"has_system_guidance": True}),
    # county-direct organs
    ("yc-yl-czj", "夷陵区财政局", ORGAN, OrganTier.COUNTY_DIRECT, "yc-yl", {"has_system_guidance": True}),
    ("yc-yl-jyj", "夷陵区教育局", ORGAN, OrganTier.COUNTY_DIRECT, "yc-yl", {"has_system_guidance": True}),
    ("wh-ja-czj", "江岸区财政局", ORGAN, OrganTier.COUNTY_DIRECT, "wh-ja", {}),
    ("snj-czj", "神农架林区财政局", ORGAN, OrganTier.COUNTY_DIRECT, "snj", {}),
    # township organs
    ("yc-yl-xxt", "夷陵区小溪塔街道办事处", ORGAN, OrganTier.TOWNSHIP, "yc-yl", {}),
    ("yc-yl-lqz", "夷陵区龙泉镇人民政府", ORGAN, OrganTier.TOWNSHIP, "yc-yl", {}),
    ("wh-ja-dzj", "江岸区大智街道办事处", ORGAN, OrganTier.TOWNSHIP, "wh-ja", {}),
    ("snj-myz", "神农架林区木鱼镇人民政府", ORGAN, OrganTier.TOWNSHIP, "snj", {}),
]


#: bureau code → (contact phone, address) printed on its public notices (demo values, not real numbers)
BUREAU_CONTACTS: dict[str, tuple[str, str]] = {
    "hb": ("027-87000001", f"武汉市武昌区中北路100号 {_WORDS.province_bureau}（示例地址）"),
    "wh": ("027-85000002", "武汉市江岸区沿江大道200号 武汉市档案局（示例地址）"),
    "wh-ja": ("027-82000003", "武汉市江岸区解放大道300号 江岸区档案局（示例地址）"),
    "yc": ("0717-6000004", "宜昌市西陵区沿江大道400号 宜昌市档案局（示例地址）"),
    "yc-yl": ("0717-7000005", "宜昌市夷陵区夷兴大道500号 夷陵区档案局（示例地址）"),
    "yc-xl": ("0717-6000006", "宜昌市西陵区东山大道600号 西陵区档案局（示例地址）"),
    "snj": ("0719-3000007", "神农架林区松柏镇700号 神农架林区档案局（示例地址）"),
    "xt": ("0728-3000008", "仙桃市仙桃大道800号 仙桃市档案局（示例地址）"),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    org_code: str
    roles: tuple[str, ...]


R = Role
USERS: list[DemoUser] = [
    # 三员分立 (等保 2.0): three administrators, three accounts, no business role among them
    DemoUser("admin", "系统管理员", "hb", (R.SYS_ADMIN,)),
    DemoUser("secadmin", "安全管理员", "hb", (R.SECURITY_ADMIN,)),
    DemoUser("auditor", "审计员", "hb", (R.AUDITOR,)),
    DemoUser("prov-staff", "张立华", "hb", (R.BUREAU_STAFF,)),
    DemoUser("prov-head", "王建国", "hb", (R.BUREAU_HEAD,)),
    DemoUser("city-staff", "李晓梅", "yc", (R.BUREAU_STAFF,)),
    DemoUser("city-head", "陈志强", "yc", (R.BUREAU_HEAD,)),
    DemoUser("county-staff", "刘芳", "yc-yl", (R.BUREAU_STAFF,)),
    DemoUser("county-head", "赵明", "yc-yl", (R.BUREAU_HEAD,)),
    DemoUser("unit-prov", "孙丽", "hb-czt", (R.UNIT_APPLICANT,)),
    DemoUser("unit-city", "周杰", "yc-czj", (R.UNIT_APPLICANT,)),
    DemoUser("unit-county", "吴敏", "yc-yl-czj", (R.UNIT_APPLICANT,)),
    DemoUser("unit-town", "郑海燕", "yc-yl-xxt", (R.UNIT_APPLICANT,)),
    DemoUser("reviewer-1", "黄文斌", "hb", (R.REVIEWER,)),
    DemoUser("reviewer-2", "杨秀英", "hb", (R.REVIEWER,)),
    DemoUser("reviewer-3", "何建平", "hb-slt", (R.REVIEWER,)),
    DemoUser("reviewer-4", "罗静", "yc", (R.REVIEWER,)),
    DemoUser("reviewer-5", "高伟", "yc", (R.REVIEWER,)),
    DemoUser("reviewer-6", "林雪", "yc-jyj", (R.REVIEWER,)),
    DemoUser("reviewer-7", "徐长江", "yc-yl", (R.REVIEWER,)),
    DemoUser("reviewer-8", "马晓东", "yc-yl", (R.REVIEWER,)),
    DemoUser("reviewer-9", "胡桂兰", "wh", (R.REVIEWER,)),
]


@dataclass(frozen=True)
class DemoDates:
    """The demo's calendar: every date is an offset from `today`, the day the demo is loaded."""

    today: date
    ruleset: Ruleset

    @classmethod
    def now(cls) -> DemoDates:
        return cls(clock.today(), load_ruleset(DEFAULT_RULESET))

    @property
    def plan_year(self) -> int:
        """The round the demo shows in progress: this year's once its application window has opened; before
        the window opens (possible for a ruleset whose window starts after 1 January) last year's round, so the
        current round's applications still fall inside a window and before today."""
        opens, _ = calendar.application_window(self.ruleset, self.today.year)
        return self.today.year if self.today >= opens else self.today.year - 1

    def round_day(self, years_before: int, month: int, day: int) -> date:
        """A day of an earlier round: ``years_before`` the plan year (never 29 February, so any year has it)."""
        return date(self.plan_year - years_before, month, day)

    def ago(self, days: int, *, not_before: date | None = None) -> date:
        """``days`` before today, but not before ``not_before`` (the previous step) nor after today."""
        day = self.today - timedelta(days=days)
        return max(day, not_before) if not_before is not None else day

    def application_day(self, days_ago: int) -> date:
        """``days_ago`` before today, moved into the plan year's application window (ARC-10.1.1)."""
        opens, closes = calendar.application_window(self.ruleset, self.plan_year)
        return min(max(self.ago(days_ago), opens), closes)

    def forwarding_day(self, applied_on: date) -> date:
        """Today, or the plan year's forwarding deadline if that has passed (ARC-10.1.2)."""
        deadline = calendar.forwarding_deadline(self.ruleset, self.plan_year)
        return max(applied_on, min(self.today, deadline))

    def validity_end(self, valid_from: date) -> date:
        return calendar.validity_end(self.ruleset, valid_from)


#: (certificate number pattern ({year} = the certificate's year), organ code, level, valid from as
#: (years before the plan year, month, day), certificate kind, lapsed at the end of validity)
GradeSpec = tuple[str, str, str, tuple[int, int, int], str, bool]

#: Years below are counted back from the plan year P (2027 when loaded on 2027-01-05).
GRADES: list[GradeSpec] = [
    # 省一级 expiring in P: recheck due this year (ARC-11.2); also a 特级 candidate (ARC-4.2, ARC-3.2)
    (SHORT + "档等〔{year}〕015号", "hb-czt", "first", (3, 4, 15), "evaluation", False),
    # 省特级 valid into P+1
    (SHORT + "档等〔{year}〕003号", "hb-jyt", "special", (2, 9, 1), "evaluation", False),
    # 省二级 granted P-2: promotion to 省一级 possible from P-1 (ARC-3.2, GAP-2)
    (SHORT + "档等〔{year}〕021号", "yc-czj", "second", (2, 3, 10), "evaluation", False),
    # 省一级 that lapsed without a recheck application (ARC-11.5)
    (SHORT + "档等〔{year}〕047号", "yc-slj", "first", (5, 12, 1), "evaluation", True),
    (SHORT + "档等〔{year}〕032号", "wh-czj", "first", (2, 6, 30), "evaluation", False),
    # 省二级 recheck certificate expiring early in P (county bureau organises the recheck, ARC-9.4)
    (SHORT + "档复〔{year}〕008号", "yc-yl-jyj", "second", (3, 1, 20), "recheck", False),
]

#: (organ code, occurred on as (years before the plan year, month, day), description) — ARC-5.5 blocks
#: applications for two years
INCIDENTS: list[tuple[str, tuple[int, int, int], str]] = [
    ("yc-jyj", (2, 11, 3), "档案库房顶部漏水，致 2019 年度部分文书档案受潮损毁。"),
]


def _org(code: str) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    if org is None:
        raise LookupError(f"demo organisation {code!r} is missing; load organisations first")
    return org


def load_organisations() -> int:
    created = 0
    for code, name, kind, tier, parent_code, flags in ORGANISATIONS:
        if db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code)) is not None:
            continue
        org = Organisation(
            code=code,
            name=name,
            kind=kind,
            bureau_tier=tier if kind == BUREAU else None,
            tier=tier if kind == ORGAN else None,
            parent=_org(parent_code) if parent_code else None,
            has_system_guidance=flags.get("has_system_guidance", False),
            authority_status=flags.get("authority_status", AuthorityStatus.ACTIVE)
            if kind == BUREAU
            else None,
            acts_as_county=flags.get("acts_as_county", False),
        )
        org.contact_phone, org.address = BUREAU_CONTACTS.get(code, (None, None))
        db.session.add(org)
        db.session.flush()
        created += 1
    return created


def load_users() -> int:
    created = 0
    password_hash: str | None = None
    for spec in USERS:
        if db.session.scalar(sa.select(User.id).where(User.username == spec.username)) is not None:
            continue
        if password_hash is None:
            # one salted hash shared by the demo accounts: they share one published password anyway
            password_hash = generate_password_hash(
                DEMO_PASSWORD, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            )
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            organisation=_org(spec.org_code),
            password_hash=password_hash,
            role_rows=[UserRole(role=role) for role in spec.roles],
        )
        db.session.add(user)
        created += 1
    db.session.flush()
    return created


def _add_grades(specs: list[GradeSpec], dates: DemoDates) -> int:
    """Certificates dated relative to the load day; an organ that already holds a demo grade of that level is
    left alone (the number carries the year, so it cannot be the key when the demo is reloaded another day)."""
    created = 0
    for pattern, org_code, level, valid_from_at, certificate_kind, lapsed in specs:
        organ = _org(org_code)
        exists = db.session.scalar(
            sa.select(Grade.id).where(Grade.organ_id == organ.id, Grade.level == level).limit(1)
        )
        if exists is not None:
            continue
        valid_from = dates.round_day(*valid_from_at)
        valid_to = dates.validity_end(valid_from)
        db.session.add(
            Grade(
                organ=organ,
                level=level,
                valid_from=valid_from,
                valid_to=valid_to,
                certificate_kind=certificate_kind,
                certificate_no=pattern.format(year=valid_from.year),
                lapsed_on=valid_to + timedelta(days=1) if lapsed else None,
            )
        )
        created += 1
    db.session.flush()
    return created


def load_grades() -> int:
    return _add_grades(GRADES, DemoDates.now())


def load_incidents() -> int:
    dates = DemoDates.now()
    created = 0
    for org_code, occurred_at, description in INCIDENTS:
        organ = _org(org_code)
        exists = db.session.scalar(
            sa.select(SecurityIncident.id).where(
                SecurityIncident.organ_id == organ.id, SecurityIncident.description == description
            )
        )
        if exists is not None:
            continue
        db.session.add(
            SecurityIncident(organ=organ, occurred_on=dates.round_day(*occurred_at), description=description)
        )
        created += 1
    db.session.flush()
    return created


# -- cases -------------------------------------------------------------------------------------------------------

#: Extra organ and accounts the demo cases need (created by `load_cases` only).
CASE_ORGANISATIONS: list[tuple[str, str, str, str, str | None, dict]] = [
    (
        "yc-rsj",
        "宜昌市人力资源和社会保障局",
        ORGAN,
        OrganTier.CITY_DIRECT,
        "yc",
        {"has_system_guidance": True},
    ),
    ("yc-sjj", "宜昌市审计局", ORGAN, OrganTier.CITY_DIRECT, "yc", {}),
    ("yc-yl-slj", "夷陵区水利和湖泊局", ORGAN, OrganTier.COUNTY_DIRECT, "yc-yl", {}),
]
CASE_GRADES: list[GradeSpec] = [
    # 省一级 held since P-2: may seek 省特级 from P-1 (ARC-3.2, ARC-4.2)
    (SHORT + "档等〔{year}〕018号", "yc-rsj", "first", (2, 3, 1), "evaluation", False),
]
CASE_USERS: list[DemoUser] = [
    DemoUser("unit-slt", "钱志远", "hb-slt", (R.UNIT_APPLICANT,)),
    DemoUser("unit-rsj", "何丽娟", "yc-rsj", (R.UNIT_APPLICANT,)),
    DemoUser("unit-slj", "蔡文涛", "yc-slj", (R.UNIT_APPLICANT,)),
    DemoUser("unit-lqz", "宋春燕", "yc-yl-lqz", (R.UNIT_APPLICANT,)),
    DemoUser("unit-sjj", "冯立新", "yc-sjj", (R.UNIT_APPLICANT,)),
    DemoUser("unit-ylslj", "邓国华", "yc-yl-slj", (R.UNIT_APPLICANT,)),
]
ALL_PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}
ACCEPTANCE_KINDS = ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice")


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"demo user {username!r} is missing")
    return user


@lru_cache(maxsize=8)
def _material_pdf(name: str) -> bytes:
    """A one-page PDF titled with the material's name: uploads are checked by content, so the demo's
    materials are real PDFs that open in a viewer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from webapp.core.documents.fonts import cjk_font

    out = BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont(cjk_font(), 18)
    canvas.drawString(72, A4[1] - 96, f"{name}（演示材料）")
    canvas.save()
    return out.getvalue()


class _Walk:
    """One demo case driven step by step through `webapp.grading.services.cases`, each step on its own day."""

    def __init__(self, unit: str, level: str, kind: str, day: date) -> None:
        from webapp.grading.services import cases

        self.cases = cases
        with clock.as_of(day):
            self.case = cases.open_case(
                _user(unit), level=level, kind=kind, preconditions=ALL_PRECONDITIONS, today=day
            )
            for kind_id in ACCEPTANCE_KINDS:
                name = self.case.ruleset.attachment_name(kind_id)  # the ruleset's name for the document
                attachments.upload_attachment(
                    _user(unit),
                    self.case.id,
                    kind_id,
                    FileStorage(
                        BytesIO(_material_pdf(name)),
                        filename=f"{name}.pdf",
                        content_type="application/pdf",
                    ),
                    today=day,
                )

    def fire(self, username: str, event: str, day: date, **kwargs: object) -> _Walk:
        with clock.as_of(day):
            self.cases.fire_event(_user(username), self.case.id, event, today=day, **kwargs)  # type: ignore[arg-type]
        return self

    def panel(self, username: str, reviewers: list[str], day: date) -> _Walk:
        from webapp.grading.services import panel as panel_service

        with clock.as_of(day):
            panel_service.set_panel(_user(username), self.case.id, reviewers, today=day)
            for reviewer in reviewers:  # each member declares no conflict of interest before scoring
                panel_service.declare(
                    _user(reviewer), self.case.id, conflict=False, confirmed=True, today=day
                )
        return self


def _through_review(
    walk: _Walk, unit: str, staff: str, reviewers: list[str], dates: list[date], notice_start: date
) -> _Walk:
    """apply → plan → request acceptance → pre-check → notice (panel formed) → close notice."""
    apply_on, plan_on, accept_on, precheck_on, close_on = dates
    walk.fire(unit, "apply", apply_on).fire(staff, "plan", plan_on, comment=f"{plan_on.year}年度考评计划")
    walk.fire(unit, "request_acceptance", accept_on)
    walk.fire(staff, "start_precheck", precheck_on)
    walk.fire(staff, "pass_precheck", precheck_on, notice_start=notice_start, opinion="材料齐全，同意公示。")
    walk.panel(staff, reviewers, notice_start)
    return walk.fire(staff, "close_notice", close_on, comment="公示期满，无异议。")


def _reviewed_case(
    unit: str,
    level: str,
    kind: str,
    staff: str,
    reviewers: list[str],
    dates: list[date],
    notice_start: date,
    *,
    conclude: tuple[date, float] | None = None,
    approve: tuple[str, date, str] | None = None,
) -> _Walk:
    """A case taken through review (see `_through_review`); the lead (first reviewer) concludes with a total
    when ``conclude`` = (day, total), and ``approve`` = (head, day, comment) approves it."""
    walk = _through_review(_Walk(unit, level, kind, dates[0]), unit, staff, reviewers, dates, notice_start)
    if conclude is not None:
        walk.fire(reviewers[0], "conclude_review", conclude[0], total_score=conclude[1])
    if approve is not None:
        head, day, comment = approve
        walk.fire(head, "approve", day, comment=comment)
    return walk


def _has_case(org_code: str) -> bool:
    return (
        db.session.scalar(
            sa.select(Case.id)
            .join(Organisation, Case.organ_id == Organisation.id)
            .where(Organisation.code == org_code)
            .limit(1)
        )
        is not None
    )


def load_cases() -> int:
    """Demo cases (skipped under TESTING unless DEMO_CASES): one per state worth seeing on the first screen.

    夷陵区财政局 (``unit-county``) is left ungraded and without a case for the browser walk.
    """
    config = current_app.config
    if not config.get("DEMO_CASES", not config.get("TESTING", False)):
        return 0
    for code, name, kind, tier, parent_code, flags in CASE_ORGANISATIONS:
        if db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code)) is None:
            db.session.add(
                Organisation(
                    code=code,
                    name=name,
                    kind=kind,
                    tier=tier,
                    parent=_org(parent_code or ""),
                    has_system_guidance=flags.get("has_system_guidance", False),
                )
            )
    db.session.flush()
    dates = DemoDates.now()  # before any step: `_as_of` moves the clock while a case is walked
    _add_grades(CASE_GRADES, dates)
    password_hash = None
    for spec in CASE_USERS:
        if db.session.scalar(sa.select(User.id).where(User.username == spec.username)) is None:
            password_hash = password_hash or generate_password_hash(
                DEMO_PASSWORD, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            )
            db.session.add(
                User(
                    username=spec.username,
                    display_name=spec.display_name,
                    organisation=_org(spec.org_code),
                    password_hash=password_hash,
                    role_rows=[UserRole(role=role) for role in spec.roles],
                )
            )
    db.session.commit()  # the services below each run their own transaction

    created = 0
    # Earlier rounds: (years before the plan year P, month, day); P = 2027 when loaded on 2027-01-05.
    y = dates.round_day
    if not _has_case("hb-slt"):
        # the provincial water bureau (hb-slt): 省二级 in P-2, promoted to 省一级 in P-1 (approved, letter and certificate; GT-03)
        _reviewed_case(
            "unit-slt",
            "second",
            "evaluation",
            "prov-staff",
            ["reviewer-1", "reviewer-2", "reviewer-4"],
            [y(2, 1, 10), y(2, 1, 20), y(2, 2, 20), y(2, 3, 1), y(2, 3, 10)],
            y(2, 3, 3),
            conclude=(y(2, 3, 12), 86.0),
            approve=("prov-head", y(2, 3, 15), "同意授予省二级。"),
        )
        _reviewed_case(
            "unit-slt",
            "first",
            "evaluation",
            "prov-staff",
            ["reviewer-1", "reviewer-2", "reviewer-5"],
            [y(1, 3, 20), y(1, 3, 25), y(1, 4, 10), y(1, 5, 10), y(1, 5, 18)],
            y(1, 5, 11),
            conclude=(y(1, 5, 20), 92.5),
            approve=("prov-head", y(1, 6, 1), "同意晋升省一级。"),
        )
        created += 2
    if not _has_case("yc-yl-lqz"):
        # 夷陵区龙泉镇: 省二级 in P-4; its P-1 recheck (county bureau, ARC-9.4) awaits the head's approval
        team = ["reviewer-7", "reviewer-8", "reviewer-4", "reviewer-5", "reviewer-1"]
        _reviewed_case(
            "unit-lqz",
            "second",
            "evaluation",
            "county-staff",
            team,
            [y(4, 2, 1), y(4, 2, 10), y(4, 3, 1), y(4, 4, 1), y(4, 4, 10)],
            y(4, 4, 3),
            conclude=(y(4, 4, 15), 86.0),
            approve=("county-head", y(4, 4, 20), ""),
        )
        _reviewed_case(
            "unit-lqz",
            "second",
            "recheck",
            "county-staff",
            team,
            [y(1, 2, 15), y(1, 2, 20), y(1, 3, 10), y(1, 3, 20), y(1, 3, 30)],
            y(1, 3, 23),
            conclude=(y(1, 4, 10), 88.0),
        )
        created += 2
    if not _has_case("yc-yl-xxt"):
        # 小溪塔街道: 省二级 evaluation in review with a five-person panel (township: 5–7, ARC-10.4.3)
        _reviewed_case(
            "unit-town",
            "second",
            "evaluation",
            "county-staff",
            ["reviewer-7", "reviewer-8", "reviewer-4", "reviewer-5", "reviewer-6"],
            [y(1, 3, 2), y(1, 3, 10), y(1, 11, 2), y(1, 12, 18), y(1, 12, 28)],
            y(1, 12, 20),
        )
        created += 1
    if not _has_case("yc-sjj"):
        # 宜昌市审计局: 省二级 approved by the city bureau in P-1 (§6 row 18) — a row of the city's P-1
        # approvals summary (ARC-10.5.3)
        _reviewed_case(
            "unit-sjj",
            "second",
            "evaluation",
            "city-staff",
            ["reviewer-4", "reviewer-5", "reviewer-2"],
            [y(1, 2, 9), y(1, 2, 16), y(1, 4, 7), y(1, 4, 20), y(1, 5, 6)],
            y(1, 4, 27),
            conclude=(y(1, 5, 14), 84.5),
            approve=("city-head", y(1, 5, 25), "同意授予省二级。"),
        )
        created += 1
    if not _has_case("yc-yl-slj"):
        # 夷陵区水利和湖泊局: 省二级 approved by the county bureau in P-1 (§6 row 19); the county's approvals
        # belong in the city's summary too (GAP-19)
        _reviewed_case(
            "unit-ylslj",
            "second",
            "evaluation",
            "county-staff",
            ["reviewer-7", "reviewer-8", "reviewer-5"],
            [y(1, 3, 2), y(1, 3, 9), y(1, 6, 1), y(1, 6, 15), y(1, 6, 30)],
            y(1, 6, 22),
            conclude=(y(1, 7, 8), 81.0),
            approve=("county-head", y(1, 7, 20), "同意授予省二级。"),
        )
        created += 1
    # The current round: a few days before today (applications moved into the window, ARC-10.1.1). Loaded on
    # 2027-01-05 these are 01-02 … 01-05.
    if not _has_case("yc-czj"):
        # 宜昌市财政局: 省一级 evaluation (promotion), its notice published yesterday and running
        applied = dates.application_day(3)
        accepted = dates.ago(2, not_before=applied)
        prechecked = dates.ago(1, not_before=accepted)
        walk = _Walk("unit-city", "first", "evaluation", applied)
        walk.fire("unit-city", "apply", applied).fire("city-staff", "plan", applied)
        walk.fire("unit-city", "request_acceptance", accepted)
        walk.fire("city-staff", "start_precheck", prechecked)
        walk.fire("city-staff", "pass_precheck", prechecked, notice_start=prechecked, opinion="材料齐全。")
        created += 1
    if not _has_case("yc-rsj"):
        # 宜昌市人社局: 省特级 application forwarded by the city bureau to the province (ARC-10.1.2)
        applied = dates.application_day(1)
        walk = _Walk("unit-rsj", "special", "evaluation", applied)
        walk.fire("unit-rsj", "apply", applied).fire("city-staff", "forward", dates.forwarding_day(applied))
        created += 1
    if not _has_case("yc-slj"):
        # 宜昌市水利和湖泊局: an application withdrawn by the unit (ARC-3.1 自愿申报)
        applied = dates.application_day(2)
        walk = _Walk("unit-slj", "second", "evaluation", applied)
        walk.fire("unit-slj", "apply", applied)
        walk.fire(
            "unit-slj",
            "withdraw",
            dates.ago(1, not_before=applied),
            comment="自查发现差距较大，撤回申请，明年再报。",
        )
        created += 1
    return created


#: run in this order; append new areas at the end
LOADERS: list[tuple[str, Callable[[], int]]] = [
    ("organisations", load_organisations),
    ("users", load_users),
    ("grades", load_grades),
    ("security incidents", load_incidents),
    ("scoring schemes", register_shipped_schemes),  # before cases: a case records the active scheme
    ("cases", load_cases),
    ("information articles", lambda: articles_demo.load(DEMO_PASSWORD)),
    ("assessment campaigns", lambda: campaigns_demo.load(DEMO_PASSWORD)),
]


def load_demo() -> dict[str, int]:
    """Create whatever demo data is missing, in one transaction; returns rows created per area."""
    with transaction():
        return {name: loader() for name, loader in LOADERS}


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, display name, organisation, roles) for every demo account present in the database."""
    rows = []
    for spec in [*USERS, *CASE_USERS, *articles_demo.ACCOUNTS, *campaigns_demo.ACCOUNTS]:
        user = db.session.scalar(sa.select(User).where(User.username == spec.username))
        if user is not None:
            rows.append(
                (user.username, user.display_name, user.organisation.name, "、".join(user.role_labels))
            )
    return rows


# --- commands: `kaoping demo` and `kaoping demo-logins` (demo data spans every feature, so they live here)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data (idempotent: only what is missing is created)."""
    created = load_demo()
    summary = "，".join(f"{area} {count}" for area, count in created.items())
    click.echo(f"演示数据已就绪（新建：{summary}）。")


def _pad(text: str, width: int) -> str:
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the demo accounts, their organisation and roles, and the shared demo password."""
    rows = demo_logins()
    if not rows:
        click.echo("尚无演示账号，请先运行 kaoping demo。")
        return
    header = ("用户名", "姓名", "所属单位", "角色")
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True))
    click.echo(line.rstrip())
    click.echo("-" * _width(line.rstrip()))
    for row in rows:
        click.echo("  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"\n所有演示账号的密码：{DEMO_PASSWORD}（仅供演示）")


DEMO_COMMANDS = [demo_command, demo_logins_command]
