"""Shared parts of the attack tests: a folder's fingerprint, the CLI in this process with a
deadline, and the one-line check."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

from cio_sim.cli import main

#: A progress line of a batch ("name: 3/6 runs (50%), 0 s"), not a message.
PROGRESS = re.compile(r": \d+/\d+ runs \(\d+%\)")
#: Seconds any attack may take before it counts as a hang.
DEADLINE = 20


def fingerprint(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (links not followed): kind and content hash. SQLite's
    shared-memory index (``*-shm``, rewritten by any reader of a WAL database) is left out."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            if name.endswith("-shm"):
                continue
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "special"
    return found


@contextlib.contextmanager
def deadline(seconds: int = DEADLINE) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block takes longer than ``seconds``."""
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"attack took more than {seconds} s (a hang)")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def cli(capsys, *args: str) -> tuple[int, str, list[str]]:
    """Run ``cio-sim ARGS`` in this process: exit code, stdout, stderr lines."""
    capsys.readouterr()
    with deadline():
        code = main([str(a) for a in args])
    captured = capsys.readouterr()
    err = [line for line in captured.err.splitlines()
           if line and not line.startswith("cio-sim: writing report")
           and not PROGRESS.search(line)]
    return code, captured.out, err


def refused(code: int, err: list[str], *needles: str) -> None:
    """Exit 2 with exactly one line, no traceback, naming what it should."""
    assert code == 2, err
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    for needle in needles:
        assert needle in err[0], err[0]
