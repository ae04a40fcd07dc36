"""Adopted articles for the issue and instruction tests (on the `world` fixture of conftest.py)."""

from __future__ import annotations

from datetime import date

from tests.webapp.articles.conftest import World
from webapp.articles.models import Adoption
from webapp.articles.services import articles
from webapp.articles.services.adoptions import AdoptionInput
from webapp.core.extensions import db
from webapp.core.models import User

DAY = date(2027, 1, 5)


def adopted(
    world: World,
    title: str = "甲县推行组工干部下沉一线",
    *,
    officer: User | None = None,
    signer: User | None = None,
    secrecy: str = "none",
    body: str | None = None,
    day: date = DAY,
    publication_id: int | None = None,
) -> Adoption:
    """An article written by unit A (or ``officer``'s unit), signed off, received and adopted into the office's own
    publication (or ``publication_id``) on ``day``; returns the adoption."""
    officer = officer or world.officer_a
    signer = signer or world.signer_a
    article = articles.create_draft(
        officer, office_id=world.office.id, title=title, body=body or f"{title}。正文第一段。\n正文第二段。",
        secrecy=secrecy, today=day,
    )  # fmt: skip
    articles.fire(officer, article.id, "submit", today=day)
    articles.fire(signer, article.id, "sign_off", today=day)
    articles.fire(world.editor, article.id, "receive", today=day)
    adoption = AdoptionInput(publication_id or world.own_publication.id, "exp", "single", adopted_on=day)
    articles.fire(world.editor, article.id, "adopt", adoption=adoption, today=day)
    return db.session.scalars(db.select(Adoption).where(Adoption.article_id == article.id)).one()
