"""The rows of the long case lists as plain records, read without the ORM (issue 12).

The bureaus' worklists (本局待办, 下级抽查) and /cases/ show twenty cases a page, each with its organ and, on some,
its organising bureau; they read them and write them and change nothing. Loaded as mapped objects, twenty cases
with their organisations cost 0.94 ms of Python to build (identity map, instance state, a `Case` of 45 columns
for each) against 0.31 ms as rows of the same statement. A `CaseRecord` holds every column of the case under
its attribute's name, the organisations it shows as `OrgRecord`, and what the mapped classes say about them
from their columns alone (`CaseNames`: the level, kind and state in the case's regulation; `OrganisationNames`:
the tier), so a template, `overdue.flag_for` and `permissions.bureau_functions` read one as they read a `Case`.
A record has no relationships beyond those it was read with and cannot be changed: a page that acts on a case
loads the case.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.models.organisation import OrganisationNames
from webapp.grading.models import Case
from webapp.grading.models.case import CaseNames

#: the case's columns (each mapped attribute has its column's name)
CASES = Case.__table__
ORGANISATIONS = Organisation.__table__
CASE_COLUMNS: tuple[str, ...] = tuple(column.name for column in CASES.c)
ORG_COLUMNS: tuple[str, ...] = tuple(column.name for column in ORGANISATIONS.c)
#: the organisations a record may carry, each the case column that names it
ORG_RELATIONS = {"organ": "organ_id", "organizer": "organizer_id", "approver": "approver_id"}


class OrgRecord(namedtuple("OrgRecord", ORG_COLUMNS), OrganisationNames):  # type: ignore[misc]
    """An organisation's columns, named as `Organisation` names it."""

    __slots__ = ()


class CaseRecord(namedtuple("CaseRecord", (*CASE_COLUMNS, *ORG_RELATIONS)), CaseNames):  # type: ignore[misc]
    """A case as a list shows it: every column, and ``organ`` (``organizer``, ``approver``: when read with
    them, else None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<CaseRecord {self.id} {self.level}/{self.kind} {self.state}>"


@cache
def _joined(shown: tuple[str, ...]) -> sa.Select[Any]:
    """The cases with the organisations of ``shown``, all their columns (selected as tables: the statement's
    cache key is then a few entries, not one per column), built once per process."""
    froms: Any = CASES
    tables: list[Any] = [CASES]
    for relation in ORG_RELATIONS:
        if relation in shown:
            org = ORGANISATIONS.alias(f"record_{relation}")
            on = org.c.id == CASES.c[ORG_RELATIONS[relation]]
            froms = froms.join(org, on) if relation == "organ" else froms.outerjoin(org, on)
            tables.append(org)
    return sa.select(*tables).select_from(froms).execution_options(kaoping_records=shown)


def records(
    keys: sa.Select[Any], order: Sequence[Any], *, shown: Sequence[str] = ("organ",)
) -> sa.Select[Any]:
    """The `CaseRecord` SELECT of the cases ``keys`` selects (their ids, as a subquery), in ``order``, each with
    the organisations of ``shown`` (``organ`` joined; ``organizer`` and ``approver`` outer-joined, a case may
    have none yet). Read it with `read`."""
    wanted = tuple(relation for relation in ORG_RELATIONS if relation in shown)
    return _joined(wanted).where(CASES.c.id.in_(keys)).order_by(*order)


def read(select: sa.Select[Any]) -> list[CaseRecord]:
    """The `CaseRecord` of each row of a statement made by `records`, in its order."""
    shown: tuple[str, ...] = select.get_execution_options()["kaoping_records"]
    width, org_width = len(CASE_COLUMNS), len(ORG_COLUMNS)
    made = []
    for row in db.session.execute(select):
        orgs: dict[str, OrgRecord | None] = dict.fromkeys(ORG_RELATIONS)
        at = width
        for relation in shown:
            values = row[at : at + org_width]
            orgs[relation] = OrgRecord._make(values) if values[0] is not None else None
            at += org_width
        made.append(CaseRecord(*row[:width], **orgs))
    return made
