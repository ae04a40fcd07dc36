import pytest
import sqlalchemy as sa

from tests.factories import make_bureau, make_case, make_organ, make_user
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditRowImmutable, CaseEvent
from webapp.core.services.audit import append_case_event, verify_chain


@pytest.fixture
def trail(app):
    """A case with three hash-chained audit rows; yields the case id."""
    with app.app_context():
        bureau = make_bureau()
        organ = make_organ(bureau)
        user = make_user(organ, "unit_applicant", display_name="吴敏")
        case = make_case(organ)
        append_case_event(
            case, "submit", actor=user, from_state="draft", to_state="applied", rule_id="ARC-10.1.1"
        )
        append_case_event(
            case, "plan", actor=user, from_state="applied", to_state="planned", rule_id="ARC-10.1.3"
        )
        append_case_event(case, "note", actor=None, actor_name="kaoping tick", comment="到期检查")
        db.session.commit()
        return case.id


def test_rows_are_numbered_and_chained(app, trail):
    with app.app_context():
        rows = db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.seq)).all()
        assert [r.seq for r in rows] == [1, 2, 3]
        assert rows[0].prev_hash == GENESIS_HASH
        assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
        assert rows[0].actor_name == "吴敏" and rows[0].actor_org_name.startswith("测试机关")
        assert rows[0].ruleset_id == "hubei-2011"
        assert rows[2].actor_name == "kaoping tick" and rows[2].actor_user_id is None
        assert rows[0].at.date().isoformat() in ("2027-01-04", "2027-01-05")  # demo date, stored in UTC


def test_intact_chain_verifies(app, trail):
    with app.app_context():
        check = verify_chain(trail)
        assert check.ok and check.checked == 3


def test_edited_comment_is_detected(app, trail):
    with app.app_context():
        db.session.execute(sa.update(CaseEvent).where(CaseEvent.seq == 2).values(comment="悄悄改过"))
        db.session.commit()
        check = verify_chain(trail)
        assert not check.ok and check.broken_at == 2


def test_edited_state_with_rehash_is_still_detected_by_the_next_link(app, trail):
    with app.app_context():
        row = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.seq == 1))
        payload_row = CaseEvent(**{c: getattr(row, c) for c in row.canonical_payload()})
        payload_row.at = row.at
        payload_row.to_state = "approved"
        forged = payload_row.compute_hash()
        db.session.expunge(row)
        db.session.execute(
            sa.update(CaseEvent).where(CaseEvent.seq == 1).values(to_state="approved", hash=forged)
        )
        db.session.commit()
        check = verify_chain(trail)
        assert not check.ok and check.broken_at == 2


def test_deleted_row_is_detected(app, trail):
    with app.app_context():
        db.session.execute(sa.delete(CaseEvent).where(CaseEvent.seq == 2))
        db.session.commit()
        assert verify_chain(trail).broken_at == 3


def test_orm_refuses_to_update_or_delete_audit_rows(app, trail):
    with app.app_context():
        row = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.seq == 1))
        row.comment = "改"
        with pytest.raises(AuditRowImmutable):
            db.session.flush()
        db.session.rollback()
        row = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.seq == 1))
        db.session.delete(row)
        with pytest.raises(AuditRowImmutable):
            db.session.flush()
        db.session.rollback()
        assert verify_chain(trail).ok
