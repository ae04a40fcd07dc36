"""The ledger's records revision: a counter on each office (`ArticleOffice.records_revision`) that moves with
every committed change of what the ledger reads — adoptions, articles, instructions, incidents, commissions and
their targets, the office's publications, and the roster: the office's units (their group, base score, whether
active) and their organisations' names — so a live result and the roster are kept per process under (…, revision) and read back
with one index probe, not with counts over the office's whole history (issue 12: at province scale those counts
cost ~90 ms a view on SQLite and more on PostgreSQL, and reading a 1,200-unit roster ~6 ms). The office's intake
page keeps its queue's counts and whether its 上报 section is empty under it too (`intake._kept_key`), so it also
moves with every forwarding to the office; and it is read with the signed-in person, for the office at their
organisation (`read_with_person`).

Rows written through the ORM are noticed by the session's flush; a bulk statement that bypasses the ORM says
what it changed with `note`. The counter is raised once per commit, just before it, in office order; a
rolled-back transaction raises nothing (`webapp.core.services.revisions`).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from webapp.articles.models import (
    Adoption,
    Article,
    ArticleOffice,
    Commission,
    CommissionTarget,
    Forwarding,
    Incident,
    Instruction,
    OfficeUnit,
    Publication,
)
from webapp.core.models import Organisation, User
from webapp.core.request_cache import memo
from webapp.core.services import person_extras
from webapp.core.services.revisions import Noticed, Revision

#: the rows whose office id is on the row (a commission target names its office through its commission, an
#: organisation the offices it is a unit of); a publication is what the ledger names its adoptions by
#: (`ledger._publications`)
WITH_OFFICE = (Adoption, Article, Instruction, Incident, Commission, OfficeUnit, Publication)


def _noticed(obj: object) -> Noticed:
    if isinstance(obj, WITH_OFFICE):
        return ((None, obj.office_id),)
    if isinstance(obj, Forwarding):  # the 上报 section of the receiving office's intake (`intake._kept_key`)
        return ((None, obj.to_office_id),) if obj.to_office_id else ()
    if isinstance(obj, CommissionTarget):
        return (("commission", obj.commission_id),)
    if isinstance(obj, Organisation):
        return (("unit", obj.id),)  # its name is the unit's name in the ledger of every office it writes to
    return ()


RECORDS = Revision(
    "ledger_records",
    ArticleOffice.__table__.c.records_revision,
    _noticed,
    owners_of={
        "commission": lambda ids: sa.select(Commission.office_id).where(Commission.id.in_(ids)),
        "unit": lambda ids: sa.select(OfficeUnit.office_id).where(OfficeUnit.unit_id.in_(ids)).distinct(),
    },
).register()


def note(session: Session, *, offices: Iterable[int] = (), commissions: Iterable[int] = ()) -> None:
    """Say that a bulk statement changed records of ``offices`` (or of the offices of ``commissions``)."""
    RECORDS.note(session, owners=offices, parents={"commission": commissions})


def pending(session: Session) -> bool:
    """Whether the transaction changed what the ledger reads and has not committed it yet."""
    return RECORDS.pending(session)


def current(session: Session, office_id: int) -> int:
    """The office's revision as committed now (one index probe; the loaded row may be older)."""
    return RECORDS.current(session, office_id)


#: the request's memo of revisions read with the person, by the office's organisation
_OWN = "ledger_records_revision_by_organisation"


def _own_office_revision() -> sa.ColumnElement[object]:
    return (
        sa.select(ArticleOffice.records_revision)
        .where(ArticleOffice.organisation_id == User.organisation_id, ArticleOffice.active.is_(True))
        .scalar_subquery()
    )


def _keep_own_office_revision(user: User, value: object) -> None:
    """The revision of the office at the person's organisation, read with the person: the ledger's and the intake
    queue's first probe of it on a page of the office's staff costs no statement of its own."""
    revisions: dict[int, int] | None = memo(_OWN)
    if revisions is not None and value is not None and user.organisation_id is not None:
        revisions.setdefault(user.organisation_id, int(value))  # type: ignore[call-overload]


person_extras.read_with_person("ledger_records_revision", _own_office_revision, _keep_own_office_revision)


def read_with_person(office: ArticleOffice) -> int | None:
    """The office's revision as read with the signed-in person in this request, if it is their office and nothing
    was written since (a flush, commit or rollback forgets it), else None."""
    revisions: dict[int, int] | None = memo(_OWN)
    return revisions.get(office.organisation_id) if revisions is not None else None
