"""The office's configuration, kept by its head (信息科负责人, `permissions.can_manage_office`): publications (name,
own or a higher one, active, order), the classes and forms of its adoptions, the units that write to it and their
groups, the urgent-report timers (首报时限, 续报间隔) and the days before a commission's deadline it is flagged.

Codes never change: an adoption keeps the code of its publication, class and form, so renaming or deactivating
a term never rewrites history (the ledger scores by code). Nothing is deleted — a term no longer used is
deactivated. Each public function is one transaction and one audit row on the office (subject
``article_office``) saying what changed from what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from config.ledger_schemes import load_ledger_scheme
from webapp.articles.models import (
    TERM_KIND_LABELS,
    TERM_KINDS,
    ArticleOffice,
    OfficeUnit,
    Publication,
    VocabularyTerm,
)
from webapp.articles.services import permissions
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services import transaction
from webapp.core.services.audit import append_event, describe_changes
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.errors import Refusal
from workflow.scoring.ledger import LedgerError

SUBJECT = "article_office"
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
PUBLICATION_NAME_MAX = 80
TERM_NAME_MAX = 40
GROUP_MAX = 40
POSITION_MAX = 999
UNITS_PER_PAGE = 20
#: (field, low, high, words) of the timers: the database's check constraints (models/office.py) say the same
TIMER_RANGES = {
    "first_report_minutes": (5, 1440, "首报时限应在5分钟至24小时（1440分钟）之间"),
    "followup_minutes": (30, 10080, "续报间隔应在30分钟至7天（10080分钟）之间"),
    "commission_warning_days": (0, 30, "约稿临期提醒应在0至30天之间"),
}
EVENT_LABELS = {
    "office_created": "设为信息报送办公室",
    "ledger_roster_imported": "导入单位名册",
    "ledger_records_imported": "导入采用记录",
    "units_added": "增加报送单位",
    "publication_added": "增加刊物",
    "publication_changed": "修改刊物",
    "term_added": "增加类别/形式",
    "term_changed": "修改类别/形式",
    "unit_added": "增加报送单位",
    "unit_changed": "修改报送单位",
    "timers_changed": "修改时限设置",
}


def _forbidden() -> Refused:
    return Refused(Refusal("forbidden", "只有本办公室的信息科负责人可以修改办公室设置。", None))


def office_for(user: User) -> ArticleOffice:
    office = permissions.office_of(user)
    if office is None or not permissions.can_manage_office(user, office):
        raise _forbidden()
    return office


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _name(value: str | None, limit: int, field: str, what: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInput(f"请填写{what}。", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{what}不超过{limit}字（现{len(text)}字）。", field=field)
    return text


def _code(value: str | None, field: str = "code") -> str:
    text = (value or "").strip()
    if not CODE_RE.match(text):
        raise InvalidInput("代码须为1至40位字母、数字、点、横线或下划线（如 P3、exp）。", field=field)
    return text


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise InvalidInput(f"排序须为0至{POSITION_MAX}之间的整数。", field="position")
    return value


def group_choices(office: ArticleOffice) -> list[tuple[str, str]]:
    """The groups of the office's ledger scheme (县区、园区、科室…), empty when it has no scheme (free text)."""
    if not office.scheme_id:
        return []
    try:
        scheme = load_ledger_scheme(office.scheme_id)
    except LedgerError:
        return []
    return [(group.id, group.name) for group in scheme.groups]


@dataclass(frozen=True)
class Settings:
    office: ArticleOffice
    publications: list[Publication]
    terms: dict[str, list[VocabularyTerm]]
    units: Any
    groups: list[tuple[str, str]]


def settings(user: User, *, units_page: int = 1) -> Settings:
    office = office_for(user)
    publications = list(
        db.session.scalars(
            sa.select(Publication)
            .where(Publication.office_id == office.id)
            .order_by(Publication.own.desc(), Publication.position, Publication.id)
        )
    )
    terms: dict[str, list[VocabularyTerm]] = {kind: [] for kind in TERM_KINDS}
    for term in db.session.scalars(
        sa.select(VocabularyTerm)
        .where(VocabularyTerm.office_id == office.id)
        .order_by(VocabularyTerm.kind, VocabularyTerm.position, VocabularyTerm.id)
    ):
        terms.setdefault(term.kind, []).append(term)
    units = db.paginate(
        sa.select(OfficeUnit)
        .join(Organisation, Organisation.id == OfficeUnit.unit_id)
        .where(OfficeUnit.office_id == office.id)
        .order_by(OfficeUnit.active.desc(), Organisation.name, OfficeUnit.id)
        .options(joinedload(OfficeUnit.unit)),
        page=units_page,
        per_page=UNITS_PER_PAGE,
        error_out=False,
    )
    return Settings(office, publications, terms, units, group_choices(office))


def _audit(user: User, office: ArticleOffice, event: str, comment: str) -> None:
    append_event(SUBJECT, office.id, event, actor=user, comment=comment[:2000])


# -- publications ------------------------------------------------------------------------------------------------


def _publication_words(publication: Publication) -> dict[str, str]:
    return {
        "名称": publication.name,
        "本办公室编期": _yes(publication.own),
        "启用": _yes(publication.active),
        "排序": str(publication.position),
    }


def add_publication(
    user: User, *, name: str | None, code: str | None, own: bool = False, position: int = 0
) -> Publication:
    with transaction():
        office = office_for(user)
        name = _name(name, PUBLICATION_NAME_MAX, "name", "刊物名称")
        code = _code(code)
        position = _position(position)
        if db.session.scalar(
            sa.select(Publication.id).where(Publication.office_id == office.id, Publication.code == code)
        ):
            raise Conflict(f"刊物代码“{code}”已使用（代码不能重复，也不能改动）。", field="code")
        publication = Publication(office_id=office.id, code=code, name=name, own=bool(own), position=position)
        db.session.add(publication)
        db.session.flush()
        _audit(
            user,
            office,
            "publication_added",
            f"增加刊物{name}（代码{code}，{'本办公室编期' if own else '上级刊物'}）",
        )
    return publication


def update_publication(
    user: User,
    publication_id: int,
    *,
    name: str | None = None,
    own: bool | None = None,
    active: bool | None = None,
    position: int | None = None,
) -> Publication:
    with transaction():
        office = office_for(user)
        publication = db.session.get(Publication, publication_id)
        if publication is None or publication.office_id != office.id:
            raise NotFound("刊物不存在。")
        before = _publication_words(publication)
        if name is not None:
            publication.name = _name(name, PUBLICATION_NAME_MAX, "name", "刊物名称")
        if own is not None:
            publication.own = bool(own)
        if active is not None:
            publication.active = bool(active)
        if position is not None:
            publication.position = _position(position)
        after = _publication_words(publication)
        if after != before:
            _audit(
                user,
                office,
                "publication_changed",
                f"刊物（代码{publication.code}）：{describe_changes(before, after)}",
            )
    return publication


# -- classes and forms -------------------------------------------------------------------------------------------


def _term_words(term: VocabularyTerm) -> dict[str, str]:
    return {"名称": term.name, "启用": _yes(term.active), "排序": str(term.position)}


def add_term(
    user: User, kind: str, *, code: str | None, name: str | None, position: int = 0
) -> VocabularyTerm:
    if kind not in TERM_KINDS:
        raise InvalidInput("只能增加信息类别或采用形式。", field="kind")
    what = TERM_KIND_LABELS[kind]
    with transaction():
        office = office_for(user)
        name = _name(name, TERM_NAME_MAX, "name", f"{what}名称")
        code = _code(code)
        position = _position(position)
        if db.session.scalar(
            sa.select(VocabularyTerm.id).where(
                VocabularyTerm.office_id == office.id,
                VocabularyTerm.kind == kind,
                VocabularyTerm.code == code,
            )
        ):
            raise Conflict(f"{what}代码“{code}”已使用（代码不能重复，也不能改动）。", field="code")
        term = VocabularyTerm(office_id=office.id, kind=kind, code=code, name=name, position=position)
        db.session.add(term)
        db.session.flush()
        _audit(user, office, "term_added", f"增加{what}{name}（代码{code}）")
    return term


def update_term(
    user: User,
    term_id: int,
    *,
    name: str | None = None,
    active: bool | None = None,
    position: int | None = None,
) -> VocabularyTerm:
    with transaction():
        office = office_for(user)
        term = db.session.get(VocabularyTerm, term_id)
        if term is None or term.office_id != office.id:
            raise NotFound("类别或形式不存在。")
        what = TERM_KIND_LABELS.get(term.kind, term.kind)
        before = _term_words(term)
        if name is not None:
            term.name = _name(name, TERM_NAME_MAX, "name", f"{what}名称")
        if active is not None:
            term.active = bool(active)
        if position is not None:
            term.position = _position(position)
        after = _term_words(term)
        if after != before:
            _audit(
                user, office, "term_changed", f"{what}（代码{term.code}）：{describe_changes(before, after)}"
            )
    return term


# -- units -----------------------------------------------------------------------------------------------------


def _group(office: ArticleOffice, value: str | None) -> str:
    text = (value or "").strip()
    groups = group_choices(office)
    if groups and text and text not in dict(groups):
        raise InvalidInput("请从本办公室计分办法的分组中选择。", field="group")
    if len(text) > GROUP_MAX:
        raise InvalidInput(f"分组不超过{GROUP_MAX}字。", field="group")
    return text


def _group_name(office: ArticleOffice, code: str) -> str:
    return dict(group_choices(office)).get(code, code) or "未分组"


def add_unit(user: User, *, organisation: str | None, group: str | None) -> OfficeUnit:
    """A unit (by its code or exact name) that writes to the office, in one of its groups."""
    ref = (organisation or "").strip()
    if not ref or len(ref) > 120:
        raise InvalidInput("请填写单位代码或单位全称。", field="organisation")
    with transaction():
        office = office_for(user)
        unit = db.session.scalar(
            sa.select(Organisation).where(sa.or_(Organisation.code == ref, Organisation.name == ref)).limit(1)
        )
        if unit is None:
            raise InvalidInput(f"没有代码或全称为“{ref[:40]}”的单位。", field="organisation")
        if unit.id == office.organisation_id:
            raise InvalidInput("办公室本身不是报送单位。", field="organisation")
        group = _group(office, group)
        row = db.session.scalar(
            sa.select(OfficeUnit).where(OfficeUnit.office_id == office.id, OfficeUnit.unit_id == unit.id)
        )
        if row is not None and row.active:
            raise Conflict(f"{unit.name}已是本办公室的报送单位。", field="organisation")
        if row is None:
            row = OfficeUnit(office_id=office.id, unit_id=unit.id, group_code=group, active=True)
            db.session.add(row)
        else:  # a unit that left and comes back keeps its row (and its history)
            row.group_code, row.active = group, True
        db.session.flush()
        _audit(user, office, "unit_added", f"增加报送单位{unit.name}（{_group_name(office, group)}）")
    return row


def update_unit(
    user: User, office_unit_id: int, *, group: str | None = None, active: bool | None = None
) -> OfficeUnit:
    with transaction():
        office = office_for(user)
        row = db.session.get(OfficeUnit, office_unit_id)
        if row is None or row.office_id != office.id:
            raise NotFound("报送单位不存在。")
        before = {"分组": _group_name(office, row.group_code), "报送": _yes(row.active)}
        if group is not None:
            row.group_code = _group(office, group)
        if active is not None:
            row.active = bool(active)
        after = {"分组": _group_name(office, row.group_code), "报送": _yes(row.active)}
        if after != before:
            _audit(user, office, "unit_changed", f"{row.unit.name}：{describe_changes(before, after)}")
    return row


# -- timers ----------------------------------------------------------------------------------------------------


def set_timers(
    user: User,
    *,
    first_report_minutes: Any,
    followup_minutes: Any,
    commission_warning_days: Any,
) -> ArticleOffice:
    """PUB-2.3 / ZG-4.10: how long after an urgent event its first report is due, and each follow-up after the
    previous report; how many days before a commission's deadline it shows as near (临期)."""
    values = {
        "first_report_minutes": first_report_minutes,
        "followup_minutes": followup_minutes,
        "commission_warning_days": commission_warning_days,
    }
    for name, value in values.items():
        low, high, words = TIMER_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"{words}。", field=name)
    with transaction():
        office = office_for(user)
        labels = {"first_report_minutes": "首报时限（分钟）", "followup_minutes": "续报间隔（分钟）",
                  "commission_warning_days": "约稿临期提醒（天）"}  # fmt: skip
        before = {labels[name]: str(getattr(office, name)) for name in values}
        for name, value in values.items():
            setattr(office, name, value)
        after = {labels[name]: str(value) for name, value in values.items()}
        if after != before:
            _audit(user, office, "timers_changed", describe_changes(before, after))
    return office
