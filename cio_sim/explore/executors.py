"""Where the design points run: in this process, in worker processes, or on Dask.

The pipeline only needs ``map_unordered(fn, tasks)`` on an executor used as a context manager;
this is the one place that knows about backends.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol

BACKENDS = ("serial", "local", "dask")


class Executor(Protocol):
    def __enter__(self) -> Executor: ...
    def __exit__(self, *exc: object) -> None: ...
    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]: ...


class SerialExecutor:
    """Every task in this process, in order."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        for task in tasks:
            yield fn(task)


class LocalExecutor:
    """Worker processes (fork on Linux, as the runner) with a bounded window of tasks."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        from ..runner import _mp_context

        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        assert self._pool is not None, "use the executor as a context manager"
        pending = iter(tasks)
        running = {self._pool.submit(fn, t) for t in itertools.islice(pending, 2 * self.workers)}
        try:
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    nxt = next(pending, None)
                    if nxt is not None:
                        running.add(self._pool.submit(fn, nxt))
                    yield fut.result()
        finally:
            for fut in running:
                fut.cancel()


class DaskExecutor:
    """A Dask cluster (``scheduler`` address, or a local cluster of ``workers`` processes)."""

    def __init__(self, workers: int, scheduler: str | None = None):
        self.workers, self.scheduler = workers, scheduler
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        from ..runner import _dask_connect

        self._client, self._cluster = _dask_connect(self.workers, self.scheduler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        pending = iter(tasks)
        n = len(self._client.scheduler_info().get("workers", {})) or self.workers
        first = [self._client.submit(fn, t, pure=False)
                 for t in itertools.islice(pending, 2 * max(1, n))]
        if not first:
            return
        ac = as_completed(first)
        for fut in ac:
            result = fut.result()
            fut.release()
            nxt = next(pending, None)
            if nxt is not None:
                ac.add(self._client.submit(fn, nxt, pure=False))
            yield result


def make_executor(backend: str = "local", workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """An executor for ``backend`` (serial, local or dask)."""
    workers = workers or min(2, os.cpu_count() or 1)
    if backend == "serial" or (backend == "local" and workers <= 1):
        return SerialExecutor()
    if backend == "local":
        return LocalExecutor(workers)
    if backend == "dask":
        return DaskExecutor(workers, scheduler)
    raise ValueError(f"unknown backend {backend!r}; allowed: {', '.join(BACKENDS)}")
