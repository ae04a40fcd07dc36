"""Demo data of the information-article procedure (demo only: every account's password is the demo's).

A city organisation department's office (宜昌市委组织部办公室, 组工信息 under the ledger scheme ``ledger-zg``, its own
publication 《宜昌组工信息》) under the province's office, six units in the scheme's groups (two county
departments, the high-tech zone, three sections of the department), an account for every article role, and a
quarter of information work: articles in every state, with revisions, returns with their reasons and answers,
adoptions in several publications. Everything goes through the article services (permissions, guards, audit
rows), each step on its own day counted back from the day the demo is loaded, so nothing happens after "today".

Called from the composition root (`webapp.demo`): `load` creates what is missing, matched on natural keys
(organisation code, username, an article's unit and title), so loading twice — or on another day — adds nothing.
Skipped under TESTING unless ``DEMO_ARTICLES`` is set (view tests start from the plain demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app, g
from werkzeug.security import generate_password_hash

from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.articles.models import Article, ArticleOffice, Publication
from webapp.articles.services import articles, offices
from webapp.articles.services.adoptions import AdoptionInput
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, OrganTier, OrgKind, Role, User, UserRole

#: The demo's province comes from the shipped ruleset (no province is named in Python).
PROVINCE = load_ruleset(DEFAULT_RULESET).documents.province
CITY_PUBLICATION = "《宜昌组工信息》"
PROVINCE_PUBLICATION = f"《{PROVINCE.removesuffix('省')}组工信息》"

#: (code, name, organ tier, parent code in the core demo's tree)
ORGANISATIONS: list[tuple[str, str, str, str]] = [
    ("zg-prov", f"{PROVINCE}委组织部办公室", OrganTier.PROVINCIAL_DIRECT, "hb"),
    ("zg-yc", "宜昌市委组织部办公室", OrganTier.CITY_DIRECT, "yc"),
    ("zg-yl", "夷陵区委组织部", OrganTier.COUNTY_DIRECT, "yc-yl"),
    ("zg-xl", "西陵区委组织部", OrganTier.COUNTY_DIRECT, "yc-xl"),
    ("zg-gx", "宜昌高新区党工委组织人事部", OrganTier.CITY_DIRECT, "yc"),
    ("zg-yjs", "宜昌市委组织部研究室", OrganTier.CITY_DIRECT, "yc"),
    ("zg-jd", "宜昌市委组织部干部监督室", OrganTier.CITY_DIRECT, "yc"),
    ("zg-zzk", "宜昌市委组织部组织科", OrganTier.CITY_DIRECT, "yc"),
]
#: unit code → its group in the ledger scheme (县市区委组织部, 园区, 部机关科室 第一/二/三组; each has its quota)
UNITS: dict[str, str] = {
    "zg-yl": "county",
    "zg-xl": "county",
    "zg-gx": "zone",
    "zg-yjs": "section1",
    "zg-jd": "section2",
    "zg-zzk": "section3",
}


class Account(NamedTuple):
    username: str
    display_name: str
    org_code: str
    roles: tuple[str, ...]


R = Role
ACCOUNTS: list[Account] = [
    Account("zg-editor", "刘晓燕", "zg-yc", (R.OFFICE_EDITOR,)),
    Account("zg-head", "张国栋", "zg-yc", (R.OFFICE_HEAD,)),
    Account("zg-reader", "王振华", "zg-yc", (R.INFO_READER,)),
    Account("zg-prov-editor", "陈思远", "zg-prov", (R.OFFICE_EDITOR,)),
    Account("zg-prov-head", "高立新", "zg-prov", (R.OFFICE_HEAD,)),
    Account("yl-officer", "李文静", "zg-yl", (R.INFO_OFFICER,)),
    Account("yl-officer2", "赵俊", "zg-yl", (R.INFO_OFFICER,)),
    Account("yl-signer", "周建华", "zg-yl", (R.INFO_SIGNER,)),
    Account("yl-reader", "孙卫东", "zg-yl", (R.INFO_READER,)),
    Account("xl-officer", "吴倩", "zg-xl", (R.INFO_OFFICER,)),
    Account("xl-signer", "郑国强", "zg-xl", (R.INFO_SIGNER,)),
    Account("gx-officer", "黄磊", "zg-gx", (R.INFO_OFFICER,)),
    Account("gx-signer", "何志刚", "zg-gx", (R.INFO_SIGNER,)),
    Account("yjs-officer", "罗婷", "zg-yjs", (R.INFO_OFFICER,)),
    Account("yjs-signer", "徐明", "zg-yjs", (R.INFO_SIGNER,)),
    Account("jd-officer", "朱丽", "zg-jd", (R.INFO_OFFICER,)),
    Account("jd-signer", "胡建军", "zg-jd", (R.INFO_SIGNER,)),
    Account("zzk-officer", "林峰", "zg-zzk", (R.INFO_OFFICER,)),
    Account("zzk-signer", "郭海波", "zg-zzk", (R.INFO_SIGNER,)),
]
#: unit code → the username prefix of its officer and signer (``yl`` → ``yl-officer``, ``yl-signer``)
PREFIX = {"zg-yl": "yl", "zg-xl": "xl", "zg-gx": "gx", "zg-yjs": "yjs", "zg-jd": "jd", "zg-zzk": "zzk"}


# -- the quarter's articles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One act on the article, ``after`` days after the previous one, by ``who``: ``officer`` / ``signer`` of the
    unit, ``editor`` / ``head`` of the office, or a username. ``action`` is an event of the procedure (``text``:
    the reason, the answer or a comment) or ``revise``: a new version with ``text`` added as a paragraph and
    ``note`` saying what changed."""

    after: int
    who: str
    action: str
    text: str = ""
    adoption: tuple[str, str, str] | None = None
    note: str = ""


@dataclass(frozen=True)
class Story:
    unit: str
    title: str
    #: paragraphs of the text
    body: tuple[str, ...]
    #: the draft was written this many days before the demo's day
    start: int
    steps: tuple[Step, ...] = ()
    secrecy: str = "none"
    #: the state the story ends in, whatever the load day (tests compare)
    ends: str = field(default="", compare=False)


def _sent(after: int = 1, signed: int = 1) -> tuple[Step, ...]:
    """The officer sends it to the leader in charge, who signs it off (ZG-6.1)."""
    return (Step(after, "officer", "submit"), Step(signed, "signer", "sign_off"))


def _adopted(pub: str, klass: str, form: str, received: int = 1, decided: int = 1) -> tuple[Step, ...]:
    return (
        Step(received, "editor", "receive"),
        Step(decided, "editor", "adopt", adoption=(pub, klass, form)),
    )


# fmt: off
STORIES: list[Story] = [
    # 夷陵区委组织部 (county group)
    Story("zg-yl", "夷陵区推行村（社区）党组织书记“擂台比武”激发基层活力", (
        "今年以来，夷陵区在全区村（社区）党组织书记中开展“擂台比武”活动，围绕发展集体经济、基层治理、服务群众三个方面晒实绩、比思路。",
        "活动采取“现场述职+实地观摩+群众测评”的方式，评选出“擂台之星”12名，对排名靠后的5名书记进行约谈提醒。",
        "目前，全区村级集体经济收入10万元以上的村达到86%，较去年同期提高14个百分点。",
    ), 86, (*_sent(), Step(2, "editor", "receive"),
            Step(1, "editor", "revise", "比武评分由乡镇党委评价、群众测评和现场评委打分三部分组成，权重分别为40%、30%、30%。",
                 note="编辑修改：补充比武评分办法"),
            Step(1, "head", "adopt", adoption=("P3", "exp", "single"))), ends="adopted"),
    Story("zg-yl", "夷陵区建立年轻干部“墩苗”台账实行跟踪培养", (
        "夷陵区委组织部对全区45岁以下科级干部建立“墩苗”台账，选派到信访、征迁、乡村振兴一线岗位锻炼。",
        "每名干部明确一名导师，每季度开展一次实绩分析，锻炼表现作为提拔使用的重要依据。",
    ), 80, (Step(1, "officer", "submit"),
            Step(2, "signer", "leader_return", "请补充已选派人数和锻炼岗位分布，数据以部务会通过的名单为准。"),
            Step(1, "officer", "revise", "目前已选派68名年轻干部，其中信访岗位15名、征迁岗位21名、乡村振兴岗位32名。",
                 note="补充选派人数和岗位分布"),
            Step(0, "officer", "resubmit", "已按意见补充选派人数和岗位分布，数据与部务会名单核对一致。"),
            Step(1, "signer", "sign_off"), *_adopted("P2", "exp", "single", 2, 3)), ends="adopted"),
    Story("zg-yl", "夷陵区以“三个清单”压实基层党建工作责任", (
        "夷陵区将基层党建责任细化为书记责任清单、班子成员责任清单和问题整改清单，实行销号管理。",
        "区委组织部每月通报清单完成情况，对连续两个月进度滞后的乡镇党委书记进行提醒谈话。",
    ), 70, (*_sent(), *_adopted("P3", "ref", "single")), ends="adopted"),
    Story("zg-yl", "夷陵区探索“党建+网格”治理模式打通服务群众“最后一米”", (
        "夷陵区以村（社区）网格为单元建立党小组，推动党员到网格报到、在网格服务。",
        "全区划分网格1026个，配备网格党小组长1026名，今年以来收集解决群众诉求3400余件。",
    ), 62, (*_sent(), Step(1, "editor", "receive"),
            Step(2, "editor", "office_return", "诉求解决的数据口径请说明，并补充一个具体事例。"),
            Step(1, "officer", "revise", "（数据来源：区网格化服务中心。）小溪塔街道某社区网格党小组组织党员上门调解邻里纠纷，10天内化解积案3件。",
                 note="说明数据口径，补充事例"),
            Step(0, "officer", "resubmit", "已说明数据口径，补充一个社区网格党小组化解矛盾的事例。"),
            Step(1, "signer", "sign_off"), *_adopted("P1", "exp", "composite", 1, 4)), ends="adopted"),
    Story("zg-yl", "夷陵区“红色物业”助力老旧小区治理", (
        "夷陵区在老旧小区推行“红色物业”，由社区党组织牵头，引导物业企业成立党支部、业委会成员中党员比例不低于50%。",
        "通过“党组织+物业+业委会”三方议事，全区58个老旧小区的停车、环境等问题得到解决，群众满意度达到93%。",
    ), 52, (*_sent(), *_adopted("P3", "exp", "single", 1, 2)), ends="adopted"),
    Story("zg-yl", "夷陵区大学生村官履职情况", (
        "夷陵区现有大学生村官21名，其中进入村“两委”班子14名。",
    ), 41, (*_sent(), Step(1, "officer", "withdraw", text="人数需与区人社局重新核实，撤回后另报。")), ends="withdrawn"),
    Story("zg-yl", "夷陵区开展软弱涣散村党组织集中整顿", (
        "经排查，全区确定软弱涣散村党组织7个，逐村制定整顿方案，由区级领导包联。",
        "整顿名单及问题清单按规定不公开。",
    ), 10, (*_sent(), Step(1, "editor", "receive")), secrecy="secret", ends="received"),
    Story("zg-yl", "夷陵区优化村干部报酬结构的做法", (
        "夷陵区将村干部报酬分为基本报酬、绩效报酬和集体经济发展创收奖励三部分，绩效部分占比提高到40%。",
    ), 9, (Step(0, "officer", "submit"),), ends="awaiting_signoff"),
    Story("zg-yl", "夷陵区组织干部下沉包保重点项目", (
        "夷陵区委组织部选派32名干部下沉全区重点项目，实行一个项目一名包保干部。",
    ), 3, (Step(0, "officer", "revise", "包保干部的表现由项目单位评价，结果纳入年度考核。", note="补充考核办法"),
           Step(1, "officer", "revise", "截至目前，包保干部协调解决项目用地、用工等问题47个。", note="补充成效")), ends="draft"),
    # 西陵区委组织部 (county group)
    Story("zg-xl", "西陵区实施“社区书记工作室”品牌建设", (
        "西陵区在全区45个社区建立“社区书记工作室”，由优秀社区书记领衔，开展传帮带和难题会诊。",
        "工作室运行以来，培养社区后备干部90名，帮助解决社区治理难题210个。",
    ), 76, (*_sent(), *_adopted("P3", "exp", "special", 1, 3)), ends="adopted"),
    Story("zg-xl", "西陵区干部人事档案专项审核中发现的问题", (
        "西陵区在干部人事档案专项审核中，发现“三龄二历一身份”记载不一致等问题，已逐人整改。",
    ), 66, (*_sent(), Step(1, "editor", "receive"),
            Step(2, "head", "decline", "属工作情况，与本刊用稿方向不符，建议作为内部参考。")),
          secrecy="internal", ends="not_adopted"),
    Story("zg-xl", "西陵区党员教育“微课堂”覆盖全部社区", (
        "西陵区依托新时代文明实践站开设党员教育“微课堂”，每月一主题、每周一课。",
    ), 12, (*_sent(), Step(1, "editor", "receive"),
            Step(2, "editor", "office_return", "请补充参学党员人次和群众反响，标题可更具体。")), ends="returned"),
    Story("zg-xl", "西陵区“红色物业”助力老旧小区治理", (
        "西陵区在老旧小区推行“红色物业”，由社区党组织牵头，引导物业企业成立党支部、业委会成员中党员比例不低于50%。",
        "通过“党组织+物业+业委会”三方议事，全区40个老旧小区的停车、环境等问题得到解决，群众满意度达到92%。",
    ), 2, _sent(0, 1), ends="submitted"),
    Story("zg-xl", "西陵区开展“两新”组织党建百日攻坚", (
        "西陵区集中百日开展“两新”组织党建攻坚，新组建党组织23个。",
    ), 1, (Step(0, "officer", "submit"),), ends="awaiting_signoff"),
    # 宜昌高新区党工委组织人事部 (zone group)
    Story("zg-gx", "宜昌高新区建立园区企业人才服务专员制度", (
        "高新区为园区重点企业配备人才服务专员，一对一协调人才落户、子女入学、住房保障等事项。",
        "制度实行以来，帮助企业引进高层次人才57名，办理服务事项300余件。",
    ), 56, (*_sent(), *_adopted("P3", "ref", "example")), ends="adopted"),
    Story("zg-gx", "高新区人才公寓建设进展", (
        "高新区第二批人才公寓主体完工，预计年底交付。",
    ), 36, (*_sent(), Step(1, "editor", "receive"),
            Step(1, "editor", "decline", "属工程进度信息，缺少组织工作的做法和成效，本刊不予采用。")), ends="not_adopted"),
    Story("zg-gx", "高新区非公企业党组织覆盖情况", (
        "高新区规模以上非公企业党组织覆盖率达到95%。",
    ), 6, (Step(0, "officer", "submit"),
           Step(2, "signer", "leader_return", "覆盖率请按最新统计口径核实，并说明未覆盖企业的工作计划。")),
          ends="returned"),
    Story("zg-gx", "高新区“党建联盟”推动园区企业抱团发展", (
        "高新区组建产业链党建联盟6个，推动上下游企业在技术攻关、人才共享等方面合作。",
    ), 4, _sent(0, 1), ends="submitted"),
    # 宜昌市委组织部研究室 (sections, group 1)
    Story("zg-yjs", "关于基层减负情况的调研与思考", (
        "研究室对全市8个县市区、24个乡镇开展基层减负专题调研，发现会议文件精简成效明显，但督查检查考核仍存在变相增加的情况。",
        "建议建立督查检查考核计划统筹机制，实行年度总量控制。",
    ), 68, (*_sent(), *_adopted("P3", "ref", "single", 2, 2)), ends="adopted"),
    Story("zg-yjs", "市委组织部开展“走基层、察实情”专题调研", (
        "市委组织部班子成员带队，分赴各县市区开展专题调研，形成调研报告11篇。",
    ), 5, (*_sent(), Step(2, "editor", "receive")), ends="received"),
    Story("zg-yjs", "全市组织系统信息工作季度分析", (
        "本季度全市组织系统报送信息稿件情况分析（草稿）。",
    ), 1, (), ends="draft"),
    # 宜昌市委组织部干部监督室 (sections, group 2)
    Story("zg-jd", "全市推行干部选拔任用“一报告两评议”全程纪实", (
        "干部监督室指导各地在干部选拔任用中全面推行“一报告两评议”，实行选任工作全程纪实。",
        "今年以来，全市开展选人用人专项检查8次，发现并督促整改问题26个。",
    ), 63, (*_sent(), *_adopted("P2", "ref", "example", 1, 3)), ends="adopted"),
    Story("zg-jd", "个人有关事项报告抽查核实情况", (
        "本季度对领导干部个人有关事项报告开展随机抽查核实，具体情况按规定报送。",
    ), 45, (*_sent(), Step(1, "editor", "receive"),
            Step(1, "head", "decline", "涉及个人有关事项，不宜在刊物刊发，已转交干部监督室存档。")),
          secrecy="secret", ends="not_adopted"),
    Story("zg-jd", "干部监督工作中运用大数据比对的探索", (
        "干部监督室联合市大数据中心，对干部档案与社保、房产等信息开展比对。",
    ), 30, (Step(1, "officer", "submit"),
            Step(1, "signer", "withdraw", text="比对工作尚在试点，暂不报送。")), ends="withdrawn"),
    # 宜昌市委组织部组织科 (sections, group 3)
    Story("zg-zzk", "全市发展党员工作质量稳步提升", (
        "组织科严格落实发展党员工作规程，全市今年发展党员中35岁以下的占比达到78%，具有大专以上学历的占62%。",
    ), 78, (*_sent(), *_adopted("P3", "exp", "composite")), ends="adopted"),
    Story("zg-zzk", "全市村级党组织换届“回头看”工作综述", (
        "组织科对全市村级党组织换届情况开展“回头看”，新一届村“两委”班子平均年龄下降6.2岁。",
    ), 48, (*_sent(), *_adopted("P4", "exp", "single")), ends="adopted"),
    Story("zg-zzk", "推行党支部标准化规范化建设“星级评定”", (
        "组织科在全市推行党支部标准化规范化建设“星级评定”，评定结果与党支部书记考核挂钩。",
    ), 20, (*_sent(), Step(1, "editor", "office_return", "请补充评定标准和首批评定结果。"),
            Step(2, "officer", "revise", "评定标准包括组织设置、班子建设、党员管理、组织生活、阵地建设五项；首批评出五星支部42个、四星支部115个。",
                 note="补充评定标准和首批结果"),
            Step(0, "officer", "resubmit", "已补充评定标准和首批评定的五星、四星支部数量。"),
            Step(1, "signer", "sign_off")), ends="submitted"),
    Story("zg-zzk", "全市党组织书记轮训工作情况", (
        "组织科分四期对全市村（社区）党组织书记开展全覆盖轮训，累计培训1480人次。",
    ), 8, (*_sent(), Step(1, "editor", "receive"),
           Step(1, "editor", "revise", "轮训安排三分之一课时到先进村现场教学，学员反映实用管用。",
                 note="编辑修改：突出实践教学")), ends="received"),
    Story("zg-zzk", "农村党员冬春训工作安排", (
        "今冬明春全市农村党员集中培训工作安排（草稿）。",
    ), 0, (), ends="draft"),
]
# fmt: on


# -- loading -------------------------------------------------------------------------------------------------------


@contextmanager
def _as_of(day: date) -> Iterator[None]:
    """Run a step as of ``day``: the audit rows and timestamps get that date (the clock reads KAOPING_TODAY).
    The core demo's cases do the same (`webapp.demo`), which this package may not import."""
    config = current_app.config
    saved_today, saved_offset = config.get("KAOPING_TODAY"), g.get("kaoping_demo_offset")
    config["KAOPING_TODAY"] = day.isoformat()
    g.kaoping_demo_offset = 0
    try:
        yield
    finally:
        config["KAOPING_TODAY"] = saved_today
        if saved_offset is None:
            g.pop("kaoping_demo_offset", None)
        else:
            g.kaoping_demo_offset = saved_offset


def _org(code: str) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    if org is None:
        raise LookupError(f"demo organisation {code!r} is missing; load the core demo first")
    return org


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"demo user {username!r} is missing")
    return user


def _office(code: str) -> ArticleOffice:
    office = db.session.scalar(sa.select(ArticleOffice).join(Organisation).where(Organisation.code == code))
    if office is None:
        raise LookupError(f"demo office {code!r} is missing")
    return office


def load_structure(password: str) -> int:
    """Organisations, the two offices with their publications and units, and the accounts. Returns rows created."""
    created = 0
    for code, name, tier, parent in ORGANISATIONS:
        if db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code)) is None:
            db.session.add(
                Organisation(code=code, name=name, kind=OrgKind.ORGAN, tier=tier, parent=_org(parent))
            )
            created += 1
    password_hash = None
    for account in ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == account.username)) is None:
            password_hash = password_hash or generate_password_hash(
                password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            )
            db.session.add(
                User(
                    username=account.username,
                    display_name=account.display_name,
                    organisation=_org(account.org_code),
                    password_hash=password_hash,
                    role_rows=[UserRole(role=role) for role in account.roles],
                )
            )
            created += 1
    db.session.commit()  # the office services below each run their own transaction
    if db.session.scalar(
        sa.select(ArticleOffice.id).where(ArticleOffice.organisation_id == _org("zg-yc").id)
    ):
        return created
    upper = offices.setup_office(
        _org("zg-prov").id, label="组工信息", scheme_id="ledger-zg",
        own_publications=[("P2", PROVINCE_PUBLICATION)],
    )  # fmt: skip
    office = offices.setup_office(
        _org("zg-yc").id, label="组工信息", scheme_id="ledger-zg", own_publications=[("P3", CITY_PUBLICATION)],
        parent_id=upper.id, first_report_minutes=60, followup_minutes=240,
    )  # fmt: skip
    offices.add_units(office.id, [(_org(code).id, group) for code, group in UNITS.items()])
    offices.add_units(upper.id, [(_org("zg-yc").id, "city")])
    return created + 2


def _actor(story: Story, who: str) -> User:
    if who in ("officer", "signer"):
        return _user(f"{PREFIX[story.unit]}-{who}")
    if who in ("editor", "head"):
        return _user(f"zg-{who}")
    return _user(who)


def _days(today: date, story: Story) -> list[date]:
    """The day of the draft and of each step: offsets from today, never after it."""
    day = today - timedelta(days=story.start)
    days = [day]
    for step in story.steps:
        day = min(today, day + timedelta(days=step.after))
        days.append(day)
    return days


def _publication(office: ArticleOffice, code: str) -> int:
    publication_id = db.session.scalar(
        sa.select(Publication.id).where(Publication.office_id == office.id, Publication.code == code)
    )
    if publication_id is None:
        raise LookupError(f"publication {code!r} is missing at {office.name}")
    return publication_id


def _play(story: Story, office: ArticleOffice, today: date) -> None:
    days = _days(today, story)
    writer = _actor(story, "officer")
    paragraphs = list(story.body)
    with _as_of(days[0]):
        article = articles.create_draft(
            writer, office_id=office.id, title=story.title, body="\n\n".join(paragraphs),
            secrecy=story.secrecy, today=days[0],
        )  # fmt: skip
    for step, day in zip(story.steps, days[1:], strict=True):
        user = _actor(story, step.who)
        with _as_of(day):
            if step.action == "revise":
                paragraphs.append(step.text)
                articles.save_text(
                    user, article.id, title=story.title, body="\n\n".join(paragraphs), note=step.note
                )
                continue
            kwargs: dict[str, Any] = {}
            if step.action in ("leader_return", "office_return", "decline"):
                kwargs["reason"] = step.text
            elif step.action == "resubmit":
                kwargs["answer"] = step.text
            elif step.action == "withdraw":
                kwargs["comment"] = step.text
            if step.adoption is not None:
                code, klass, form = step.adoption
                kwargs["adoption"] = AdoptionInput(_publication(office, code), klass, form)
            articles.fire(user, article.id, step.action, today=day, **kwargs)


def load_articles(today: date) -> int:
    """The quarter's articles (each only if its unit has no article of that title yet). Returns articles created."""
    office = _office("zg-yc")
    created = 0
    for story in STORIES:
        exists = db.session.scalar(
            sa.select(Article.id).where(
                Article.office_id == office.id,
                Article.unit_id == _org(story.unit).id,
                Article.title == story.title,
            )
        )
        if exists is None:
            _play(story, office, today)
            created += 1
    return created


def load(password: str) -> int:
    """The article demo (see the module's docstring); returns rows created (organisations, accounts, offices,
    articles). Skipped under TESTING unless ``DEMO_ARTICLES`` is set."""
    config = current_app.config
    if not config.get("DEMO_ARTICLES", not config.get("TESTING", False)):
        return 0
    today = clock.today()  # before any step: `_as_of` moves the clock while an article is walked
    return load_structure(password) + load_articles(today)
