"""Demo data of the campaign procedure (demo only: every account's password is the demo's).

Two offices, each running the kind of campaign the issue names:
- 宜昌市统计局 assesses the eleven county-level statistics bureaus for last year (sta-2017, STA-4.1's 优秀 2–3 and
  良好 3–4). Every bureau self-assessed, the team of two scored on site and the lead kept the agreed sheets;
  the campaign waits in 审定中 for the office to choose its counts within the quotas, the head to approve and the
  office to publish the bulletin.
- 夷陵区绩效管理办公室 (the district performance office, where the organisation department's leading group sits,
  ORG-3.1) scores the streets and the district-direct organs every month (org-2014-streets): the last three
  months are a series — two months published (a street in the bottom two twice in a row: 约谈, ORG-12.6), the
  latest being scored in the first week of this month, with a performance claim waiting to be verified.
Everything goes through the campaign and score-sheet services (permissions, guards, audit rows), each step on
its own day counted back from the day the demo is loaded. `load` creates what is missing, matched on natural
keys (organisation code, username, a campaign's office, scheme and period), so loading twice adds nothing.
Skipped under TESTING unless ``DEMO_CAMPAIGNS`` is set (view tests start from the plain demo).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from webapp.campaigns.models import Campaign
from webapp.campaigns.services import campaigns, claims, setup
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, OrganTier, OrgKind, Role, User, UserRole
from webapp.scoring.models import SheetKind, SubjectRef
from webapp.scoring.services.schemes import get_scheme
from webapp.scoring.services.scoresheets import operations as sheets
from workflow.scoring.scheme import Scheme

#: (code, name, organ tier, parent code in the core demo's tree)
ORGANISATIONS: list[tuple[str, str, str, str]] = [
    ("tj-yc", "宜昌市统计局", OrganTier.CITY_DIRECT, "yc"),
    ("tj-yl", "夷陵区统计局", OrganTier.COUNTY_DIRECT, "yc-yl"),
    ("tj-xl", "西陵区统计局", OrganTier.COUNTY_DIRECT, "yc-xl"),
    ("tj-wjg", "伍家岗区统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-dj", "点军区统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-xt", "猇亭区统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-ya", "远安县统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-xs", "兴山县统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-zg", "秭归县统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-cy", "长阳土家族自治县统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-wf", "五峰土家族自治县统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("tj-yd", "宜都市统计局", OrganTier.COUNTY_DIRECT, "yc"),
    ("jx-yl", "夷陵区绩效管理办公室", OrganTier.COUNTY_DIRECT, "yc-yl"),
    ("yl-dc", "夷陵区东城街道办事处", OrganTier.TOWNSHIP, "yc-yl"),
    ("yl-xz", "夷陵区峡州街道办事处", OrganTier.TOWNSHIP, "yc-yl"),
    ("yl-wjj", "夷陵区卫生健康局", OrganTier.COUNTY_DIRECT, "yc-yl"),
    ("yl-zjj", "夷陵区住房和城乡建设局", OrganTier.COUNTY_DIRECT, "yc-yl"),
]

#: the eleven bureaus STA-1.1 assesses, in the order of the office's list
STA_UNITS = [
    "tj-yl",
    "tj-xl",
    "tj-wjg",
    "tj-dj",
    "tj-xt",
    "tj-ya",
    "tj-xs",
    "tj-zg",
    "tj-cy",
    "tj-wf",
    "tj-yd",
]
#: ORG-PR.9: the streets and the district-direct organs are ranked separately; two of each group are the core
#: demo's organs, whose applicants (unit-town, unit-county) also fill the campaign sheets — one worklist
ORG_UNITS: list[tuple[str, str]] = [
    ("yc-yl-xxt", "街道"),
    ("yl-dc", "街道"),
    ("yl-xz", "街道"),
    ("yc-yl-lqz", "街道"),
    ("yc-yl-czj", "区直单位"),
    ("yc-yl-jyj", "区直单位"),
    ("yl-wjj", "区直单位"),
    ("yl-zjj", "区直单位"),
]


class Account(NamedTuple):
    username: str
    display_name: str
    org_code: str
    roles: tuple[str, ...]


R = Role
ACCOUNTS: list[Account] = [
    Account("tj-staff", "刘芳", "tj-yc", (R.CAMPAIGN_STAFF,)),
    Account("tj-head", "陈志强", "tj-yc", (R.CAMPAIGN_HEAD,)),
    Account("tj-team1", "王磊", "tj-yc", (R.ASSESSOR,)),
    Account("tj-team2", "孙丽", "tj-yc", (R.ASSESSOR,)),
    Account("jx-staff", "何静", "jx-yl", (R.CAMPAIGN_STAFF,)),
    Account("jx-head", "罗建国", "jx-yl", (R.CAMPAIGN_HEAD,)),
    Account("jx-team1", "马超", "jx-yl", (R.ASSESSOR,)),
    Account("jx-team2", "田甜", "jx-yl", (R.ASSESSOR,)),
    *(Account(f"{code}-unit", f"{code[3:].upper()}填报员", code, (R.CAMPAIGN_UNIT,)) for code in STA_UNITS),
    Account("dc-unit", "韩梅", "yl-dc", (R.CAMPAIGN_UNIT,)),
    Account("xz-unit", "邓超", "yl-xz", (R.CAMPAIGN_UNIT,)),
    Account("wjj-unit", "蒋琳", "yl-wjj", (R.CAMPAIGN_UNIT,)),
    Account("zjj-unit", "范伟", "yl-zjj", (R.CAMPAIGN_UNIT,)),
]
#: unit names for the STA accounts (a person's name reads better than a code)
STA_NAMES = ["黄勇", "吴倩", "郭亮", "曹敏", "彭涛", "袁媛", "许斌", "冯雪", "程刚", "蔡琴", "唐磊"]
ACCOUNTS = [
    account._replace(display_name=STA_NAMES[STA_UNITS.index(account.org_code)])
    if account.org_code in STA_UNITS
    else account
    for account in ACCOUNTS
]
#: core demo accounts of organs assessed here: they also fill their unit's campaign sheets
SHARED_ACCOUNTS = {"unit-town": "yc-yl-xxt", "unit-county": "yc-yl-czj"}
#: who fills each ORG unit's self-assessment
ORG_FILLERS = {
    "yc-yl-xxt": "unit-town",
    "yc-yl-czj": "unit-county",
    "yl-dc": "dc-unit",
    "yl-xz": "xz-unit",
    "yl-wjj": "wjj-unit",
    "yl-zjj": "zjj-unit",
}

#: each STA bureau's points lost on its sheet (the agreed sheet; the self-assessment claims a little more):
#: ties at 优秀's boundary are avoided so the office's natural choice is 3 and 4 (STA Example 4)
STA_LOSS = [4, 6.5, 9, 11, 12.5, 14, 15.5, 18, 21, 23, 27]
#: each ORG unit's points lost per month (Oct, Nov, Dec): 峡州 and 住建局 sit in the bottom two twice
ORG_LOSS: dict[str, tuple[float, float, float]] = {
    "yc-yl-xxt": (1, 2, 1.5),
    "yl-dc": (3, 1, 2),
    "yl-xz": (6, 5.5, 3),
    "yc-yl-lqz": (4.5, 4, 6),
    "yc-yl-czj": (1.5, 1, 2.5),
    "yc-yl-jyj": (2, 3.5, 1),
    "yl-wjj": (3.5, 2, 4),
    "yl-zjj": (5, 6, 3.5),
}


def _org(code: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"demo user {username!r} is missing")
    return user


def load_structure(password: str) -> int:
    """Organisations, accounts and the campaign role of the core demo's two unit applicants."""
    created = 0
    for code, name, tier, parent_code in ORGANISATIONS:
        if _org(code) is not None:
            continue
        db.session.add(
            Organisation(code=code, name=name, kind=OrgKind.ORGAN, tier=tier, parent=_org(parent_code))
        )
        db.session.flush()
        created += 1
    password_hash: str | None = None
    for account in ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == account.username)) is not None:
            continue
        if password_hash is None:
            password_hash = generate_password_hash(
                password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            )
        org = _org(account.org_code)
        assert org is not None
        db.session.add(
            User(
                username=account.username,
                display_name=account.display_name,
                organisation=org,
                password_hash=password_hash,
                role_rows=[UserRole(role=role) for role in account.roles],
            )
        )
        created += 1
    for username in SHARED_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is not None and not user.has_role(R.CAMPAIGN_UNIT):
            user.role_rows.append(UserRole(role=R.CAMPAIGN_UNIT))
    db.session.flush()
    return created


# -- sheets ---------------------------------------------------------------------------------------------------


def _leaves(scheme: Scheme) -> list[Any]:
    """The items a person scores directly (parts of a composite item), without bonus and veto lines."""
    found = []
    for section in scheme.sections:
        for item in section.items:
            for leaf in item.parts or (item,):
                if leaf.kind != "veto" and not leaf.bonus and leaf.kind != "claims":
                    found.append(leaf)
    return found


def _entries(scheme: Scheme, loss: float, reason: str) -> dict[str, Any]:
    """A sheet losing ``loss`` points in total, spread from the largest items down, each in steps of 0.5."""
    left = Decimal(str(loss))
    entries: dict[str, Any] = {}
    for leaf in sorted(_leaves(scheme), key=lambda i: i.max, reverse=True):
        take = min(left, (leaf.max / 2).quantize(Decimal("0.5"), ROUND_HALF_UP))
        score = leaf.max - take
        entries[leaf.id] = {"awarded": str(score)} | ({"reason": reason} if take > 0 else {})
        left -= take
    return entries


def _fill(username: str, unit_id: int, kind: str, entries: dict[str, Any]) -> None:
    user = _user(username)
    sheet, _ = sheets.start_sheet(user, SubjectRef(SHEET_SUBJECT, unit_id), kind)
    sheets.save_sheet(user, sheet.id, sheets.JsonInput(entries), submit=True)


def _units_by_code(campaign: Campaign) -> dict[str, int]:
    return {unit.organisation.code: unit.id for unit in campaign.units}


# -- the campaigns ---------------------------------------------------------------------------------------------


def _existing(office: str, scheme_id: str, start: date) -> Campaign | None:
    org = _org(office)
    if org is None:
        return None
    return db.session.scalar(
        sa.select(Campaign).where(
            Campaign.office_id == org.id, Campaign.scheme_id == scheme_id, Campaign.period_start == start
        )
    )


def _org_ids(codes: list[str]) -> dict[str, int]:
    return {code: org.id for code in codes if (org := _org(code)) is not None}


def _at(day: date, step: Callable[[], Any]) -> Any:
    with clock.as_of(day):
        return step()


def load_sta(today: date) -> int:
    """Last year's statistics campaign, scored and waiting in 审定中 for the office's counts (STA-4.1)."""
    year = today.year - 1
    if _existing("tj-yc", "sta-2017", date(year, 1, 1)) is not None:
        return 0
    staff = _user("tj-staff")
    start = today - timedelta(days=45)
    campaign = _at(
        start,
        lambda: setup.create_draft(staff, preset_id="sta-2017", period_start=date(year, 1, 1), today=start),
    )
    ids = _org_ids(STA_UNITS)
    _at(start, lambda: setup.set_units(staff, campaign.id, units=[(ids[c], "") for c in STA_UNITS]))
    team = [_user("tj-team1").id, _user("tj-team2").id]
    _at(start, lambda: setup.set_team(staff, campaign.id, members=team, lead_id=team[0]))
    deadlines = {
        "self_due": today - timedelta(days=20),
        "materials_due": today - timedelta(days=20),
        "inspection_from": today - timedelta(days=18),
        "inspection_to": today - timedelta(days=6),
        "results_due": today + timedelta(days=10),
    }
    _at(
        start,
        lambda: setup.update_schedule(
            staff,
            campaign.id,
            title=campaign.title,
            deadlines={k: v.isoformat() for k, v in deadlines.items()},
        ),
    )
    _at(start, lambda: campaigns.fire(staff, campaign.id, "open"))
    scheme = get_scheme(campaign.scheme_id, campaign.scheme_version)
    units = _units_by_code(campaign)
    for n, code in enumerate(STA_UNITS):
        # the self-assessment claims 1–3 points more than the team will find; the last bureau is two days late
        day = today - timedelta(days=30 - n) if code != "tj-yd" else today - timedelta(days=18)
        claimed = max(STA_LOSS[n] - 1 - n % 3, 0)
        _at(
            day,
            lambda code=code, claimed=claimed: _fill(
                f"{code}-unit",
                units[code],
                SheetKind.SELF,
                _entries(scheme, claimed, "自评：部分材料未及时报送"),
            ),
        )
    _at(today - timedelta(days=17), lambda: campaigns.fire(staff, campaign.id, "start_assessment"))
    for n, code in enumerate(STA_UNITS):
        day = today - timedelta(days=15 - n // 2)
        spread = 0.5 if n % 2 else -0.5
        _at(
            day,
            lambda code=code, n=n: _fill(
                "tj-team1",
                units[code],
                SheetKind.REVIEWER,
                _entries(scheme, STA_LOSS[n], "现场核查：材料不全"),
            ),
        )
        _at(
            day,
            lambda code=code, n=n, spread=spread: _fill(
                "tj-team2",
                units[code],
                SheetKind.REVIEWER,
                _entries(scheme, max(STA_LOSS[n] + spread, 0), "现场核查：材料不全"),
            ),
        )
        _at(
            day,
            lambda code=code, n=n: _fill(
                "tj-team1",
                units[code],
                SheetKind.AGREED,
                _entries(scheme, STA_LOSS[n], "考评组合议：材料不全"),
            ),
        )
    _at(today - timedelta(days=4), lambda: campaigns.fire(staff, campaign.id, "start_moderation"))
    return 1


def _org_month(
    first_of_month: date, previous: Campaign | None, loss_index: int, *, finish: bool, today: date
) -> Campaign:
    staff = _user("jx-staff")
    created_on = first_of_month + timedelta(days=24)
    if previous is None:
        campaign = _at(
            created_on,
            lambda: setup.create_draft(
                staff, preset_id="org-2014-streets", period_start=first_of_month, today=created_on
            ),
        )
        ids = _org_ids([code for code, _ in ORG_UNITS])
        _at(
            created_on,
            lambda: setup.set_units(
                staff, campaign.id, units=[(ids[code], group) for code, group in ORG_UNITS]
            ),
        )
        team = [_user("jx-team1").id, _user("jx-team2").id]
        _at(created_on, lambda: setup.set_team(staff, campaign.id, members=team, lead_id=team[0]))
    else:
        campaign = _at(created_on, lambda: setup.copy_for_next(staff, previous.id, today=created_on))
    _at(created_on, lambda: campaigns.fire(staff, campaign.id, "open"))
    scheme = get_scheme(campaign.scheme_id, campaign.scheme_version)
    units = _units_by_code(campaign)
    end = campaign.period_end
    for code, filler in ORG_FILLERS.items():
        _at(
            end,
            lambda code=code, filler=filler: _fill(
                filler,
                units[code],
                SheetKind.SELF,
                _entries(scheme, max(ORG_LOSS[code][loss_index] - 1, 0), "自查"),
            ),
        )
    assess = end + timedelta(days=4)  # ORG-PR.3: the first week of the following month
    if assess > today:
        return campaign
    _at(assess, lambda: campaigns.fire(staff, campaign.id, "start_assessment"))
    for code, _group in ORG_UNITS:
        loss = ORG_LOSS[code][loss_index]
        _at(
            assess,
            lambda code=code, loss=loss: _fill(
                "jx-team2",
                units[code],
                SheetKind.REVIEWER,
                _entries(scheme, loss + 0.5, "酌情扣分：台账不全"),
            ),
        )
        if finish:
            _at(
                assess,
                lambda code=code, loss=loss: _fill(
                    "jx-team1", units[code], SheetKind.REVIEWER, _entries(scheme, loss, "酌情扣分：台账不全")
                ),
            )
            _at(
                assess,
                lambda code=code, loss=loss: _fill(
                    "jx-team1", units[code], SheetKind.AGREED, _entries(scheme, loss, "考评组合议：台账不全")
                ),
            )
    if not finish:
        return campaign
    moderate, head = assess + timedelta(days=2), _user("jx-head")
    _at(moderate, lambda: campaigns.fire(staff, campaign.id, "start_moderation"))
    _at(moderate, lambda: campaigns.fire(staff, campaign.id, "submit_results"))
    _at(moderate + timedelta(days=1), lambda: campaigns.fire(head, campaign.id, "approve"))
    _at(moderate + timedelta(days=1), lambda: campaigns.fire(staff, campaign.id, "publish"))
    return campaign


def load_org(today: date) -> int:
    """The last three months of the district's monthly organisation-work scoring: two published, the latest
    being scored (ORG-PR.3/PR.6), a major innovation project declared and waiting to be verified (ORG-6.4)."""
    this_month = today.replace(day=1)
    months = []
    day = this_month
    for _ in range(3):
        day = (day - timedelta(days=1)).replace(day=1)
        months.insert(0, day)
    if _existing("jx-yl", "org-2014-streets", months[0]) is not None:
        return 0
    previous: Campaign | None = None
    for index, first in enumerate(months):
        previous = _org_month(first, previous, index, finish=index < 2, today=today)
    assert previous is not None
    units = _units_by_code(previous)
    _at(
        today - timedelta(days=2),
        lambda: claims.declare(
            _user("unit-town"),
            units["yc-yl-xxt"],
            kind="performance",
            content="“红色物业”小区党建治理模式被评为全区组织工作重大创新项目",
            category="major_innovation",
            evidence="夷组文〔2026〕18号",
        ),
    )
    return 3


def load(password: str) -> int:
    """Create what is missing; returns the number of campaigns created."""
    if current_app.config.get("TESTING") and not current_app.config.get("DEMO_CAMPAIGNS"):
        return 0
    load_structure(password)
    today = clock.today()
    return load_sta(today) + load_org(today)
