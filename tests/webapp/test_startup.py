"""What starting the app loads: the document libraries wait for the first document.

Every gunicorn worker and every `kaoping tick` imports the app. openpyxl (with numpy, which it loads when it is
installed), ReportLab and python-docx are only needed to make or read a download, so they load when the first one
is made: in a fresh interpreter, building the app leaves them out of ``sys.modules``, and making a PDF, a Word
file and a workbook brings them in."""

import json
import subprocess
import sys

DOCUMENT_LIBRARIES = ("openpyxl", "reportlab", "docx", "numpy")

_LOADED = "import json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))"


def _loaded_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code + "\n" + _LOADED % (DOCUMENT_LIBRARIES,)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_the_app_loads_no_document_library():
    assert _loaded_after("import webapp.cli; webapp.create_app({'TESTING': True})") == []


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
