"""The Python heap around model runs: keep the cyclic garbage collector's work in
proportion to the runs, not to the libraries loaded.

A model is a web of reference cycles (agents and forums point at their model), so a
finished run is reclaimed only by the cyclic collector, unless it is taken apart first
(`CIOModel.dismantle`, which a batch worker and an exploration's stage do with each
finished run). With the collector on, a run's objects live long enough to be promoted to
the oldest generation, and every few runs a full collection traverses them together with
the ~10^5 objects of Mesa, numpy, pandas and scipy: about a fifth of a run's CPU time in a
batch worker (benchmarks/README.md).
:func:`collected_once` runs a block (one run) with the collector off and then collects the
youngest generation once, where the whole finished run still is. :func:`quiet_import`
imports the model stack with the collector paused: importing creates many objects and
almost no garbage, so collecting meanwhile is wasted start-up time of a command.

Neither changes what is computed, only when unreachable objects are reclaimed; the extra
memory is at most one run's garbage.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import itertools
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()
_depth = 0                 # collected_once blocks open in this process (threads may share it)
_paused = False            # whether the outermost open block switched the collector off


@contextlib.contextmanager
def collected_once() -> Iterator[None]:
    """Run the block with the cyclic collector off, then collect generation 0 once.

    For one model run: its objects stay young, and the collection after it reclaims the
    finished run (drop references to the model, and :func:`release` it, inside the block).
    Blocks nest and may be open in several threads of one process: the first to open
    switches the collector off, the last to close switches it back on and collects. A
    collector switched off by the caller stays off.
    """
    global _depth, _paused
    with _lock:
        if _depth == 0:
            _paused = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _paused:
                gc.enable()
                gc.collect(0)
                _paused = False


def quiet_import(*modules: str) -> None:
    """Import ``modules`` with the cyclic collector paused, then freeze what is loaded.

    For a process that runs one command until it exits (the command line): the imported
    modules live as long as the process, so the collector never needs to look at them
    (``gc.freeze``), and the process also exits faster.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        for name in modules:
            importlib.import_module(name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def release(model: Any) -> None:
    """Drop Mesa's class-level reference to a finished model so it can be freed.

    Mesa 3.3 keeps every model as a key of ``mesa.Agent._ids`` (mesa issue #3179, fixed
    upstream later), which would make memory grow with the number of runs.
    """
    from .lazy_mesa import mesa  # loaded already wherever a model ran

    ids = getattr(mesa.Agent, "_ids", None)
    if model is not None and isinstance(ids, dict | weakref.WeakKeyDictionary):
        ids.pop(model, None)


class _WeakIdCounters(weakref.WeakKeyDictionary):
    """Mesa 3.3's per-model ``unique_id`` counters (``Agent._ids``) held weakly: a model that
    is dropped takes its counter with it, and a model that goes on keeps counting."""

    def __getitem__(self, model: Any) -> Any:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


def weak_agent_ids() -> None:
    """Make Mesa's class-level ``Agent._ids`` hold its models weakly (once per process), so a
    notebook's loop of ``CIOModel(...).run()`` frees each model with its last reference,
    whether it ran to the end or not. Newer Mesa keeps no such registry: nothing to do."""
    from .lazy_mesa import mesa

    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, defaultdict):
        weak = _WeakIdCounters()
        for model, counter in list(ids.items()):
            with contextlib.suppress(TypeError):  # a key that cannot be weakly referenced
                weak[model] = counter
        mesa.Agent._ids = weak


__all__ = ["collected_once", "quiet_import", "release", "weak_agent_ids"]
