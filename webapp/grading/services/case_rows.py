"""The rows of the long case lists as plain records (`webapp.core.records`, issue 12).

The bureaus' worklists (本局待办, 下级抽查) and /cases/ show twenty cases a page with their organ and, on some, the
organising bureau. A `CaseRecord` holds every column of the case under its attribute's name, the organisations
it was read with, and what `Case` says about a case from its columns alone (`CaseNames`: the level, kind and
state in the case's own regulation), so a template, `overdue.flag_for` and `permissions.bureau_functions` read one
as they read a `Case`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from webapp.core.records import OrgRecord, Records
from webapp.grading.models import Case
from webapp.grading.models.case import CaseNames

#: the case's columns (each mapped attribute has its column's name)
CASE_COLUMNS: tuple[str, ...] = tuple(column.name for column in Case.__table__.c)
#: the organisations a record may carry, each the case column that names it
ORG_RELATIONS = {"organ": "organ_id", "organizer": "organizer_id", "approver": "approver_id"}

__all__ = ["CASE_COLUMNS", "ORG_RELATIONS", "CaseRecord", "OrgRecord", "read", "records"]


class CaseRecord(namedtuple("CaseRecord", (*CASE_COLUMNS, *ORG_RELATIONS)), CaseNames):  # type: ignore[misc]
    """A case as a list shows it: every column, and ``organ`` (``organizer``, ``approver``: when read with
    them, else None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<CaseRecord {self.id} {self.level}/{self.kind} {self.state}>"


#: a case always names its organ; its bureaus are nullable columns
_CASES = Records(Case.__table__, CaseRecord, ORG_RELATIONS, required=frozenset({"organ"}))


def records(
    keys: sa.Select[Any], order: Sequence[Any], *, shown: Sequence[str] = ("organ",)
) -> sa.Select[Any]:
    """The `CaseRecord` SELECT of the cases ``keys`` selects (their ids, as a subquery), in ``order``, each with
    the organisations of ``shown``. Read it with `read`."""
    return _CASES.select(keys, order, shown)


def read(select: sa.Select[Any]) -> list[CaseRecord]:
    """The `CaseRecord` of each row of a statement made by `records`, in its order."""
    return _CASES.read(select)
