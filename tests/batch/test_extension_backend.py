"""A backend defined outside the package: one registered class runs a scenario file's batch
with results identical to serial."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed

import pandas as pd
import pytest

import cio_sim
from cio_sim.batch import EXECUTORS, Executor, register_executor


class ReversedThreads(Executor):
    """Threads that hand results back in reverse order of submission (a stress on
    order-independence)."""

    calls = 0

    def __enter__(self) -> ReversedThreads:
        self._pool = ThreadPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        futures = [self._pool.submit(fn, task) for task in tasks]
        type(self).calls += len(futures)
        done = [f.result() for f in as_completed(futures)]
        yield from reversed(done)


@pytest.fixture
def threads_backend():
    register_executor("reversed_threads")(ReversedThreads)
    yield "reversed_threads"
    EXECUTORS.pop("reversed_threads", None)


def test_new_backend_runs_a_scenario_file_like_serial(tmp_path, threads_backend):
    scenario = tmp_path / "short_doorzetting.toml"
    scenario.write_text('extends = "doorzettingsmacht_2026"\nname = "short_doorzetting"\n'
                        "horizon_weeks = 20\n", encoding="utf-8")
    assert threads_backend in cio_sim.batch.backends()
    serial = cio_sim.run_batch(scenario, replications=4, seed=3, backend="serial")
    mine = cio_sim.run_batch(scenario, replications=4, seed=3, backend=threads_backend,
                             workers=2, out=tmp_path / "out")
    assert ReversedThreads.calls >= 1
    pd.testing.assert_frame_equal(serial.runs, mine.runs)
    pd.testing.assert_frame_equal(serial.timeseries, mine.timeseries)
    assert mine.manifest["backend"] == threads_backend
    assert len(mine.runs) == 4 and mine.runs["error"].isna().all()


def test_registering_something_else_is_refused():
    with pytest.raises(TypeError, match="not an Executor"):
        register_executor("nope")(object)
    assert "nope" not in EXECUTORS
