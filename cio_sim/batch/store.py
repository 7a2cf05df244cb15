"""Results store: a directory with ``manifest.json`` and an SQLite database of whole runs.

Runs arrive in blocks: each block (the summary rows of many runs and, when kept, their weekly
tables, compressed by the workers) is written in one transaction, so a batch killed at any
moment leaves only whole runs and can be resumed. One process writes to a folder at a time
(:class:`WriterLock`). The manifest is replaced atomically (temp file + rename) with normal
file permissions, and a copy of it lives in the database (table ``meta``) so that a lost
manifest can be rebuilt (:mod:`.repair`). :func:`load_results` opens a directory read-only
(never writing into it) and derives the status from the stored rows and the lock, so a batch
killed at any moment is never reported as complete or running.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import functools
import hashlib
import json
import os
import shlex
import shutil
import socket
import sqlite3
import stat
import struct
import subprocess
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import catalogue, comparison
from ..files import (
    FORMAT,
    FORMAT_KEY,
    OWNER,
    OWNER_KEY,
    FileRefused,
    check_owned,
    is_owned_manifest,
    make_dir,
    open_private,
    read_json,
    replacing,
)

MANIFEST_NAME = "manifest.json"
DB_NAME = "results.sqlite"
LOCK_NAME = ".writer.lock"
STORE_FILES = (MANIFEST_NAME, DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm")
#: Every name cio-sim writes into a results folder (all it may hold beside its database when
#: the manifest was lost).
OWN_NAMES = (*STORE_FILES, LOCK_NAME, "report.md", "report.html", "figures", "csv", "parquet")
#: Names of the marker cio-sim writes into a folder that holds only an export or a report.
OUTPUT_MARKER = ".cio-sim.json"
#: The files of an export (an export folder of an earlier version holds only these).
EXPORT_CSV = ("runs.csv", "timeseries.csv", "summary.csv", "paired.csv")
EXPORT_PARQUET = ("runs.parquet", "timeseries.parquet", "summary.parquet", "paired.parquet")
KEY_COLUMNS = ("scenario_index", "point", "replication")
HEADLINE_METRICS = catalogue.HEADLINE

#: One stored run: (scenario_index, point, replication, scenario, seed, error, params JSON,
#: summary JSON), built by the worker that ran it (:func:`run_row`).
Row = tuple[int, int, int, str, str, str | None, str, str]


class StoreError(ValueError):
    """A results directory is missing, damaged, busy, read-only or does not match (one line)."""


class StoreWriteError(StoreError):
    """Writing stopped midway (disk full, I/O error); the runs stored before are intact."""


#: Errors of reading a damaged database or weekly table.
_DAMAGE = (sqlite3.DatabaseError, zlib.error, struct.error, json.JSONDecodeError,
           UnicodeDecodeError)
#: errno values of a folder that cannot be written (as opposed to a full disk).
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _q(path: Path | str) -> str:
    return shlex.quote(str(path))


def damaged_message(path: Path, reason: str) -> str:
    """One line: which store file is damaged, why, and how to recover."""
    directory = Path(path).parent
    return (f"{path}: damaged ({reason}); 'cio-sim repair {_q(directory)}' moves it aside "
            "and keeps what is intact, then --resume finishes the batch")


def not_writable_message(directory: Path, exc: BaseException) -> str:
    return f"{directory}: cannot write here ({_reason(exc)}); choose another --out"


def write_failed_message(directory: Path, exc: BaseException, stored: int | None) -> str:
    kept = ("the runs stored before are intact" if stored is None else
            "the 1 run stored before is intact" if stored == 1 else
            f"the {stored} runs stored before are intact")
    return (f"{directory}: writing results failed ({_reason(exc)}); {kept}: free some space "
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


# ---------------------------------------------------------------------------- helpers

def _plain(value: Any) -> Any:
    """A JSON/SQLite-friendly Python scalar (numpy scalars become int/float/bool)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_row(key: tuple[int, int, int], scenario: str, seed: str, params: Mapping[str, Any],
            summary: Mapping[str, Any] | None, error: str | None) -> Row:
    """The ``runs`` row of one run, ready to insert (JSON built where the run ran)."""
    summary_json = json.dumps({k: _plain(v) for k, v in (summary or {}).items()},
                              allow_nan=True)
    params_json = json.dumps({k: _plain(v) for k, v in params.items()})
    return (*key, scenario, seed, error, params_json, summary_json)


def row_checksum(row: Sequence[Any]) -> str:
    """The checksum of a stored run: its eight fields (key, scenario, seed, error, params and
    summary JSON), so one changed byte of a stored value is found by every reader."""
    text = json.dumps(list(row[:8]), separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def weekly_checksum(key: Sequence[int], blob: bytes) -> str:
    """The checksum of a stored weekly table: its run's key and its bytes."""
    digest = hashlib.blake2b(json.dumps(list(key[:3])).encode(), digest_size=16)
    digest.update(bytes(blob))
    return digest.hexdigest()


#: The fields of a manifest that name its batch: the database's copy must agree on them.
IDENTITY_KEYS = ("kind", "digest", "seed", "created")


def same_batch_problem(manifest: Mapping[str, Any], meta: Mapping[str, Any] | None) -> str | None:
    """Why the database's manifest copy ``meta`` is of another batch than ``manifest`` (None
    when they agree, or when the database is of a version that kept no copy)."""
    if meta is None:
        return None
    differ = [k for k in IDENTITY_KEYS if k in manifest and meta.get(k) != manifest.get(k)]
    if not differ:
        return None
    shown = ", ".join(f"{k} {meta.get(k)!r} not {manifest.get(k)!r}" for k in differ[:2])
    return f"holds another batch's runs ({shown})"


def encode_frame(frame: pd.DataFrame) -> bytes:
    """A run's weekly table as compact bytes: column arrays, zlib-compressed.

    Numeric and boolean columns keep their dtype exactly; other columns go as JSON lists.
    """
    columns, parts = [], []
    for name in frame.columns:
        values = frame[name].to_numpy()
        if values.dtype.kind in "biuf":
            data = np.ascontiguousarray(values).tobytes()
            columns.append([str(name), values.dtype.str, len(data)])
        else:
            data = json.dumps([_plain(v) for v in values.tolist()]).encode()
            columns.append([str(name), "json", len(data)])
        parts.append(data)
    header = json.dumps({"rows": len(frame), "columns": columns}).encode()
    return zlib.compress(struct.pack("<I", len(header)) + header + b"".join(parts), 1)


def decode_frame(blob: bytes) -> pd.DataFrame:
    """The weekly table encoded by :func:`encode_frame`."""
    raw = zlib.decompress(blob)
    (size,) = struct.unpack_from("<I", raw)
    header = json.loads(raw[4:4 + size])
    pos, data = 4 + size, {}
    for name, dtype, length in header["columns"]:
        chunk = raw[pos:pos + length]
        pos += length
        data[name] = (json.loads(chunk) if dtype == "json"
                      else np.frombuffer(chunk, dtype=np.dtype(dtype)).copy())
    return pd.DataFrame(data, index=pd.RangeIndex(header["rows"]))


def git_commit(path: Path | None = None) -> str | None:
    """The git commit of the source tree holding ``path`` (default: this package), or None."""
    where = Path(path) if path is not None else Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and commit else None




def write_manifest(directory: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` atomically (a temp file in the same folder, then a rename),
    marked as cio-sim's own (:data:`cio_sim.files.OWNER_KEY`)."""
    target = Path(directory) / MANIFEST_NAME
    marked = {OWNER_KEY: OWNER, FORMAT_KEY: FORMAT,
              **{k: v for k, v in manifest.items() if k not in (OWNER_KEY, FORMAT_KEY)}}
    with replacing(target, "w") as fh:
        json.dump(marked, fh, indent=2, sort_keys=False, default=_plain)
        fh.write("\n")
    return target


def read_manifest(directory: Path) -> dict[str, Any]:
    """Read ``manifest.json`` from a results directory (StoreError if absent, broken or not
    written by cio-sim). Regular files of bounded size only (a FIFO or device gives one
    line)."""
    path = Path(directory) / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        if (Path(directory) / DB_NAME).exists():
            raise StoreError(manifest_damaged_message(path, "missing"))
        raise StoreError(f"{directory}: not a results directory (no {MANIFEST_NAME})")
    if path.is_symlink():
        raise StoreError(f"{path}: is a symbolic link; cio-sim reads only the manifest it "
                         "wrote")
    try:
        manifest = read_json(path, what="manifest")
    except FileRefused as exc:
        raise StoreError(manifest_damaged_message(path, _inner(str(exc), path))) from None
    if not isinstance(manifest, dict):
        raise StoreError(manifest_damaged_message(path, "not a JSON object"))
    if not is_owned_manifest(manifest):
        raise StoreError(foreign_message(path))
    return manifest


def _inner(message: str, path: Path) -> str:
    """The reason of a FileRefused message about ``path`` (without the path and the word
    'manifest')."""
    head = f"{path}: manifest "
    return message[len(head):] if message.startswith(head) else message


def foreign_message(path: Path) -> str:
    return (f"{path}: not a manifest written by cio-sim; cio-sim reads and writes only its "
            "own results folders (choose another folder)")


def check_results_folder(directory: Path) -> bool:
    """Refuse a folder cio-sim may not write results into (one line): only a new or empty
    folder, or one holding cio-sim's own manifest (or, its manifest lost, only store
    files). True when it holds something."""
    try:
        return check_owned(directory, MANIFEST_NAME, OWN_NAMES, anchor=DB_NAME,
                           ignore=(LOCK_NAME,))
    except FileRefused as exc:
        raise StoreError(str(exc)) from None


def check_output_folder(directory: Path, flag: str = "--to",
                        names: Sequence[str] = ()) -> None:
    """Refuse a folder for an export or report cio-sim may not write into (one line): new,
    empty, a results folder of cio-sim, or one marked as cio-sim's by an earlier export (a
    folder inside a results folder of cio-sim that holds only ``names`` counts as one, the
    default ``DIR/csv``). Any other folder is then marked as cio-sim's."""
    directory = Path(directory)
    marker = directory / OUTPUT_MARKER
    try:
        if (directory / MANIFEST_NAME).exists() and check_owned(
                directory, MANIFEST_NAME, OWN_NAMES, flag, DB_NAME, ignore=(LOCK_NAME,)):
            return
        legacy: Sequence[str] = ()
        parent = directory.parent / MANIFEST_NAME
        if names and parent.is_file() and not parent.is_symlink():
            with contextlib.suppress(FileRefused):
                legacy = names if is_owned_manifest(read_json(parent)) else ()
        check_owned(directory, OUTPUT_MARKER, (*legacy, OUTPUT_MARKER), flag,
                    anchor=None if legacy else OUTPUT_MARKER)
        make_dir(directory)
    except FileRefused as exc:
        raise StoreError(str(exc)) from None
    if legacy:  # inside a results folder of cio-sim: known by its file names, no marker
        return
    if not marker.exists():
        with replacing(marker, "w") as fh:
            json.dump({OWNER_KEY: OWNER, FORMAT_KEY: FORMAT, "kind": "export"}, fh)
            fh.write("\n")


def manifest_damaged_message(path: Path, reason: str) -> str:
    what = "missing" if reason == "missing" else f"damaged ({reason})"
    return (f"{path}: {what}; 'cio-sim repair {_q(Path(path).parent)}' rebuilds "
            "it from the database, then --resume finishes the batch")


def holds_results(directory: Path) -> bool:
    """True if ``directory`` already holds a manifest or a results database."""
    directory = Path(directory)
    return any((directory / name).exists() for name in (MANIFEST_NAME, DB_NAME))


def clear_results(directory: Path) -> None:
    """Remove the store files (manifest and database) from ``directory``; nothing else."""
    for name in STORE_FILES:
        (Path(directory) / name).unlink(missing_ok=True)


# ---------------------------------------------------------------------------- writer lock

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


# ---------------------------------------------------------------------------- the database

def _remove_tree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _sidecars(db: Path) -> list[Path]:
    """The database's WAL and shared-memory files (they belong with it when it moves)."""
    return [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]


def _probe(conn: sqlite3.Connection) -> set[str]:
    """The table names of an open database (reads the schema: fails on a damaged file)."""
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _has_checksum(conn: sqlite3.Connection, table: str) -> bool:
    """True when ``table`` has the checksum column (stores of earlier versions have none)."""
    return any(r[1] == "checksum" for r in conn.execute(f"PRAGMA table_info({table})"))


def _connect_readonly(db: Path, idle: bool = False) -> tuple[sqlite3.Connection, str | None]:
    """Open ``db`` without writing anything into or next to it. With no WAL file and no
    writer, the file is complete and is read as immutable (no -wal/-shm files are made);
    while a batch writes, read-only through the WAL; a WAL left by a killed batch in a folder
    that cannot be written is read from a temporary copy. Returns the connection and the
    temporary folder to remove afterwards (or None). ``idle``: the caller holds the writer
    lock, so no other process writes."""
    uri = db.resolve().as_uri()
    wal = _sidecars(db)[0]
    if (not wal.exists() or wal.stat().st_size == 0) and (
            idle or lock_holder(db.parent) is None):
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        return conn, None
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False,
                           isolation_level=None)
    try:
        conn.execute("BEGIN")  # one snapshot: every table read as of this moment
        _probe(conn)
        return conn, None
    except sqlite3.OperationalError:  # cannot make the -shm file: a read-only folder
        conn.close()
    tmpdir = tempfile.mkdtemp(prefix="cio-sim-read-")
    copy = Path(tmpdir) / DB_NAME
    shutil.copyfile(db, copy)
    if wal.exists():
        shutil.copyfile(wal, _sidecars(copy)[0])
    return sqlite3.connect(str(copy), check_same_thread=False), tmpdir


def _reading(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an error of reading a damaged database into a one-line StoreError."""
    @functools.wraps(method)
    def wrapper(self: ResultStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.ProgrammingError:  # a closed store: not damage
            raise
        except _DAMAGE as exc:
            raise self.damaged(exc) from None
    return wrapper


def _check_plain(db: Path) -> None:
    """Refuse a database that is a link or not a regular file (a FIFO would hang SQLite)."""
    if db.is_symlink():
        raise StoreError(f"{db}: is a symbolic link; cio-sim opens only the database it "
                         "wrote")
    try:
        mode = db.stat().st_mode
    except OSError as exc:
        raise StoreError(f"{db}: cannot be read ({_reason(exc)})") from None
    if not stat.S_ISREG(mode):
        raise StoreError(f"{db}: not a regular file (a folder, FIFO or device); cio-sim reads "
                         "only the database it wrote")


def _check_weekly(store: ResultStore, key: tuple[int, int, int], blob: Any,
                  checksum: str | None) -> pd.DataFrame:
    """The decoded weekly table of run ``key``, or the damage that makes it unreadable."""
    if not isinstance(blob, bytes):
        raise store.damaged(f"the weekly table of run {key} is not stored as bytes")
    if checksum is not None and weekly_checksum(key, blob) != checksum:
        raise store.damaged(f"the weekly table of run {key} does not match its checksum")
    return decode_frame(blob)


class ResultStore:
    """The SQLite database of one batch: a ``runs`` table, a ``weekly`` table (one
    compressed weekly table per run, present only when the batch keeps them) and ``meta``
    (a copy of the manifest).

    ``path=None`` keeps the database in a temporary file that is removed with the store, so
    a batch without an output folder costs no memory per run. ``readonly=True`` opens an
    existing database without writing to it or next to it (reports, read-only folders);
    ``idle=True`` tells it that the caller holds the writer lock.
    Only the process that owns the store writes to it; workers return their results.
    Reading a damaged database raises a one-line :class:`StoreError` that says how to
    recover.
    """

    def __init__(self, path: Path | None = None, readonly: bool = False, idle: bool = False):
        self._cleanup = None
        if path is None:
            tmpdir = tempfile.mkdtemp(prefix="cio-sim-batch-")
            self._cleanup = weakref.finalize(self, _remove_tree, tmpdir)
            path = Path(tmpdir) / DB_NAME
            self.path = None
        else:
            self.path = Path(path)
        self._where = Path(path)
        self.readonly = readonly
        if readonly:
            self._open_readonly(idle)
        else:
            self._open_writable()

    def _open_readonly(self, idle: bool) -> None:
        db = self._where
        if not db.exists():
            raise StoreError(f"{db.parent}: no {DB_NAME} next to {MANIFEST_NAME}; rerun the "
                             "batch with --resume to compute its runs")
        _check_plain(db)
        try:
            self.conn, tmpdir = _connect_readonly(db, idle)
            if tmpdir is not None:
                self._cleanup = weakref.finalize(self, _remove_tree, tmpdir)
            tables = _probe(self.conn)
        except _DAMAGE as exc:
            raise self.damaged(exc) from None
        except OSError as exc:
            raise StoreError(f"{db}: cannot be read ({_reason(exc)})") from None
        if "runs" not in tables:
            size = db.stat().st_size
            raise self.damaged("empty, 0 bytes" if size == 0 else "no runs table")

    def _open_writable(self) -> None:
        db = self._where
        if db.exists() or db.is_symlink():
            _check_plain(db)
        try:
            self.conn = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS runs (scenario_index INTEGER NOT NULL, "
                "point INTEGER NOT NULL, replication INTEGER NOT NULL, scenario TEXT NOT NULL, "
                "seed TEXT NOT NULL, error TEXT, params TEXT NOT NULL, summary TEXT NOT NULL, "
                "checksum TEXT, PRIMARY KEY (scenario_index, point, replication))")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS weekly (scenario_index INTEGER NOT NULL, "
                "point INTEGER NOT NULL, replication INTEGER NOT NULL, data BLOB NOT NULL, "
                "checksum TEXT, PRIMARY KEY (scenario_index, point, replication))")
            for table in ("runs", "weekly"):  # a store of an earlier version: no checksums yet
                if not _has_checksum(self.conn, table):
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN checksum TEXT")
            self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, "
                              "value TEXT NOT NULL)")
        except sqlite3.OperationalError as exc:
            raise write_error(db.parent, exc) from None
        except sqlite3.DatabaseError as exc:
            raise self.damaged(exc) from None

    def damaged(self, exc: BaseException | str) -> StoreError:
        """The one-line error for this database being damaged."""
        reason = exc if isinstance(exc, str) else _reason(exc)
        if self.path is None:
            return StoreError(f"temporary results database damaged ({reason})")
        return StoreError(damaged_message(self.path, reason))

    def close(self) -> None:
        self.conn.close()
        if self._cleanup is not None:
            self._cleanup()

    # -- writing

    def add_rows(self, rows: Sequence[Row],
                 weekly: Iterable[tuple[int, int, int, bytes]] = ()) -> None:
        """Store a block of whole runs (rows and encoded weekly tables) in one transaction."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ((*r[:8], row_checksum(r)) for r in rows))
                conn.executemany("INSERT INTO weekly VALUES (?, ?, ?, ?, ?)",
                                 ((*w[:4], weekly_checksum(w, w[3])) for w in weekly))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:  # disk full, I/O error
            raise self._write_failed(exc) from None

    def _write_failed(self, exc: BaseException) -> StoreError:
        try:
            stored: int | None = self.count()
        except (StoreError, sqlite3.Error):
            stored = None
        return write_error(self._where.parent, exc, stored)

    def write_meta(self, manifest: Mapping[str, Any]) -> None:
        """Keep a copy of the manifest in the database (what :mod:`.repair` rebuilds from)."""
        text = json.dumps(manifest, default=_plain)
        try:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('manifest', ?)", (text,))
        except sqlite3.OperationalError as exc:
            raise self._write_failed(exc) from None

    def add_run(self, key: tuple[int, int, int], scenario: str, seed: str,
                params: Mapping[str, Any], summary: Mapping[str, Any] | None,
                timeseries: pd.DataFrame | None, error: str | None) -> None:
        """Store one run (summary and weekly table) in a single transaction."""
        weekly = [] if timeseries is None or not len(timeseries) else [
            (*key, encode_frame(timeseries))]
        self.add_rows([run_row(key, scenario, seed, params, summary, error)], weekly)

    # -- reading

    @_reading
    def read_meta(self) -> dict[str, Any] | None:
        """The manifest copy kept in the database (None for stores made without one)."""
        if "meta" not in _probe(self.conn):
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'manifest'").fetchone()
        return json.loads(row[0]) if row else None

    @_reading
    def check(self) -> None:
        """Check every page of the database (``PRAGMA quick_check``); StoreError if damaged."""
        problems = [r[0] for r in self.conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise self.damaged("; ".join(problems))

    @_reading
    def verify(self) -> None:
        """Read every stored row as a reader does (UTF-8 text, JSON, checksums, weekly tables
        that decode); StoreError naming the first run that fails (what ``quick_check``,
        which looks at pages only, cannot see)."""
        runs_sum = "checksum" if _has_checksum(self.conn, "runs") else "NULL"
        for row in self.conn.execute(
                "SELECT scenario_index, point, replication, scenario, seed, error, params, "
                f"summary, {runs_sum} FROM runs"):
            json.loads(row[6])
            json.loads(row[7])
            if row[8] is not None and row_checksum(row) != row[8]:
                raise self.damaged(f"the run {tuple(row[:3])} does not match its checksum")
        if "weekly" not in _probe(self.conn):
            return
        weekly_sum = "checksum" if _has_checksum(self.conn, "weekly") else "NULL"
        for si, point, rep, blob, checksum in self.conn.execute(
                f"SELECT scenario_index, point, replication, data, {weekly_sum} FROM weekly"):
            _check_weekly(self, (si, point, rep), blob, checksum)

    @_reading
    def done_keys(self) -> set[tuple[int, int, int]]:
        """Keys (scenario_index, point, replication) of the runs already stored."""
        return {tuple(r) for r in self.conn.execute(
            "SELECT scenario_index, point, replication FROM runs")}

    @_reading
    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]

    @_reading
    def read_runs(self, with_point: bool = False) -> pd.DataFrame:
        """One row per run in (scenario, point, replication) order; metrics as columns."""
        checked = _has_checksum(self.conn, "runs")
        rows = self.conn.execute(
            "SELECT scenario_index, point, replication, scenario, seed, error, params, summary, "
            f"{'checksum' if checked else 'NULL'} FROM runs "
            "ORDER BY scenario_index, point, replication").fetchall()
        records = []
        for row in rows:
            if row[8] is not None and row_checksum(row) != row[8]:
                raise self.damaged(f"the run {tuple(row[:3])} does not match its checksum")
            _, point, rep, scenario, seed, error, params, summary, _ = row
            rec: dict[str, Any] = {"scenario": scenario}
            if with_point:
                rec["point"] = point
                rec.update(json.loads(params))
            rec["replication"] = rep
            rec["seed"] = seed
            rec.update(json.loads(summary))
            rec["error"] = error
            records.append(rec)
        if not records:
            cols = ["scenario", *(["point"] if with_point else []), "replication", "seed",
                    "error"]
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame.from_records(records)
        cols = [c for c in df.columns if c != "error"] + ["error"]
        df = df[cols]
        df["error"] = df["error"].astype(object).where(df["error"].notna(), None)
        return df

    def _legacy_weekly(self) -> bool:
        """True for a database of an earlier layout: weekly rows in a ``timeseries`` table."""
        tables = _probe(self.conn)
        return "timeseries" in tables and ("weekly" not in tables or self.conn.execute(
            "SELECT 1 FROM weekly LIMIT 1").fetchone() is None)

    def _iter_legacy(self, names: Sequence[str], with_point: bool,
                     chunksize: int) -> Iterator[pd.DataFrame]:
        """Weekly rows of the earlier layout (one SQL row per week), typed as written."""
        types = {r[1]: (r[2] or "").upper()
                 for r in self.conn.execute("PRAGMA table_info(timeseries)")}
        data_cols = [c for c in types if c not in KEY_COLUMNS]
        select = ", ".join('"' + c.replace('"', '""') + '"' for c in (*KEY_COLUMNS, *data_cols))
        cursor = self.conn.execute(f"SELECT {select} FROM timeseries ORDER BY scenario_index, "
                                   "point, replication, rowid")
        while rows := cursor.fetchmany(chunksize):
            df = pd.DataFrame.from_records(rows, columns=[*KEY_COLUMNS, *data_cols])
            for col in data_cols:
                kind, missing = types[col], df[col].isna().any()
                if kind == "REAL" or (kind == "INTEGER" and missing):
                    df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
                elif kind == "INTEGER":
                    df[col] = df[col].astype("int64")
                elif kind == "BOOLEAN" and not missing:
                    df[col] = df[col].astype(bool)
            df.insert(0, "scenario", [names[i] if 0 <= i < len(names) else str(i)
                                      for i in df["scenario_index"]])
            yield df.drop(columns=["scenario_index", *([] if with_point else ["point"])])

    def iter_timeseries(self, names: Sequence[str], with_point: bool = False,
                        chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
        """Weekly rows in run order, in chunks of about ``chunksize`` rows (for exports)."""
        try:
            yield from self._iter_timeseries(names, with_point, chunksize)
        except sqlite3.ProgrammingError:
            raise
        except _DAMAGE as exc:
            raise self.damaged(exc) from None

    def _iter_timeseries(self, names: Sequence[str], with_point: bool,
                         chunksize: int) -> Iterator[pd.DataFrame]:
        if self._legacy_weekly():
            yield from self._iter_legacy(names, with_point, chunksize)
            return
        checked = _has_checksum(self.conn, "weekly")
        cursor = self.conn.execute(
            "SELECT scenario_index, point, replication, data, "
            f"{'checksum' if checked else 'NULL'} FROM weekly "
            "ORDER BY scenario_index, point, replication")
        parts: list[pd.DataFrame] = []
        rows = 0
        for si, point, rep, blob, checksum in cursor:
            frame = _check_weekly(self, (si, point, rep), blob, checksum)
            lead = {"scenario": names[si] if 0 <= si < len(names) else str(si)}
            if with_point:
                lead["point"] = point
            lead["replication"] = rep
            for i, (col, value) in enumerate(lead.items()):
                frame.insert(i, col, value)
            parts.append(frame)
            rows += len(frame)
            if rows >= chunksize:
                yield pd.concat(parts, ignore_index=True)
                parts, rows = [], 0
        if parts:
            yield pd.concat(parts, ignore_index=True)

    def read_timeseries(self, names: Sequence[str], with_point: bool = False) -> pd.DataFrame:
        """All weekly rows: scenario, [point], replication, then the model's columns."""
        parts = list(self.iter_timeseries(names, with_point, chunksize=1_000_000))
        if parts:
            return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        lead = ["scenario", *(["point"] if with_point else []), "replication"]
        return pd.DataFrame(columns=lead)


# ---------------------------------------------------------------------------- results

#: Floats in CSV exports: six significant figures (221.233, not 221.23333333333332), far
#: finer than any replication interval; integers are written as they are.
CSV_FLOAT_FORMAT = "%.6g"


class BatchResult:
    """The outcome of a batch: ``runs`` (one row per run), ``timeseries`` and ``manifest``.

    Tables are read lazily from the store, so a result over many runs costs little memory
    until you ask for its timeseries.
    """

    def __init__(self, store: ResultStore, manifest: dict[str, Any], path: Path | None = None):
        self._store = store
        self.manifest = manifest
        self.path = Path(path) if path is not None else None
        self._runs: pd.DataFrame | None = None
        self._timeseries: pd.DataFrame | None = None
        #: One-line remarks of the batch that made this result (capped workers, nothing to
        #: resume); the CLI prints them.
        self.notes: list[str] = []

    def __repr__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        try:
            runs = f"{self._store.count()} runs"
        except sqlite3.Error:
            runs = "closed"
        return f"<BatchResult {self.manifest.get('name')!r}: {runs}{where}>"

    def close(self) -> None:
        """Close the database connection (tables already read stay available)."""
        self._store.close()

    def __enter__(self) -> BatchResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def _names(self) -> list[str]:
        return [s if isinstance(s, str) else s["name"]
                for s in self.manifest.get("scenarios", [])]

    @property
    def _with_point(self) -> bool:
        return self.manifest.get("kind") == "sweep"

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run: scenario, [point and its parameters], replication, seed,
        every summary metric, error."""
        if self._runs is None:
            self._runs = self._store.read_runs(self._with_point)
        return self._runs

    @property
    def timeseries(self) -> pd.DataFrame:
        """The model's weekly timeseries for every run, with scenario and replication
        (empty when the batch kept no weekly tables: manifest ``"weekly": false``)."""
        if self._timeseries is None:
            self._timeseries = self._store.read_timeseries(self._names, self._with_point)
        return self._timeseries

    def iter_timeseries(self, chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
        """The timeseries in chunks of rows, without loading them all."""
        return self._store.iter_timeseries(self._names, self._with_point, chunksize)

    @property
    def errors(self) -> pd.DataFrame:
        """The runs that raised, with their error text."""
        runs = self.runs
        return runs[runs["error"].notna()]

    @property
    def design_keys(self) -> list[str]:
        """The swept parameters (dotted keys) of a sweep; empty otherwise."""
        return list(self.manifest.get("design_keys", []))

    def metrics(self) -> list[str]:
        """Names of the numeric metrics: the summary keys present in ``runs`` (catalogue
        order), then the derived ones (like-for-like compliance)."""
        return comparison.metric_columns(self.metrics_frame(), self.design_keys)

    def metrics_frame(self) -> pd.DataFrame:
        """The successful runs with a ``label`` per scenario (or design point, by its
        parameter values) and the derived metrics as real columns."""
        return comparison.with_derived(comparison.label_runs(self.runs, self.design_keys))

    def summary_table(self, metrics: Sequence[str] | None = None,
                      level: float = 0.95) -> pd.DataFrame:
        """Mean and t-based confidence interval per metric per scenario (or design point).

        Long format: one row per (scenario, [point], metric) with n, mean, std, ci_low,
        ci_high, half_width and note (see :func:`cio_sim.comparison.summary_table`). In a
        sweep ``scenario`` names the point by its parameter values. NaN values (undefined
        rates) are left out of n.
        """
        table = comparison.summary_table(self.runs, metrics, level, self.design_keys)
        if "point" in table.columns:
            table = table.sort_values("point", kind="stable").reset_index(drop=True)
        return table

    def comparison_table(self, metrics: Sequence[str] | None = None,
                         level: float = 0.95) -> pd.DataFrame:
        """Metrics as rows, ``(scenario, statistic)`` as columns: the numbers of
        :meth:`summary_table` side by side (mean, ci_low, ci_high, half_width, n, note)."""
        return comparison.comparison_table(self.summary_table(metrics, level))

    def paired_table(self, baseline: str | None = None, metrics: Sequence[str] | None = None,
                     level: float = 0.95) -> pd.DataFrame:
        """Paired differences of every scenario against ``baseline`` (default the first):
        mean difference, its confidence interval and the share of replications in which each
        scenario does better (see :func:`cio_sim.comparison.paired_table`)."""
        return comparison.paired_table(self.runs, baseline, metrics, level, self.design_keys)

    def compliance_sets(self) -> tuple[dict[str, list[str]], list[str]]:
        """Kader strata judged per scenario, and the strata all share (like for like)."""
        return comparison.compliance_sets(comparison.label_runs(self.runs, self.design_keys))

    # -- export

    def _export_runs(self) -> pd.DataFrame:
        """Every run (failed ones too) with the derived metrics as real columns."""
        runs = self.runs.copy()
        derived = self.metrics_frame()
        if comparison.SHARED_COMPLIANCE in derived.columns:
            runs[comparison.SHARED_COMPLIANCE] = derived[comparison.SHARED_COMPLIANCE]
            runs = runs[[c for c in runs.columns if c != "error"] + ["error"]]
        return runs

    def _export_paired(self) -> pd.DataFrame | None:
        """The paired table against the first scenario (material differences included), for
        a comparison of two or more scenarios; None otherwise (one scenario, or a sweep)."""
        if self.design_keys or self.manifest.get("kind") == "sweep":
            return None
        paired = self.paired_table()
        return paired if len(paired) else None

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write runs.csv, timeseries.csv (streamed), summary.csv and, for a comparison,
        paired.csv (differences against the first scenario with the material-difference
        probabilities) into ``directory``; floats rounded to :data:`CSV_FLOAT_FORMAT`
        (Parquet keeps every digit)."""
        directory = Path(directory)
        check_output_folder(directory, names=EXPORT_CSV)
        runs_path = directory / "runs.csv"
        with replacing(runs_path) as fh:
            self._export_runs().to_csv(fh, index=False, float_format=CSV_FLOAT_FORMAT)
        ts_path = directory / "timeseries.csv"
        first = True
        with replacing(ts_path) as fh:
            for chunk in self.iter_timeseries():
                chunk.to_csv(fh, index=False, header=first, float_format=CSV_FLOAT_FORMAT)
                first = False
        summary_path = directory / "summary.csv"
        with replacing(summary_path) as fh:
            self.summary_table().to_csv(fh, index=False, float_format=CSV_FLOAT_FORMAT)
        paths = [runs_path, ts_path, summary_path]
        paired = self._export_paired()
        if paired is not None:
            paths.append(directory / "paired.csv")
            with replacing(paths[-1]) as fh:
                paired.to_csv(fh, index=False, float_format=CSV_FLOAT_FORMAT)
        return paths

    def to_parquet(self, directory: str | Path) -> list[Path]:
        """Write runs.parquet, timeseries.parquet, summary.parquet and, for a comparison,
        paired.parquet (needs pyarrow)."""
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise StoreError("Parquet export needs pyarrow: pip install 'cio-sim[parquet]'") \
                from None
        directory = Path(directory)
        check_output_folder(directory, names=EXPORT_PARQUET)
        paths = [directory / f"{n}.parquet" for n in ("runs", "timeseries", "summary")]
        runs = self._export_runs()
        runs["error"] = runs["error"].astype("string")
        for path, table in zip(paths, (runs, self.timeseries, self.summary_table()),
                               strict=True):
            with replacing(path, "wb") as fh:
                table.to_parquet(fh, index=False)
        paired = self._export_paired()
        if paired is not None:
            paths.append(directory / "paired.parquet")
            with replacing(paths[-1], "wb") as fh:
                paired.to_parquet(fh, index=False)
        return paths


def derive_status(manifest: Mapping[str, Any], stored: int, running: bool) -> str:
    """The true status of a store: ``running`` while a writer holds the lock, otherwise
    ``complete`` when every expected run is stored and ``incomplete`` when some are missing
    (interrupted, killed or failed midway). The status written in ``manifest.json`` is the
    one of the last transition a writer lived to record."""
    if running:
        return "running"
    expected = manifest.get("runs_expected")
    if isinstance(expected, int) and stored < expected:
        return "incomplete"
    return "complete"


def load_results(directory: str | Path) -> BatchResult:
    """Open a results directory written by a batch (``manifest.json`` + database).

    Opens the database read-only (a read-only folder works; nothing is written into it).
    ``manifest["status"]`` and ``manifest["runs_stored"]`` are derived from the stored rows
    (see :func:`derive_status`). A damaged database or manifest, or a database holding
    fewer runs than the manifest recorded, raises a one-line :class:`StoreError` that says
    how to recover.
    """
    if not isinstance(directory, str | os.PathLike):
        raise StoreError(f"directory: got {directory!r:.60}; allowed: the path of a results "
                         "folder")
    directory = Path(directory)
    manifest = read_manifest(directory)
    store = ResultStore(directory / DB_NAME, readonly=True)
    try:
        problem = same_batch_problem(manifest, store.read_meta())
        if problem is not None:
            raise store.damaged(problem)
        stored = store.count()
        recorded = manifest.get("runs_stored")
        if isinstance(recorded, int) and stored < recorded:
            raise store.damaged(f"holds {stored} runs, the manifest recorded {recorded}")
    except StoreError:
        store.close()
        raise
    manifest = {**manifest, "runs_stored": stored,
                "status": derive_status(manifest, stored, lock_holder(directory) is not None)}
    return BatchResult(store, manifest, directory)


__all__ = ["CSV_FLOAT_FORMAT", "BatchResult", "ResultStore", "Row", "StoreError",
           "StoreWriteError", "WriterLock", "busy_message", "check_output_folder",
           "check_results_folder", "clear_results", "damaged_message", "decode_frame",
           "derive_status", "encode_frame", "git_commit", "holds_results", "load_results",
           "lock_holder", "read_manifest", "run_row", "write_error", "write_manifest"]
