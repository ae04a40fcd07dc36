"""Reference numbers come from a counter that cannot collide (issue 7, point 3): objections (GS-YYYY-NNNN),
确认函 letter numbers and certificate numbers. Taking ``max + 1`` of the stored references let two concurrent
requests compute the same number; the second insert then failed with a 500 and its objection was lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from config.rulesets import load_ruleset
from tests.factories import TODAY
from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.core.models import Sequence
from webapp.core.services import sequences
from webapp.grading.models import Case, Grade, Objection
from webapp.grading.services.cases import certificate_prefix

#: 18 objections on one case, 3 from each address: within the objection limits (20 a case a day; from an
#: address's 4th in an hour a question is asked), which tests/webapp/security/test_objection_limits.py covers
THREADS = 6
PER_THREAD = 3


def test_objections_fired_concurrently_are_all_stored_with_distinct_references(demo):
    """GAP-9: every objection sent at the same moment is received, each with its own reference number."""
    with demo.app_context():
        case_id = walk("unit-county", to="in_notice")
    start = threading.Barrier(THREADS)

    def send(thread: int) -> list[tuple[int, str]]:
        # one client (and one app context, one session) per thread, each from its own address
        client = demo.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{thread + 1}"
        start.wait()
        answers = []
        for n in range(PER_THREAD):
            response = client.post(
                f"/api/v1/notices/{case_id}/objections",
                json={"content": f"并发异议 {thread}-{n}：档案室面积不达标。"},
            )
            answers.append((response.status_code, (response.get_json() or {}).get("reference", "")))
        return answers

    with ThreadPoolExecutor(THREADS) as pool:
        answers = [answer for batch in pool.map(send, range(THREADS)) for answer in batch]

    assert [status for status, _ in answers] == [201] * THREADS * PER_THREAD
    references = sorted(reference for _, reference in answers)
    expected = [f"GS-2027-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert references == expected  # distinct, and no gaps: no number was handed out twice or lost
    with demo.app_context():
        stored = db.session.scalars(sa.select(Objection.reference).order_by(Objection.reference)).all()
        assert stored == expected
        assert db.session.get(Case, case_id).state == "objection_review"


def test_one_submission_retried_concurrently_with_its_key_files_one_objection(demo):
    """A client retrying the same request (same Idempotency-Key) from several connections at once gets one
    objection and the same reference number on every answer."""
    with demo.app_context():
        case_id = walk("unit-county", to="in_notice")
    start = threading.Barrier(THREADS)

    def send(_: int) -> tuple[int, str]:
        client = demo.test_client()
        start.wait()
        response = client.post(
            f"/api/v1/notices/{case_id}/objections",
            json={"content": "档案室面积不达标。"},
            headers={"Idempotency-Key": "same-request-0001"},
        )
        return response.status_code, (response.get_json() or {}).get("reference", "")

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(send, range(THREADS)))
    assert answers == [(201, "GS-2027-0001")] * THREADS
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 1


def test_a_new_counter_continues_after_the_highest_reference_already_stored(ctx):
    """A database from before the counters (or a counter row lost) never hands out a stored number again."""
    prefix = certificate_prefix(load_ruleset("hubei-2011"), TODAY.year)
    organ_id = db.session.scalar(sa.select(Grade.organ_id).limit(1))
    db.session.add(
        Grade(
            organ_id=organ_id,
            level="second",
            valid_from=TODAY,
            valid_to=TODAY.replace(year=TODAY.year + 3),
            certificate_kind="evaluation",
            certificate_no=f"{prefix}0041号",
        )
    )
    db.session.flush()

    def highest() -> int:
        return sequences.highest_number(Grade.certificate_no, prefix, "号")

    assert sequences.next_value("certificate", TODAY.year, highest_stored=highest) == 42
    assert sequences.next_value("certificate", TODAY.year, highest_stored=highest) == 43
    # each (series, year) counts on its own
    assert sequences.next_value("certificate", TODAY.year + 1, highest_stored=lambda: 0) == 1
    assert sequences.next_value("objection", TODAY.year, highest_stored=lambda: 0) == 1
    db.session.rollback()
    # a rolled-back transaction gives its numbers back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Sequence)) == 0
