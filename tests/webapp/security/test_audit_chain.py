"""The audit trail resists an attacker with write access to the database (等保 2.0 GB/T 22239-2019 8.1.4.3 c:
audit records are protected against unexpected deletion, modification or overwriting): rows are MACed with a key
kept outside the database, the database itself refuses UPDATE/DELETE, and a checkpoint file outside the database
records every committed row, so `kaoping audit verify` finds edits, rewritten chains, deleted rows and states
changed behind the procedure's back."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import ConfigError
from tests.factories import TEST_AUDIT_KEY, make_bureau, make_case, make_organ, make_test_app, make_user
from tests.webapp.security.audit_helpers import drop_append_only_triggers
from webapp import create_app
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditEvent
from webapp.core.models.audit import MAC_HMAC, MAC_SHA256
from webapp.core.services import audit_chain
from webapp.core.services.audit import (
    SystemEvent,
    append_case_event,
    append_event,
    append_system_events,
    verify_chain,
)
from webapp.grading.models import Case

STEPS = (("submit", "draft", "applied"), ("accept", "applied", "accepted"), ("plan", "accepted", "planned"))


@pytest.fixture
def case_id(app: Flask) -> int:
    """A case whose trail has three transitions, committed (so the checkpoint file has its three lines)."""
    with app.app_context():
        organ = make_organ(make_bureau())
        user = make_user(organ, "unit_applicant")
        case = make_case(organ)
        for event, before, after in STEPS:
            append_case_event(case, event, actor=user, from_state=before, to_state=after)
            case.state = after
        db.session.commit()
        return case.id


def _verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def _rows(case: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.about("case", case)).order_by(AuditEvent.seq)
        )
    )


def _rewrite_chain(case: int, *, key: bytes | None, from_seq: int = 1, **changes: object) -> None:
    """Change row ``from_seq`` and recompute the chain from there on as an attacker would: with plain SHA-256
    (``key`` None, rows marked as old) or HMAC under a key of their own. Raw SQL, triggers dropped."""
    drop_append_only_triggers()
    prev = GENESIS_HASH
    for row in _rows(case):
        if row.seq < from_seq:
            prev = row.hash
            continue
        db.session.expunge(row)
        if row.seq == from_seq:
            for name, value in changes.items():
                setattr(row, name, value)
        row.prev_hash = prev
        row.mac_version = MAC_SHA256 if key is None else MAC_HMAC
        row.hash = row.compute_hash(key)
        db.session.execute(
            sa.update(AuditEvent.__table__)
            .where(AuditEvent.__table__.c.id == row.id)
            .values(
                prev_hash=row.prev_hash,
                hash=row.hash,
                mac_version=row.mac_version,
                **(changes if row.seq == from_seq else {}),
            )
        )
        prev = row.hash
    db.session.commit()


# --- the key ---------------------------------------------------------------------------------------------------


def test_new_rows_are_hmac_sha256_under_the_audit_key_with_result_and_address(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.8.0.7"}):
        row = append_event(
            "settings", 0, "demo_clock_set", actor=None, comment="演示日期前进 7 天", result="failure"
        )
        db.session.commit()
        assert (row.result, row.address, row.mac_version) == ("failure", "10.8.0.7", MAC_HMAC)
        payload = row.canonical_payload()
        assert payload["result"] == "failure" and payload["address"] == "10.8.0.7"
        import json

        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        assert row.hash == hmac.new(TEST_AUDIT_KEY.encode(), canonical, hashlib.sha256).hexdigest()
        assert row.hash != hashlib.sha256(canonical).hexdigest()
        assert verify_chain("settings", 0).ok


def test_an_unknown_result_is_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        append_event("settings", 0, "demo_clock_set", actor=None, result="maybe")


def test_old_sha256_rows_keep_verifying_and_are_never_rehashed(app):
    """Rows written before the key (mac_version 0) verify as SHA-256; the chain goes on keyed after them; an
    unkeyed row after a keyed one is a rewrite."""
    with app.app_context():
        old = AuditEvent(
            subject_type="user", subject_id=5, seq=1, actor_name="系统", actor_org_name="", at=None,
            event="user_created", comment="旧记录", prev_hash=GENESIS_HASH, mac_version=MAC_SHA256,
        )  # fmt: skip
        from webapp.core import clock

        old.at = clock.now().replace(microsecond=0)
        old.hash = old.compute_hash()
        db.session.add(old)
        db.session.commit()
        old_hash = old.hash
        new = append_event("user", 5, "password_reset", actor=None, comment="新记录")
        db.session.commit()
        assert new.prev_hash == old_hash and new.mac_version == MAC_HMAC
        assert db.session.get(AuditEvent, old.id).hash == old_hash  # never re-hashed
        assert verify_chain("user", 5).ok
        # the whole trail: the checkpoint command records the last unkeyed row; then it verifies
        assert app.test_cli_runner().invoke(args=["audit", "checkpoint"]).exit_code == 0
        assert audit_chain.read_checkpoint().legacy_last_id == old.id
        assert audit_chain.verify_all().ok
        bogus = append_event("user", 5, "password_reset", actor=None, comment="伪造")
        db.session.commit()
        drop_append_only_triggers()
        db.session.refresh(bogus)
        db.session.expunge(bogus)
        bogus.mac_version = MAC_SHA256
        db.session.execute(
            sa.update(AuditEvent.__table__)
            .where(AuditEvent.__table__.c.id == bogus.id)
            .values(mac_version=MAC_SHA256, hash=bogus.compute_hash())
        )
        db.session.commit()
        check = verify_chain("user", 5)
        assert not check.ok and check.broken_at == 3


def test_the_key_file_is_created_with_mode_0600_on_first_use_and_reused(tmp_path):
    key_path = tmp_path / "instance" / "audit_key"
    app = make_test_app(tmp_path, AUDIT_KEY=None, AUDIT_KEY_PATH=str(key_path))
    assert not key_path.exists()  # first use, not start-up
    with app.app_context():
        key = audit_chain.audit_key()
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600 and len(key) == 64
    again = make_test_app(tmp_path, AUDIT_KEY=None, AUDIT_KEY_PATH=str(key_path))
    with again.app_context():
        assert audit_chain.audit_key() == key


def _production(tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "KAOPING_CONFIG": "production",
        "SECRET_KEY": "p" * 48,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "AUDIT_KEY": None,
        "AUDIT_KEY_PATH": str(tmp_path / "missing_audit_key"),
        "KAOPING_TODAY": None,
    }
    config.update(overrides)
    return create_app(config)


def test_production_refuses_to_start_without_an_audit_key(tmp_path, monkeypatch):
    monkeypatch.delenv("KAOPING_TODAY", raising=False)
    with pytest.raises(ConfigError, match="audit key"):
        _production(tmp_path)
    assert _production(tmp_path, AUDIT_KEY="k" * 40).config["AUDIT_KEY"] == "k" * 40
    (tmp_path / "missing_audit_key").write_text("f" * 64)
    assert _production(tmp_path).config["AUDIT_KEY"] is None


def test_a_short_audit_key_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="at least 32"):
        make_test_app(tmp_path, AUDIT_KEY="short")


# --- append-only in the database ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET comment = 'x'", "DELETE FROM audit_events"],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_update_and_delete_of_audit_rows(app, case_id, statement):
    """Not only the ORM: raw SQL through any connection is refused by a trigger (PostgreSQL and SQLite)."""
    with app.app_context():
        with db.engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            connection.exec_driver_sql(statement)
        assert len(_rows(case_id)) == 3


def test_the_migration_creates_the_triggers_and_its_downgrade_removes_them(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade()
        append_event("settings", 0, "demo_clock_set", actor=None, comment="x")
        db.session.commit()
        with db.engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            connection.exec_driver_sql("DELETE FROM audit_events")
        downgrade(revision="0013_throttles")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM audit_events")
        db.session.remove()
        upgrade()


# --- the checkpoint and `kaoping audit verify` ------------------------------------------------------------------


def test_every_committed_row_is_written_to_the_checkpoint_file_and_a_rolled_back_one_is_not(app, case_id):
    with app.app_context():
        lines = Path(app.config["AUDIT_CHECKPOINT_PATH"]).read_text().splitlines()
        assert [line.split()[1:4] for line in lines] == [
            ["case", str(case_id), str(seq)] for seq in (1, 2, 3)
        ]
        assert [line.split()[4] for line in lines] == [row.hash for row in _rows(case_id)]
        append_event("settings", 0, "demo_clock_set", actor=None, comment="撤销")
        db.session.rollback()
        append_system_events(
            [SystemEvent("case", case_id, "note", comment="到期检查")], actor_name="kaoping tick"
        )
        db.session.commit()
        lines = Path(app.config["AUDIT_CHECKPOINT_PATH"]).read_text().splitlines()
        assert len(lines) == 4 and lines[-1].split()[1:4] == ["case", str(case_id), "4"]
        assert audit_chain.read_checkpoint().head == (_rows(case_id)[-1].id, 4)


def test_verify_passes_with_counts_on_an_intact_trail(app, case_id):
    code, output = _verify(app)
    assert code == 0, output
    assert "审计链校验通过" in output and "3条记录" in output


def test_verify_passes_on_the_full_demo_and_names_every_event_in_chinese(tmp_path):
    """The whole demo (cases, articles, campaigns: every procedure's transitions, written through the services)
    verifies — chains, checkpoint and current states — and the auditor's page has words for each of its events."""
    from webapp.core.services.audit_search import event_labels
    from webapp.demo import load_demo

    app = make_test_app(tmp_path, DEMO_CASES=True, DEMO_ARTICLES=True, DEMO_CAMPAIGNS=True)
    with app.app_context():
        db.create_all()
        load_demo()
        seen = db.session.execute(sa.select(AuditEvent.subject_type, AuditEvent.event).distinct()).all()
        assert len(seen) > 40
        assert sorted({event for _, event in seen if event not in event_labels()}) == []
        assert sorted({subject for subject, _ in seen if subject not in audit_chain.SUBJECT_LABELS}) == []
    code, output = _verify(app)
    assert code == 0, output
    assert "审计链校验通过" in output and "个对象的当前状态与审计记录相符" in output


def test_verify_names_an_edited_row(app, case_id):
    with app.app_context():
        drop_append_only_triggers()
        db.session.execute(
            sa.update(AuditEvent.__table__)
            .where(AuditEvent.__table__.c.subject_id == case_id, AuditEvent.__table__.c.seq == 2)
            .values(comment="悄悄改过")
        )
        db.session.commit()
    code, output = _verify(app)
    assert code == 1 and f"考评案件 #{case_id} 第2条" in output and "签名不符" in output


def test_verify_names_an_edited_row_whose_chain_was_recomputed_with_plain_sha256(app, case_id):
    with app.app_context():
        _rewrite_chain(case_id, key=None, from_seq=1, to_state="approved")
        assert verify_chain("case", case_id).ok  # the per-subject check alone is fooled by a full rewrite …
    code, output = _verify(app)  # … the checkpoint and the legacy bound are not
    assert code == 1 and f"考评案件 #{case_id} 第1条" in output and "未使用审计密钥签名" in output


def test_verify_names_an_edited_row_whose_chain_was_recomputed_with_another_key(app, case_id):
    with app.app_context():
        _rewrite_chain(case_id, key=b"attacker-key-" * 4, from_seq=2, comment="改过")
        assert not verify_chain("case", case_id).ok
    code, output = _verify(app)
    assert code == 1 and f"考评案件 #{case_id} 第2条" in output and "签名不符" in output


def _delete(case: int, *seqs: int) -> None:
    drop_append_only_triggers()
    table = AuditEvent.__table__
    db.session.execute(sa.delete(table).where(table.c.subject_id == case, table.c.seq.in_(seqs)))
    db.session.commit()


def test_verify_names_a_deleted_newest_row(app, case_id):
    with app.app_context():
        _delete(case_id, 3)
        assert verify_chain("case", case_id).ok  # nothing inside the database shows it
    code, output = _verify(app)
    assert code == 1 and f"考评案件 #{case_id} 第3条" in output and "记录被删除" in output


def test_verify_names_a_deleted_tail(app, case_id):
    with app.app_context():
        _delete(case_id, 2, 3)
    code, output = _verify(app)
    assert code == 1 and "第2条至第3条在数据库中已不存在" in output


def test_verify_names_a_deleted_whole_trail(app, case_id):
    with app.app_context():
        _delete(case_id, 1, 2, 3)
    code, output = _verify(app)
    assert code == 1 and "整条审计链已被删除" in output and f"#{case_id}" in output


def test_verify_names_a_row_missing_from_the_checkpoint(app, case_id):
    """A row the checkpoint never saw (written around the application, e.g. with the key stolen)."""
    with app.app_context():
        path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
        path.write_text("".join(path.read_text().splitlines(keepends=True)[:2]))
    code, output = _verify(app)
    assert code == 1 and "第3条" in output and "校验文件中没有这条记录" in output


def test_verify_names_a_case_whose_state_was_changed_directly_in_its_table(app, case_id):
    with app.app_context():
        db.session.execute(sa.update(Case).where(Case.id == case_id).values(state="approved"))
        db.session.commit()
    code, output = _verify(app)
    assert code == 1 and f"考评案件 #{case_id}" in output and "状态可能被直接修改" in output


def test_checkpoint_refuses_to_vouch_for_a_tampered_trail(app, case_id):
    with app.app_context():
        _delete(case_id, 2)
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "未写入检查点" in result.output
