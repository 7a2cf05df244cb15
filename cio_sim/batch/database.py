"""The SQLite database of one batch (:class:`ResultStore`): whole runs written a block per
transaction, read-only opening that writes nothing into a folder and reads one snapshot, and
every read turning damage into one line that says how to recover."""

from __future__ import annotations

import functools
import json
import shutil
import sqlite3
import stat
import struct
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codec import (
    KEY_COLUMNS,
    Row,
    decode_columns,
    encode_frame,
    plain,
    row_checksum,
    run_row,
    weekly_checksum,
)
from .lock import lock_holder
from .manifest import DB_NAME, MANIFEST_NAME
from .messages import StoreError, damaged_message, reason_of, write_error

#: Errors of reading a damaged database or weekly table.
_DAMAGE = (sqlite3.DatabaseError, zlib.error, struct.error, json.JSONDecodeError,
           UnicodeDecodeError)


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
        raise StoreError(f"{db}: cannot be read ({reason_of(exc)})") from None
    if not stat.S_ISREG(mode):
        raise StoreError(f"{db}: not a regular file (a folder, FIFO or device); cio-sim reads "
                         "only the database it wrote")


def _check_weekly(store: ResultStore, key: tuple[int, int, int], blob: Any,
                  checksum: str | None) -> tuple[int, dict[str, Any]]:
    """The decoded weekly table of run ``key`` (row count and columns), or the damage that
    makes it unreadable."""
    if not isinstance(blob, bytes):
        raise store.damaged(f"the weekly table of run {key} is not stored as bytes")
    if checksum is not None and weekly_checksum(key, blob) != checksum:
        raise store.damaged(f"the weekly table of run {key} does not match its checksum")
    return decode_columns(blob)


def _weekly_frame(runs: list[tuple[dict[str, Any], int, dict[str, Any]]]) -> pd.DataFrame:
    """Several runs' weekly tables as one frame: each run's lead columns (scenario, [point],
    replication) over its rows, then its columns. Built column by column when every run has
    the same columns of the same dtypes (a batch's runs do), else run by run as
    ``pd.concat`` aligns them."""
    def shape(columns: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(k, getattr(v, "dtype", None)) for k, v in columns.items()]

    first = shape(runs[0][2])
    if any(dtype is None for _, dtype in first) or any(shape(c) != first for _, _, c in runs):
        frames = []
        for lead, n, columns in runs:
            frame = pd.DataFrame(columns, index=pd.RangeIndex(n))
            for i, (col, value) in enumerate(lead.items()):
                frame.insert(i, col, value)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)
    counts = [n for _, n, _ in runs]
    data = {k: np.repeat(np.array([lead[k] for lead, _, _ in runs]), counts)
            for k in runs[0][0]}
    data.update({k: np.concatenate([columns[k] for _, _, columns in runs]) for k, _ in first})
    return pd.DataFrame(data)


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
            raise StoreError(f"{db}: cannot be read ({reason_of(exc)})") from None
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
        reason = exc if isinstance(exc, str) else reason_of(exc)
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
        text = json.dumps(manifest, default=plain)
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
    def summaries(self) -> dict[tuple[int, int, int], tuple[dict[str, Any] | None, str | None]]:
        """Every stored run's summary as stored (None for a run that failed) and its error,
        by key (scenario_index, point, replication), each row checked against its checksum:
        what an exploration's stages read back, without a frame."""
        checked = _has_checksum(self.conn, "runs")
        out = {}
        for row in self.conn.execute(
                "SELECT scenario_index, point, replication, scenario, seed, error, params, "
                f"summary, {'checksum' if checked else 'NULL'} FROM runs"):
            if row[8] is not None and row_checksum(row) != row[8]:
                raise self.damaged(f"the run {tuple(row[:3])} does not match its checksum")
            out[tuple(row[:3])] = (None if row[5] else json.loads(row[7]), row[5])
        return out

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
        parts: list[tuple[dict[str, Any], int, dict[str, Any]]] = []
        rows = 0
        for si, point, rep, blob, checksum in cursor:
            n, columns = _check_weekly(self, (si, point, rep), blob, checksum)
            lead: dict[str, Any] = {"scenario": names[si] if 0 <= si < len(names) else str(si)}
            if with_point:
                lead["point"] = point
            lead["replication"] = rep
            parts.append((lead, n, columns))
            rows += n
            if rows >= chunksize:
                yield _weekly_frame(parts)
                parts, rows = [], 0
        if parts:
            yield _weekly_frame(parts)

    def read_timeseries(self, names: Sequence[str], with_point: bool = False) -> pd.DataFrame:
        """All weekly rows: scenario, [point], replication, then the model's columns."""
        parts = list(self.iter_timeseries(names, with_point, chunksize=1_000_000))
        if parts:
            return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        lead = ["scenario", *(["point"] if with_point else []), "replication"]
        return pd.DataFrame(columns=lead)




__all__ = ["ResultStore"]
