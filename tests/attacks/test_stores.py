"""Attacks on stores: a changed byte, bytes that are not UTF-8, a damaged page, a database of
another batch. Every reader gives one line, ``repair`` finds what the readers find and keeps
every intact run, and ``--resume`` then ends with the rows of an uninterrupted batch."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import dump_store

import cio_sim
from cio_sim.batch.store import DB_NAME, MANIFEST_NAME, WriterLock, load_results

from .helpers import cli, refused

N = 6
RUN = ["run", "consensus_2021", "-n", str(N), "--set", "horizon_weeks=12", "--no-report",
       "--weekly"]


def _checkpoint(folder: Path) -> None:
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    from cio_sim.cli import main

    out = tmp_path_factory.mktemp("ref") / "ref"
    assert main([*RUN, "--out", str(out)]) == 0
    _checkpoint(out)
    return out


@pytest.fixture
def copy(reference, tmp_path) -> Path:
    out = tmp_path / "r"
    out.mkdir()
    for name in (MANIFEST_NAME, DB_NAME):
        shutil.copyfile(reference / name, out / name)
    return out


def _sql(folder: Path, statement: str) -> None:
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _readers_refuse(capsys, folder: Path, *needles: str) -> None:
    for args in (["report", folder], ["export", folder, "--csv"], [*RUN, "--out", folder,
                                                                  "--resume"]):
        code, _, err = cli(capsys, *args)
        refused(code, err, "cio-sim repair", *needles)


def _repair_then_resume(capsys, folder: Path, reference: Path, kept: int) -> None:
    code, out, err = cli(capsys, "repair", folder)
    assert code == 0, err
    assert f"repaired {folder}" in out and f"{kept} of {N} runs stored" in out, out
    assert f"--out {folder}" in out, out  # continues in the folder repaired
    runs, _ = dump_store(folder)
    ref_runs, ref_weekly = dump_store(reference)
    assert len(runs) == kept and set(runs) <= set(ref_runs)  # intact rows, byte for byte
    code, _, err = cli(capsys, *RUN, "--out", folder, "--resume")
    assert code == 0, err
    assert dump_store(folder) == (ref_runs, ref_weekly)


def test_one_changed_byte_in_a_summary_is_found_and_its_run_recomputed(copy, reference,
                                                                        capsys):
    _sql(copy, "UPDATE runs SET summary = replace(summary, '\"backlog_end\": ', "
               "'\"backlog_end\": 7') WHERE replication = 2")
    _readers_refuse(capsys, copy, "checksum")
    _repair_then_resume(capsys, copy, reference, N - 1)


def test_text_that_is_not_utf8_is_found_by_repair(copy, reference, capsys):
    _sql(copy, "UPDATE runs SET seed = CAST(x'ff00fe' AS TEXT) WHERE replication = 4")
    _readers_refuse(capsys, copy)
    _repair_then_resume(capsys, copy, reference, N - 1)


def test_a_changed_weekly_table_is_found(copy, reference, capsys):
    _sql(copy, "UPDATE weekly SET data = substr(data, 1, length(data) - 1) || x'00' "
               "WHERE replication = 1")
    code, _, err = cli(capsys, "export", copy, "--csv")
    refused(code, err, "cio-sim repair")
    _repair_then_resume(capsys, copy, reference, N - 1)


def test_flipped_bytes_deep_in_the_file(copy, reference, capsys):
    db = copy / DB_NAME
    data = bytearray(db.read_bytes())
    start = len(data) * 3 // 4
    data[start:start + 64] = bytes(64)  # a zeroed stretch inside a page of weekly tables
    db.write_bytes(bytes(data))
    code, _, err = cli(capsys, "export", copy, "--csv")
    assert code == 2 and len(err) == 1, err
    code, out, err = cli(capsys, "repair", copy)
    assert code == 0 and "repaired" in out, (out, err)
    code, _, err = cli(capsys, *RUN, "--out", copy, "--resume")
    assert code == 0, err
    assert dump_store(copy) == dump_store(reference)


def test_a_truncated_last_byte(copy, reference, capsys):
    db = copy / DB_NAME
    db.write_bytes(db.read_bytes()[:-1])
    _readers_refuse(capsys, copy)
    code, out, err = cli(capsys, "repair", copy)
    assert code == 0 and f"repaired {copy}" in out and f"--out {copy}" in out, (out, err)
    runs, _ = dump_store(copy)
    ref_runs, _ = dump_store(reference)
    assert 0 < len(runs) < N and set(runs) <= set(ref_runs)  # intact rows, byte for byte
    code, _, err = cli(capsys, *RUN, "--out", copy, "--resume")
    assert code == 0, err
    assert dump_store(copy) == dump_store(reference)


def test_a_database_of_another_batch_is_refused(copy, reference, tmp_path, capsys):
    other = tmp_path / "other"
    assert cio_sim.run_batch("consensus_2021", replications=N, out=other,
                             overrides={"horizon_weeks": 6}).close() is None
    shutil.copyfile(other / DB_NAME, copy / DB_NAME)
    for side in ("-wal", "-shm"):
        if (other / (DB_NAME + side)).exists():
            shutil.copyfile(other / (DB_NAME + side), copy / (DB_NAME + side))
    _readers_refuse(capsys, copy, "another batch")
    _repair_then_resume(capsys, copy, reference, 0)


def test_readers_see_one_snapshot_while_a_batch_writes(reference, tmp_path):
    out = tmp_path / "w"
    shutil.copytree(reference, out)
    with WriterLock(out, "test writer"):
        result = load_results(out)
        assert result.manifest["status"] == "running"
        from cio_sim.batch.store import ResultStore

        store = ResultStore(out / DB_NAME, idle=True)
        row = store.conn.execute("SELECT * FROM runs LIMIT 1").fetchone()
        blob = store.conn.execute("SELECT * FROM weekly LIMIT 1").fetchone()
        store.add_rows([(row[0], row[1], 99, *row[3:8])], [(blob[0], blob[1], 99, blob[3])])
        assert store.count() == N + 1
        store.close()
        assert len(result.runs) == N  # the moment it was opened
        assert result.timeseries.groupby("replication").ngroups == N
        result.close()
