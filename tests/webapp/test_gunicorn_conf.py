"""config/gunicorn.conf.py: each worker loads the document libraries and freezes the heap its app left, so full
collections stop walking it."""

import gc
import json
import runpy
import subprocess
import sys
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def test_a_worker_freezes_the_heap_the_app_left_once_loaded():
    hooks = runpy.run_path(str(CONF))
    assert gc.get_freeze_count() == 0
    try:
        hooks["post_worker_init"](object())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_worker_loads_the_document_libraries_before_the_freeze():
    """In a fresh interpreter: the app alone leaves them out (tests/webapp/test_startup.py), the worker's hook
    brings them in, so its first download does not wait for them and their objects are frozen too."""
    code = f"""
import gc, json, runpy, sys, webapp
webapp.create_app({{'TESTING': True}})
hooks = runpy.run_path({str(CONF)!r})
before = sorted(n for n in hooks["DOCUMENT_LIBRARIES"] if n in sys.modules)
hooks["post_worker_init"](object())
print(json.dumps([before, sorted(n for n in hooks["DOCUMENT_LIBRARIES"] if n in sys.modules), gc.get_freeze_count() > 0]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == []
    assert after == sorted(runpy.run_path(str(CONF))["DOCUMENT_LIBRARIES"])
    assert frozen
