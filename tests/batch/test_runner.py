"""Batch runner: seeds, backends give identical tables, errors, compare, sweeps."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

import cio_sim
from cio_sim.batch import (
    BatchError,
    compare,
    load_experiment,
    parse_seed_id,
    run_batch,
    run_seed,
    run_sweep,
    runner,
)
from cio_sim.scenario import ScenarioError

SHORT = {"horizon_weeks": 26}


def _same(a: cio_sim.BatchResult, b: cio_sim.BatchResult) -> None:
    pd.testing.assert_frame_equal(a.runs, b.runs)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


def test_run_seed_equals_spawned_child():
    children = np.random.SeedSequence(5).spawn(7)
    for i in (0, 3, 6):
        assert np.array_equal(run_seed(5, i).generate_state(4), children[i].generate_state(4))
    assert not np.array_equal(run_seed(5, 0).generate_state(4), run_seed(5, 1).generate_state(4))


def test_serial_batch_is_reproducible_and_seed_ids_rebuild_runs():
    a = run_batch("consensus_2021", replications=3, seed=11, overrides=SHORT)
    b = run_batch("consensus_2021", replications=3, seed=11, overrides=SHORT)
    _same(a, b)
    runs = a.runs
    assert list(runs["replication"]) == [0, 1, 2]
    assert list(runs["seed"]) == ["11:0", "11:1", "11:2"]
    assert runs["error"].isna().all()
    assert {"scenario", "decisions_per_year", "compliance_actual"} <= set(runs.columns)
    # the seed identifier reproduces the run on its own
    sc = cio_sim.load_scenario("consensus_2021", SHORT)
    model = cio_sim.CIOModel(sc, seed=parse_seed_id(runs["seed"][2])).run()
    assert model.summary()["submitted"] == runs["submitted"][2]
    ts = a.timeseries
    assert len(ts) == 3 * 26 and list(ts.columns[:2]) == ["scenario", "replication"]
    other = run_batch("consensus_2021", replications=3, seed=12, overrides=SHORT)
    assert not other.runs["submitted"].equals(runs["submitted"])


@pytest.mark.slow
def test_one_and_two_workers_identical():
    serial = run_batch("doorzettingsmacht_2026", replications=5, seed=3, overrides=SHORT)
    parallel = run_batch("doorzettingsmacht_2026", replications=5, seed=3, overrides=SHORT,
                         workers=2)
    _same(serial, parallel)


@pytest.mark.slow
def test_dask_local_cluster_identical_to_local():
    pytest.importorskip("distributed")
    serial = run_batch("keuzematrix", replications=4, seed=9, overrides=SHORT)
    dask = run_batch("keuzematrix", replications=4, seed=9, overrides=SHORT, backend="dask",
                     workers=2)
    _same(serial, dask)
    assert dask.manifest["backend"] == "dask"


@pytest.mark.slow
def test_dask_existing_scheduler_identical_to_local(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial = run_batch("doorzettingsmacht_2026", replications=3, seed=2, overrides=SHORT)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = run_batch("doorzettingsmacht_2026", replications=3, seed=2, overrides=SHORT,
                           backend="dask", scheduler=cluster.scheduler_address,
                           out=tmp_path / "d")
    _same(serial, remote)


def test_failing_run_is_recorded_and_batch_goes_on(monkeypatch):
    class Flaky(cio_sim.CIOModel):
        def run(self, steps=None):
            if self.seed_sequence.spawn_key == (1,):
                raise RuntimeError("boom in week 0")
            return super().run(steps)

    monkeypatch.setattr(runner, "CIOModel", Flaky)
    res = run_batch("consensus_2021", replications=3, seed=1, overrides=SHORT)
    runs = res.runs
    assert len(runs) == 3
    assert runs["error"][1] == "RuntimeError: boom in week 0"
    assert runs["error"][[0, 2]].isna().all()
    assert np.isnan(runs["decisions_per_year"][1])
    assert sorted(res.timeseries["replication"].unique()) == [0, 2]
    assert len(res.errors) == 1
    # the summary table leaves the failed run out
    table = res.summary_table(["decisions_per_year"])
    assert table["n"].tolist() == [2]


def test_compare_uses_common_random_numbers():
    res = compare([cio_sim.load_scenario("consensus_2021", SHORT),
                   cio_sim.load_scenario("doorzettingsmacht_2026", SHORT)],
                  replications=3, seed=4)
    runs = res.runs
    assert list(runs["scenario"].unique()) == ["consensus_2021", "doorzettingsmacht_2026"]
    by = runs.groupby("scenario")["seed"].apply(list)
    assert by["consensus_2021"] == by["doorzettingsmacht_2026"] == ["4:0", "4:1", "4:2"]
    alone = run_batch(cio_sim.load_scenario("doorzettingsmacht_2026", SHORT), replications=3,
                      seed=4)
    part = runs[runs["scenario"] == "doorzettingsmacht_2026"].reset_index(drop=True)
    pd.testing.assert_frame_equal(part[alone.runs.columns], alone.runs)
    wide = res.comparison_table(["decisions_per_year", "overrides"])
    assert list(wide.columns.get_level_values(0).unique()) == ["consensus_2021",
                                                               "doorzettingsmacht_2026"]
    assert list(wide.index) == ["decisions_per_year", "overrides"]
    assert wide.loc["decisions_per_year", ("consensus_2021", "mean")] > 0
    long = res.summary_table(["overrides"])
    cons = long[long["scenario"] == "consensus_2021"].iloc[0]
    assert cons["mean"] == 0 and cons["n"] == 3


def test_compare_rejects_duplicate_names_and_single_scenario():
    with pytest.raises(BatchError, match="must differ"):
        compare(["consensus_2021", "consensus_2021"], replications=1)
    with pytest.raises(BatchError, match="at least two"):
        compare(["consensus_2021"], replications=1)


def test_bad_counts_are_one_line_errors(tmp_path):
    for kwargs, text in (({"replications": 0}, "replications"), ({"seed": -1}, "seed"),
                         ({"workers": 0}, "workers"), ({"backend": "spark"}, "backend")):
        with pytest.raises(BatchError, match=text):
            run_batch("consensus_2021", out=tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_memory_stays_flat_with_store(tmp_path, monkeypatch):
    """Finished models are freed (none kept alive by Mesa or the runner) and a stored
    batch loads nothing until asked."""
    alive: list[weakref.ref] = []

    class Tracked(cio_sim.CIOModel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            alive.append(weakref.ref(self))

    monkeypatch.setattr(runner, "CIOModel", Tracked)
    res = run_batch("consensus_2021", replications=6, seed=1, overrides={"horizon_weeks": 4},
                    out=tmp_path / "m")
    gc.collect()
    assert len(alive) == 6 and all(ref() is None for ref in alive)
    assert res._runs is None and res._timeseries is None  # read lazily from the store
    assert len(res.runs) == 6 and len(res.timeseries) == 6 * 4


def _experiment(tmp_path, body: str):
    path = tmp_path / "exp.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_sweep_grid_stores_points_with_their_values(tmp_path):
    path = _experiment(tmp_path, """
scenario = "consensus_2021"
replications = 2
seed = 3
[grid]
horizon_weeks = [8, 12]
regime.decision_rule = ["consensus", "doorzettingsmacht"]
""")
    exp = load_experiment(path)
    assert len(exp.points) == 4
    res = run_sweep(path, out=tmp_path / "out", weekly=True)
    runs = res.runs
    assert len(runs) == 8
    assert list(runs.columns[:4]) == ["scenario", "point", "horizon_weeks",
                                      "regime.decision_rule"]
    assert runs.groupby("point")["seed"].apply(list).map(tuple).nunique() == 1  # CRN
    assert "kader_outcomes" not in runs.columns   # kept for comparisons only, not sweeps
    last_step = res.timeseries.groupby("point")["step"].max()
    hz = runs.groupby("point")["horizon_weeks"].first()
    assert (last_step == hz).all()
    assert set(res.manifest["design_keys"]) == {"horizon_weeks", "regime.decision_rule"}
    again = cio_sim.load_results(tmp_path / "out")
    pd.testing.assert_frame_equal(again.runs, runs)
    lean = run_sweep(path)  # summary only by default: same runs, no weekly tables
    pd.testing.assert_frame_equal(lean.runs, runs)
    assert lean.timeseries.empty and lean.manifest["weekly"] is False


def test_sweep_latin_hypercube(tmp_path):
    path = _experiment(tmp_path, """
scenario = "consensus_2021"
seed = 5
[sample]
n = 6
"cio_beraad.slots" = [3, 9]
"cio_beraad.maturity_required" = [0.3, 0.9]
""")
    a, b = load_experiment(path), load_experiment(path)
    assert a.points == b.points and len(a.points) == 6
    slots = [p["cio_beraad.slots"] for p in a.points]
    mat = np.array([p["cio_beraad.maturity_required"] for p in a.points])
    assert all(isinstance(s, int) and 3 <= s <= 9 for s in slots)
    # one point in each of the six strata of the float dimension
    assert sorted(np.floor((mat - 0.3) / 0.1).astype(int)) == list(range(6))


@pytest.mark.parametrize(("body", "text"), [
    ('scenario = "consensus_2021"\nreplicatons = 3\n', "did you mean 'replications'"),
    ('scenario = "consensus_2021"\n[grid]\nx = [1]\n[sample]\nn = 2\n', "not both"),
    ('scenario = "consensus_2021"\n[sample]\nn = 2\n"cio_beraad.slots" = [5, 1]\n',
     "low < high"),
    ('scenario = "consensus_2021"\n[grid]\nhorizon_weeks = [10, 0]\n', "grid point 1"),
    ('scenario = "consensus_2021"\n[grid]\nhorizon_weeks = 10\n', "non-empty list"),
    ('replications = 3\n', "scenario: required"),
    ('scenario = "nope_2021"\n', "no bundled scenario"),
])
def test_experiment_errors(tmp_path, body, text):
    path = _experiment(tmp_path, body)
    with pytest.raises(ScenarioError, match=text) as info:
        load_experiment(path)
    assert "\n" not in str(info.value)


def test_compare_pairs_compliance_over_matched_kaders_from_its_stored_runs():
    scenarios = [cio_sim.load_scenario(n, {"horizon_weeks": 104})
                 for n in ("consensus_2021", "doorzettingsmacht_2026")]
    res = compare(scenarios, replications=3, seed=2)
    assert res.runs["kader_outcomes"].map(len).min() > 0
    row = res.paired_table().set_index("metric").loc["compliance_actual_matched"]
    again = cio_sim.matched_compliance(*scenarios, replications=3, seed=2)
    assert row["n"] == 3 and row["mean_diff"] == pytest.approx(again.attrs["gap"])
    assert "compliance_actual_matched" in res.metrics()


@pytest.mark.parametrize("weeks", [0, 30, None])
def test_weekly_blob_from_columns_is_the_encoded_frame(weeks):
    """A worker encodes a run's weekly table from its columns: the same bytes as encoding
    the DataFrame, before, during and after a run (compliance columns included)."""
    from cio_sim.batch.codec import decode_frame, encode_frame
    from cio_sim.batch.runner import _weekly_blob

    model = cio_sim.CIOModel("doorzettingsmacht_2026", seed=4).run(weeks)
    blob = _weekly_blob(model)
    assert blob == encode_frame(model.timeseries())
    pd.testing.assert_frame_equal(decode_frame(blob), model.timeseries())


def test_a_dismantled_run_is_freed_without_the_collector():
    """`CIOModel.dismantle` (what a batch worker does with a finished run) leaves no cycle:
    the model, its flow, forums, agents and ledger go with their last reference."""
    from cio_sim.heap import release

    model = cio_sim.CIOModel("doorzettingsmacht_2026", seed=2).run()
    model.summary()
    parts = [model, model.flow, model.ledger, model.cio_beraad, model.cio_rijk,
             model.departments[0], *model.voorportalen.values()]
    refs = [weakref.ref(obj) for obj in parts]
    del parts
    enabled = gc.isenabled()
    gc.disable()
    try:
        release(model)
        model.dismantle()
        del model
        assert [ref() for ref in refs] == [None] * len(refs)
    finally:
        if enabled:
            gc.enable()
