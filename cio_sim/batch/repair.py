"""Repair a damaged results folder: keep every intact run, move damaged files aside, rebuild
the manifest, so that ``--resume`` finishes the batch exactly.

Nothing is deleted: a damaged ``results.sqlite`` (with its WAL file) or ``manifest.json`` is
renamed to ``<name>.damaged-<UTC time>``. Runs are salvaged whole (a run whose weekly table
cannot be read is dropped when the batch keeps weekly tables) and copied byte for byte, so the
resumed store is identical to one from an uninterrupted batch.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shlex
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .store import (
    DB_NAME,
    MANIFEST_NAME,
    ResultStore,
    Row,
    StoreError,
    WriterLock,
    check_results_folder,
    decode_frame,
    derive_status,
    read_manifest,
    row_checksum,
    same_batch_problem,
    weekly_checksum,
    write_manifest,
)

#: What :func:`salvage` returns: whole runs, their weekly tables and the manifest copy.
Weekly = tuple[int, int, int, bytes]


@dataclass
class Repair:
    """What :func:`repair_store` found and did, as one-line messages."""

    directory: Path
    kept: int = 0
    expected: int | None = None
    status: str = ""
    actions: list[str] = field(default_factory=list)
    command: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.actions)

    def lines(self) -> list[str]:
        """The report: what was done, then the status and how to continue."""
        head = (f"repaired {self.directory}:" if self.changed else
                f"{self.directory}: nothing damaged")
        of = f" of {self.expected}" if self.expected is not None else ""
        tail = f"status {self.status}: {self.kept}{of} runs stored"
        if self.status == "incomplete":
            tail += f"; continue with: {resume_command(self.command, self.directory)}"
        return [head, *(f"  {a}" for a in self.actions), tail]


def resume_command(command: str | None, directory: Path | None = None) -> str:
    """The command that continues a batch: its own CLI command with --resume (no --force),
    writing into ``directory`` (the folder repaired, wherever the batch first wrote)."""
    if not command or not command.startswith("cio-sim "):
        return ("the same command with --resume" if directory is None else
                f"the same command with --resume --out {shlex.quote(str(directory))}")
    try:
        words = [w for w in shlex.split(command) if w != "--force"]
    except ValueError:
        return "the same command with --resume"
    if directory is not None:
        kept: list[str] = []
        skip = False
        for w in words:
            if skip:
                skip = False
            elif w in ("--out", "-o"):
                skip = True
            elif not w.startswith("--out="):
                kept.append(w)
        words = [*kept, "--out", str(directory)]
    if "--resume" not in words:
        words.append("--resume")
    return shlex.join(words)


def _stamp() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _move_aside(path: Path, stamp: str) -> Path:
    """Rename ``path`` (and a database's -wal/-shm files with it) to ``*.damaged-<stamp>``."""
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target


def _rows(conn: sqlite3.Connection, table: str, columns: str, bound: int,
          check: Callable[[tuple[Any, ...]], bool]) -> dict[tuple[int, int, int], tuple]:
    """Every readable row of ``table`` by key: a full scan, then row by row (rowids run from
    1 because rows are never deleted), skipping what a damaged page hides."""
    found: dict[tuple[int, int, int], tuple] = {}
    seen: set[int] = set()

    def keep(row: tuple) -> None:
        seen.add(row[0])
        with contextlib.suppress(Exception):
            if check(row[1:]):
                found.setdefault(tuple(row[1:4]), row[1:])

    with contextlib.suppress(sqlite3.DatabaseError):
        for row in conn.execute(f"SELECT rowid, {columns} FROM {table}"):
            keep(row)
    top = max([bound, *seen]) if seen else bound
    for rowid in range(1, top + 1):
        if rowid in seen:
            continue
        with contextlib.suppress(sqlite3.DatabaseError):
            row = conn.execute(f"SELECT rowid, {columns} FROM {table} WHERE rowid = ?",
                               (rowid,)).fetchone()
            if row is not None:
                keep(row)
    return found


def _run_ok(row: tuple) -> bool:
    """A run row a reader can use: its types, its JSON and (when stored) its checksum."""
    si, point, rep, scenario, seed, error, params, summary, checksum = row
    json.loads(params)
    json.loads(summary)
    return (all(isinstance(v, int) for v in (si, point, rep)) and isinstance(scenario, str)
            and isinstance(seed, str) and (error is None or isinstance(error, str))
            and (checksum is None or row_checksum(row) == checksum))


def _weekly_ok(row: tuple) -> bool:
    """A weekly table a reader can decode, matching its checksum when one is stored."""
    if not isinstance(row[3], bytes):
        return False
    decode_frame(row[3])
    return row[4] is None or weekly_checksum(row[:3], row[3]) == row[4]


def _columns(conn: sqlite3.Connection, table: str) -> str:
    """The columns :func:`_run_ok` / :func:`_weekly_ok` check (NULL for a missing checksum)."""
    base = (RUN_COLUMNS if table == "runs" else WEEKLY_COLUMNS)
    with contextlib.suppress(sqlite3.DatabaseError):
        if any(r[1] == "checksum" for r in conn.execute(f"PRAGMA table_info({table})")):
            return f"{base}, checksum"
    return f"{base}, NULL"


RUN_COLUMNS = "scenario_index, point, replication, scenario, seed, error, params, summary"
WEEKLY_COLUMNS = "scenario_index, point, replication, data"


def salvage(db: Path, expected: int = 0,
            weekly_kept: bool = True) -> tuple[list[Row], list[Weekly], dict[str, Any] | None]:
    """The whole runs that can still be read from a damaged database (read from a temporary
    copy; ``db`` is not touched), their weekly tables and the manifest copy (or None).
    ``expected`` bounds the row-by-row search. With ``weekly_kept`` a successful run whose
    weekly table is lost is left out, so that it is run again."""
    tmpdir = tempfile.mkdtemp(prefix="cio-sim-salvage-")
    try:
        copy = Path(tmpdir) / DB_NAME
        shutil.copyfile(db, copy)
        wal = db.with_name(db.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        conn = sqlite3.connect(str(copy))
        try:
            conn.execute("PRAGMA writable_schema=ON")  # read a truncated file up to its end
            try:
                tables = {r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")}
            except sqlite3.DatabaseError:
                return [], [], None
            runs = (_rows(conn, "runs", _columns(conn, "runs"), expected, _run_ok)
                    if "runs" in tables else {})
            weekly = (_rows(conn, "weekly", _columns(conn, "weekly"), expected, _weekly_ok)
                      if "weekly" in tables else {})
            meta = None
            if "meta" in tables:
                with contextlib.suppress(sqlite3.DatabaseError, ValueError, TypeError):
                    row = conn.execute("SELECT value FROM meta WHERE key = 'manifest'")\
                        .fetchone()
                    meta = json.loads(row[0]) if row else None
        finally:
            conn.close()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    keys = sorted(k for k, row in runs.items()
                  if not weekly_kept or row[5] is not None or k in weekly)
    return ([runs[k] for k in keys], [weekly[k] for k in keys if k in weekly],
            meta if isinstance(meta, dict) else None)


def _inspect(db: Path) -> tuple[str | None, dict[str, Any] | None, int]:
    """(problem or None, manifest copy, stored runs) of the database ``db``."""
    try:
        store = ResultStore(db, readonly=True, idle=True)
    except StoreError as exc:
        return str(exc), None, 0
    try:
        store.check()
        store.verify()
        return None, store.read_meta(), store.count()
    except StoreError as exc:
        return str(exc), None, 0
    except sqlite3.DatabaseError as exc:
        return f"damaged ({' '.join(str(exc).split())})", None, 0
    finally:
        store.close()


def _problem(message: str) -> str:
    """The reason inside a one-line damage message ('...: damaged (REASON); ...')."""
    head, _, rest = message.partition(": damaged (")
    return rest.rsplit("); ", 1)[0] if rest else head


def repair_store(directory: str | Path) -> Repair:
    """Repair a results folder in place (takes the writer lock) and say what was done.

    A damaged or empty database is moved aside and its intact runs are copied into a new
    one; a damaged or missing manifest is moved aside and rebuilt from the copy kept in the
    database; a manifest whose status or run count is no longer true is rewritten. Raises
    :class:`StoreError` when the folder is busy or nothing tells which batch it holds.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise StoreError(f"{directory}: not a folder")
    check_results_folder(directory)
    db, mpath = directory / DB_NAME, directory / MANIFEST_NAME
    if not db.exists() and not mpath.exists():
        raise StoreError(f"{directory}: not a results directory (no {MANIFEST_NAME} and no "
                         f"{DB_NAME})")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StoreError(f"{directory}: cannot repair a folder that cannot be written; copy "
                         "it somewhere writable and repair the copy")
    with WriterLock(directory, "cio-sim repair"):
        return _repair(directory, db, mpath)


def _repair(directory: Path, db: Path, mpath: Path) -> Repair:
    report = Repair(directory)
    manifest, manifest_problem = None, None
    try:
        manifest = read_manifest(directory)
    except StoreError as exc:
        manifest_problem = "missing" if not mpath.exists() else _problem(str(exc))
    db_problem, meta, stored = (_inspect(db) if db.exists() else (None, None, 0))
    rows: list[Row] = []
    weekly: list[Weekly] = []
    special = db.exists() and not stat.S_ISREG(db.lstat().st_mode)
    other = (same_batch_problem(manifest, meta) if manifest is not None and db_problem is None
             else None)
    if special:  # a FIFO or device: never read, moved aside
        db_problem = f"{DB_NAME}: damaged (not a regular file: a FIFO or device); "
    elif other is not None:  # another batch's database: moved aside whole, none of it kept
        db_problem = f"{DB_NAME}: damaged ({other}); "
    elif db_problem is not None:
        identity = manifest or {}
        expected = identity.get("runs_expected") if isinstance(
            identity.get("runs_expected"), int) else 0
        rows, weekly, meta = salvage(db, expected, bool(identity.get("weekly", True)))
    identity = manifest if manifest is not None else meta
    if identity is None:
        where = f"{DB_NAME} holds no copy of it" if db.exists() else f"no {DB_NAME}"
        raise StoreError(f"{mpath}: {manifest_problem} and cannot be rebuilt ({where}); the "
                         "folder is left as it is: run the batch again into a new --out")
    stamp = _stamp()
    if db_problem is not None:
        moved = _move_aside(db, stamp)
        store = ResultStore(db)
        if rows:
            store.add_rows(rows, weekly)
        stored = store.count()
        store.close()
        report.actions.append(f"{DB_NAME}: {_problem(db_problem)}; moved aside to "
                              f"{moved.name}; kept {stored} whole runs in a new {DB_NAME}")
    if manifest is None:
        if mpath.exists():
            moved = _move_aside(mpath, stamp)
            report.actions.append(f"{MANIFEST_NAME}: {manifest_problem}; moved aside to "
                                  f"{moved.name}; rebuilt from the copy in {DB_NAME}")
        else:
            report.actions.append(f"{MANIFEST_NAME}: missing; rebuilt from the copy in "
                                  f"{DB_NAME}")
    new = dict(identity)
    status = derive_status(new, stored, False)
    recorded = new.get("runs_stored")
    if manifest is not None and isinstance(recorded, int) and recorded > stored \
            and db_problem is None:
        holds = f"holds {stored} runs" if db.exists() else "is missing"
        report.actions.append(f"{DB_NAME} {holds}, the manifest recorded {recorded}: the "
                              f"manifest now says {stored}")
    elif manifest is not None and new.get("status") != status and not report.actions:
        report.actions.append(f"{MANIFEST_NAME}: status {new.get('status')!r} was not true "
                              f"(no batch is running): now {status!r}")
    if report.actions:
        new["runs_stored"] = stored
        new["status"] = status
        new["updated"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        new["repaired"] = [*new.get("repaired", []), new["updated"]]
        if db.exists():
            store = ResultStore(db)
            store.write_meta(new)
            store.close()
        write_manifest(directory, new)
    report.kept, report.status, report.command = stored, status, new.get("command")
    expected = new.get("runs_expected")
    report.expected = expected if isinstance(expected, int) else None
    return report


__all__ = ["Repair", "repair_store", "resume_command", "salvage"]
