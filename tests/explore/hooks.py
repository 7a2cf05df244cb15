"""Interrupting an exploration in the resume tests: an executor that stops with Ctrl-C after
a number of finished tasks, on any backend (the tasks are counted as their results arrive)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest


class _Interrupting:
    """An executor that raises KeyboardInterrupt after ``after`` tasks of ``executor``."""

    def __init__(self, executor: Any, after: int):
        self._executor, self._left = executor, after

    def __enter__(self) -> _Interrupting:
        self._executor.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._executor.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:  # workers, slots
        return getattr(self._executor, name)

    def map_unordered(self, fn: Any, tasks: Any) -> Iterator[Any]:
        for result in self._executor.map_unordered(fn, tasks):
            yield result
            self._left -= 1
            if self._left <= 0:
                raise KeyboardInterrupt("interrupted (test hook)")


@contextlib.contextmanager
def interrupted_after(tasks: int) -> Iterator[None]:
    """An exploration started inside stops after ``tasks`` finished tasks, as if interrupted."""
    from cio_sim.explore import pipeline

    real = pipeline.get_executor
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "get_executor", lambda name: lambda *args: _Interrupting(
            real(name)(*args), tasks))
        yield
