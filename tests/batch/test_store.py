"""Results store: whole runs per transaction, manifest, load, summary table, exports."""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cio_sim
from cio_sim.batch.store import (
    DB_NAME,
    MANIFEST_NAME,
    BatchResult,
    ResultStore,
    StoreError,
    decode_frame,
    encode_frame,
    git_commit,
    load_results,
    read_manifest,
    run_row,
    write_manifest,
)


def _ts(n: int, flag: bool = True) -> pd.DataFrame:
    return pd.DataFrame({"step": np.arange(1, n + 1), "backlog": np.arange(n) * 2,
                         "jaaragenda": [flag] * n,
                         "compliance_actual": [np.nan] + [0.5] * (n - 1)})


def _result(values: list[float], names=("a",)) -> BatchResult:
    store = ResultStore(None)
    for s, name in enumerate(names):
        for i, v in enumerate(values):
            store.add_run((s, 0, i), name, f"1:{i}", {}, {"x": v, "k": i}, _ts(3), None)
    return BatchResult(store, {"name": "t", "scenarios": list(names)})


def test_roundtrip_keeps_types_nan_and_order(tmp_path):
    store = ResultStore(tmp_path / DB_NAME)
    # inserted out of order, as parallel workers finish
    for rep in (2, 0, 1):
        store.add_run((0, 0, rep), "s", f"1:{rep}", {},
                      {"n": rep, "rate": float("nan") if rep == 1 else rep / 4,
                       "big": np.int64(7), "f": np.float64(0.1)}, _ts(4, rep != 0), None)
    runs = store.read_runs()
    assert list(runs["replication"]) == [0, 1, 2]
    assert list(runs.columns) == ["scenario", "replication", "seed", "n", "rate", "big", "f",
                                  "error"]
    assert runs["n"].dtype == np.int64 and runs["big"].tolist() == [7, 7, 7]
    assert math.isnan(runs["rate"][1]) and runs["rate"][2] == 0.5
    assert runs["f"][0] == 0.1
    ts = store.read_timeseries(["s"])
    assert list(ts.columns) == ["scenario", "replication", "step", "backlog", "jaaragenda",
                                "compliance_actual"]
    assert ts["step"].dtype == np.int64 and ts["jaaragenda"].dtype == bool
    assert ts["jaaragenda"].tolist() == [False] * 4 + [True] * 8
    assert ts["compliance_actual"].isna().sum() == 3
    assert store.done_keys() == {(0, 0, 0), (0, 0, 1), (0, 0, 2)}
    with pytest.raises(sqlite3.IntegrityError):  # never the same run twice
        store.add_run((0, 0, 1), "s", "1:1", {}, {"n": 1}, _ts(2), None)
    assert store.count() == 3 and len(store.read_timeseries(["s"])) == 12


def test_failed_block_leaves_no_partial_run(tmp_path):
    store = ResultStore(tmp_path / DB_NAME)
    store.add_run((0, 0, 0), "s", "1:0", {}, {"n": 1}, _ts(3), None)
    rows = [run_row((0, 0, rep), "s", f"1:{rep}", {}, {"n": rep}, None) for rep in (1, 2, 0)]
    weekly = [(0, 0, rep, encode_frame(_ts(3))) for rep in (1, 2)]
    with pytest.raises(sqlite3.IntegrityError):  # run 0 is stored already: the block fails
        store.add_rows(rows, weekly)
    assert store.count() == 1
    assert len(store.read_timeseries(["s"])) == 3
    store.add_rows(rows[:2], weekly)  # can be redone
    assert store.count() == 3 and len(store.read_timeseries(["s"])) == 9


def test_weekly_tables_roundtrip_exactly():
    frame = _ts(5)
    frame["label"] = ["a", None, "c", "d", "e"]
    back = decode_frame(encode_frame(frame))
    pd.testing.assert_frame_equal(back, frame)
    assert len(encode_frame(_ts(520))) < 520 * 4 * 8 / 4  # compressed


def test_error_rows_have_text_and_no_metrics():
    store = ResultStore(None)
    store.add_run((0, 0, 0), "s", "1:0", {}, {"n": 1}, _ts(2), None)
    store.add_run((0, 0, 1), "s", "1:1", {}, None, None, "ValueError: bad")
    runs = store.read_runs()
    assert runs["error"].tolist() == [None, "ValueError: bad"]
    assert math.isnan(runs["n"][1])


def test_manifest_is_written_atomically(tmp_path):
    write_manifest(tmp_path, {"a": 1, "seed": np.int64(3)})
    write_manifest(tmp_path, {"a": 2, "seed": 3})
    written = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert written == {"written_by": "cio-sim", "format": 2, "a": 2, "seed": 3}
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST_NAME]  # no temp files left
    with pytest.raises(StoreError, match="not a results directory"):
        read_manifest(tmp_path / "nowhere")


def test_git_commit_without_git(tmp_path, monkeypatch):
    assert git_commit(tmp_path) is None  # not a repository
    monkeypatch.setenv("PATH", str(tmp_path))
    assert git_commit() is None  # no git at all


def test_summary_table_mean_and_t_interval():
    res = _result([1.0, 2.0, 3.0, float("nan")])
    row = res.summary_table(["x"]).iloc[0]
    assert row["n"] == 3 and row["mean"] == pytest.approx(2.0)
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert row["half_width"] == pytest.approx(half)
    assert row["ci_low"] == pytest.approx(2.0 - half)
    assert res.metrics() == ["x", "k"]
    assert row["note"] == ""


def test_comparison_table_layout():
    res = _result([1.0, 2.0, 3.0], names=("a", "b"))
    wide = res.comparison_table(["x", "k"])
    assert list(wide.columns.get_level_values(0).unique()) == ["a", "b"]
    assert list(wide.columns.get_level_values(1).unique()) == [
        "mean", "ci_low", "ci_high", "half_width", "n", "note"]
    assert list(wide.index) == ["x", "k"]
    assert wide.loc["x", ("a", "mean")] == pytest.approx(2.0)
    assert wide.loc["x", ("a", "half_width")] == pytest.approx(
        stats.t.ppf(0.975, 2) / math.sqrt(3))


def test_load_and_export(tmp_path):
    out = tmp_path / "res"
    res = cio_sim.run_batch("consensus_2021", replications=2, seed=2,
                            overrides={"horizon_weeks": 10}, out=out)
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["status"] == "complete" and manifest["runs_stored"] == 2
    assert manifest["seeds"] == ["2:0", "2:1"] and manifest["seed"] == 2
    assert manifest["version"] == cio_sim.__version__
    assert manifest["digests"]["consensus_2021"] == \
        cio_sim.load_scenario("consensus_2021", {"horizon_weeks": 10}).digest()
    assert manifest["parameters"][0]["values"]["horizon_weeks"] == 10
    with load_results(out) as again:
        assert len(again) == 2
    back = load_results(out)
    pd.testing.assert_frame_equal(back.runs, res.runs)
    pd.testing.assert_frame_equal(back.timeseries, res.timeseries)

    paths = back.to_csv(tmp_path / "csv")
    assert [p.name for p in paths] == ["runs.csv", "timeseries.csv", "summary.csv"]
    csv_runs = pd.read_csv(paths[0])
    assert csv_runs["decisions_per_year"].tolist() == pytest.approx(
        res.runs["decisions_per_year"].tolist())
    assert len(pd.read_csv(paths[1])) == 20

    pytest.importorskip("pyarrow")
    ppaths = back.to_parquet(tmp_path / "pq")
    pq_ts = pd.read_parquet(ppaths[1])
    assert pq_ts["backlog"].tolist() == res.timeseries["backlog"].tolist()
    assert pd.read_parquet(ppaths[0])["seed"].tolist() == ["2:0", "2:1"]


def test_load_results_errors(tmp_path):
    with pytest.raises(StoreError, match="not a results directory"):
        load_results(tmp_path)
    write_manifest(tmp_path, {"name": "x"})
    with pytest.raises(StoreError, match=DB_NAME):
        load_results(tmp_path)


def test_store_of_the_earlier_layout_reads_its_weekly_rows(tmp_path):
    """Folders written before weekly tables were stored per run still load."""
    db = tmp_path / DB_NAME
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE timeseries (scenario_index INTEGER NOT NULL, point INTEGER "
                "NOT NULL, replication INTEGER NOT NULL, step INTEGER, backlog INTEGER, "
                "jaaragenda BOOLEAN, compliance_actual REAL)")
    for rep in (1, 0):
        con.executemany("INSERT INTO timeseries VALUES (0, 0, ?, ?, ?, ?, ?)",
                        [(rep, w, 2 * w, 1, None if w == 1 else 0.5) for w in (1, 2)])
    con.commit()
    con.close()
    ts = ResultStore(db).read_timeseries(["s"])
    assert list(ts.columns) == ["scenario", "replication", "step", "backlog", "jaaragenda",
                                "compliance_actual"]
    assert ts["replication"].tolist() == [0, 0, 1, 1] and ts["step"].dtype == np.int64
    assert ts["jaaragenda"].dtype == bool and ts["compliance_actual"].isna().sum() == 2
