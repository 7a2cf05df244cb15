"""Backends that run batch tasks: serial, local worker processes, Dask; one protocol.

An executor is used as a context manager (it starts its workers or connects on entry and
releases them on exit) and maps a picklable function over tasks, yielding results as they
complete, with a bounded number of tasks in flight so memory stays flat. A new backend is one
subclass registered with :func:`register_executor`::

    @register_executor("threads")
    class Threads(Executor):
        def map_unordered(self, fn, tasks): ...

Results never depend on the backend: each task carries its own seeds.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Start method of local worker processes, chosen here for every batch and exploration.
#: On Linux ``fork``: workers start in ~10 ms with the package already imported
#: (a forkserver or spawn first re-imports the whole stack, ~1 s; see benchmarks/README.md);
#: workers only run models and never touch the parent's store. Elsewhere ``forkserver``
#: where available (macOS), else ``spawn`` (Windows).
START_METHOD = ("fork" if sys.platform == "linux" else
                "forkserver" if sys.platform != "win32"
                and "forkserver" in multiprocessing.get_all_start_methods() else "spawn")

#: How long a Dask client waits for a scheduler before giving up.
DASK_CONNECT_TIMEOUT = "5s"


class ExecutorError(ValueError):
    """A backend cannot start (unknown name, missing library, unreachable cluster)."""


class Executor(ABC):
    """Runs ``fn(task)`` for many tasks. Subclasses implement :meth:`map_unordered` and, if
    they hold resources, :meth:`__enter__`/:meth:`__exit__`."""

    name: ClassVar[str] = ""

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        self.workers = workers
        self.scheduler = scheduler

    def __enter__(self) -> Executor:
        """Start workers or connect; raise :class:`ExecutorError` with one line if that fails."""
        return self

    def __exit__(self, *exc: object) -> None:  # noqa: B027 (nothing to release by default)
        """Release workers and connections."""

    @property
    def slots(self) -> int:
        """How many tasks run at the same time (used to size tasks)."""
        return self.workers

    @abstractmethod
    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for every task, in any order, each exactly once.

        ``tasks`` may be a lazy iterator: take from it only as slots free up. An exception
        raised by ``fn`` propagates to the caller.
        """


EXECUTORS: dict[str, type[Executor]] = {}


def register_executor(name: str) -> Callable[[type[Executor]], type[Executor]]:
    """Class decorator: make an :class:`Executor` subclass available as backend ``name``."""
    def register(cls: type[Executor]) -> type[Executor]:
        if not (isinstance(cls, type) and issubclass(cls, Executor)):
            raise TypeError(f"{cls!r} is not an Executor subclass")
        cls.name = name
        EXECUTORS[name] = cls
        return cls
    return register


def get_executor(name: str) -> type[Executor]:
    """The executor class registered as ``name`` (ExecutorError if there is none)."""
    try:
        return EXECUTORS[name]
    except KeyError:
        raise ExecutorError(f"backend: got {name!r}; allowed: "
                            + ", ".join(sorted(EXECUTORS))) from None


def available_cores() -> int:
    """Cores this process may use (affinity-aware where the platform tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def mp_context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context of :data:`START_METHOD`."""
    ctx = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        ctx.set_forkserver_preload(["cio_sim.batch.runner"])
    return ctx


#: How often a worker checks that its parent is alive (where no parent-death signal exists).
PARENT_CHECK_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def worker_start(client: int) -> None:
    """The start of every local worker process: it ends when the client (the process that
    made the pool, pid ``client``) ends, however it ends (SIGKILL included), and leaves
    Ctrl-C and SIGTERM handling to the client.

    A worker started by fork or spawn is the client's child: on Linux the kernel sends it
    SIGKILL when the client dies (``PR_SET_PDEATHSIG``, through ctypes), and a daemon thread
    also checks every :data:`PARENT_CHECK_SECONDS` that it has not been handed to another
    parent (the fallback). A forkserver's worker is the forkserver's child, and the
    forkserver outlives a killed client (its workers hold the pipe it waits on), so that
    worker watches the client itself: through a pidfd where the platform has one, else by
    checking its pid every :data:`PARENT_CHECK_SECONDS`.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # the client stops the pool on Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # a forked worker inherits the CLI's handler
    if os.getppid() != client:                      # a forkserver's child
        watch = _watch_client
        if not _alive(client):
            os._exit(1)
    else:
        watch = _watch_parent
        if sys.platform == "linux":
            with contextlib.suppress(OSError, AttributeError):
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != client:  # the client died before the signal was armed
            os._exit(1)
    threading.Thread(target=watch, args=(client,), name="cio-sim-parent-check",
                     daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_client(client: int) -> None:
    """End this worker when the process `client` ends (it is not this worker's parent)."""
    try:
        fd = os.pidfd_open(client)   # readable once the process has ended (zombie included)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        os._exit(1)
    while _alive(client):
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


@register_executor("serial")
class SerialExecutor(Executor):
    """Every task in this process, in order."""

    @property
    def slots(self) -> int:
        return 1

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        for task in tasks:
            yield fn(task)


@register_executor("local")
class LocalExecutor(Executor):
    """Worker processes on this machine (start method :data:`START_METHOD`), with at most
    two tasks per worker in flight. One worker runs serially in this process."""

    def __enter__(self) -> LocalExecutor:
        self._pool = (ProcessPoolExecutor(max_workers=self.workers, mp_context=mp_context(),
                                          initializer=worker_start,
                                          initargs=(os.getpid(),))
                      if self.workers > 1 else None)
        return self

    def __exit__(self, exc_type: object = None, *exc: object) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_type is not None:
            # interrupted or failed: end the workers now (their tasks' rows are not needed;
            # the stored runs are whole), instead of waiting for their tasks to finish
            for process in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(OSError, AttributeError):
                    process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        pool = getattr(self, "_pool", None)
        if pool is None:
            yield from SerialExecutor().map_unordered(fn, tasks)
            return
        pending = iter(tasks)
        running: set[Any] = set()
        try:
            while True:
                for task in itertools.islice(pending, max(0, 2 * self.workers - len(running))):
                    running.add(pool.submit(fn, task))
                if not running:
                    return
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield fut.result()
        finally:
            for fut in running:
                fut.cancel()


#: How long closing a Dask client, and then its LocalCluster, may take (after an interrupt
#: too); a cluster's worker processes end with this process anyway (they watch a pipe from it).
DASK_CLOSE_TIMEOUT = 10.0


@contextlib.contextmanager
def held_signals() -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM while a Dask cluster starts or closes; yields the signals that
    arrived, for the caller to act on once the cluster is whole (or closed).

    Interrupting LocalCluster's start-up left a half-started cluster that distributed's exit
    hook could not close (an AssertionError traceback, worker heartbeats to a closed
    scheduler, a leaked semaphore), and interrupting its close left the same. Both signals
    are also *blocked* in this thread meanwhile: the threads that distributed starts inherit
    that mask, and so do the worker processes they spawn. A Ctrl-C on the terminal, or a
    SIGTERM to the process group, is sent to every process of the group; it now reaches only
    this process, which closes the cluster in order, instead of raising KeyboardInterrupt
    tracebacks in the workers or killing them under their nanny (which restarted them or
    failed to start). The workers end when their nanny stops them (a message, then SIGKILL)
    or when this process ends (distributed's parent pipe). Outside the main thread nothing
    is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in old:
        signal.signal(sig, hold)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set(old))
    try:
        yield received
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a held signal arrives here
        for sig, handler in old.items():  # None: a handler not set from Python
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker now, if it is not running, with its stderr
    on /dev/null (one that is running is left as it is).

    Now: starting it *unblocks* SIGINT and SIGTERM in the thread that starts it, which,
    inside :func:`held_signals`, would be a thread of distributed's, and the worker processes
    it spawns after that would take Ctrl-C and SIGTERM again. Its stderr: the tracker only
    writes there when this process ended without releasing what it registered, i.e. after
    a SIGKILL, when it removes the nannies' semaphores itself and then warned "There appear
    to be 12 leaked semaphore objects" on the terminal the user had got back (every close
    this process makes releases them: none is left after Ctrl-C or SIGTERM)."""
    with contextlib.suppress(ImportError, OSError, AttributeError):  # not on Windows
        from multiprocessing import resource_tracker

        devnull = os.open(os.devnull, os.O_WRONLY)
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(devnull, 2)   # the tracker inherits this process's fd 2
            resource_tracker.ensure_running()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)


@register_executor("dask")
class DaskExecutor(Executor):
    """A Dask cluster: the one at ``scheduler``, or a new LocalCluster of ``workers``
    single-threaded processes. Connecting waits at most :data:`DASK_CONNECT_TIMEOUT`.

    Ctrl-C or SIGTERM while the cluster starts or closes takes effect once that is done
    (:func:`held_signals`), so an interrupted batch always closes a whole cluster: client
    first, then the cluster (its workers, then its scheduler), each within
    :data:`DASK_CLOSE_TIMEOUT`. The workers' own log lines are kept off the terminal (a task's
    error reaches this process with its result; a worker losing its scheduler while a batch
    stops is expected)."""

    connect_timeout: ClassVar[str] = DASK_CONNECT_TIMEOUT
    close_timeout: ClassVar[float] = DASK_CLOSE_TIMEOUT

    def __enter__(self) -> DaskExecutor:
        if importlib.util.find_spec("distributed") is None:
            raise ExecutorError("the dask backend needs dask.distributed: "
                                "pip install 'cio-sim[dask]'")
        self._cluster: Any = None
        self._client: Any = None
        if not self.scheduler:
            _start_resource_tracker()
        with held_signals() as received:
            try:
                self._connect()
            except BaseException:
                self._close()
                if not received:
                    raise
        if received:  # interrupted while starting: close the whole cluster, then stop
            with held_signals():
                self._close()
            raise KeyboardInterrupt("terminated" if signal.SIGTERM in received else "")
        return self

    def _connect(self) -> None:
        import logging

        from distributed import Client, LocalCluster

        try:
            if self.scheduler:
                self._client = Client(self.scheduler, timeout=self.connect_timeout)
            else:
                # the scheduler's HTTP server on a free port (its default 8787 warns when
                # taken, e.g. by a second batch), without the dashboard
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.CRITICAL,
                    scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"})
                self._client = Client(self._cluster)
        except (OSError, ValueError, TimeoutError, RuntimeError) as exc:  # a nanny's failure
            self._close()
            where = (f"the Dask scheduler {self.scheduler}" if self.scheduler
                     else "a local Dask cluster")
            text = " ".join(str(exc).split()) or type(exc).__name__
            raise ExecutorError(f"cannot reach {where}: {text}") from None

    def _close(self) -> None:
        """Close the client, then the cluster; what does not close in time is left to end
        with this process (a LocalCluster's workers exit when its pipe closes)."""
        client, self._client = self._client, None
        cluster, self._cluster = self._cluster, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=self.close_timeout)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=self.close_timeout)

    def __exit__(self, *exc: object) -> None:
        with held_signals() as received:
            self._close()
        if received and exc[0] is None:  # interrupted while closing after a whole batch
            raise KeyboardInterrupt("terminated" if signal.SIGTERM in received else "")

    @property
    def slots(self) -> int:
        known = len(self._client.scheduler_info().get("workers", {}))
        return max(self.workers, known, 1)

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        from distributed import as_completed

        pending = iter(tasks)
        window = 2 * self.slots
        first = [self._client.submit(fn, t, pure=False)
                 for t in itertools.islice(pending, window)]
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


__all__ = ["DASK_CLOSE_TIMEOUT", "DASK_CONNECT_TIMEOUT", "EXECUTORS", "PARENT_CHECK_SECONDS",
           "START_METHOD", "DaskExecutor", "Executor", "ExecutorError", "LocalExecutor",
           "SerialExecutor", "available_cores", "get_executor", "held_signals", "mp_context",
           "register_executor", "worker_start"]
