"""One clock everywhere (issue 7, point 18): every stamp the application writes — audit rows and the created /
updated columns alike — comes from `webapp.core.clock`, so under a demo date nothing is dated by the machine.

The demo date here lies years before any machine running the tests, so a stamp taken from the machine's clock
would land after "today" and after the case's application date.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tests.factories import make_test_app
from tests.walk import PRECONDITIONS, case, user
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.models.types import UTCDateTime
from webapp.core.services import demo_clock
from webapp.demo import load_demo
from webapp.grading.models import Case, Grade
from webapp.grading.services import cases

DEMO_DAY = date(2021, 2, 1)  # a Monday in an application window, long before any machine running this
ROOT = Path(__file__).resolve().parents[2]


def _app(tmp_path):
    app = make_test_app(tmp_path, KAOPING_TODAY=DEMO_DAY.isoformat())
    with app.app_context():
        db.create_all()
        load_demo()
    return app


def _day(moment) -> date:
    local = clock.local(moment)
    assert local is not None
    return local.date()


def test_a_cases_updated_time_is_the_demo_day_not_the_machines(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        case_id = cases.open_case(
            user("unit-county"), level="second", kind="evaluation", preconditions=PRECONDITIONS
        ).id
        cases.fire_event(user("unit-county"), case_id, "apply")
        applied = case(case_id)
        assert applied.applied_on == DEMO_DAY
        assert _day(applied.created_at) == DEMO_DAY
        assert _day(applied.updated_at) == DEMO_DAY  # not before the application, not the machine's date
    client = app.test_client()
    client.post("/auth/login", data={"username": "unit-county", "password": "kaoping-demo"})
    page = client.get("/cases/").get_data(as_text=True)
    assert DEMO_DAY.isoformat() in page  # the 更新 column


def test_rows_written_after_the_admin_moves_the_demo_clock_carry_the_moved_date(tmp_path):
    app = _app(tmp_path)
    with app.test_request_context():
        moved = demo_clock.set_demo_offset(7)
        assert moved == date(2021, 2, 8)
    with app.test_request_context():  # a new request: the offset is read from the database again
        case_id = cases.open_case(
            user("unit-county"), level="second", kind="evaluation", preconditions=PRECONDITIONS
        ).id
        row = case(case_id)
        assert _day(row.created_at) == _day(row.updated_at) == moved


def test_every_timestamp_of_the_demo_is_on_or_before_the_day_it_was_loaded(tmp_path):
    app = make_test_app(tmp_path, KAOPING_TODAY=DEMO_DAY.isoformat(), DEMO_CASES=True)
    with app.app_context():
        db.create_all()
        load_demo()
        stamped = 0
        for mapper in db.Model.registry.mappers:
            model = mapper.class_
            for column in mapper.columns:
                if isinstance(column.type, UTCDateTime):
                    latest = db.session.scalar(sa.select(sa.func.max(column)))
                    if latest is not None:
                        stamped += 1
                        assert _day(latest) <= DEMO_DAY, f"{model.__name__}.{column.key}"
        assert stamped >= 6
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) > 20
        assert db.session.scalar(sa.select(sa.func.count(User.id))) > 20
        assert db.session.scalar(sa.select(sa.func.count(Grade.id))) > 5
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) >= 8


def test_no_module_reads_the_machines_clock_but_webapp_clock():
    """datetime.now / utcnow / date.today / func.now outside webapp/core/clock.py would be a second clock."""
    offenders = []
    for path in [*ROOT.joinpath("webapp").rglob("*.py"), *ROOT.joinpath("workflow").rglob("*.py")]:
        if path.name == "clock.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("now", "utcnow", "today"):
                owner = node.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name in ("datetime", "date", "func"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
