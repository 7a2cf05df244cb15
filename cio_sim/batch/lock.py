"""One writer per results folder: an OS lock on ``<folder>/.writer.lock`` that goes with the
writing process alone, and who holds it (for the refusal message and a reader's notice that
a batch is running)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import socket
from pathlib import Path

from ..files import FileRefused, open_private
from .manifest import LOCK_NAME
from .messages import StoreError, write_error


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# Lock descriptors held by this process. A forked worker closes its inherited copies at once:
# an flock belongs to the open file, so a worker that outlived a killed writer would otherwise
# keep the folder locked (closing a copy in the child does not release the parent's lock).
_HELD_LOCK_FDS: set[int] = set()


def _close_inherited_locks() -> None:
    for fd in _HELD_LOCK_FDS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCK_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


class WriterLock:
    """One writer per results folder: an OS lock on ``<folder>/.writer.lock``.

    The lock goes with the writing process alone (a killed batch leaves no stale lock, and its
    forked workers do not inherit it); the file names the holder for the refusal message. Use
    as a context manager.
    """

    def __init__(self, directory: Path, command: str | None = None):
        self.directory = Path(directory)
        self.command = command
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        path = self.directory / LOCK_NAME
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = open_private(path)
        except FileRefused as exc:
            raise StoreError(str(exc)) from None
        except OSError as exc:
            raise write_error(self.directory, exc) from None
        if not _try_lock(fd):
            os.close(fd)
            raise StoreError(busy_message(self.directory))
        started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        text = f"pid {os.getpid()} on {socket.gethostname()} since {started}"
        if self.command:
            text += f": {self.command}"
        self._fd = fd
        _HELD_LOCK_FDS.add(fd)
        with contextlib.suppress(OSError):  # the name is a courtesy (the disk may be full)
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, text.encode())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            _HELD_LOCK_FDS.discard(self._fd)
            os.close(self._fd)  # releases the lock
            self._fd = None


def lock_holder(directory: Path) -> str | None:
    """Who holds the writer lock of ``directory`` (None when nobody writes there)."""
    path = Path(directory) / LOCK_NAME
    if not path.exists() or path.is_symlink():
        return None
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not os.path.isfile(path) or _try_lock(fd):
            return None
        text = os.pread(fd, 4096, 0).decode("utf-8", errors="replace")
        return text.strip() or "another process"
    finally:
        os.close(fd)  # also releases a lock taken just to look


def busy_message(directory: Path) -> str:
    holder = lock_holder(directory) or "another process"
    return (f"{directory}: another batch is writing to this folder ({holder}); wait for it "
            "to finish or choose another --out")



__all__ = ["WriterLock", "busy_message", "lock_holder"]
