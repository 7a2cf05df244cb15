"""Local executor under the forkserver start method: its workers run tasks and end with the
client when it is killed (the forkserver outlives a killed client, so the workers watch the
client itself)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import alive, children

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ("from cio_sim.batch import executors\n"
          "import cio_sim\n"
          "executors.START_METHOD = 'forkserver'\n"
          "cio_sim.run_batch('consensus_2021', replications=5000, workers=2, weekly=False)\n")


def test_forkserver_workers_end_when_the_client_is_killed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:   # the forkserver's children
        assert proc.poll() is None, proc.communicate()[1]
        workers = {w for kid in children(proc.pid) for w in children(kid)}
        time.sleep(0.05)
    assert len(workers) >= 2, "the forkserver's workers did not start"
    helpers = children(proc.pid)                 # the forkserver and the resource tracker
    time.sleep(0.5)                               # the workers are running models
    assert alive(workers) == workers, "a forkserver worker ended at start"
    proc.kill()
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while alive(workers | helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive(workers | helpers)
    for pid in left:                              # leave nothing behind for the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes outlived the killed client: {sorted(left)}"
