"""Local executor under the forkserver start method: its workers run tasks and end with the
client when it is killed (the forkserver outlives a killed client, so the workers watch the
client itself). The Dask backend's held signals: blocked while a cluster starts or closes,
handed over after."""

from __future__ import annotations

import json
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


HELD = """\
import json, os, signal, subprocess, time
from cio_sim.batch.executors import held_signals

before = signal.getsignal(signal.SIGINT)
with held_signals() as got:
    os.kill(os.getpid(), signal.SIGINT)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.1)
    during = list(got)
    pending = sorted(int(s) for s in signal.sigpending())
    child = subprocess.run(["grep", "SigBlk", "/proc/self/status"], capture_output=True,
                           text=True).stdout.split()[1]
print(json.dumps({"during": during, "pending": pending, "after": sorted(got),
                  "child_mask": child, "handler_back": signal.getsignal(signal.SIGINT) is before,
                  "mask_after": sorted(signal.pthread_sigmask(signal.SIG_BLOCK, []))}))
"""


def test_held_signals_block_ctrl_c_and_sigterm_and_hand_them_over_after() -> None:
    """Inside: both signals blocked, so nothing arrives, and a process started meanwhile
    has them blocked too (mask 0x4002); after: both reported, the old handler and mask
    back."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", HELD], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "during": [], "pending": [2, 15], "after": [2, 15], "child_mask": "0000000000004002",
        "handler_back": True, "mask_after": []}
