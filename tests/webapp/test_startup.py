"""What starting the app loads: the document libraries wait for the first document, the migration library for
the first migration.

Every gunicorn worker and every `kaoping tick` imports the app. openpyxl (with numpy, which it loads when it is
installed), ReportLab and python-docx are only needed to make or read a download, so they load when the first one
is made: in a fresh interpreter, building the app leaves them out of ``sys.modules``, and making a PDF, a Word
file and a workbook brings them in."""

import json
import subprocess
import sys

DOCUMENT_LIBRARIES = ("openpyxl", "reportlab", "docx", "numpy")
#: Flask-Migrate and what it imports (~10 MB resident a process): for `kaoping init-db`, `kaoping db …` and tests
MIGRATION_LIBRARIES = ("flask_migrate", "alembic", "mako", "pygments")

_LOADED = "import json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))"


def _loaded_after(code: str, libraries: tuple[str, ...] = DOCUMENT_LIBRARIES) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code + "\n" + _LOADED % (libraries,)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_the_app_loads_no_document_library():
    assert _loaded_after("import webapp.cli; webapp.create_app({'TESTING': True})") == []


def test_serving_pages_and_running_the_tick_load_no_migration_library():
    """issue 12 (worker RSS): a gunicorn worker and `kaoping tick` never migrate (webapp/core/schema_migrations.py)."""
    serving = """
import webapp.cli, webapp
app = webapp.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
client = app.test_client()
assert client.get("/healthz").status_code == 200 and client.get("/auth/login").status_code == 200
"""
    assert _loaded_after(serving, MIGRATION_LIBRARIES) == []


def test_a_migration_loads_the_migration_library():
    """The check above would pass without Flask-Migrate installed: migrating an empty database loads it."""
    code = """
import webapp
from flask_migrate import upgrade
app = webapp.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.app_context():
    upgrade()
    assert app.extensions["migrate"].directory.endswith("migrations")
"""
    assert set(_loaded_after(code, MIGRATION_LIBRARIES)) == set(MIGRATION_LIBRARIES)


def test_making_a_document_loads_its_library():
    """The check above would pass on a machine without the libraries: this one shows they are there and load."""
    code = """
import datetime, webapp
from webapp.articles.documents.data import IssueDocument
from webapp.articles.documents.docx import issue_docx
from webapp.articles.documents.pdf import issue_pdf
from webapp.grading.documents.case_list import case_list_xlsx
doc = IssueDocument("档案信息", "市档案局", "2026年第1期", datetime.date(2026, 1, 5), "非密", False, [])
assert issue_pdf(doc)[:4] == b"%PDF" and issue_docx(doc)[:2] == b"PK"
assert case_list_xlsx("考评案件列表", "全部", [])[:2] == b"PK"
"""
    assert {"docx", "openpyxl", "reportlab"} <= set(_loaded_after(code))
