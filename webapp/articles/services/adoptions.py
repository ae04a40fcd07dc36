"""Adoption records (采用): one per publication an article is adopted in (INF-2.8: an article may be adopted in
several places). The publication, class and form come from the office's configuration, never from code.

`record` runs inside the caller's transaction (the ``adopt`` event's declared effect, or a further adoption).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from webapp.articles.models import Adoption, Article, ArticleOffice, Publication, VocabularyTerm
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import InvalidInput


@dataclass(frozen=True)
class AdoptionInput:
    """What the editor types when adopting: publication, class, form, the day, a note."""

    publication_id: int
    class_code: str
    form_code: str
    adopted_on: date | None = None
    note: str = ""


def term_name(office_id: int, kind: str, code: str) -> str | None:
    return db.session.scalar(
        sa.select(VocabularyTerm.name).where(
            VocabularyTerm.office_id == office_id, VocabularyTerm.kind == kind, VocabularyTerm.code == code
        )
    )


def _active_term(office: ArticleOffice, kind: str, code: str, field: str, what: str) -> None:
    found = db.session.scalar(
        sa.select(VocabularyTerm.id).where(
            VocabularyTerm.office_id == office.id,
            VocabularyTerm.kind == kind,
            VocabularyTerm.code == (code or ""),
            VocabularyTerm.active.is_(True),
        )
    )
    if found is None:
        raise InvalidInput(f"请选择本办公室设定的{what}。", field=field)


def record(
    user: User, article: Article, office: ArticleOffice, data: AdoptionInput, *, today: date
) -> Adoption:
    """Check the adoption's fields against ``office``'s configuration and add the record (no commit)."""
    publication = db.session.get(Publication, data.publication_id) if data.publication_id else None
    if publication is None or publication.office_id != office.id or not publication.active:
        raise InvalidInput("请选择本办公室设定的刊物。", field="publication_id")
    _active_term(office, "class", data.class_code, "class_code", "信息类别")
    _active_term(office, "form", data.form_code, "form_code", "采用形式")
    adopted_on = data.adopted_on or today
    if adopted_on > today:
        raise InvalidInput("采用日期不能晚于今天。", field="adopted_on")
    if article.submitted_on is not None and adopted_on < article.submitted_on:
        raise InvalidInput(f"采用日期不能早于报送日期（{article.submitted_on}）。", field="adopted_on")
    adoption = Adoption(
        article=article,
        office_id=office.id,
        publication_id=publication.id,
        class_code=data.class_code,
        form_code=data.form_code,
        adopted_on=adopted_on,
        editor_id=user.id,
        note=(data.note or "").strip()[:500],
    )
    db.session.add(adoption)
    db.session.flush()
    return adoption


def describe(adoption: Adoption) -> str:
    """「《组工信息》经验类·单条，2027-03-02采用」 for the trail and lists."""
    klass = term_name(adoption.office_id, "class", adoption.class_code) or adoption.class_code
    form = term_name(adoption.office_id, "form", adoption.form_code) or adoption.form_code
    return f"{adoption.publication.name}{klass}·{form}，{adoption.adopted_on}采用"


@dataclass(frozen=True)
class Choices:
    """What an adoption form offers: the office's active publications (own first), classes and forms."""

    publications: list[tuple[int, str]]
    classes: list[tuple[str, str]]
    forms: list[tuple[str, str]]


def choices(office_id: int) -> Choices:
    publications = db.session.execute(
        sa.select(Publication.id, Publication.name)
        .where(Publication.office_id == office_id, Publication.active.is_(True))
        .order_by(Publication.own.desc(), Publication.position, Publication.id)
    ).all()
    terms = db.session.execute(
        sa.select(VocabularyTerm.kind, VocabularyTerm.code, VocabularyTerm.name)
        .where(VocabularyTerm.office_id == office_id, VocabularyTerm.active.is_(True))
        .order_by(VocabularyTerm.kind, VocabularyTerm.position, VocabularyTerm.id)
    ).all()
    return Choices(
        publications=[(row.id, row.name) for row in publications],
        classes=[(row.code, row.name) for row in terms if row.kind == "class"],
        forms=[(row.code, row.name) for row in terms if row.kind == "form"],
    )
