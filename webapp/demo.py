"""Demo data (demo only: every account's password is ``kaoping-demo``).

Idempotent: each loader creates what is missing, matched on natural keys (organisation code, username,
certificate number …), and never changes rows that exist, so running ``kaoping demo`` twice changes nothing.
Add an area by writing ``load_<area>()`` and appending it to ``LOADERS`` (cases come next).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from webapp.extensions import db
from webapp.models import (
    AuthorityStatus,
    BureauTier,
    Grade,
    Organisation,
    OrganTier,
    OrgKind,
    Role,
    SecurityIncident,
    User,
    UserRole,
)
from webapp.services import transaction

DEMO_PASSWORD = "kaoping-demo"

BUREAU, ORGAN = OrgKind.BUREAU, OrgKind.ORGAN

#: (code, name, kind, bureau tier or organ tier, parent code, extra flags)
ORGANISATIONS: list[tuple[str, str, str, str, str | None, dict]] = [
    ("hb", "湖北省档案局", BUREAU, BureauTier.PROVINCE, None, {}),
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
    ("hb-czt", "湖北省财政厅", ORGAN, OrganTier.PROVINCIAL_DIRECT, "hb", {"has_system_guidance": True}),
    ("hb-slt", "湖北省水利厅", ORGAN, OrganTier.PROVINCIAL_DIRECT, "hb", {"has_system_guidance": True}),
    ("hb-jyt", "湖北省教育厅", ORGAN, OrganTier.PROVINCIAL_DIRECT, "hb", {"has_system_guidance": True}),
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


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    org_code: str
    roles: tuple[str, ...]


R = Role
USERS: list[DemoUser] = [
    DemoUser("admin", "系统管理员", "hb", (R.SYS_ADMIN,)),
    DemoUser("auditor", "审计员", "hb", (R.AUDITOR,)),
    DemoUser("prov-staff", "张立华", "hb", (R.BUREAU_STAFF, R.NOTICE_EDITOR)),
    DemoUser("prov-head", "王建国", "hb", (R.BUREAU_HEAD,)),
    DemoUser("city-staff", "李晓梅", "yc", (R.BUREAU_STAFF, R.NOTICE_EDITOR)),
    DemoUser("city-head", "陈志强", "yc", (R.BUREAU_HEAD,)),
    DemoUser("county-staff", "刘芳", "yc-yl", (R.BUREAU_STAFF, R.NOTICE_EDITOR)),
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

#: (certificate no, organ code, level, valid from, valid to, certificate kind, lapsed on)
GRADES: list[tuple[str, str, str, date, date, str, date | None]] = [
    # 省一级 expiring in 2027: recheck due this year (ARC-11.2); also a 特级 candidate (ARC-4.2, ARC-3.2)
    ("鄂档等〔2024〕015号", "hb-czt", "first", date(2024, 4, 15), date(2027, 4, 14), "evaluation", None),
    # 省特级 valid to 2028
    ("鄂档等〔2025〕003号", "hb-jyt", "special", date(2025, 9, 1), date(2028, 8, 31), "evaluation", None),
    # 省二级 granted 2025-03-10: promotion to 省一级 possible from 2026-03-10 (ARC-3.2, GAP-2)
    ("鄂档等〔2025〕021号", "yc-czj", "second", date(2025, 3, 10), date(2028, 3, 9), "evaluation", None),
    # 省一级 that lapsed without a recheck application (ARC-11.5)
    (
        "鄂档等〔2022〕047号",
        "yc-slj",
        "first",
        date(2022, 12, 1),
        date(2025, 11, 30),
        "evaluation",
        date(2025, 12, 1),
    ),
    ("鄂档等〔2025〕032号", "wh-czj", "first", date(2025, 6, 30), date(2028, 6, 29), "evaluation", None),
    # 省二级 recheck certificate expiring early 2027 (county bureau organises the recheck, ARC-9.4)
    ("鄂档复〔2024〕008号", "yc-yl-jyj", "second", date(2024, 1, 20), date(2027, 1, 19), "recheck", None),
]

#: (organ code, occurred on, description) — ARC-5.5 blocks applications for two years
INCIDENTS: list[tuple[str, date, str]] = [
    ("yc-jyj", date(2025, 11, 3), "档案库房顶部漏水，致 2019 年度部分文书档案受潮损毁。"),
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


def load_grades() -> int:
    created = 0
    for number, org_code, level, valid_from, valid_to, certificate_kind, lapsed_on in GRADES:
        if db.session.scalar(sa.select(Grade.id).where(Grade.certificate_no == number)) is not None:
            continue
        db.session.add(
            Grade(
                organ=_org(org_code),
                level=level,
                valid_from=valid_from,
                valid_to=valid_to,
                certificate_kind=certificate_kind,
                certificate_no=number,
                lapsed_on=lapsed_on,
            )
        )
        created += 1
    db.session.flush()
    return created


def load_incidents() -> int:
    created = 0
    for org_code, occurred_on, description in INCIDENTS:
        organ = _org(org_code)
        exists = db.session.scalar(
            sa.select(SecurityIncident.id).where(
                SecurityIncident.organ_id == organ.id, SecurityIncident.occurred_on == occurred_on
            )
        )
        if exists is not None:
            continue
        db.session.add(SecurityIncident(organ=organ, occurred_on=occurred_on, description=description))
        created += 1
    db.session.flush()
    return created


#: run in this order; append new areas (e.g. ``load_cases``) at the end
LOADERS: list[tuple[str, Callable[[], int]]] = [
    ("organisations", load_organisations),
    ("users", load_users),
    ("grades", load_grades),
    ("security incidents", load_incidents),
]


def load_demo() -> dict[str, int]:
    """Create whatever demo data is missing, in one transaction; returns rows created per area."""
    with transaction():
        return {name: loader() for name, loader in LOADERS}


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, display name, organisation, roles) for every demo account present in the database."""
    rows = []
    for spec in USERS:
        user = db.session.scalar(sa.select(User).where(User.username == spec.username))
        if user is not None:
            rows.append(
                (user.username, user.display_name, user.organisation.name, "、".join(user.role_labels))
            )
    return rows
