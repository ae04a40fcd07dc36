"""webapp/core/collector.py: the cyclic collector held off for a block and restored after it; the app's import
and the `kaoping` script's app leave it as they found it (frozen, for the script)."""

import gc
import subprocess
import sys

import pytest

from webapp.core.collector import collector_paused, freeze_loaded


@pytest.fixture
def collecting():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.enable() if was else gc.disable()


def test_the_collector_is_off_inside_the_block_and_on_again_after_it(collecting):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_blocks_resume_the_collector_only_when_the_outermost_ends(collecting):
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_the_block_still_resumes_the_collector(collecting):
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_before_the_block_stays_off(collecting):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_cyclic_garbage_made_inside_the_block_is_collected_after_it(collecting):
    class Node:
        pass

    with collector_paused():
        node = Node()
        node.me = node
        del node
        assert any(type(o) is Node for o in gc.get_objects())
    gc.collect()
    assert not any(type(o) is Node for o in gc.get_objects())


def test_importing_the_app_leaves_the_collector_on():
    """The import pauses the collector (webapp/__init__.py) and must hand it back: in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", "import gc, webapp; print(gc.isenabled(), webapp.create_app.__name__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["True", "create_app"]


def test_the_kaoping_script_freezes_the_app_it_loaded(collecting):
    from webapp.cli import _create_app

    assert gc.get_freeze_count() == 0
    try:
        app = _create_app()
        assert app.name == "webapp"
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_freeze_loaded_moves_what_is_alive_out_of_later_collections():
    assert gc.get_freeze_count() == 0
    try:
        freeze_loaded()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
