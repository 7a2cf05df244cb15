"""The one-line messages of results folders: the errors a user sees (damaged, busy, not
writable, disk full, not cio-sim's) and how each says to recover."""

from __future__ import annotations

import errno
import shlex
import sqlite3
from pathlib import Path


class StoreError(ValueError):
    """A results directory is missing, damaged, busy, read-only or does not match (one line)."""


class StoreWriteError(StoreError):
    """Writing stopped midway (disk full, I/O error); the runs stored before are intact."""


#: errno values of a folder that cannot be written (as opposed to a full disk).
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def quoted(path: Path | str) -> str:
    return shlex.quote(str(path))


def damaged_message(path: Path, reason: str) -> str:
    """One line: which store file is damaged, why, and how to recover."""
    directory = Path(path).parent
    return (f"{path}: damaged ({reason}); 'cio-sim repair {quoted(directory)}' moves it aside "
            "and keeps what is intact, then --resume finishes the batch")


def not_writable_message(directory: Path, exc: BaseException) -> str:
    return f"{directory}: cannot write here ({reason_of(exc)}); choose another --out"


def write_failed_message(directory: Path, exc: BaseException, stored: int | None) -> str:
    kept = ("the runs stored before are intact" if stored is None else
            "the 1 run stored before is intact" if stored == 1 else
            f"the {stored} runs stored before are intact")
    return (f"{directory}: writing results failed ({reason_of(exc)}); {kept}: free some space "
            "and continue with --resume")


def write_error(directory: Path, exc: BaseException, stored: int | None = None) -> StoreError:
    """The StoreError for an OSError or SQLite error raised while writing to ``directory``."""
    text = str(exc).lower()
    not_writable = (exc.errno in _NOT_WRITABLE if isinstance(exc, OSError) else
                    isinstance(exc, sqlite3.OperationalError)
                    and ("readonly" in text or "unable to open" in text))
    if not_writable:
        return StoreError(not_writable_message(directory, exc))
    return StoreWriteError(write_failed_message(directory, exc, stored))


def foreign_message(path: Path) -> str:
    return (f"{path}: not a manifest written by cio-sim; cio-sim reads and writes only its "
            "own results folders (choose another folder)")


def manifest_damaged_message(path: Path, reason: str) -> str:
    what = "missing" if reason == "missing" else f"damaged ({reason})"
    return (f"{path}: {what}; 'cio-sim repair {quoted(Path(path).parent)}' rebuilds "
            "it from the database, then --resume finishes the batch")



__all__ = ["StoreError", "StoreWriteError", "damaged_message", "foreign_message",
           "manifest_damaged_message", "not_writable_message", "quoted", "reason_of",
           "write_error", "write_failed_message"]
