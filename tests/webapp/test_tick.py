"""`kaoping tick`: set-based (the same statements for 5 and 500 graded organs), the rule unchanged (ARC-11.2,
ARC-11.5, GAP-4), idempotent with a report of what changed, and one run at a time across processes (a file lock
on SQLite, an advisory lock on PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import make_bureau_chain, make_case, make_organ, make_test_app
from tests.webapp.racing import BARRIER_TIMEOUT, pg_database, race, racer_config
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.grading.models import Grade
from webapp.grading.services import grades
from webapp.grading.services.case_facts import organ_facts, ruleset_for
from workflow.grading.grade import GradeState, grade_status

#: A day in 2027: grades that ended in 2026 lapse, grades ending in 2027 are due for recheck (ARC-11.2).
RUN_DAY = date(2027, 3, 1)


def _graded_organs(count: int) -> dict[str, list[int]]:
    """``count`` organs, each holding one grade, in five kinds (ids by kind): ``lapses`` (validity over, no
    recheck), ``kept`` (validity over, a recheck running: GAP-4), ``due`` (expires this year: ARC-11.2),
    ``later`` (expires after this year), ``replaced`` (an old grade superseded by a current one due later)."""
    _province, _city, county = make_bureau_chain()
    made: dict[str, list[int]] = {"lapses": [], "kept": [], "due": [], "later": [], "replaced": []}
    kinds = list(made)
    for n in range(count):
        kind = kinds[n % len(kinds)]
        organ = make_organ(county)
        made[kind].append(organ.id)
        valid_to = {
            "lapses": date(2026, 12, 31),
            "kept": date(2026, 11, 30),
            "due": date(2027, 6, 30),
            "later": date(2029, 1, 31),
            "replaced": date(2029, 5, 31),
        }[kind]
        grade = Grade(
            organ=organ, level="second", valid_from=date(valid_to.year - 3, 1, 1), valid_to=valid_to
        )
        db.session.add(grade)
        if kind == "kept":
            make_case(organ, kind="recheck", state="applied", applied_on=date(2026, 11, 1))
        if kind == "replaced":
            db.session.flush()
            db.session.add(
                Grade(
                    organ=organ,
                    level="third",
                    valid_from=date(2024, 1, 1),
                    valid_to=date(2027, 1, 31),
                    superseded_by_id=grade.id,
                )
            )
    db.session.commit()
    return made


def _statements_of(run: Any) -> int:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Any]:
    """Apps on fresh SQLite files: ``fresh("a")`` gives a new app context's app each call."""
    contexts = []

    def make(name: str) -> Flask:
        folder = tmp_path / name
        folder.mkdir()
        app = make_test_app(folder)
        context = app.app_context()
        context.push()
        contexts.append((app, context))
        db.create_all()
        return app

    yield make
    for _app, context in reversed(contexts):
        db.session.remove()
        db.engine.dispose()
        context.pop()


def test_the_tick_issues_the_same_statements_for_5_and_500_graded_organs(fresh: Any) -> None:
    """Set-based: the lapse is one UPDATE and the recheck scan one query per batch, never one per organ (the
    per-organ tick issued about four statements per graded organ)."""
    counts = {}
    for size in (5, 500):
        fresh(f"size{size}")
        made = _graded_organs(size)
        counts[size] = _statements_of(lambda: grades.tick(today=RUN_DAY))
        assert len(made["lapses"]) == size // 5
        db.session.remove()
        db.engine.dispose()
    assert counts[5] == counts[500] <= 4


def test_the_set_based_tick_decides_every_organ_as_grade_status_does_arc_11_2_arc_11_5_gap_4(
    app: Flask,
) -> None:
    """Every graded organ's outcome equals the domain's `grade_status` over `organ_facts` (the per-organ way):
    a grade past validity without a recheck lapses (ARC-11.5), one with a recheck running is kept in force and is
    not flagged (GAP-4), one expiring this year is due for recheck (ARC-11.2), a replaced grade neither lapses
    nor counts (GT-03)."""
    with app.app_context():
        made = _graded_organs(25)
        ruleset = ruleset_for()
        expected_due = []
        for organ_id in sorted(sum(made.values(), [])):
            facts = organ_facts(db.session.get(Organisation, organ_id))
            status = grade_status(facts.grade, RUN_DAY, facts.recheck_open, ruleset)
            if status.recheck_due and status.state is GradeState.GRADED:
                expected_due.append(organ_id)
        report = grades.tick(today=RUN_DAY)
        lapsing = db.session.scalars(
            sa.select(Grade.id).where(Grade.organ_id.in_(made["lapses"])).order_by(Grade.id)
        ).all()
        assert report.lapsed == list(lapsing)
        assert report.recheck_due == expected_due == sorted(made["due"])
        kept = db.session.scalars(sa.select(Grade.lapsed_on).where(Grade.organ_id.in_(made["kept"]))).all()
        assert kept and all(day is None for day in kept)  # GAP-4: the pending recheck keeps the grade
        lapsed_on = db.session.scalars(sa.select(Grade.lapsed_on).where(Grade.id.in_(lapsing))).all()
        assert set(lapsed_on) == {date(2027, 1, 1)}  # the day after the last valid day (ARC-11.5)
        replaced = db.session.scalars(
            sa.select(Grade.lapsed_on).where(Grade.organ_id.in_(made["replaced"]), Grade.level == "third")
        ).all()
        assert replaced and all(day is None for day in replaced)


def test_kaoping_tick_reports_counts_and_changes_and_a_second_run_changes_nothing(app: Flask) -> None:
    with app.app_context():
        made = _graded_organs(10)
    runner = app.test_cli_runner()
    first = json.loads(runner.invoke(args=["tick", "--today", RUN_DAY.isoformat()]).output.splitlines()[-1])
    assert first["counts"] == {
        "lapsed": 2,
        "recheck_due": 2,
        "articles.commission_targets_missed": 0,
    }
    assert first["changed"] == 2  # the two lapses; the organs due for recheck are listed, not changed
    assert sorted(first["recheck_due"]) == sorted(made["due"])
    second = json.loads(runner.invoke(args=["tick", "--today", RUN_DAY.isoformat()]).output.splitlines()[-1])
    assert second["changed"] == 0 and second["lapsed"] == [] and second["counts"]["lapsed"] == 0
    assert second["recheck_due"] == first["recheck_due"]  # still due: nobody applied


# -- one run at a time ------------------------------------------------------------------------------------------


def _tick_racer(tmp: str, config: dict[str, Any], barrier: Any, results: Any) -> None:
    """One host's ``kaoping tick``. Both racers start together; the one that gets the lock waits inside the run
    (lock held) until the other has tried and reported, so the second attempt always meets a held lock. Two
    winners (or two losers) also meet at the barrier and return, and the test fails on their reports."""
    import webapp.core.commands as commands

    app = make_test_app(Path(tmp), **config)
    original = commands.run_tick

    def held_run(today: date) -> dict[str, Any]:
        barrier.wait(timeout=BARRIER_TIMEOUT)  # meet the other racer, which has reported by now
        return original(today)

    commands.run_tick = held_run
    barrier.wait(timeout=BARRIER_TIMEOUT)  # start together
    result = app.test_cli_runner().invoke(args=["tick", "--today", RUN_DAY.isoformat()])
    report = (
        json.loads(result.output.splitlines()[-1]) if result.output else {"error": repr(result.exception)}
    )
    if report.get("skipped"):
        barrier.wait(timeout=BARRIER_TIMEOUT)  # let the winner go on
    results.put({"exit_code": result.exit_code, **report})


def _race_ticks(tmp_path: Path, config: dict[str, Any]) -> None:
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        db.create_all()
        made = _graded_organs(10)
        db.engine.dispose()
    reports = race(_tick_racer, [(str(tmp_path), config), (str(tmp_path), config)])
    assert [report["exit_code"] for report in reports] == [0, 0]
    skipped = [report for report in reports if report.get("skipped")]
    worked = [report for report in reports if not report.get("skipped")]
    assert len(skipped) == 1 and len(worked) == 1, reports
    assert (
        skipped[0]["skipped"] == "another tick is running"
        and "另一个定时任务正在运行" in skipped[0]["message"]
    )
    assert skipped[0]["changed"] == 0 and worked[0]["changed"] == 2
    with app.app_context():
        lapsed = db.session.scalars(
            sa.select(Grade.id).where(Grade.lapsed_on.is_not(None)).order_by(Grade.id)
        )
        assert worked[0]["lapsed"] == list(lapsed)
        assert len(made["lapses"]) == 2
        db.engine.dispose()


def test_two_ticks_at_once_on_sqlite_one_works_and_the_other_is_told_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """The file lock next to the SQLite database: two processes run ``kaoping tick`` at the same moment."""
    _race_ticks(tmp_path, racer_config(tmp_path, f"sqlite:///{tmp_path / 'tick.sqlite3'}"))


@pytest.mark.postgres
def test_two_ticks_at_once_on_postgresql_one_works_and_the_other_is_told_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """The advisory lock: two processes (two hosts) run ``kaoping tick`` on one PostgreSQL database at once."""
    with pg_database() as url:
        _race_ticks(tmp_path, racer_config(tmp_path, url))
