"""cio_sim.heap: the collector is off inside a block, back on after it, and a finished run
is reclaimed by the one collection at the end; the command line's quiet import."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import weakref

import mesa
import pytest

from cio_sim import CIOModel, load_scenario
from cio_sim.heap import collected_once, release


@pytest.fixture
def short():
    return load_scenario("consensus_2021", {"horizon_weeks": 20})


def test_a_finished_run_is_reclaimed_when_the_block_ends(short):
    with collected_once():
        assert not gc.isenabled()
        model = CIOModel(short, seed=3).run()
        alive = weakref.ref(model)
        release(model)
        del model
        assert alive() is not None          # a web of cycles: refcounting alone keeps it
    assert gc.isenabled()
    assert alive() is None


def test_without_the_block_the_run_waits_for_an_older_generation(short):
    """The reason for the block around a whole run: outside it, the model is still referenced
    when `run()` collects after its weeks, so its objects are promoted, and collecting the
    youngest generation after dropping the model does not reclaim it."""
    model = CIOModel(short.with_overrides({"horizon_weeks": 260}), seed=3).run()
    alive = weakref.ref(model)
    release(model)
    del model
    gc.collect(0)
    assert alive() is not None
    gc.collect()
    assert alive() is None


def test_run_pauses_the_collector_while_the_weeks_run(short, monkeypatch):
    seen = []
    model = CIOModel(short, seed=3)
    step = model.step
    monkeypatch.setattr(model, "step", lambda: (seen.append(gc.isenabled()), step()))
    model.run()
    assert seen and not any(seen)
    assert gc.isenabled()
    assert model.steps == short.values["horizon_weeks"]


def test_run_leaves_a_collector_the_caller_switched_off(short):
    gc.disable()
    try:
        CIOModel(short, seed=3).run(5)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_blocks_nest_and_leave_a_collector_the_caller_switched_off():
    with collected_once():
        with collected_once():
            assert not gc.isenabled()
        assert not gc.isenabled()           # the outer block is still open
    assert gc.isenabled()
    gc.disable()
    try:
        with collected_once():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error_and_across_threads():
    with pytest.raises(RuntimeError), collected_once():
        raise RuntimeError("a failing run")
    assert gc.isenabled()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collected_once():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=other)
    t.start()
    inside.wait(5)
    with collected_once():
        pass
    assert not gc.isenabled()               # the other thread's block is still open
    leave.set()
    t.join()
    assert gc.isenabled()


def test_release_drops_mesas_class_level_reference(short):
    model = CIOModel(short, seed=1)
    release(model)
    assert model not in getattr(mesa.Agent, "_ids", {})
    release(None)                           # a run that failed before its model existed


def test_quiet_import_loads_the_stack_and_freezes_it():
    code = ("import gc, sys\nfrom cio_sim.heap import quiet_import\n"
            "quiet_import('cio_sim.batch.runner')\n"
            "print(gc.isenabled(), 'mesa' in sys.modules, gc.get_freeze_count() > 10000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "True", "True"]
