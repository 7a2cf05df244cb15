"""Results folders that are damaged, interrupted, full or read-only: one clean line (exit code,
at most 3 lines, no traceback), a status that stays true, and, where the stored runs were
intact, a resume that ends bit-identical to an uninterrupted batch."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import dump_store

import cio_sim
from cio_sim.batch import BatchError, StoreError, load_results, runner
from cio_sim.batch.store import DB_NAME, MANIFEST_NAME, ResultStore
from cio_sim.cli import main

N = 6


def run_args(out: Path, *extra: str, n: int = N) -> list[str]:
    return ["run", "consensus_2021", "-n", str(n), "--set", "horizon_weeks=6", "-q",
            "--no-report", "--weekly", "--out", str(out), *extra]


def cli(capsys, args: list[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    # the line announcing the report is information, not a message about the store
    return code, [line for line in err if not line.startswith("cio-sim: writing report")]


def assert_clean(code: int, err: list[str], expected: int, *needles: str) -> None:
    assert code == expected, err
    assert 1 <= len(err) <= 3, err
    text = "\n".join(err)
    assert "Traceback" not in text
    for needle in needles:
        assert needle in text, text


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted batch of N runs (the rows every recovery must end with)."""
    out = tmp_path_factory.mktemp("ref") / "ref"
    assert main(run_args(out)) == 0
    conn = sqlite3.connect(out / DB_NAME)  # every run into the database file itself
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return out


@pytest.fixture
def copy_of(reference, tmp_path):
    def make(name: str = "r") -> Path:
        target = tmp_path / name
        target.mkdir()
        for store_file in (MANIFEST_NAME, DB_NAME):
            shutil.copyfile(reference / store_file, target / store_file)
        return target
    return make


def interrupt_after(monkeypatch, capsys, out: Path, k: int) -> None:
    """A batch stopped by Ctrl-C while running replication ``k`` (0..k-1 are stored)."""
    class Interrupted(cio_sim.CIOModel):
        def run(self, steps=None):
            if self.seed_sequence.spawn_key[0] == k:
                raise KeyboardInterrupt
            return super().run(steps)

    with monkeypatch.context() as m:
        m.setattr(runner, "CIOModel", Interrupted)
        m.setattr(runner, "BLOCK_SECONDS", 0.0)
        code, err = cli(capsys, run_args(out))
    assert_clean(code, err, 130, "interrupted; " + (
        "no run was stored yet" if k == 0 else f"{k} run{'s' if k > 1 else ''} stored in"))


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file (the writer lock's own file aside)."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.iterdir()
            if p.name != ".writer.lock"}


# ---------------------------------------------------------------------------- damaged files

def _truncate(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 2)


def _garbage(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def _zero(db: Path) -> None:
    db.write_bytes(b"")


@pytest.mark.parametrize(("damage", "reason"), [
    (_truncate, "database disk image is malformed"),
    (_garbage, "file is not a database"),
    (_zero, "empty, 0 bytes"),
])
def test_damaged_database_one_line_then_repair_and_exact_resume(
        damage, reason, reference, copy_of, capsys):
    out = copy_of()
    damage(out / DB_NAME)
    for args in (["report", str(out)], run_args(out, "--resume")):
        code, err = cli(capsys, args)
        assert_clean(code, err, 2, f"{out / DB_NAME}: damaged ({reason})",
                     f"'cio-sim repair {out}'", "--resume")
    with pytest.raises(StoreError, match="damaged"):
        load_results(out)
    assert not (out / "report.md").exists()

    code, _ = cli(capsys, ["repair", str(out)])
    assert code == 0
    moved = [p.name for p in out.iterdir() if ".damaged-" in p.name]
    assert any(n.startswith(f"{DB_NAME}.damaged-") for n in moved)  # kept, never deleted
    assert load_results(out).manifest["status"] == "incomplete"
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0, err
    assert dump_store(out) == dump_store(reference)
    assert load_results(out).manifest["status"] == "complete"


def test_zero_byte_database_with_a_complete_manifest_is_an_error_not_an_empty_report(
        copy_of, capsys):
    out = copy_of()
    assert json.loads((out / MANIFEST_NAME).read_text())["status"] == "complete"
    _zero(out / DB_NAME)
    code, err = cli(capsys, ["report", str(out)])
    assert_clean(code, err, 2, "empty, 0 bytes")


def test_salvage_keeps_the_intact_runs_byte_for_byte(reference, copy_of, capsys):
    out = copy_of()
    db = out / DB_NAME
    with db.open("r+b") as fh:  # lose the last page: some runs go, the rest stay readable
        fh.truncate(db.stat().st_size - 4096)
    code, _ = cli(capsys, ["repair", str(out)])
    assert code == 0
    kept = dump_store(out)
    assert 0 < len(kept[0]) < N
    ref_runs, ref_weekly = dump_store(reference)
    assert set(kept[0]) <= set(ref_runs) and set(kept[1]) <= set(ref_weekly)
    assert {r[:3] for r in kept[0]} == {w[:3] for w in kept[1]}  # whole runs only
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0, err
    assert dump_store(out) == dump_store(reference)


@pytest.mark.parametrize("damage", ["garbage", "missing", "not an object"])
def test_damaged_manifest_one_line_then_rebuilt_from_the_database(damage, reference,
                                                                  copy_of, capsys):
    out = copy_of()
    manifest = out / MANIFEST_NAME
    if damage == "missing":
        manifest.unlink()
    else:
        manifest.write_text('{"kind": "ru' if damage == "garbage" else "[1, 2]")
    for args in (["report", str(out)], run_args(out, "--resume")):
        code, err = cli(capsys, args)
        assert_clean(code, err, 2, str(manifest), "cio-sim repair", "rebuilds it")
    code, _ = cli(capsys, ["repair", str(out)])
    assert code == 0
    result = load_results(out)
    assert result.manifest["status"] == "complete" and result.manifest["runs_stored"] == N
    assert result.manifest["digest"] == json.loads(
        (reference / MANIFEST_NAME).read_text())["digest"]
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0 and any("nothing to do" in line for line in err)
    assert dump_store(out) == dump_store(reference)


def test_manifest_without_a_copy_in_the_database_is_left_alone(copy_of, capsys):
    out = copy_of()
    conn = sqlite3.connect(out / DB_NAME)  # a store written before the copy existed
    conn.execute("DROP TABLE meta")
    conn.commit()
    conn.close()
    (out / MANIFEST_NAME).write_text("{")
    before = _snapshot(out)
    code, err = cli(capsys, ["repair", str(out)])
    assert_clean(code, err, 2, "cannot be rebuilt", "new --out")
    assert _snapshot(out) == before


def test_database_with_fewer_runs_than_the_manifest_recorded(copy_of, reference, capsys):
    out = copy_of()
    conn = sqlite3.connect(out / DB_NAME)  # e.g. an older copy put back in place
    conn.execute("DELETE FROM runs WHERE replication >= 4")
    conn.execute("DELETE FROM weekly WHERE replication >= 4")
    conn.commit()
    conn.close()
    code, err = cli(capsys, ["report", str(out)])
    assert_clean(code, err, 2, "holds 4 runs, the manifest recorded 6")
    code, _ = cli(capsys, ["repair", str(out)])
    assert code == 0
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0, err
    assert dump_store(out) == dump_store(reference)


# ---------------------------------------------------------------------------- interruptions

def test_interrupted_batch_status_stays_true_and_resumes_exactly(reference, tmp_path,
                                                                 monkeypatch, capsys):
    out = tmp_path / "i"
    interrupt_after(monkeypatch, capsys, out, 3)
    written = json.loads((out / MANIFEST_NAME).read_text())
    assert written["status"] == "incomplete" and written["runs_stored"] == 3
    assert "KeyboardInterrupt" in written["stopped"]
    result = load_results(out)
    assert result.manifest["status"] == "incomplete" and len(result.runs) == 3
    code, err = cli(capsys, ["report", str(out)])
    assert code == 0 and err == [f"cio-sim: note: {out} is incomplete: 3 of {N} runs stored; "
                                 "the report covers those"]
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0, err
    assert dump_store(out) == dump_store(reference)
    assert json.loads((out / MANIFEST_NAME).read_text())["status"] == "complete"


def test_resume_with_fewer_replications_says_what_it_does_with_the_difference(
        reference, tmp_path, monkeypatch, capsys):
    out = tmp_path / "few"
    interrupt_after(monkeypatch, capsys, out, 4)  # a batch of 6 with 0..3 stored
    capsys.readouterr()
    assert main(run_args(out, "--resume", n=2)) == 0
    cap = capsys.readouterr()
    assert cap.err.strip() == (
        "cio-sim: note: --resume asked for 2 replications of a batch of 6: they were already "
        "stored, so nothing was run; all 4 stored runs are kept and summarised (the batch of "
        "6 is still incomplete: 4 of 6 runs)")
    assert cap.out.startswith("consensus_2021-set-") and ": 4 runs" in cap.out  # --set label
    assert main(run_args(out, "--resume", n=5)) == 0
    assert "ran the 1 missing among them; all 5 stored runs" in capsys.readouterr().err
    assert main(run_args(out, "--resume")) == 0
    assert dump_store(out) == dump_store(reference)


def test_disk_full_midway_one_line_exit_1_and_exact_resume(reference, tmp_path, monkeypatch,
                                                          capsys):
    """SQLite's own size limit (max_page_count) stands in for a full disk: the same
    SQLITE_FULL error, raised inside a block's transaction."""
    out = tmp_path / "full"
    real = ResultStore._open_writable

    def small_disk(self):
        real(self)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    with monkeypatch.context() as m:
        m.setattr(ResultStore, "_open_writable", small_disk)
        m.setattr(runner, "BLOCK_SECONDS", 0.0)
        code, err = cli(capsys, run_args(out))
    stored = len(load_results(out).runs)
    assert 0 < stored < N
    assert_clean(code, err, 1, "writing results failed (database or disk is full)",
                 f"the {stored} run{'s' if stored > 1 else ''} stored before", "--resume")
    assert len(err) == 1
    assert load_results(out).manifest["status"] == "incomplete"
    assert json.loads((out / MANIFEST_NAME).read_text())["status"] == "incomplete"
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0, err
    assert dump_store(out) == dump_store(reference)


# ---------------------------------------------------------------------------- one writer

def test_folder_is_checked_again_under_the_writer_lock(tmp_path):
    """A batch planned on an empty folder that another batch filled since is refused
    cleanly, and two resumes planned together never store a run twice."""
    out = tmp_path / "race"
    sc = cio_sim.load_scenario("consensus_2021", {"horizon_weeks": 6})
    cells = [cio_sim.batch.Cell(0, 0, sc)]
    fresh = cio_sim.batch.plan_batch("run", sc.name, cells, [sc.name], 2, 1, out=out)
    cio_sim.run_batch(sc, replications=2, out=out)
    with pytest.raises(BatchError, match="already holds results"):
        cio_sim.batch.execute(fresh)
    first, second = (cio_sim.batch.plan_batch("run", sc.name, cells, [sc.name], 3, 1, out=out,
                                              resume=True) for _ in range(2))
    assert len(cio_sim.batch.execute(first).runs) == 3
    again = cio_sim.batch.execute(second)
    assert len(again.runs) == 3 and any("nothing to do" in n for n in again.notes)


# ---------------------------------------------------------------------------- read-only

@pytest.fixture
def read_only():
    """make(path): the folder becomes read-only (chmod; as root, a read-only bind mount)."""
    undo = []

    def make(path: Path) -> None:
        if os.geteuid() != 0:
            modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")]}
            for p, mode in modes.items():
                p.chmod(mode & ~0o222)
            undo.append(lambda: [p.chmod(mode) for p, mode in modes.items()])
            return
        import subprocess

        ok = subprocess.run(["mount", "--bind", str(path), str(path)],
                            capture_output=True).returncode == 0
        if ok:
            undo.append(lambda: subprocess.run(["umount", str(path)], capture_output=True))
            ok = subprocess.run(["mount", "-o", "remount,ro,bind", str(path)],
                                capture_output=True).returncode == 0
        if not ok:
            pytest.skip("running as root and cannot mount a read-only folder")

    yield make
    for action in reversed(undo):
        action()




def test_read_only_results_are_read_and_reported_elsewhere(reference, copy_of, read_only,
                                                           tmp_path, capsys):
    out = copy_of()
    before = _snapshot(out)
    read_only(out)
    code, err = cli(capsys, ["report", str(out)])
    assert_clean(code, err, 2, "cannot write the report here", "--out")
    code, err = cli(capsys, ["report", str(out), "--out", str(tmp_path / "rep")])
    assert code == 0 and err == [], err
    assert (tmp_path / "rep" / "report.md").exists()
    assert _snapshot(out) == before  # nothing written into or next to the database
    with load_results(out) as result:
        assert len(result.runs) == N and result.manifest["status"] == "complete"
    for args in (run_args(out / "sub"), run_args(out, "--resume")):
        code, err = cli(capsys, args)
        assert_clean(code, err, 2, "cannot write here", "choose another --out")
    code, err = cli(capsys, ["repair", str(out)])
    assert_clean(code, err, 2, "cannot be written", "repair the copy")
    assert _snapshot(out) == before


# ---------------------------------------------------------------------------- real processes

def _env() -> dict[str, str]:
    root = str(Path(cio_sim.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


FILE_SIZE_LIMIT = """
import resource, signal, sys
from cio_sim.batch import runner
from cio_sim.cli import main
runner.BLOCK_SECONDS = 0.0
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (81920, 81920))
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_file_size_limit_midway_one_line_and_exact_resume(reference, tmp_path, capsys):
    import subprocess
    import sys

    out = tmp_path / "fsize"
    proc = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, *run_args(out)],
                          env=_env(), capture_output=True, text=True, timeout=300)
    err = proc.stderr.strip().splitlines()
    assert_clean(proc.returncode, err, 1, "writing results failed", "intact", "--resume")
    assert len(load_results(out).runs) < N
    code, err = cli(capsys, run_args(out, "--resume"))
    assert code == 0, err
    assert dump_store(out) == dump_store(reference)


KILLABLE = """
import sys, time
import cio_sim
from cio_sim.batch import runner
from cio_sim.cli import main

class Stalls(cio_sim.CIOModel):
    def run(self, steps=None):
        if self.seed_sequence.spawn_key[0] >= 3:
            time.sleep(120)
        return super().run(steps)

runner.CIOModel = Stalls
runner.BLOCK_SECONDS = 0.0
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_killed_batch_status_true_read_only_report_and_exact_resume(reference, tmp_path,
                                                                   read_only, capsys):
    """SIGKILL after 3 stored runs: the manifest says incomplete, the runs left in the WAL
    are read from a read-only folder, and a resume of a copy ends exactly."""
    import subprocess
    import sys
    import time

    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, *run_args(out)], env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            try:
                if len(load_results(out).runs) == 3:
                    break
            except StoreError:
                pass
            time.sleep(0.1)
        assert load_results(out).manifest["status"] == "running"
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert json.loads((out / MANIFEST_NAME).read_text())["status"] == "incomplete"
    result = load_results(out)
    assert result.manifest["status"] == "incomplete" and len(result.runs) == 3
    result.close()
    assert (out / f"{DB_NAME}-wal").stat().st_size > 0  # the runs are still in the WAL
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    before = _snapshot(out)
    read_only(out)
    code, err = cli(capsys, ["report", str(out), "--out", str(tmp_path / "rep")])
    assert code == 0 and "3 of 6 runs stored" in err[0]
    with load_results(out) as again:
        assert len(again.runs) == 3
    assert _snapshot(out) == before
    code, err = cli(capsys, run_args(copy, "--resume"))
    assert code == 0, err
    assert dump_store(copy) == dump_store(reference)
