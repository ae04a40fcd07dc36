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
from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request

from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    FollowUp,
    Forwarding,
    Instruction,
    OfficeUnit,
    Publication,
    PublicationIssue,
    overdue_urgent_events,
)
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.models.organisation import Organisation
from webapp.core.read_transactions import skewed_key
from webapp.core.request_cache import once

UNIT_ROLES = frozenset({Role.INFO_OFFICER, Role.INFO_SIGNER})
OFFICE_ROLES = frozenset({Role.OFFICE_EDITOR, Role.OFFICE_HEAD})
ARTICLE_ROLES = UNIT_ROLES | OFFICE_ROLES | {Role.INFO_READER}
#: States only the unit sees (the office has not had the article yet).
UNIT_ONLY_STATES = ("draft", "awaiting_signoff")


def _reading() -> bool:
    """Inside a GET (or HEAD) request: nothing changes while it runs, so what it read once may be reused."""
    return has_request_context() and request.method in ("GET", "HEAD")


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.active


_AT_OFFICE = sa.and_(
    ArticleOffice.organisation_id == sa.bindparam("organisation"), ArticleOffice.active.is_(True)
)
#: built once (every page of an office's person reads them)
_OFFICE = sa.select(ArticleOffice).where(_AT_OFFICE)
_OFFICE_WITH_URGENT_OVERDUE = sa.select(
    ArticleOffice, overdue_urgent_events(ArticleOffice.id, sa.bindparam("now"))
).where(_AT_OFFICE)


def office_of(user: User | None) -> ArticleOffice | None:
    """The office the person works at (their organisation receives articles), if any."""
    if not _active(user):
        return None
    assert user is not None
    # asked by the nav, the home lines, the permission checks and the page itself: read once per GET request
    # (kept on the request object, not `g`, which tests share across requests made inside one app context)
    cache: dict[int, ArticleOffice | None] | None = None
    if _reading():
        cache = request.__dict__.setdefault("_kaoping_article_office", {})
        if user.organisation_id in cache:
            return cache[user.organisation_id]
    if cache is None:
        return db.session.scalar(_OFFICE, {"organisation": user.organisation_id})
    # read with the count of its urgent reports past due, which the navigation bar of its staff shows on every
    # page: a statement fewer on each (`urgent_overdue_read_with_office`, issue 12)
    now = clock.now()
    row = db.session.execute(
        _OFFICE_WITH_URGENT_OVERDUE, {"organisation": user.organisation_id, "now": now}
    ).one_or_none()
    office = row[0] if row is not None else None
    cache[user.organisation_id] = office
    if row is not None:
        request.__dict__.setdefault(_URGENT_OVERDUE, {})[row[0].id] = (now, int(row[1] or 0))
    return office


#: per GET request: office id → (the moment, its urgent events past due then), read with the office
_URGENT_OVERDUE = "_kaoping_urgent_overdue"


def urgent_overdue_read_with_office(office: ArticleOffice) -> tuple[datetime, int] | None:
    """The office's urgent events past due, as `office_of` read them with the office in this GET request, and the
    moment they were counted at; None outside a GET or when the office was not read that way."""
    if not _reading():
        return None
    found: tuple[datetime, int] | None = request.__dict__.get(_URGENT_OVERDUE, {}).get(office.id)
    return found


def offices_of_unit(unit_id: int) -> list[ArticleOffice]:
    """The offices a unit writes to (active memberships), by name; read once per request (the nav, the home
    lines and every permission check of a unit's page ask)."""
    cache: dict[int, list[ArticleOffice]] | None = None
    if _reading():
        cache = request.__dict__.setdefault("_kaoping_unit_offices", {})
        if unit_id in cache:
            return list(cache[unit_id])
    found = list(
        db.session.scalars(
            sa.select(ArticleOffice)
            .join(OfficeUnit, OfficeUnit.office_id == ArticleOffice.id)
            .join(Organisation, Organisation.id == ArticleOffice.organisation_id)
            .where(OfficeUnit.unit_id == unit_id, OfficeUnit.active.is_(True), ArticleOffice.active.is_(True))
            .order_by(Organisation.name)
        )
    )
    if cache is not None:
        cache[unit_id] = found
    return list(found)


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
    """`functions_on(user, a)` is not empty — as a WHERE clause on `Article` for lists and counts. Made once per
    request and user (`request_cache`: forgotten at any write): an office's intake asks for it three times (its
    counts, its rows, its 上报 section) and the navigation bar's count once more."""
    if not _active(user):
        return sa.false()
    assert user is not None
    return once("article_visible_clause", user.id, lambda: _visible_clause(user))


def _visible_clause(user: User) -> sa.ColumnElement[bool]:
    arms = visible_arms(user)
    if not arms:
        return sa.false()
    return sa.and_(Article.deleted_at.is_(None), sa.or_(*arms))


def visible_arms(user: User | None) -> list[sa.ColumnElement[bool]]:
    """`visible_clause` without its deleted-article condition, as one clause per way in, each answered by an
    index of its own: the person's unit (``unit_id``), their office (``office_id``), forwarded to their office
    (the forwardings). They may overlap (an office that is also a unit of itself). Empty: sees nothing.

    A list that is read in order and cut into pages takes each arm from its index and merges them
    (`webapp.articles.services.search`): their OR is answered by no index, and a province office's search sorted
    all its 240,406 visible articles to show twenty (350 ms)."""
    if not _active(user):
        return []
    assert user is not None
    not_secret = Article.secrecy != "secret"
    at_unit: list[sa.ColumnElement[bool]] = []
    if user.has_role(Role.INFO_OFFICER):
        at_unit.append(sa.or_(not_secret, Article.author_id == user.id))
    if user.has_role(Role.INFO_SIGNER):
        at_unit.append(Article.state != "draft")
    if user.has_role(Role.INFO_READER):
        at_unit.append(sa.and_(not_secret, Article.state.notin_(UNIT_ONLY_STATES)))
    arms: list[sa.ColumnElement[bool]] = []
    if at_unit:
        arms.append(sa.and_(Article.unit_id == user.organisation_id, sa.or_(*at_unit)))
    office = office_of(user)
    if office is not None and user.has_role(*OFFICE_ROLES, Role.INFO_READER):
        at_office = sa.and_(Article.office_id == skewed_key(office.id), Article.submitted_on.is_not(None))
        # IN, not a correlated EXISTS: SQLite ran the EXISTS once per article of the table
        forwarded = Article.id.in_(
            sa.select(Forwarding.article_id).where(Forwarding.to_office_id == skewed_key(office.id))
        )
        if user.has_role(*OFFICE_ROLES):
            arms.extend([at_office, forwarded])
        else:  # a reading leader: no 秘密 article
            arms.extend([sa.and_(at_office, not_secret), sa.and_(forwarded, not_secret)])
    return arms


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


def can_use_unit_pages(user: User | None) -> bool:
    """The unit's lists (my articles, returns, adoptions): an officer, leader or reading leader of a unit that
    writes to at least one office."""
    return (
        _active(user)
        and user is not None
        and user.has_role(*UNIT_ROLES, Role.INFO_READER)
        and bool(offices_of_unit(user.organisation_id))
    )


def can_see_signoff_queue(user: User | None) -> bool:
    """The leader in charge (信息分管领导) of a unit that writes to an office signs its articles off (ZG-6.1)."""
    return can_use_unit_pages(user) and user is not None and user.has_role(Role.INFO_SIGNER)


def can_attach(user: User | None, article: Article) -> bool:
    """The unit's officer adds or removes attachments while the unit holds the article (draft or returned)."""
    return article.state in ("draft", "returned") and "author" in functions_on(user, article)


# -- the office's intake: triage, duplicates, forwarding, further adoptions, settings (helper "office") ---------

#: States the office triages (the intake queue): reached the office and not yet decided.
INTAKE_STATES = ("submitted", "received")
#: States in which the office may forward an article up (上报) or to its leaders (转送) (INF-2.5, INF-2.6).
FORWARDABLE_STATES = ("received", "adopted")
OFFICE_FUNCTIONS = frozenset({"editor", "head"})


def can_triage(user: User | None, article: Article) -> bool:
    """An editor or head of the receiving office, while the article waits for its decision."""
    return article.state in INTAKE_STATES and bool(functions_on(user, article) & OFFICE_FUNCTIONS)


def can_see_duplicates(user: User | None, article: Article) -> bool:
    """The people who decide on the article: the receiving office's editors and head, and an office it was
    forwarded to (they see only the articles `visible_clause` lets them see)."""
    return bool(functions_on(user, article) & (OFFICE_FUNCTIONS | {"upper_editor"}))


def can_forward(user: User | None, article: Article) -> bool:
    """The receiving office's editor or head forwards an article it has received or adopted."""
    return article.state in FORWARDABLE_STATES and bool(functions_on(user, article) & OFFICE_FUNCTIONS)


def can_decide_forwarding(user: User | None, forwarding: Forwarding) -> bool:
    """An editor or head of the office an article was passed up to adopts it or declines it, once."""
    if forwarding.status != "pending" or forwarding.to_office is None:
        return False
    return can_work_at_office(user, forwarding.to_office) and "upper_editor" in functions_on(
        user, forwarding.article
    )


def can_adopt_again(user: User | None, article: Article) -> bool:
    """INF-2.8: an adopted article may be recorded in a further publication of the receiving office."""
    return article.state == "adopted" and bool(functions_on(user, article) & OFFICE_FUNCTIONS)


def can_cancel_adoption(user: User | None, adoption: Adoption) -> bool:
    """The office that recorded an adoption withdraws it when it was a mistake (recorded, never deleted)."""
    if adoption.cancelled_at is not None:
        return False
    office = adoption.office
    return can_work_at_office(user, office) and bool(
        functions_on(user, adoption.article) & (OFFICE_FUNCTIONS | {"upper_editor"})
    )


# --- issues of the office's own publications (期刊), leaders' instructions (批示) and follow-ups ----------------
# Editors and the head assemble an issue; only the head locks it (定稿) and records a correction (勘误) of a
# locked one: the head answers for what the office printed. Readers (领导阅览) of the office read locked issues
# that hold nothing they may not see; units never see issues (they see their own adoptions).


def _office_staff_of(user: User | None, office_id: int) -> bool:
    if not (_active(user) and user is not None and user.has_role(*OFFICE_ROLES)):
        return False
    # the office as this request loaded it (a page loads its office first): no statement when it is loaded
    office = db.session.get(ArticleOffice, office_id)
    return office is not None and office.active and office.organisation_id == user.organisation_id


def _office_head_of(user: User | None, office_id: int) -> bool:
    return _office_staff_of(user, office_id) and user is not None and user.has_role(Role.OFFICE_HEAD)


def _office_reader_of(user: User | None, office_id: int) -> bool:
    return (
        _active(user)
        and user is not None
        and user.has_role(Role.INFO_READER)
        and db.session.scalar(sa.select(ArticleOffice.organisation_id).where(ArticleOffice.id == office_id))
        == user.organisation_id
    )


def can_assemble_issue(user: User | None, publication: Publication) -> bool:
    """An editor or head of the office that runs ``publication`` (its own, active) makes and edits its issues."""
    return publication.own and publication.active and _office_staff_of(user, publication.office_id)


def can_list_issues(user: User | None, publication: Publication) -> bool:
    """The list of an own publication's issues: its office's editors, head and readers (each sees what
    `visible_issue_clause` lets through)."""
    return publication.own and (
        _office_staff_of(user, publication.office_id) or _office_reader_of(user, publication.office_id)
    )


def can_lock_issue(user: User | None, issue: PublicationIssue) -> bool:
    """定稿: the head of the publication's office, once the issue holds at least one item (the service says so)."""
    return issue.state == "assembling" and _office_head_of(user, issue.publication.office_id)


def can_correct_issue(user: User | None, issue: PublicationIssue) -> bool:
    """勘误 of a locked issue: the head of the publication's office, as a recorded act."""
    return issue.state == "locked" and _office_head_of(user, issue.publication.office_id)


def can_view_issue(user: User | None, issue: PublicationIssue) -> bool:
    """The office's editors and head see every issue; its readers see locked issues that are not 秘密."""
    office_id = issue.publication.office_id
    if _office_staff_of(user, office_id):
        return True
    return issue.state == "locked" and issue.secrecy != "secret" and _office_reader_of(user, office_id)


def visible_issue_clause(user: User | None, office_id: int) -> sa.ColumnElement[bool]:
    """`can_view_issue` as a WHERE clause on `PublicationIssue` (the issue lists), for one office."""
    if _office_staff_of(user, office_id):
        return sa.true()
    if _office_reader_of(user, office_id):
        return sa.and_(PublicationIssue.state == "locked", PublicationIssue.secrecy != "secret")
    return sa.false()


def can_download_issue(user: User | None, issue: PublicationIssue) -> bool:
    """The .docx / PDF of an issue: only for a person who may see the issue and every article in it (an issue
    holding a 秘密 item goes only to those who may see that item). One query, whatever the number of items."""
    if not can_view_issue(user, issue):
        return False
    article_ids = {item.adoption.article_id for item in issue.items}
    if not article_ids:
        return True
    visible = db.session.scalar(
        sa.select(sa.func.count(Article.id)).where(Article.id.in_(article_ids), visible_clause(user))
    )
    return visible == len(article_ids)


def can_record_instruction(user: User | None, article: Article) -> bool:
    """批示 (INF-2.7, ZG-4.5) on an article adopted by the person's office: its editor or head enters it."""
    office = office_of(user)
    if office is None or user is None or not user.has_role(*OFFICE_ROLES):
        return False
    if not functions_on(user, article) & {"editor", "head", "upper_editor"}:
        return False
    return (
        db.session.scalar(
            sa.select(Adoption.id).where(
                Adoption.article_id == article.id,
                Adoption.office_id == office.id,
                Adoption.cancelled_at.is_(None),
            )
        )
        is not None
    )


def can_assign_follow_up(user: User | None, instruction: Instruction) -> bool:
    """落实反馈: the office that recorded the instruction assigns a follow-up to one of its units."""
    return _office_staff_of(user, instruction.office_id)


def can_view_follow_up(user: User | None, follow_up: FollowUp) -> bool:
    """The unit it is assigned to (officers, leader in charge, readers) and the office that assigned it."""
    if not _active(user) or user is None:
        return False
    if user.organisation_id == follow_up.unit_id and user.has_role(*UNIT_ROLES, Role.INFO_READER):
        return True
    return _office_staff_of(user, follow_up.instruction.office_id)


def can_report_follow_up(user: User | None, follow_up: FollowUp) -> bool:
    """The unit's information officer or leader in charge files the report, once."""
    return (
        _active(user)
        and user is not None
        and follow_up.report is None
        and user.organisation_id == follow_up.unit_id
        and user.has_role(*UNIT_ROLES)
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


# -- the ledger (issue 10) -------------------------------------------------------------------------------------


def can_see_ledger(user: User | None, office: ArticleOffice) -> bool:
    """The office's staff and readers see every unit's points, the ranking and the bulletins."""
    return _office_staff_of(user, office.id) or _office_reader_of(user, office.id)


def can_close_ledger(user: User | None, office: ArticleOffice) -> bool:
    """The office head closes a period, recomputes it after a correction, publishes its bulletin and imports
    the office's spreadsheet ledger."""
    return _office_head_of(user, office.id)


def can_see_unit_points(user: User | None, office: ArticleOffice, unit_id: int) -> bool:
    """A unit's officers, leader and readers see their own points at the office; the office sees all."""
    if can_see_ledger(user, office):
        return True
    return (
        _active(user)
        and user is not None
        and user.organisation_id == unit_id
        and user.has_role(*UNIT_ROLES, Role.INFO_READER)
        and unit_id in unit_ids_of([office])
    )
