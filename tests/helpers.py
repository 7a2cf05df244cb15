"""Helpers shared by tests in several folders (importable because pytest puts tests/ on the
path, as for ``reference``)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any


def modules_after(code: str, *names: str) -> list[str]:
    """Which of ``names`` are imported after running ``code`` in a fresh interpreter."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {list(names)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def execute_notebook(path: Path, workdir: Path, timeout: int) -> Any:
    """Run a notebook top to bottom in ``workdir`` with a headless kernel; return it with its
    outputs (callers skip when nbformat, nbclient or ipykernel are missing)."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}}).execute()
    return nb


def outputs(nb: Any) -> list[dict]:
    """Every output of every code cell, in order."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def errors(nb: Any) -> list[dict]:
    """The error outputs."""
    return [o for o in outputs(nb) if o.get("output_type") == "error"]


def images(nb: Any) -> int:
    """How many outputs show a PNG image."""
    return sum("image/png" in o.get("data", {}) for o in outputs(nb))


def dump_store(folder: Path) -> tuple[list[tuple], list[tuple]]:
    """Every stored run and weekly table of the batch in ``folder``, byte for byte, in key
    order (read-only, so reading changes nothing)."""
    from cio_sim.batch.store import DB_NAME

    conn = sqlite3.connect(f"{(folder / DB_NAME).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT * FROM runs ORDER BY 1, 2, 3").fetchall(),
                conn.execute("SELECT * FROM weekly ORDER BY 1, 2, 3").fetchall())
    finally:
        conn.close()


def children(pid: int) -> set[int]:
    """Every process whose parent is ``pid`` (read from /proc: Linux only)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry))
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (neither gone nor a zombie)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def stored_runs(db: Path) -> int:
    """Runs stored in a results database so far (0 while it does not exist or is locked),
    read-only, while its batch may still write."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def gone_within(pids: set[int], seconds: float = 5.0) -> set[int]:
    """The processes of ``pids`` still alive after ``seconds`` (then killed, so that they are
    not left behind for the rest of the suite)."""
    import signal
    import time

    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive(pids)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def free_port() -> int:
    """A localhost TCP port free at this moment (for a server a test starts)."""
    import contextlib
    import socket

    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
