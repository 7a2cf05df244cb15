"""repair_store and salvage on their own: healthy folders left alone, a status that is no
longer true corrected, salvage of a healthy database complete, the continue command."""

from __future__ import annotations

import json

import pytest

import cio_sim
from cio_sim.batch import StoreError, repair_store
from cio_sim.batch.repair import resume_command, salvage
from cio_sim.batch.store import DB_NAME, MANIFEST_NAME, ResultStore, write_manifest


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "s"
    res = cio_sim.run_batch("consensus_2021", replications=3, overrides={"horizon_weeks": 6},
                            out=out, command="cio-sim run consensus_2021 -n 3 --force")
    res.close()
    return out


def test_healthy_folder_is_left_alone(store):
    before = (store / MANIFEST_NAME).read_bytes()
    report = repair_store(store)
    assert not report.changed and report.kept == 3 and report.status == "complete"
    assert report.lines() == [f"{store}: nothing damaged", "status complete: 3 of 3 runs stored"]
    assert (store / MANIFEST_NAME).read_bytes() == before


def test_status_that_is_no_longer_true_is_corrected(store, tmp_path):
    import shutil

    out = tmp_path / "c"
    shutil.copytree(store, out)
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    write_manifest(out, {**manifest, "status": "running", "runs_expected": 5})
    report = repair_store(out)
    assert report.changed and report.status == "incomplete"
    assert "status 'running' was not true" in report.lines()[1]
    assert report.lines()[-1] == ("status incomplete: 3 of 5 runs stored; continue with: "
                                  f"cio-sim run consensus_2021 -n 3 --out {out} --resume")
    assert json.loads((out / MANIFEST_NAME).read_text())["status"] == "incomplete"


def test_salvage_of_a_healthy_database_is_complete_and_exact(store):
    rows, weekly, meta = salvage(store / DB_NAME, expected=3)
    db = ResultStore(store / DB_NAME, readonly=True)
    try:
        stored = db.conn.execute("SELECT * FROM runs ORDER BY 1, 2, 3").fetchall()
        blobs = db.conn.execute("SELECT * FROM weekly ORDER BY 1, 2, 3").fetchall()
    finally:
        db.close()
    assert rows == stored and weekly == blobs
    assert meta is not None and meta["digest"] == json.loads(
        (store / MANIFEST_NAME).read_text())["digest"]


def test_not_a_results_folder(tmp_path):
    with pytest.raises(StoreError, match="not a results directory"):
        repair_store(tmp_path)
    with pytest.raises(StoreError, match="not a folder"):
        repair_store(tmp_path / "nowhere")


@pytest.mark.parametrize(("command", "expected"), [
    ("cio-sim run x -n 3 --force", "cio-sim run x -n 3 --resume"),
    ("cio-sim sweep 'my exp.toml' --resume", "cio-sim sweep 'my exp.toml' --resume"),
    ("python script.py", "the same command with --resume"),
    (None, "the same command with --resume"),
])
def test_resume_command(command, expected):
    assert resume_command(command) == expected
