"""Attacks on processes: however the parent of a batch ends (SIGKILL, SIGTERM, Ctrl-C, at
start-up too), no worker outlives it by more than 5 s, and a signal the command can handle
gives one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import children, gone_within

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

ROOT = Path(__file__).resolve().parents[2]
BATCH = ["run", "consensus_2021", "-n", "400", "--workers", "2", "--no-report", "--quiet"]


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "cio_sim.cli", *args], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _workers(proc: subprocess.Popen, want: int = 2, within: float = 60) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        kids = children(proc.pid)
        if len(kids) >= want:
            return kids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the workers did not start")




@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_no_worker_outlives_its_parent(tmp_path, sig):
    proc = _start(tmp_path, *BATCH, "--out", "out")
    workers = _workers(proc)
    time.sleep(0.3)  # the workers are running models
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert not gone_within(workers), f"workers outlived the parent after {sig!r}"
    if sig != signal.SIGKILL:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert proc.returncode == 130, err
        assert len(lines) == 1 and lines[0].startswith("cio-sim: interrupted"), err


def _loading_numpy(pid: int, within: float = 30) -> None:
    """Wait until the process maps numpy's extension: the model stack is loading."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text():
                return
        except OSError:
            return
        time.sleep(0.005)


@pytest.mark.parametrize("delay", [0.0, 0.2])
def test_ctrl_c_during_start_up_prints_one_line(tmp_path, delay):
    """While the model stack loads (before the command's error handler existed, a 30-line
    traceback)."""
    proc = _start(tmp_path, *BATCH, "--out", "out")
    _loading_numpy(proc.pid)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("cio-sim: interrupted"), err


@pytest.mark.parametrize("command, sig", [
    (["compare", "consensus_2021", "keuzematrix", "-n", "200", "--no-report"], signal.SIGKILL),
    (["explore", str(ROOT / "experiments" / "explore_ci.toml")], signal.SIGTERM),
    (["explore", str(ROOT / "experiments" / "explore_ci.toml")], signal.SIGKILL),
], ids=["compare-SIGKILL", "explore-SIGTERM", "explore-SIGKILL"])
def test_no_worker_of_other_commands_outlives_its_parent(tmp_path, command, sig):
    """compare and explore too (explore also started a resource tracker): every child gone
    within 5 s."""
    if command[0] == "explore":
        pytest.importorskip("SALib")
    proc = _start(tmp_path, *command, "--workers", "2", "--quiet", "--out", "out")
    workers = _workers(proc)
    time.sleep(0.3)
    spawned = workers | children(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert not gone_within(spawned), f"children outlived {command[0]} after {sig!r}"
    if sig != signal.SIGKILL:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("cio-sim: interrupted"), err


def test_ctrl_c_while_the_report_is_written_names_the_stored_runs(tmp_path, monkeypatch,
                                                                  capsys):
    """After the batch finished the runs are stored: the line says so (it said 'nothing was
    stored')."""
    from cio_sim.cli import after_batch, main

    def interrupted(result, out):
        raise KeyboardInterrupt

    monkeypatch.setattr(after_batch, "write_report", interrupted)
    code = main(["run", "consensus_2021", "-n", "2", "--set", "horizon_weeks=8",
                 "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 130 and len(err) == 1, err
    assert err[0].startswith("cio-sim: interrupted after the batch finished; its 2 runs are "
                             f"stored in {tmp_path / 'out'}"), err
    assert main(["report", str(tmp_path / "out")]) == 0      # what the line says works
