"""The information-article records as the auditor reads them (the `Feature.audit_subject_names` of articles):
an article by its title, an office by its unit and its work's name, an issue by publication and number, a
ledger period by office and period, a commission by its topic, an urgent event by its title, an incident by the
unit, its kind and day. One query per type; an id that no longer exists is left out."""

from __future__ import annotations

from collections.abc import Callable, Collection

import sqlalchemy as sa

from webapp.articles.models import (
    INCIDENT_KIND_LABELS,
    Article,
    ArticleOffice,
    Commission,
    Incident,
    LedgerPeriod,
    Publication,
    PublicationIssue,
    UrgentEvent,
)
from webapp.articles.services.ledger_pages import period_text
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services.audit_subjects import shorten


def _articles(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Article.id, Article.title).where(Article.id.in_(ids)))
    return {row.id: f"《{shorten(row.title)}》" for row in rows}


def _offices(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(ArticleOffice.id, ArticleOffice.label, Organisation.name)
        .join(Organisation, Organisation.id == ArticleOffice.organisation_id)
        .where(ArticleOffice.id.in_(ids))
    )
    return {row.id: f"{row.name}（{row.label}）" for row in rows}


def _issues(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(
            PublicationIssue.id,
            PublicationIssue.year,
            PublicationIssue.number,
            PublicationIssue.total,
            Publication.name,
        )
        .join(Publication, Publication.id == PublicationIssue.publication_id)
        .where(PublicationIssue.id.in_(ids))
    )
    return {row.id: f"{row.name}{row.year}年第{row.number}期（总第{row.total}期）" for row in rows}


def _periods(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(LedgerPeriod.id, LedgerPeriod.period, ArticleOffice.label)
        .join(ArticleOffice, ArticleOffice.id == LedgerPeriod.office_id)
        .where(LedgerPeriod.id.in_(ids))
    )
    return {row.id: f"{row.label} {period_text(row.period)}" for row in rows}


def _commissions(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Commission.id, Commission.topic).where(Commission.id.in_(ids)))
    return {row.id: f"《{shorten(row.topic)}》" for row in rows}


def _urgent_events(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(UrgentEvent.id, UrgentEvent.title).where(UrgentEvent.id.in_(ids)))
    return {row.id: shorten(row.title) for row in rows}


def _incidents(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(Incident.id, Incident.kind, Incident.occurred_on, Organisation.name)
        .join(Organisation, Organisation.id == Incident.unit_id)
        .where(Incident.id.in_(ids))
    )
    return {
        row.id: f"{row.name} {INCIDENT_KIND_LABELS.get(row.kind, '')}（{row.occurred_on.isoformat()}）"
        for row in rows
    }


NAMERS: dict[str, Callable[[Collection[int]], dict[int, str]]] = {
    "article": _articles,
    "article_office": _offices,
    "publication_issue": _issues,
    "ledger_period": _periods,
    "commission": _commissions,
    "urgent_event": _urgent_events,
    "incident": _incidents,
}


def audit_subject_names(subject_type: str, ids: Collection[int]) -> dict[int, str]:
    namer = NAMERS.get(subject_type)
    return namer(ids) if namer is not None and ids else {}
