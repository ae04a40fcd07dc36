"""A small world of information work for the article tests: a city office that runs 《组工信息》 under the ZG
ledger scheme, a provincial office above it, two units, and a person in each role.

``world`` is built inside the app context and committed; tests act through the services or the client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from tests.factories import make_bureau, make_organ, make_user
from webapp.articles.models import ArticleOffice, Publication
from webapp.articles.services import offices
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User


@dataclass
class World:
    office: ArticleOffice
    upper: ArticleOffice
    unit_a: Organisation
    unit_b: Organisation
    officer_a: User
    officer_a2: User
    signer_a: User
    officer_b: User
    signer_b: User
    editor: User
    head: User
    reader: User
    upper_editor: User
    outsider: User
    own_publication: Publication


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    with app.app_context():
        yield build_world()


def build_world() -> World:
    """The world, inside the caller's app context (committed); the concurrency tests build it on PostgreSQL."""
    bureau = make_bureau()
    upper_org = make_organ(bureau, name="省委组织部办公室")
    office_org = make_organ(bureau, name="市委组织部办公室")
    unit_a = make_organ(bureau, name="甲县委组织部")
    unit_b = make_organ(bureau, name="乙区委组织部")
    other = make_organ(bureau, name="无关单位")
    db.session.commit()
    upper = offices.setup_office(
        upper_org.id, label="组工信息", scheme_id=None, own_publications=[("PV", "《省组工信息》")]
    )
    office = offices.setup_office(
        office_org.id, label="组工信息", scheme_id="ledger-zg", own_publications=[("P3", "《市组工信息》")],
        parent_id=upper.id,
    )  # fmt: skip
    offices.add_units(office.id, [(unit_a.id, "county"), (unit_b.id, "county")])
    world = World(
        office=office,
        upper=upper,
        unit_a=unit_a,
        unit_b=unit_b,
        officer_a=make_user(unit_a, Role.INFO_OFFICER, username="officer-a"),
        officer_a2=make_user(unit_a, Role.INFO_OFFICER, username="officer-a2"),
        signer_a=make_user(unit_a, Role.INFO_SIGNER, username="signer-a"),
        officer_b=make_user(unit_b, Role.INFO_OFFICER, username="officer-b"),
        signer_b=make_user(unit_b, Role.INFO_SIGNER, username="signer-b"),
        editor=make_user(office_org, Role.OFFICE_EDITOR, username="editor"),
        head=make_user(office_org, Role.OFFICE_HEAD, username="head"),
        reader=make_user(office_org, Role.INFO_READER, username="reader"),
        upper_editor=make_user(upper_org, Role.OFFICE_EDITOR, username="upper-editor"),
        outsider=make_user(other, Role.INFO_OFFICER, Role.OFFICE_EDITOR, username="outsider"),
        own_publication=db.session.scalars(
            db.select(Publication).where(Publication.office_id == office.id, Publication.code == "P3")
        ).one(),
    )
    db.session.commit()
    return world
