"""Who sees and acts on an article: role × organisation × state × secrecy, decided in one place
(webapp/articles/services/permissions.py). Lists use `visible_clause`, pages `functions_on`; they must agree."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.webapp.articles.conftest import World
from webapp.articles.models import Article, Forwarding
from webapp.articles.services import articles, permissions
from webapp.articles.services.adoptions import AdoptionInput
from webapp.core.extensions import db

DAY = date(2027, 1, 5)


def _article_in(world: World, state: str, secrecy: str) -> int:
    """An article of unit 甲 walked to ``state`` through the services."""
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title=f"{state}{secrecy}", body="正文内容", secrecy=secrecy, today=DAY
    )  # fmt: skip
    steps = {
        "draft": [],
        "awaiting_signoff": [(world.officer_a, "submit", {})],
        "returned": [(world.officer_a, "submit", {}), (world.signer_a, "leader_return", {"reason": "请补充数据来源"})],
        "submitted": [(world.officer_a, "submit", {}), (world.signer_a, "sign_off", {})],
        "received": [(world.officer_a, "submit", {}), (world.signer_a, "sign_off", {}), (world.editor, "receive", {})],
        "adopted": [
            (world.officer_a, "submit", {}), (world.signer_a, "sign_off", {}), (world.editor, "receive", {}),
            (world.editor, "adopt", {"adoption": AdoptionInput(world.own_publication.id, "exp", "single")}),
        ],
        "withdrawn": [(world.officer_a, "submit", {}), (world.officer_a, "withdraw", {})],
    }[state]  # fmt: skip
    for person, event, kwargs in steps:
        articles.fire(person, article.id, event, today=DAY, **kwargs)
    return article.id


STATES = ("draft", "awaiting_signoff", "returned", "submitted", "received", "adopted", "withdrawn")


@pytest.fixture
def many(world: World) -> list[int]:
    return [
        _article_in(world, state, secrecy) for state in STATES for secrecy in ("none", "internal", "secret")
    ]


def test_lists_show_exactly_what_the_article_page_would_show_to_every_person(
    world: World, many: list[int]
) -> None:
    people = [value for value in vars(world).values() if hasattr(value, "username")]
    for person in people:
        listed = set(db.session.scalars(sa.select(Article.id).where(permissions.visible_clause(person))))
        shown = {a.id for a in db.session.scalars(sa.select(Article)) if permissions.can_view(person, a)}
        assert listed == shown, person.username


def test_the_office_sees_an_article_only_once_the_leader_signed_it_off_zg_6_1(
    world: World, many: list[int]
) -> None:
    seen = {a.state for a in db.session.scalars(sa.select(Article)) if permissions.can_view(world.editor, a)}
    assert seen == {"submitted", "received", "adopted"}


def test_a_secret_article_is_seen_only_by_its_writer_the_leader_and_the_office_handling_it(
    world: World, many: list[int]
) -> None:
    secret_received = db.session.scalar(sa.select(Article).where(Article.title == "receivedsecret"))
    assert secret_received is not None
    holders = {
        person.username
        for person in vars(world).values()
        if hasattr(person, "username") and permissions.can_view(person, secret_received)
    }
    assert holders == {"officer-a", "signer-a", "editor", "head"}
    internal = db.session.scalar(sa.select(Article).where(Article.title == "receivedinternal"))
    assert internal is not None and permissions.can_view(world.reader, internal)
    assert permissions.can_view(world.officer_a2, internal)


def test_an_office_above_sees_only_what_was_forwarded_to_it_inf_2_5(world: World, many: list[int]) -> None:
    adopted = db.session.scalar(sa.select(Article).where(Article.title == "adoptednone"))
    assert adopted is not None and not permissions.can_view(world.upper_editor, adopted)
    db.session.add(Forwarding(article_id=adopted.id, kind="up", from_office_id=world.office.id,
                              to_office_id=world.upper.id, forwarded_by_id=world.editor.id, forwarded_on=DAY))  # fmt: skip
    db.session.commit()
    assert permissions.functions_on(world.upper_editor, adopted) == frozenset({"upper_editor"})
    listed = set(
        db.session.scalars(sa.select(Article.id).where(permissions.visible_clause(world.upper_editor)))
    )
    assert listed == {adopted.id}


def test_an_inactive_person_holds_nothing(world: World, many: list[int]) -> None:
    world.editor.active = False
    db.session.commit()
    assert not db.session.scalars(sa.select(Article.id).where(permissions.visible_clause(world.editor))).all()
    assert all(not permissions.can_view(world.editor, a) for a in db.session.scalars(sa.select(Article)))
