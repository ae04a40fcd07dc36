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

from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.articles.demo_stories import STORIES, Story
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    Commission,
    Forwarding,
    Instruction,
    Publication,
    PublicationIssue,
    UrgentEvent,
)
from webapp.articles.services import (
    adoption_changes,
    articles,
    commissions,
    forwarding,
    incidents,
    instructions,
    issue_corrections,
    issues,
    office_settings,
    offices,
    urgent,
)
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.instructions import FollowUpInput
from webapp.articles.services.issue_corrections import CorrectionInput
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


# -- loading -------------------------------------------------------------------------------------------------------


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
    # The scheme's source is another province's measures with the city redacted (《河南组工信息》, “**组工”):
    # each head names the publications as its office knows them, and the province keeps only those it uses.
    head, upper_head = _user("zg-head"), _user("zg-prov-head")
    office_settings.update_publication(head, _publication(office, "P2"), name=PROVINCE_PUBLICATION)
    office_settings.update_publication(head, _publication(office, "P4"), name="“宜昌组工”微博微信")
    for code in ("P3", "P4"):
        office_settings.update_publication(upper_head, _publication(upper, code), active=False)
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
    with clock.as_of(days[0]):
        article = articles.create_draft(
            writer, office_id=office.id, title=story.title, body="\n\n".join(paragraphs),
            secrecy=story.secrecy, today=days[0],
        )  # fmt: skip
    for step, day in zip(story.steps, days[1:], strict=True):
        user = _actor(story, step.who)
        with clock.as_of(day):
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


# -- the records around the articles -------------------------------------------------------------------------------

#: Articles the records below write (beside the stories) and the state each ends in.
COMMISSION_TOPIC = "基层党组织书记队伍建设的经验做法"
COMMISSION_ANSWERS = {
    "zg-yl": "夷陵区实行村党组织书记“县乡共管”", "zg-xl": "西陵区社区书记职业化管理的探索",
}  # fmt: skip
URGENT_EVENT = "夷陵区樟村坪镇突发山体滑坡"
URGENT_FIRST, URGENT_FOLLOWUP = "夷陵区组织党员干部连夜转移受威胁群众（首报）", "夷陵区滑坡处置进展（续报）"
RECORD_ENDS = {
    COMMISSION_ANSWERS["zg-yl"]: "adopted",
    COMMISSION_ANSWERS["zg-xl"]: "submitted",
    URGENT_FIRST: "adopted",
    URGENT_FOLLOWUP: "not_adopted",
}


def expected_states() -> dict[str, str]:
    """Title → the state each demo article ends in, whatever the load day."""
    return {**{story.title: story.ends for story in STORIES}, **RECORD_ENDS}


def _article(title: str) -> Article:
    article = db.session.scalar(sa.select(Article).where(Article.title == title))
    if article is None:
        raise LookupError(f"demo article {title!r} is missing")
    return article


def _adoption(title: str, office: ArticleOffice, code: str) -> int:
    found = db.session.scalar(
        sa.select(Adoption.id)
        .join(Publication)
        .where(
            Adoption.article_id == _article(title).id,
            Publication.office_id == office.id,
            Publication.code == code,
        )
    )
    if found is None:
        raise LookupError(f"demo adoption of {title!r} in {code} is missing")
    return found


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.SHANGHAI)


def _walk(title: str, steps: list[tuple[date, str, str, dict[str, Any]]]) -> None:
    """Fire ``(day, username, event, keyword arguments)`` on the article titled ``title``, each as of its day."""
    for day, username, event, kwargs in steps:
        with clock.as_of(day):
            articles.fire(_user(username), _article(title).id, event, today=day, **kwargs)


def _forward_and_adopt_elsewhere(office: ArticleOffice, today: date) -> None:
    """墩苗 goes up to the province, which adopts it (INF-2.5: the credit stays with 夷陵区); 擂台比武 is also
    carried on the department's Weibo/WeChat (INF-2.8); the 减负 report is sent on to the leaders (INF-2.6)."""
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    upper = office.parent
    assert upper is not None
    dunmiao = _article("夷陵区建立年轻干部“墩苗”台账实行跟踪培养")
    if db.session.scalar(sa.select(Forwarding.id).where(Forwarding.article_id == dunmiao.id)) is None:
        with clock.as_of(day(68)):
            sent = forwarding.forward(
                _user("zg-editor"), dunmiao.id, "up", note="经验做法较好，建议省级刊用", today=day(68)
            )
        with clock.as_of(day(64)):
            forwarding.adopt(
                _user("zg-prov-editor"),
                sent.id,
                AdoptionInput(_publication(upper, "P2"), "exp", "single"),
                today=day(64),
            )
        reduce_burden = _article("关于基层减负情况的调研与思考")
        with clock.as_of(day(61)):
            forwarding.forward(
                _user("zg-head"), reduce_burden.id, "to_leaders", note="呈部领导参阅", today=day(61)
            )
    leitai = _article("夷陵区推行村（社区）党组织书记“擂台比武”激发基层活力")
    if db.session.scalar(sa.select(sa.func.count(Adoption.id)).where(Adoption.article_id == leitai.id)) < 2:
        with clock.as_of(day(78)):
            adoption_changes.adopt_again(
                _user("zg-editor"),
                leitai.id,
                AdoptionInput(_publication(office, "P4"), "exp", "single"),
                today=day(78),
            )


def _instructions(office: ArticleOffice, today: date) -> None:
    """A city leader's 批示 on 擂台比武 with a follow-up the unit reported on; a provincial leader's on 墩苗."""
    leitai = _article("夷陵区推行村（社区）党组织书记“擂台比武”激发基层活力")
    if db.session.scalar(sa.select(Instruction.id).where(Instruction.article_id == leitai.id)) is not None:
        return
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    with clock.as_of(day(60)):
        instruction = instructions.record(
            _user("zg-editor"), leitai.id, leader="李建国（市委常委、组织部部长）", level="city",
            text="“擂台比武”抓住了村级班子建设的关键，请夷陵区总结经验，市委组织部研究在全市推广。",
            instructed_on=day(60), today=day(60),
            follow_up=FollowUpInput(_org("zg-yl").id, day(45), "总结“擂台比武”做法，提出在全市推广的建议"),
        )  # fmt: skip
    with clock.as_of(day(50)):
        instructions.report(
            _user("yl-officer"), instruction.follow_ups[0].id,
            "已形成《夷陵区村（社区）党组织书记“擂台比武”工作规程》，建议分县市区试点后在全市推开。",
            now=_at(day(50), 16, 30),
        )  # fmt: skip
    with clock.as_of(day(58)):
        instructions.record(
            _user("zg-editor"), _article("夷陵区建立年轻干部“墩苗”台账实行跟踪培养").id,
            leader="省委组织部领导", level="provincial", text="这个办法好，可在全省组织系统交流。",
            instructed_on=day(58), today=day(58),
        )  # fmt: skip


def _issues(office: ArticleOffice, today: date) -> None:
    """《宜昌组工信息》: an issue locked two months ago with a correction (勘误), and this week's being assembled."""
    publication = _publication(office, "P3")
    if db.session.scalar(
        sa.select(PublicationIssue.id).where(PublicationIssue.publication_id == publication)
    ):
        return
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    editor, head = _user("zg-editor"), _user("zg-head")
    first = [
        "夷陵区推行村（社区）党组织书记“擂台比武”激发基层活力", "全市发展党员工作质量稳步提升",
        "西陵区实施“社区书记工作室”品牌建设", "夷陵区建立年轻干部“墩苗”台账实行跟踪培养",
        "夷陵区以“三个清单”压实基层党建工作责任", "关于基层减负情况的调研与思考",
    ]  # fmt: skip
    with clock.as_of(day(58)):
        issue = issues.create(editor, publication, issued_on=day(58), editor_note="本期刊发基层党建经验做法。",
                              distribution="市委常委，各县市区委组织部，部机关各科室", copies=120, today=day(58))  # fmt: skip
        issues.add_items(editor, issue.id, [_adoption(title, office, "P3") for title in first])
    with clock.as_of(day(57)):
        issues.lock(head, issue.id, now=_at(day(57), 17, 0))
    with clock.as_of(day(54)):
        item = next(i for i in issue.items if i.title.startswith("夷陵区以“三个清单”"))
        issue_corrections.correct(head, issue.id, CorrectionInput(
            "edit", "经夷陵区委组织部核实，提醒谈话针对连续三个月（非两个月）进度滞后的乡镇党委书记", item.id,
            item.title, item.body.replace("连续两个月", "连续三个月"),
        ), now=_at(day(54), 10, 0))  # fmt: skip
    second = [
        "宜昌高新区建立园区企业人才服务专员制度",
        "夷陵区“红色物业”助力老旧小区治理",
        COMMISSION_ANSWERS["zg-yl"],
    ]
    with clock.as_of(day(3)):
        issue = issues.create(
            editor, publication, issued_on=day(3), editor_note="本期为约稿专题。", today=day(3)
        )
        issues.add_items(editor, issue.id, [_adoption(title, office, "P3") for title in second])


def _commission(office: ArticleOffice, today: date) -> None:
    """An important commission (INF-3.10) to three units: 夷陵区 answers in time, 西陵区 late, 高新区 not at all."""
    if db.session.scalar(sa.select(Commission.id).where(Commission.topic == COMMISSION_TOPIC)) is not None:
        return
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    units = {code: _org(code).id for code in ("zg-yl", "zg-xl", "zg-gx")}
    with clock.as_of(day(25)):
        commission = commissions.create(
            _user("zg-editor"), topic=COMMISSION_TOPIC, detail="请结合本地实际，报送一篇经验类信息，1500字以内。",
            due_on=day(15), important=True, unit_ids=list(units.values()), today=day(25),
        )  # fmt: skip
    target = {t.unit_id: t.id for t in commission.targets}
    for code, (written, signed) in {"zg-yl": (20, 18), "zg-xl": (14, 12)}.items():
        prefix, title = PREFIX[code], COMMISSION_ANSWERS[code]
        with clock.as_of(day(written)):
            articles.create_draft(
                _user(f"{prefix}-officer"), office_id=office.id, title=title, today=day(written),
                body=f"{title}。\n\n围绕约稿要求，本单位从选育管用四个环节加强书记队伍建设，成效明显。",
                commission_target_id=target[units[code]],
            )  # fmt: skip
        _walk(
            title,
            [
                (day(written), f"{prefix}-officer", "submit", {}),
                (day(signed), f"{prefix}-signer", "sign_off", {}),
            ],
        )
    yl_answer = COMMISSION_ANSWERS["zg-yl"]
    adopt = {"adoption": AdoptionInput(_publication(office, "P3"), "exp", "single")}
    _walk(yl_answer, [(day(17), "zg-editor", "receive", {}), (day(14), "zg-editor", "adopt", adopt)])
    commissions.mark_missed(today)  # what the daily tick does: 高新区 never answered


def _urgent(office: ArticleOffice, today: date) -> None:
    """A landslide in 夷陵区: the first report in time, the follow-up 45 minutes late — recorded as 迟报
    (ZG-4.10) — and the event closed the next day."""
    if db.session.scalar(sa.select(UrgentEvent.id).where(UrgentEvent.title == URGENT_EVENT)) is not None:
        return
    day, next_day = today - timedelta(days=20), today - timedelta(days=19)
    officer, signer, editor = _user("yl-officer"), _user("yl-signer"), _user("zg-editor")
    with clock.as_of(day):
        event, first = urgent.register_by_unit(
            officer, office_id=office.id, title=URGENT_EVENT, occurred_at=_at(day, 8, 10), now=_at(day, 8, 35),
            report_title=URGENT_FIRST, report_body="8时10分，樟村坪镇一处山体发生滑坡，无人员伤亡。区委组织部组织"
            "驻村干部和党员突击队连夜转移受威胁群众47户126人。",
        )  # fmt: skip
        articles.fire(officer, first.id, "submit", today=day, now=_at(day, 8, 45))
        articles.fire(signer, first.id, "sign_off", today=day, now=_at(day, 8, 55))
        followup = articles.create_draft(
            officer, office_id=office.id, title=URGENT_FOLLOWUP, kind="urgent", urgent_event_id=event.id, today=day,
            body="截至13时，转移群众已全部妥善安置，党员突击队24小时值守，滑坡体未再发生位移。",
        )  # fmt: skip
        articles.fire(officer, followup.id, "submit", today=day, now=_at(day, 13, 25))
        articles.fire(signer, followup.id, "sign_off", today=day, now=_at(day, 13, 40))
        articles.fire(editor, first.id, "receive", today=day, now=_at(day, 9, 5))
    adopt = {"adoption": AdoptionInput(_publication(office, "P3"), "ref", "single")}
    _walk(URGENT_FIRST, [(next_day, "zg-editor", "adopt", adopt)])
    _walk(URGENT_FOLLOWUP, [(next_day, "zg-editor", "receive", {}),
                            (next_day, "zg-editor", "decline", {"reason": "续报内容已并入首报采用稿"})])  # fmt: skip
    with clock.as_of(next_day):
        incidents.create(
            editor, kind="late", occurred_on=day, article_id=followup.id, urgent_event_id=event.id, today=next_day,
            note="续报时限为12时55分，13时40分送达，迟报45分钟。",
        )  # fmt: skip
        urgent.close(editor, event.id, note="群众已安置，险情解除。", now=_at(next_day, 10, 0))


def load_records(today: date) -> None:
    """Forwarding and further adoptions, 批示, the commission, the urgent event and the publication's issues
    (each only once: matched on what it is about)."""
    office = _office("zg-yc")
    _forward_and_adopt_elsewhere(office, today)
    _instructions(office, today)
    _commission(office, today)
    _urgent(office, today)
    _issues(office, today)


def load(password: str) -> int:
    """The article demo (see the module's docstring); returns rows created (organisations, accounts, offices,
    articles). Skipped under TESTING unless ``DEMO_ARTICLES`` is set."""
    config = current_app.config
    if not config.get("DEMO_ARTICLES", not config.get("TESTING", False)):
        return 0
    today = clock.today()  # before any step: `_as_of` moves the clock while an article is walked
    created = load_structure(password) + load_articles(today)
    load_records(today)
    return created
