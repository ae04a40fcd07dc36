"""The one place that decides who may do what with information articles: role × organisation × state. Deny by
default.

- *Role × organisation* → the article functions a person holds (``workflow.articles.FUNCTIONS``): an
  information officer (信息员) of the writing unit is its ``author``, the unit's leader in charge (信息分管领导)
  its ``signer`` (ZG-6.1); an editor (信息编辑) or head (信息科负责人) of the office it was written to is its
  ``editor`` / ``head`` once it has reached the office; an editor or head of an office it was forwarded to (上报)
  is its ``upper_editor``; a reading leader (领导阅览) at the unit or the office is its ``reader``.
- *Secrecy* (密级): a 秘密 article is shown only to the people who must handle it — its own writer, the unit's
  leader in charge, the office's editors and head, and an office it was forwarded to — never to readers or to
  the unit's other officers, and it never goes into public material.
- *State* and every other rule are the domain's (``workflow.articles.check``).

Lists use `visible_clause`, the same decision as `functions_on` written as SQL, so a list never shows what the
page would refuse (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from webapp.articles.models import Article, ArticleOffice, Forwarding, OfficeUnit
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.models.organisation import Organisation

UNIT_ROLES = frozenset({Role.INFO_OFFICER, Role.INFO_SIGNER})
OFFICE_ROLES = frozenset({Role.OFFICE_EDITOR, Role.OFFICE_HEAD})
ARTICLE_ROLES = UNIT_ROLES | OFFICE_ROLES | {Role.INFO_READER}
#: States only the unit sees (the office has not had the article yet).
UNIT_ONLY_STATES = ("draft", "awaiting_signoff")


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.active


def office_of(user: User | None) -> ArticleOffice | None:
    """The office the person works at (their organisation receives articles), if any."""
    if not _active(user):
        return None
    assert user is not None
    return db.session.scalar(
        sa.select(ArticleOffice).where(
            ArticleOffice.organisation_id == user.organisation_id, ArticleOffice.active.is_(True)
        )
    )


def offices_of_unit(unit_id: int) -> list[ArticleOffice]:
    """The offices a unit writes to (active memberships), by name."""
    return list(
        db.session.scalars(
            sa.select(ArticleOffice)
            .join(OfficeUnit, OfficeUnit.office_id == ArticleOffice.id)
            .join(Organisation, Organisation.id == ArticleOffice.organisation_id)
            .where(OfficeUnit.unit_id == unit_id, OfficeUnit.active.is_(True), ArticleOffice.active.is_(True))
            .order_by(Organisation.name)
        )
    )


def is_unit_member(user: User | None) -> bool:
    """A person who writes or signs off articles at a unit that writes to at least one office."""
    return (
        _active(user)
        and user is not None
        and user.has_role(*UNIT_ROLES)
        and bool(offices_of_unit(user.organisation_id))
    )


def is_office_staff(user: User | None) -> bool:
    return _active(user) and user is not None and user.has_role(*OFFICE_ROLES) and office_of(user) is not None


def _forwarded_to(article: Article, office_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Forwarding.id).where(
                Forwarding.article_id == article.id, Forwarding.to_office_id == office_id
            )
        )
        is not None
    )


def functions_on(user: User | None, article: Article) -> frozenset[str]:
    """The article functions ``user`` holds on ``article`` now (empty: they may not even see it)."""
    if not _active(user) or article.deleted_at is not None:
        return frozenset()
    assert user is not None
    secret = article.secrecy == "secret"
    held: set[str] = set()
    if user.organisation_id == article.unit_id:
        if user.has_role(Role.INFO_OFFICER) and (not secret or article.author_id == user.id):
            held.add("author")
        if user.has_role(Role.INFO_SIGNER) and article.state != "draft":
            held.add("signer")
        if user.has_role(Role.INFO_READER) and not secret and article.state not in UNIT_ONLY_STATES:
            held.add("reader")
    office = article.office
    if user.organisation_id == office.organisation_id and article.submitted_on is not None:
        if user.has_role(Role.OFFICE_EDITOR):
            held.add("editor")
        if user.has_role(Role.OFFICE_HEAD):
            held.update({"head", "editor"})
        if user.has_role(Role.INFO_READER) and not secret:
            held.add("reader")
    upper = office_of(user)
    if upper is not None and upper.id != office.id and _forwarded_to(article, upper.id):
        if user.has_role(*OFFICE_ROLES):
            held.add("upper_editor")
        if user.has_role(Role.INFO_READER) and not secret:
            held.add("reader")
    return frozenset(held)


def visible_clause(user: User | None) -> sa.ColumnElement[bool]:
    """`functions_on(user, a)` is not empty — as a WHERE clause on `Article` for lists and counts."""
    if not _active(user):
        return sa.false()
    assert user is not None
    not_secret = Article.secrecy != "secret"
    arms: list[sa.ColumnElement[bool]] = []
    own_unit = Article.unit_id == user.organisation_id
    if user.has_role(Role.INFO_OFFICER):
        arms.append(sa.and_(own_unit, sa.or_(not_secret, Article.author_id == user.id)))
    if user.has_role(Role.INFO_SIGNER):
        arms.append(sa.and_(own_unit, Article.state != "draft"))
    if user.has_role(Role.INFO_READER):
        arms.append(sa.and_(own_unit, not_secret, Article.state.notin_(UNIT_ONLY_STATES)))
    office = office_of(user)
    if office is not None:
        at_office = sa.and_(Article.office_id == office.id, Article.submitted_on.is_not(None))
        forwarded = sa.exists().where(
            Forwarding.article_id == Article.id, Forwarding.to_office_id == office.id
        )
        if user.has_role(*OFFICE_ROLES):
            arms.extend([at_office, forwarded])
        if user.has_role(Role.INFO_READER):
            arms.extend([sa.and_(at_office, not_secret), sa.and_(forwarded, not_secret)])
    if not arms:
        return sa.false()
    return sa.and_(Article.deleted_at.is_(None), sa.or_(*arms))


def can_view(user: User | None, article: Article) -> bool:
    return bool(functions_on(user, article))


def can_write(user: User | None, office_id: int | None = None) -> bool:
    """May start an article (to ``office_id`` when given): an information officer of a unit that writes to it."""
    if not _active(user) or user is None or not user.has_role(Role.INFO_OFFICER):
        return False
    offices = offices_of_unit(user.organisation_id)
    return bool(offices) and (office_id is None or any(o.id == office_id for o in offices))


def can_edit_text(user: User | None, article: Article) -> bool:
    """The unit edits its draft or a returned article; the office edits while it has the article (编辑中)."""
    held = functions_on(user, article)
    if article.state in ("draft", "returned"):
        return "author" in held
    return article.state == "received" and bool(held & {"editor", "head"})


def can_delete_draft(user: User | None, article: Article) -> bool:
    return article.state == "draft" and "author" in functions_on(user, article)


def can_manage_office(user: User | None, office: ArticleOffice) -> bool:
    """The office's head configures its publications, vocabularies, units and timers."""
    return (
        _active(user)
        and user is not None
        and user.has_role(Role.OFFICE_HEAD)
        and user.organisation_id == office.organisation_id
    )


def can_work_at_office(user: User | None, office: ArticleOffice) -> bool:
    """An editor or head of ``office`` (intake, adoption, issues, commissions, urgent board, incidents)."""
    return (
        _active(user)
        and user is not None
        and user.has_role(*OFFICE_ROLES)
        and user.organisation_id == office.organisation_id
    )


def unit_ids_of(offices: Iterable[ArticleOffice]) -> list[int]:
    ids = [office.id for office in offices]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(OfficeUnit.unit_id).where(OfficeUnit.office_id.in_(ids), OfficeUnit.active.is_(True))
        )
    )


# -- commissions (约稿), urgent events (紧急信息) and incidents: the office asks and records, the unit answers --------


def is_unit_member_of(user: User | None, unit_id: int) -> bool:
    """An information officer or the leader in charge (信息分管领导) at ``unit_id``: they see what the office
    asks of their unit (commissions, urgent events) and what it recorded against it (incidents)."""
    return (
        _active(user) and user is not None and user.organisation_id == unit_id and user.has_role(*UNIT_ROLES)
    )


def can_commission(user: User | None, office: ArticleOffice) -> bool:
    """ZG-6.2 / INF-3.10: the office's editors and head send commissions (约稿) to its units and cancel them."""
    return can_work_at_office(user, office)


def can_see_commission(user: User | None, office: ArticleOffice, unit_ids: Iterable[int]) -> bool:
    """The commissioning office's editors and head; a unit's officers and leader when it is one of the targets."""
    if can_work_at_office(user, office):
        return True
    return user is not None and any(is_unit_member_of(user, unit_id) for unit_id in unit_ids)


def can_answer_commission(user: User | None, unit_id: int, office_id: int) -> bool:
    """An information officer of the commissioned unit writes the answer (an article to that office)."""
    return user is not None and user.organisation_id == unit_id and can_write(user, office_id)


def can_run_urgent_board(user: User | None, office: ArticleOffice) -> bool:
    """The office's editors and head watch the urgent board, register an event they learned of another way
    (assigned to a unit), close events (PUB-2.3)."""
    return can_work_at_office(user, office)


def can_report_urgent(user: User | None, unit_id: int, office_id: int) -> bool:
    """An information officer of the unit registers its urgent event and writes its reports (首报/续报)."""
    return user is not None and user.organisation_id == unit_id and can_write(user, office_id)


def can_see_urgent_event(user: User | None, office: ArticleOffice, unit_id: int) -> bool:
    """The office's editors and head; the unit's officers and leader in charge (the timer runs against it)."""
    return can_work_at_office(user, office) or is_unit_member_of(user, unit_id)


def can_record_incident(user: User | None, office: ArticleOffice) -> bool:
    """ZG-4.9 / ZG-4.10 / INF-3.7: the office records late, omitted, concealed and false reports."""
    return can_work_at_office(user, office)


def can_withdraw_incident(user: User | None, office: ArticleOffice) -> bool:
    """An incident recorded in error is withdrawn by the office's head (it changes the unit's score)."""
    return can_manage_office(user, office)


def can_see_incident(user: User | None, office: ArticleOffice, unit_id: int) -> bool:
    """The recording office's editors and head; the unit's officers and leader in charge (their own only)."""
    return can_work_at_office(user, office) or is_unit_member_of(user, unit_id)
