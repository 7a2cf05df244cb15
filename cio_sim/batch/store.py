"""Results store: a directory with ``manifest.json`` and an SQLite database of whole runs.

Runs arrive in blocks: each block (the summary rows of many runs and, when kept, their weekly
tables, compressed by the workers) is written in one transaction, so a batch killed at any
moment leaves only whole runs and can be resumed. One process writes to a folder at a time
(:class:`WriterLock`). The manifest is replaced atomically (temp file + rename) with normal
file permissions, and a copy of it lives in the database (table ``meta``) so that a lost
manifest can be rebuilt (:mod:`.repair`). :func:`load_results` opens a directory read-only
(never writing into it) and derives the status from the stored rows and the lock, so a batch
killed at any moment is never reported as complete or running.

The parts, one job each: :mod:`.messages` (the one-line errors), :mod:`.codec` (a stored
row, its checksums, the weekly table's encoding), :mod:`.manifest` (file names, the
manifest, which folders may be written), :mod:`.lock` (the writer lock), :mod:`.database`
(:class:`ResultStore`), :mod:`.results` (:class:`BatchResult`, :func:`load_results`) and
:mod:`.export` (CSV and Parquet). Every name is importable from here as before.
"""

from __future__ import annotations

from .. import catalogue
from .codec import (
    KEY_COLUMNS,
    Row,
    decode_frame,
    encode_frame,
    row_checksum,
    run_row,
    weekly_checksum,
)
from .database import ResultStore
from .export import CSV_FLOAT_FORMAT, EXPORT_CSV, EXPORT_PARQUET
from .lock import WriterLock, busy_message, lock_holder
from .manifest import (
    DB_NAME,
    IDENTITY_KEYS,
    LOCK_NAME,
    MANIFEST_NAME,
    OUTPUT_MARKER,
    OWN_NAMES,
    STORE_FILES,
    check_output_folder,
    check_results_folder,
    clear_results,
    derive_status,
    git_commit,
    holds_results,
    read_manifest,
    same_batch_problem,
    write_manifest,
)
from .messages import (
    StoreError,
    StoreWriteError,
    damaged_message,
    foreign_message,
    manifest_damaged_message,
    not_writable_message,
    write_error,
    write_failed_message,
)
from .results import BatchResult, load_results

HEADLINE_METRICS = catalogue.HEADLINE

__all__ = ["CSV_FLOAT_FORMAT", "DB_NAME", "EXPORT_CSV", "EXPORT_PARQUET", "HEADLINE_METRICS",
           "IDENTITY_KEYS", "KEY_COLUMNS", "LOCK_NAME", "MANIFEST_NAME", "OUTPUT_MARKER",
           "OWN_NAMES", "STORE_FILES", "BatchResult", "ResultStore", "Row", "StoreError",
           "StoreWriteError", "WriterLock", "busy_message", "check_output_folder",
           "check_results_folder", "clear_results", "damaged_message", "decode_frame",
           "derive_status", "encode_frame", "foreign_message", "git_commit", "holds_results",
           "load_results", "lock_holder", "manifest_damaged_message", "not_writable_message",
           "read_manifest", "row_checksum", "run_row", "same_batch_problem", "weekly_checksum",
           "write_error", "write_failed_message", "write_manifest"]
