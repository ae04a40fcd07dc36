"""Incidents the office records against a unit: late (迟报), omitted (漏报) and concealed (瞒报) urgent reports
(ZG-4.10, INF-3.7) and false information (信息失实, ZG-4.9), each naming its article — or, for an omitted report,
the urgent event — with the date, a note and whether it is serious (ZG-4.11). One recorded in error is withdrawn
with the reason, never deleted. `facts` is the plain read the scoring (issue 10) uses.

Each public function that changes something is one transaction and writes the incident's audit row (subject
``incident``), citing the rule it is scored under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from config.articles import load_rules
from webapp.articles.models import (
    INCIDENT_KIND_LABELS,
    INCIDENT_KINDS,
    INCIDENT_RULES,
    Article,
    ArticleOffice,
    Incident,
    UrgentEvent,
)
from webapp.articles.services import permissions
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.request_args import is_db_id
from webapp.core.services import transaction
from webapp.core.services.audit import append_event
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.errors import Refusal

SUBJECT = "incident"
NOTE_MIN, NOTE_MAX = 4, 2000
REASON_MAX = 500
#: An incident is recorded within this many days of its date (the scoring year and a little more).
MAX_AGE_DAYS = 400
#: Kinds about an urgent report (紧急信息): the article must be one.
URGENT_KINDS = frozenset({"late", "omitted", "concealed"})
#: The office's ledger scheme decides under which regulation the urgent kinds are scored.
INF_SCHEMES = frozenset({"ledger-inf"})
SERIOUS_RULE = "ZG-4.11"


def rule_for(kind: str, office: ArticleOffice) -> str:
    """The rule an incident is scored under: ZG-4.10 (迟报/漏报/瞒报) or ZG-4.9 (信息失实); an office under the
    county scheme scores late and concealed urgent reports under INF-3.7 (an omitted one with them)."""
    if office.scheme_id in INF_SCHEMES and kind in URGENT_KINDS:
        return "INF-3.7"
    return INCIDENT_RULES[kind]


def _forbidden(detail: str, rule: str = "ZG-4.10") -> Refused:
    return Refused(Refusal("forbidden", load_rules().cite(rule, detail), rule))


def _is_id(value: Any) -> bool:
    return is_db_id(value)


def _article(user: User, office: ArticleOffice, article_id: Any) -> Article:
    article = db.session.get(Article, article_id) if _is_id(article_id) else None
    if (
        article is None
        or article.office_id != office.id
        or article.submitted_on is None
        or not permissions.can_view(user, article)
    ):
        raise InvalidInput("所选稿件不存在，或不是报送本办公室的稿件。", field="article_id")
    return article


def _event(office: ArticleOffice, event_id: Any) -> UrgentEvent:
    event = db.session.get(UrgentEvent, event_id) if _is_id(event_id) else None
    if event is None or event.office_id != office.id:
        raise InvalidInput("所选紧急事件不存在，或不是本办公室登记的。", field="urgent_event_id")
    return event


def _subject(
    user: User, office: ArticleOffice, kind: str, article_id: Any, event_id: Any
) -> tuple[Article | None, UrgentEvent | None]:
    """What the incident names: an omitted report (漏报) its urgent event (no article exists); every other kind
    its article (and the article's urgent event, if it reports one)."""
    if kind == "omitted":
        if event_id is None:
            raise InvalidInput("漏报须指明所涉紧急事件。", field="urgent_event_id")
        if article_id is not None:
            raise InvalidInput("漏报记在紧急事件上，不指向稿件。", field="article_id")
        return None, _event(office, event_id)
    if article_id is None:
        raise InvalidInput(f"{INCIDENT_KIND_LABELS[kind]}须指明所涉稿件。", field="article_id")
    article = _article(user, office, article_id)
    if kind in URGENT_KINDS and article.kind != "urgent":
        raise InvalidInput(f"{INCIDENT_KIND_LABELS[kind]}只针对紧急信息稿件。", field="article_id")
    event = None
    if article.urgent_event_id is not None:
        event = db.session.get(UrgentEvent, article.urgent_event_id)
    if event_id is not None and (event is None or event.id != event_id):
        raise InvalidInput("所选稿件不是该紧急事件的报告。", field="urgent_event_id")
    return article, event


def _occurred_on(value: Any, today: date) -> date:
    if not isinstance(value, date):
        raise InvalidInput("请填写发生日期。", field="occurred_on")
    if value > today:
        raise InvalidInput("发生日期不能晚于今天。", field="occurred_on")
    if value < today - timedelta(days=MAX_AGE_DAYS):
        raise InvalidInput(f"发生日期不能早于{MAX_AGE_DAYS}天前。", field="occurred_on")
    return value


def _text(value: Any, what: str, field: str, high: int) -> str:
    text = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
    if len(text) < NOTE_MIN:
        raise InvalidInput(f"请写明{what}（至少{NOTE_MIN}个字）。", field=field)
    if len(text) > high:
        raise InvalidInput(f"{what}不超过{high}字。", field=field)
    return text


def describe(incident: Incident) -> str:
    """「迟报 · 甲县委组织部 · 《…》」 for trails and lists (the article's title only where it is named)."""
    parts = [incident.kind_label, incident.unit.name]
    if incident.article is not None:
        parts.append(f"《{incident.article.title}》")
    elif incident.urgent_event is not None:
        parts.append(f"紧急事件“{incident.urgent_event.title}”")
    return " · ".join(parts)


def article_id_by_number(office: ArticleOffice, number: str) -> int | None:
    """The id of the office's article numbered ``number`` (稿件编号, 2027-0042); None for an empty number."""
    text = (number or "").strip() if isinstance(number, str) else ""
    if not text:
        return None
    found = db.session.scalar(
        sa.select(Article.id).where(Article.office_id == office.id, Article.number == text[:24])
    )
    if found is None:
        raise InvalidInput(f"本办公室没有编号为“{text[:24]}”的稿件。", field="article_id")
    return int(found)


# -- changes ---------------------------------------------------------------------------------------------------


def create(
    user: User,
    *,
    kind: str,
    occurred_on: date,
    note: str,
    serious: bool = False,
    article_id: int | None = None,
    urgent_event_id: int | None = None,
    today: date | None = None,
) -> Incident:
    """The office records an incident against the unit that wrote the article (or was assigned the event)."""
    today = today or clock.today()
    with transaction():
        office = permissions.office_of(user)
        if office is None or not permissions.can_record_incident(user, office):
            raise _forbidden("只有办公室的信息编辑或信息科负责人可以记录迟报、漏报、瞒报和信息失实")
        if kind not in INCIDENT_KINDS:
            raise InvalidInput("情况类型只能是迟报、漏报、瞒报或信息失实。", field="kind")
        article, event = _subject(user, office, kind, article_id, urgent_event_id)
        unit_id = article.unit_id if article is not None else event.unit_id  # type: ignore[union-attr]
        incident = Incident(
            office_id=office.id,
            unit_id=unit_id,
            kind=kind,
            article_id=article.id if article is not None else None,
            urgent_event_id=event.id if event is not None else None,
            occurred_on=_occurred_on(occurred_on, today),
            note=_text(note, "情况说明", "note", NOTE_MAX),
            serious=bool(serious),
            recorded_by_id=user.id,
        )
        db.session.add(incident)
        db.session.flush()
        rule = rule_for(kind, office)
        serious_words = f"；性质严重（{load_rules().cite(SERIOUS_RULE)}）" if incident.serious else ""
        append_event(
            SUBJECT,
            incident.id,
            "recorded",
            actor=user,
            to_state="recorded",
            comment=f"记录{describe(incident)}，{incident.occurred_on.isoformat()}{serious_words}；{incident.note}"[
                :2000
            ],
            rule_id=rule,
        )
    return incident


def withdraw(user: User, incident_id: int, *, reason: str) -> Incident:
    """The office's head withdraws an incident recorded in error; it stays on file with the reason."""
    with transaction():
        incident = load(user, incident_id, lock=True)
        if not permissions.can_withdraw_incident(user, incident.office):
            raise _forbidden("只有信息科负责人可以撤销已记录的情况", rule_for(incident.kind, incident.office))
        if incident.withdrawn_at is not None:
            raise Conflict("该情况记录已撤销。")
        text = _text(reason, "撤销理由", "reason", REASON_MAX)
        incident.withdrawn_at = clock.now()
        incident.withdraw_reason = text
        append_event(
            SUBJECT,
            incident.id,
            "withdrawn",
            actor=user,
            from_state="recorded",
            to_state="withdrawn",
            comment=f"撤销{describe(incident)}：{text}",
            rule_id=rule_for(incident.kind, incident.office),
        )
    return incident


# -- reading ---------------------------------------------------------------------------------------------------


def load(user: User | None, incident_id: int, *, lock: bool = False) -> Incident:
    query = sa.select(Incident).where(Incident.id == incident_id)
    if lock:
        query = query.with_for_update()
    incident = db.session.scalar(query)
    if incident is None or not permissions.can_see_incident(user, incident.office, incident.unit_id):
        raise NotFound("情况记录不存在或您无权查看。")
    return incident


def article_shown(user: User, incident: Incident) -> bool:
    """Whether ``user`` may read the named article's title (a 秘密 article stays hidden from the unit's other
    officers even in their own incident list)."""
    return incident.article is not None and permissions.can_view(user, incident.article)


def _filtered(stmt: sa.Select[Any], kind: str | None, withdrawn: bool | None) -> sa.Select[Any]:
    if kind in INCIDENT_KINDS:
        stmt = stmt.where(Incident.kind == kind)
    if withdrawn is True:
        stmt = stmt.where(Incident.withdrawn_at.is_not(None))
    elif withdrawn is False:
        stmt = stmt.where(Incident.withdrawn_at.is_(None))
    return stmt.order_by(Incident.occurred_on.desc(), Incident.id.desc())


def office_incidents(
    office: ArticleOffice,
    *,
    page: int,
    per_page: int = 20,
    kind: str | None = None,
    unit_id: int | None = None,
    withdrawn: bool | None = None,
) -> Any:
    stmt = sa.select(Incident).where(Incident.office_id == office.id)
    if unit_id is not None:
        stmt = stmt.where(Incident.unit_id == unit_id)
    return db.paginate(
        _filtered(stmt, kind, withdrawn), page=page, per_page=per_page, error_out=False, count=True
    )


def unit_incidents(
    user: User, *, page: int, per_page: int = 20, kind: str | None = None, withdrawn: bool | None = None
) -> Any:
    """The incidents recorded against the user's own unit (by every office it writes to)."""
    mine = permissions.is_unit_member_of(user, user.organisation_id)
    stmt = sa.select(Incident).where(
        Incident.unit_id == user.organisation_id, sa.true() if mine else sa.false()
    )
    return db.paginate(
        _filtered(stmt, kind, withdrawn), page=page, per_page=per_page, error_out=False, count=True
    )


def naming(user: User, *, article_id: int | None = None, event_id: int | None = None) -> list[Incident]:
    """The incidents naming an article or an urgent event that ``user`` may see (few: no page needed, capped)."""
    condition = (
        Incident.article_id == article_id if article_id is not None else Incident.urgent_event_id == event_id
    )
    found = db.session.scalars(sa.select(Incident).where(condition).order_by(Incident.id.desc()).limit(50))
    return [i for i in found if permissions.can_see_incident(user, i.office, i.unit_id)]


# -- what the scoring reads (issue 10) -------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFact:
    """A live incident as the ledger scores it: kind, unit, date, serious (ZG-4.11) and the rule."""

    incident_id: int
    office_id: int
    unit_id: int
    kind: str
    occurred_on: date
    serious: bool
    article_id: int | None
    urgent_event_id: int | None
    rule: str


def facts(office_id: int, start: date, end: date) -> list[IncidentFact]:
    """The office's incidents dated from ``start`` to ``end``, withdrawn ones left out."""
    office = db.session.get(ArticleOffice, office_id)
    if office is None:
        return []
    rows = db.session.scalars(
        sa.select(Incident)
        .where(
            Incident.office_id == office_id,
            Incident.withdrawn_at.is_(None),
            Incident.occurred_on >= start,
            Incident.occurred_on <= end,
        )
        .order_by(Incident.occurred_on, Incident.id)
    )
    return [
        IncidentFact(
            incident_id=i.id,
            office_id=i.office_id,
            unit_id=i.unit_id,
            kind=i.kind,
            occurred_on=i.occurred_on,
            serious=i.serious,
            article_id=i.article_id,
            urgent_event_id=i.urgent_event_id,
            rule=rule_for(i.kind, office),
        )
        for i in rows
    ]
