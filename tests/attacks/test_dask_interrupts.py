"""Attacks on the Dask backend's processes: Ctrl-C (SIGINT to the whole process group, as a
terminal sends it) or SIGTERM while the LocalCluster starts or in the middle of a batch gives
exactly one line and exit 130 (before: an AssertionError traceback from distributed's exit
hook, KeyboardInterrupt tracebacks from every worker, CommClosedError log lines, a leaked
semaphore, 'interrupted' lines from the workers), no process of the cluster outlives the
command by more than 5 s, and ``--resume`` then completes to the uninterrupted run's rows.

The command is started the way the console script starts it (a script named ``cio-sim``):
spawned workers re-import that script with the parent's argv."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import children, dump_store, gone_within, stored_runs

from cio_sim.batch.store import DB_NAME

pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

ROOT = Path(__file__).resolve().parents[2]
BATCH = ["run", "consensus_2021", "-n", "40", "--no-report", "--quiet"]
DASK = ["--backend", "dask", "--workers", "2"]
#: What must not reach the terminal after an interrupt.
NOISE = ("Traceback", "distributed", "CommClosedError", "leaked", "resource_tracker",
         "Nanny", "Error")


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    """``cio-sim ARGS`` in its own process group (a terminal's Ctrl-C reaches the group)."""
    script = tmp_path / "cio-sim"
    script.write_text("import sys\nfrom cio_sim.cli import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(script), *args], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)




def _interrupt(proc: subprocess.Popen, sig: int, group: bool, when, within: float = 90
               ) -> tuple[str, set[int]]:
    """Send ``sig`` (to the group or the parent) once ``when(children)`` holds; return
    stderr and every child the command had."""
    seen: set[int] = set()
    deadline = time.monotonic() + within
    while not when(seen):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the moment to interrupt never came"
        seen |= children(proc.pid)
        time.sleep(0.02)
    seen |= children(proc.pid)
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    return err, seen




def _one_line(proc: subprocess.Popen, err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert proc.returncode == 130, err
    assert len(lines) == 1 and lines[0].startswith("cio-sim: interrupted"), err
    assert not [word for word in NOISE if word in err], err
    return lines[0]


SIGNALS = [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGTERM, True)]
IDS = ["ctrl-c", "sigterm", "sigterm-group"]


@pytest.mark.parametrize("sig, group", SIGNALS, ids=IDS)
def test_interrupt_while_the_cluster_starts(tmp_path, sig, group):
    """As soon as the first process of the cluster exists (the resource tracker, then the
    workers): before, 20 of 20 tries printed distributed's AssertionError traceback."""
    proc = _start(tmp_path, *BATCH, *DASK, "--out", "out")
    err, spawned = _interrupt(proc, sig, group, lambda seen: len(seen) >= 1)
    assert _one_line(proc, err) == "cio-sim: interrupted; nothing was stored", err
    assert not gone_within(spawned | children(proc.pid)), "cluster processes outlived it"


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    """The batch run whole (on local processes: results never depend on the backend)."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    done = subprocess.run([sys.executable, "-m", "cio_sim.cli", *BATCH, "--workers", "2",
                           "--out", str(folder / "out")], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return folder / "out"


@pytest.mark.parametrize("sig, group", SIGNALS[::2], ids=IDS[::2])
def test_interrupt_mid_batch_keeps_runs_and_resumes_exactly(tmp_path, sig, group,
                                                            uninterrupted):
    """Once runs are stored: one line naming them, no worker left, and ``--resume`` on the
    cluster completes to the uninterrupted run's rows, byte for byte (before: 4 of 4
    Ctrl-Cs printed the workers' KeyboardInterrupt tracebacks or CommClosedError lines)."""
    out = tmp_path / "out"
    proc = _start(tmp_path, *BATCH, *DASK, "--out", str(out))
    err, spawned = _interrupt(proc, sig, group, lambda seen: stored_runs(out / DB_NAME) >= 1)
    line = _one_line(proc, err)
    assert line.endswith("continue with --resume"), line
    assert not gone_within(spawned), "cluster processes outlived the command"
    kept = stored_runs(out / DB_NAME)
    assert 1 <= kept < 40 and f"{kept} runs stored" in line
    resumed = _start(tmp_path, *BATCH, *DASK, "--out", str(out), "--resume")
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert dump_store(out) == dump_store(uninterrupted)


def test_a_killed_command_leaves_no_process_and_no_warning(tmp_path):
    """SIGKILL mid-batch: nothing to print, and no cluster process outlives the command by
    5 s (before: 6 of 6 kills ended with the resource tracker's "There appear to be 12 leaked
    semaphore objects" on the terminal)."""
    out = tmp_path / "out"
    proc = _start(tmp_path, *BATCH, *DASK, "--out", str(out))
    err, spawned = _interrupt(proc, signal.SIGKILL, False,
                              lambda seen: stored_runs(out / DB_NAME) >= 1)
    assert proc.returncode == -signal.SIGKILL
    assert not gone_within(spawned), "cluster processes outlived the killed command"
    assert not err.strip(), err
