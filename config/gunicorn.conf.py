"""gunicorn's settings for Kaoping (production, docs/operations.md, and `make bench`): ``gunicorn -c
config/gunicorn.conf.py 'webapp:create_app()'``. The command line still sets the workers and the address.

Each worker freezes its heap once the app is loaded. The app and its libraries leave about 240,000 long-lived
objects (SQLAlchemy's mappers, the rulesets, Jinja's compiled templates…) that CPython's cyclic collector would
otherwise walk on every full collection: measured on the generated province, one such collection took 175 ms
and came every ten or so requests, which is the p99 of every page. `gc.freeze()` moves them out of the
collector's sight for the worker's life; the objects a request makes are still collected as before.

Starting the app does not load the document libraries (tests/webapp/test_startup.py): `kaoping tick` and the
other commands never need them. A worker serves downloads, so it loads them before the freeze: no request waits
for their import (~0.3 s), and their ~35,000 objects are frozen with the rest.
"""

import gc
import importlib

#: what the PDF, Word and Excel renderers import (webapp/*/documents, webapp/scoring/xlsx)
DOCUMENT_LIBRARIES = ("openpyxl", "reportlab.platypus", "reportlab.pdfgen.canvas", "docx")


def post_worker_init(worker: object) -> None:
    """Runs in each worker after it imported the app, before it takes a request."""
    for name in DOCUMENT_LIBRARIES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
