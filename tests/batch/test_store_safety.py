"""Results folders under stress: one writer at a time, clear refusals and notes, normal file
permissions, a failed batch that says so, a temporary store that goes away."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import cio_sim
from cio_sim.batch import BatchError, load_results, runner
from cio_sim.batch.store import MANIFEST_NAME, ResultStore, lock_holder
from cio_sim.cli import main, settings_label

SHORT = {"horizon_weeks": 8}


def _env() -> dict[str, str]:
    root = str(Path(cio_sim.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


def test_manifest_has_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        cio_sim.run_batch("consensus_2021", replications=1, overrides=SHORT, out=tmp_path / "m")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "m" / MANIFEST_NAME).stat().st_mode) == 0o644


def test_resume_mismatch_names_the_keys_and_suggests_out(tmp_path):
    out = tmp_path / "r"
    cio_sim.run_batch("consensus_2021", replications=2, overrides=SHORT, out=out)
    with pytest.raises(BatchError) as info:
        cio_sim.run_batch("consensus_2021", replications=2, out=out, resume=True,
                          overrides={"horizon_weeks": 9, "cio_beraad.slots": 3})
    text = str(info.value)
    assert "horizon_weeks (8 stored, 9 now)" in text and "cio_beraad.slots" in text
    assert "--out" in text and "\n" not in text


def test_resume_of_a_complete_batch_says_it_had_nothing_to_do(tmp_path):
    out = tmp_path / "c"
    first = cio_sim.run_batch("consensus_2021", replications=2, overrides=SHORT, out=out)
    assert first.notes == []
    again = cio_sim.run_batch("consensus_2021", replications=2, overrides=SHORT, out=out,
                              resume=True)
    assert any(n.startswith("nothing to do: all 2 runs") for n in again.notes)
    assert len(again.runs) == 2


def test_workers_capped_at_runs_and_cores_with_a_note():
    res = cio_sim.run_batch("consensus_2021", replications=2, overrides=SHORT, workers=64)
    assert res.manifest["workers"] <= 2
    assert any("--workers 64 capped at" in n for n in res.notes)


def test_every_run_failed_exits_nonzero_with_the_first_error(tmp_path, monkeypatch, capsys):
    class Broken(cio_sim.CIOModel):
        def run(self, steps=None):
            raise RuntimeError(f"broken {self.seed_sequence.spawn_key[0]}")

    monkeypatch.setattr(runner, "CIOModel", Broken)
    code = main(["run", "consensus_2021", "-n", "3", "--set", "horizon_weeks=4", "-q",
                 "--no-report", "--out", str(tmp_path / "f")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    label = settings_label("consensus_2021", ["horizon_weeks=4"])   # --set: its own label
    assert err == [f"cio-sim: error: every run failed (3); first ({label}, replication "
                   "0): RuntimeError: broken 0"]
    assert len(load_results(tmp_path / "f").runs) == 3  # the failures are stored


def test_batch_without_folder_keeps_no_database_in_memory():
    store = ResultStore(None)
    db = Path(store.conn.execute("PRAGMA database_list").fetchone()[2])
    assert db.exists()
    store.close()
    assert not db.exists()


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import cio_sim
    from cio_sim.batch import execute, plan_batch, Cell

    release = Path(sys.argv[2])

    class Waiting(cio_sim.CIOModel):
        def run(self, steps=None):
            while not release.exists():
                time.sleep(0.02)
            return super().run(steps)

    sc = cio_sim.load_scenario("consensus_2021", {"horizon_weeks": 8})
    plan = plan_batch("run", sc.name, [Cell(0, 0, sc)], [sc.name], 3, 1,
                      out=sys.argv[1], command="holder")
    execute(plan, model=Waiting)
""")


@pytest.mark.slow
def test_two_concurrent_writers_one_clean_refusal_and_an_intact_store(tmp_path):
    out, release = tmp_path / "busy", tmp_path / "release"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), str(release)],
                              env=_env(), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while lock_holder(out) is None or not (out / MANIFEST_NAME).exists():
            assert holder.poll() is None, holder.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert f"pid {holder.pid}" in lock_holder(out)
        seconds = [subprocess.Popen(
            [sys.executable, "-m", "cio_sim.cli", "run", "consensus_2021", "-n", "3",
             "--set", "horizon_weeks=8", "--out", str(out), "-q", "--no-report", *extra],
            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for extra in (["--resume"], [])]  # a resume and a fresh run, at the same time
        for second in seconds:
            _, err = second.communicate(timeout=120)
            lines = err.strip().splitlines()
            assert second.returncode == 2, err
            assert len(lines) == 1 and "another batch is writing to this folder" in lines[0]
            assert str(out) in lines[0] and f"pid {holder.pid}" in lines[0]
    finally:
        release.touch()
        holder.wait(timeout=120)
    assert holder.returncode == 0, holder.stderr.read()
    result = load_results(out)
    assert len(result.runs) == 3 and result.runs["error"].isna().all()
    assert result.manifest["status"] == "complete" and lock_holder(out) is None


def test_unreachable_scheduler_fails_fast_with_one_line(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from cio_sim.batch.executors import DaskExecutor

    monkeypatch.setattr(DaskExecutor, "connect_timeout", "0.5s")
    with pytest.raises(BatchError, match=r"cannot reach the Dask scheduler tcp://127\.0\.0\.1:9") \
            as info:
        cio_sim.run_batch("consensus_2021", replications=1, backend="dask",
                          scheduler="tcp://127.0.0.1:9", out=tmp_path / "never")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "never").exists()  # nothing written


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_worker_does_not_keep_the_writer_lock(tmp_path):
    """A worker forked while the lock is held must not hold it after the writer lets go (or
    dies): otherwise a batch killed with SIGKILL keeps its folder locked until its orphaned
    workers exit."""
    from cio_sim.batch.store import WriterLock

    ready_r, ready_w = os.pipe()
    with WriterLock(tmp_path, "test"):
        pid = os.fork()
        if pid == 0:                      # the child: outlive the writer's lock for a while
            os.write(ready_w, b"1")       # after fork: the at-fork handlers have run
            time.sleep(3)
            os._exit(0)
        os.read(ready_r, 1)
    os.close(ready_r)
    os.close(ready_w)
    try:
        assert lock_holder(tmp_path) is None
        with WriterLock(tmp_path, "second writer"):
            pass
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
