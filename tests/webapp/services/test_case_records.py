"""The case lists' plain records (`case_rows`, issue 12) read as the mapped cases do: every column, the
organisations they show, the names in the case's own regulation, lateness (ARC-10.3.2's notice, GAP-19's waits)
and the functions a bureau holds (ARC-9.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tests.factories import TODAY
from tests.walk import org
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db
from webapp.grading.models import Case
from webapp.grading.services import case_rows, permissions
from webapp.grading.services.overdue import flag_for

ALL = ("organ", "organizer", "approver")


@pytest.fixture
def cases(demo):
    """Cases of the demo's organs in several states: applied (no organiser yet), in pre-check, in notice, approved."""
    with demo.app_context():
        return [
            drive("unit-county", to="applied"),
            drive("unit-town", to="in_notice"),
            drive("unit-city", level="first", to="prechecking"),
            drive("unit-prov", level="first", kind="recheck", to="approved"),
        ]


def _records(ids: list[int], order=(Case.id,), shown=ALL) -> list[case_rows.CaseRecord]:
    return case_rows.read(case_rows.records(sa.select(Case.id).where(Case.id.in_(ids)), order, shown=shown))


def test_a_record_holds_every_column_and_the_names_its_case_has(demo, cases):
    with demo.app_context():
        mapped = {
            case.id: case
            for case in db.session.scalars(
                sa.select(Case).where(Case.id.in_(cases)).options(joinedload("*"))
            ).unique()
        }
        records = _records(cases)
        assert [record.id for record in records] == sorted(cases)
        for record in records:
            case = mapped[record.id]
            for column in case_rows.CASE_COLUMNS:
                assert getattr(record, column) == getattr(case, column), column
            for relation in ALL:
                org_record, org_mapped = getattr(record, relation), getattr(case, relation)
                if org_mapped is None:
                    assert org_record is None, relation
                    continue
                assert (org_record.id, org_record.name) == (org_mapped.id, org_mapped.name)
                assert org_record.tier_label == org_mapped.tier_label
                assert org_record.is_bureau == org_mapped.is_bureau
            assert (record.level_label, record.kind_label, record.state_label) == (
                case.level_label,
                case.kind_label,
                case.state_label,
            )
            for bureau in ("yc", "yc-yl", "hb"):
                bureau_id = org(bureau).id
                assert permissions.bureau_functions(bureau_id, record) == permissions.bureau_functions(
                    bureau_id, case
                )


def test_a_record_is_late_exactly_when_its_case_is_arc_10_3_2(demo, cases):
    with demo.app_context():
        for day in (TODAY, TODAY + timedelta(days=30), TODAY + timedelta(days=400)):
            for record in _records(cases):
                assert flag_for(record, day) == flag_for(db.session.get(Case, record.id), day)
        late = [record for record in _records(cases) if flag_for(record, TODAY + timedelta(days=400))]
        assert late, "a case a year later is late somewhere: the comparison above compared something"


def test_a_case_that_names_no_approver_is_kept_and_shows_none(demo):
    """The bureau columns are nullable (a case is assigned its bureaus when it opens): the outer join keeps it."""
    with demo.app_context():
        draft = drive("unit-city", to="draft")
        db.session.execute(sa.update(Case).where(Case.id == draft).values(approver_id=None))
        (record,) = _records([draft])
        assert record.state == "draft" and record.approver_id is None and record.approver is None
        assert record.organ.name == "宜昌市财政局"


def test_records_come_in_the_order_asked_and_only_with_what_was_asked(demo, cases):
    with demo.app_context():
        newest_first = _records(cases, order=(Case.id.desc(),), shown=("organ",))
        assert [record.id for record in newest_first] == sorted(cases, reverse=True)
        assert all(record.organizer is None and record.approver is None for record in newest_first)
