"""The audit trail: one append-only, hash-chained trail for every subject (a case, a user, an organisation, the
settings), one chain per subject."""

import pytest
import sqlalchemy as sa

from tests.factories import make_bureau, make_case, make_organ, make_user
from tests.webapp.security.audit_helpers import drop_append_only_triggers
from tests.webapp.sql_count import count_statements
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditEvent, AuditRowImmutable
from webapp.core.services import unit_of_work
from webapp.core.services.audit import append_case_event, append_event, trail_of, verify_chain
from webapp.core.services.errors import Stale
from webapp.grading.models import Case

AUDIT_COLUMNS = [c.key for c in AuditEvent.__table__.columns]


def _case_rows(case_id):
    return sa.select(AuditEvent).where(AuditEvent.about("case", case_id)).order_by(AuditEvent.seq)


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
        rows = db.session.scalars(_case_rows(trail)).all()
        assert [r.seq for r in rows] == [1, 2, 3]
        assert {(r.subject_type, r.subject_id) for r in rows} == {("case", trail)}
        assert rows[0].prev_hash == GENESIS_HASH
        assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
        assert rows[0].actor_name == "吴敏" and rows[0].actor_org_name.startswith("测试机关")
        assert rows[0].ruleset_id == "hubei-2011"
        assert rows[2].actor_name == "kaoping tick" and rows[2].actor_user_id is None
        assert rows[0].at.date().isoformat() in ("2027-01-04", "2027-01-05")  # demo date, stored in UTC


def test_intact_chain_verifies(app, trail):
    with app.app_context():
        check = verify_chain("case", trail)
        assert check.ok and check.checked == 3


def test_each_subject_has_its_own_chain_in_the_one_trail(app, trail):
    """A user's rows start their own chain at seq 1 beside the case's, and neither reads the other's rows."""
    with app.app_context():
        admin = make_user(make_bureau(name="另一局"), "sys_admin")
        first = append_event("user", admin.id, "user_created", actor=None, comment="新建用户")
        second = append_event("user", admin.id, "password_reset", actor=None, comment="重置密码")
        db.session.commit()
        assert (first.seq, first.prev_hash, second.prev_hash) == (1, GENESIS_HASH, first.hash)
        assert [row.event for row in trail_of("user", admin.id)] == ["user_created", "password_reset"]
        assert [row.seq for row in trail_of("case", trail)] == [1, 2, 3]
        assert verify_chain("user", admin.id).ok and verify_chain("case", trail).ok
        # same id, different subject type: a different subject
        assert trail_of("organisation", admin.id) == []


def test_a_trail_is_read_as_records_that_say_and_sign_what_the_mapped_rows_do(app, trail):
    """`trail_of` reads plain records (issue 12): each has the mapped row's columns, canonical form and MAC, so
    the timeline and the chain check read them as they read `AuditEvent`."""
    with app.app_context():
        mapped = db.session.scalars(_case_rows(trail)).all()
        records = trail_of("case", trail)
        assert [r.seq for r in records] == [1, 2, 3]
        for record, row in zip(records, mapped, strict=True):
            assert not isinstance(record, AuditEvent)
            assert {c: getattr(record, c) for c in AUDIT_COLUMNS} == {
                c: getattr(row, c) for c in AUDIT_COLUMNS
            }
            assert record.canonical_payload() == row.canonical_payload()
            assert record.compute_hash() == row.hash == record.hash


def test_the_trail_holds_a_row_the_session_has_not_written_yet(app, trail):
    """A transition's answer reads the trail in the event's transaction: what the session holds is written
    first, as it was when the trail was read through the ORM."""
    with app.app_context():
        last = trail_of("case", trail)[-1]
        pending = AuditEvent(
            subject_type="case",
            subject_id=trail,
            seq=last.seq + 1,
            actor_name="kaoping tick",
            at=last.at,
            event="note",
            comment="未写入",
            prev_hash=last.hash,
        )
        pending.hash = pending.compute_hash()
        db.session.add(pending)
        assert [r.comment for r in trail_of("case", trail)][-1] == "未写入"
        assert verify_chain("case", trail).ok
        db.session.rollback()
        assert [r.seq for r in trail_of("case", trail)] == [1, 2, 3]


def _reads_of_the_last_row(sql):
    """The statements that read a subject's last row on their own (`append_event`'s read)."""
    return [s for s in sql if s.lstrip().upper().startswith("SELECT AUDIT_EVENTS.SEQ")]


def test_a_row_chains_to_the_row_its_transaction_added_without_reading_it_again(app, trail):
    """Two rows about one case in one transaction: the second chains to the first from what the transaction
    remembers of its own rows (issue 12), and the chain verifies."""
    with app.app_context():
        case = db.session.get(Case, trail)
        append_case_event(case, "note", actor=None, actor_name="kaoping tick", comment="第一条")
        with count_statements(app) as counted:
            second = append_case_event(case, "note", actor=None, actor_name="kaoping tick", comment="第二条")
        db.session.commit()
        assert not _reads_of_the_last_row(counted.sql), counted.sql
        assert second.seq == 5 and verify_chain("case", trail).ok


def test_a_row_chains_to_the_last_row_its_caller_read_with_what_it_decided_on(app, trail):
    """``chained_to``: the last row (seq, MAC) as the caller read it in the transaction (a grading event reads it
    with the guards' facts) is not read again."""
    with app.app_context():
        last = trail_of("case", trail)[-1]
        case = db.session.get(Case, trail)
        with count_statements(app) as counted:
            row = append_case_event(
                case, "note", actor=None, actor_name="kaoping tick", chained_to=(last.seq, last.hash)
            )
        db.session.commit()
        assert not _reads_of_the_last_row(counted.sql), counted.sql
        assert (row.seq, row.prev_hash) == (4, last.hash) and verify_chain("case", trail).ok


def test_a_row_chained_to_a_last_row_that_is_no_longer_last_is_refused_as_a_change_made_meanwhile(app, trail):
    """A row another transaction added after the caller read the last one takes the seq the caller's row would:
    the unique (subject, seq) index refuses it, and the caller is told 已被他人处理，请刷新 (409); nothing of its
    transaction is written, and the chain still verifies."""
    with app.app_context():
        second = trail_of("case", trail)[1]  # as if read before the third row was added
        with pytest.raises(Stale), unit_of_work():
            append_case_event(
                db.session.get(Case, trail),
                "note",
                actor=None,
                actor_name="kaoping tick",
                chained_to=(second.seq, second.hash),
            )
        assert [r.seq for r in trail_of("case", trail)] == [1, 2, 3] and verify_chain("case", trail).ok


def test_rows_of_a_transaction_that_never_committed_are_not_chained_to(app, trail):
    """A session closed without a commit (its rows rolled back with the connection) leaves nothing for the next
    transaction to chain to: the next row follows the last row stored."""
    with app.app_context():
        append_case_event(db.session.get(Case, trail), "note", actor=None, actor_name="kaoping tick")
        db.session.close()
        row = append_case_event(db.session.get(Case, trail), "note", actor=None, actor_name="kaoping tick")
        db.session.commit()
        assert row.seq == 4 and verify_chain("case", trail).ok


def test_edited_comment_is_detected(app, trail):
    with app.app_context():
        drop_append_only_triggers()
        db.session.execute(
            sa.update(AuditEvent)
            .where(AuditEvent.about("case", trail), AuditEvent.seq == 2)
            .values(comment="悄悄改过")
        )
        db.session.commit()
        check = verify_chain("case", trail)
        assert not check.ok and check.broken_at == 2


def test_an_admin_row_edited_in_the_database_is_detected(app):
    with app.app_context():
        append_event("settings", 0, "demo_clock_set", actor=None, comment="演示日期前进 7 天")
        append_event("settings", 0, "demo_clock_set", actor=None, comment="演示日期复位")
        db.session.commit()
        drop_append_only_triggers()
        db.session.execute(
            sa.update(AuditEvent)
            .where(AuditEvent.about("settings", 0), AuditEvent.seq == 1)
            .values(comment="改过")
        )
        db.session.commit()
        assert verify_chain("settings", 0).broken_at == 1


def test_edited_state_with_rehash_is_still_detected_by_the_next_link(app, trail):
    with app.app_context():
        row = db.session.scalar(_case_rows(trail).where(AuditEvent.seq == 1))
        columns = [c.key for c in AuditEvent.__table__.columns if c.key not in ("id", "hash")]
        payload_row = AuditEvent(**{c: getattr(row, c) for c in columns})
        payload_row.to_state = "approved"
        forged = payload_row.compute_hash()
        db.session.expunge(row)
        drop_append_only_triggers()
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.id == row.id).values(to_state="approved", hash=forged)
        )
        db.session.commit()
        check = verify_chain("case", trail)
        assert not check.ok and check.broken_at == 2


def test_deleted_row_is_detected(app, trail):
    with app.app_context():
        drop_append_only_triggers()
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.about("case", trail), AuditEvent.seq == 2))
        db.session.commit()
        assert verify_chain("case", trail).broken_at == 3


def test_a_case_row_hashes_as_it_did_before_the_trail_became_generic(app, trail):
    """0005_audit moves case rows without re-hashing them: a case's payload keeps its ``case_id`` key, so the
    hashes written before the migration are the hashes computed now."""
    with app.app_context():
        row = db.session.scalar(_case_rows(trail).where(AuditEvent.seq == 1))
        payload = row.canonical_payload()
        assert payload["case_id"] == trail and "subject_type" not in payload
        user_row = append_event("user", 1, "user_created", actor=None, comment="x")
        assert user_row.canonical_payload()["subject_type"] == "user"


def test_orm_refuses_to_update_or_delete_audit_rows(app, trail):
    with app.app_context():
        row = db.session.scalar(_case_rows(trail).where(AuditEvent.seq == 1))
        row.comment = "改"
        with pytest.raises(AuditRowImmutable):
            db.session.flush()
        db.session.rollback()
        row = db.session.scalar(_case_rows(trail).where(AuditEvent.seq == 1))
        db.session.delete(row)
        with pytest.raises(AuditRowImmutable):
            db.session.flush()
        db.session.rollback()
        assert verify_chain("case", trail).ok
