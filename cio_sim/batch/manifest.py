"""The manifest of a results folder: its file names, writing and reading ``manifest.json``
(marked as cio-sim's, regular files of bounded size only), whether a folder may be written
into, whether a database is of the manifest's batch, and the true status of a store."""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..files import (
    FORMAT,
    FORMAT_KEY,
    OWNER,
    OWNER_KEY,
    FileRefused,
    check_owned,
    is_owned_manifest,
    make_dir,
    read_json,
    replacing,
)
from .codec import plain
from .messages import StoreError, foreign_message, manifest_damaged_message

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
        json.dump(marked, fh, indent=2, sort_keys=False, default=plain)
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


def holds_results(directory: Path) -> bool:
    """True if ``directory`` already holds a manifest or a results database."""
    directory = Path(directory)
    return any((directory / name).exists() for name in (MANIFEST_NAME, DB_NAME))


def clear_results(directory: Path) -> None:
    """Remove the store files (manifest and database) from ``directory``; nothing else."""
    for name in STORE_FILES:
        (Path(directory) / name).unlink(missing_ok=True)


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



__all__ = ["DB_NAME", "IDENTITY_KEYS", "LOCK_NAME", "MANIFEST_NAME", "OUTPUT_MARKER",
           "OWN_NAMES", "STORE_FILES", "check_output_folder", "check_results_folder",
           "clear_results", "derive_status", "git_commit", "holds_results", "read_manifest",
           "same_batch_problem", "write_manifest"]
