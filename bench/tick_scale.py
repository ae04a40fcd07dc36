"""Time `kaoping tick` on N graded organs (default 13,057, the issue's province) and count its SQL statements.

    PYTHONPATH=. .venv/bin/python bench/tick_scale.py [N] [DATABASE_URL] [--analyze]

Without a URL it uses a fresh SQLite file; a PostgreSQL URL must name an empty database (the tables are dropped
at the end). Every fifth organ's grade lapses, every fifth is due for recheck (ARC-11.2), every fifth has a recheck
running (GAP-4). Prints one JSON line and the time of each distinct statement.
"""

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tests.factories import make_bureau_chain, make_test_app
from webapp.core.extensions import db
from webapp.core.models import Organisation, OrgKind
from webapp.grading.models import Case, Grade

n = int(sys.argv[1]) if len(sys.argv) > 1 else 13057
tmp = Path(tempfile.mkdtemp())
url = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "--analyze" else f"sqlite:///{tmp / 'tick.sqlite3'}"
app = make_test_app(tmp, SQLALCHEMY_DATABASE_URI=url)
with app.app_context():
    db.drop_all()
    db.create_all()
    _p, _c, county = make_bureau_chain()
    db.session.commit()
    db.session.execute(
        sa.insert(Organisation),
        [
            {
                "name": f"机关{i}",
                "code": f"o{i}",
                "kind": OrgKind.ORGAN,
                "tier": "county_direct",
                "parent_id": county.id,
            }
            for i in range(n)
        ],
    )
    ids = db.session.scalars(sa.select(Organisation.id).where(Organisation.kind == OrgKind.ORGAN)).all()
    ends = [date(2026, 12, 31), date(2027, 6, 30), date(2028, 5, 31), date(2029, 1, 31), date(2026, 11, 30)]
    db.session.execute(
        sa.insert(Grade),
        [
            {
                "organ_id": oid,
                "level": "second",
                "valid_from": date(ends[i % 5].year - 3, 1, 1),
                "valid_to": ends[i % 5],
                "certificate_kind": "evaluation",
            }
            for i, oid in enumerate(ids)
        ],
    )
    db.session.execute(
        sa.insert(Case),
        [
            {
                "organ_id": oid,
                "level": "second",
                "kind": "recheck",
                "tier": "county_direct",
                "ruleset_id": "hubei-2011",
                "state": "applied",
                "version_id": 1,
            }
            for i, oid in enumerate(ids)
            if i % 5 == 4
        ],
    )
    db.session.commit()
    if url.startswith("postgresql") and "--analyze" in sys.argv:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    seen = []
    times = {}

    def before(conn, cursor, statement, *a):
        conn.info["t0"] = time.perf_counter()
        seen.append(statement)

    def after(conn, cursor, statement, *a):
        times[statement[:70]] = round(time.perf_counter() - conn.info["t0"], 2)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    sa.event.listen(db.engine, "after_cursor_execute", after)
    start = time.perf_counter()

    result = app.test_cli_runner().invoke(args=["tick", "--today", "2027-03-01"])

    took = time.perf_counter() - start
    report = json.loads(result.output.splitlines()[-1])
    print(
        json.dumps(
            {
                "organs": n,
                "backend": db.engine.url.get_backend_name(),
                "tick_s": round(took, 2),
                "statements": len(seen),
                "lapsed": len(report["lapsed"]),
                "recheck_due": len(report["recheck_due"]),
            }
        )
    )
    print(json.dumps(times, ensure_ascii=False, indent=0))
    if url.startswith("postgresql"):
        db.drop_all()
