"""The exploration pipeline end to end on a tiny experiment: the filter keeps exactly the
parameter sets that pass the pattern checks, and an interrupted exploration resumed (on
worker processes, then on Dask) gives the tables of an uninterrupted serial one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("SALib")

import cio_sim
from cio_sim import patterns
from cio_sim.batch.designs import sobol_points as filter_design
from cio_sim.batch.executors import SerialExecutor
from cio_sim.batch.seeds import run_seed
from cio_sim.explore import ExploreError, experiment_from_dict, run_exploration
from cio_sim.explore.stages import FILTER_ORDER, Stage, StageRunner, fact_results
from tests.explore.hooks import interrupted_after

TINY = {
    "name": "tiny", "seed": 5,
    "regimes": ["consensus_2021", "doorzettingsmacht_2026", "keuzematrix"],
    "metrics": ["adopted_per_year", "backlog_end", "compliance_actual"],
    "space": {"include": ["positions.noise_sd", "cio_beraad.slots", "regime.override_rounds"]},
    "screening": {"trajectories": 2, "replications": 1, "horizon_weeks": 52},
    "sobol": {"parameters": 2, "base_samples": 4, "replications": 1, "horizon_weeks": 52,
              "resamples": 20},
    "filter": {"samples": 3, "replications": 4, "scales": [1.0, 0.2]},
    "discovery": {"min_share": 0.0},
}
TABLES = ("morris_indices", "sobol_indices", "ensemble", "pairwise", "regret",
          "pairwise_screening", "regret_screening", "boxes", "ranges", "fact_pass_rates",
          "acceptance", "screening_outcomes", "pairwise_unfiltered", "regret_unfiltered")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explore") / "a"
    run_exploration(experiment_from_dict(TINY), out=out, backend="serial", progress=False)
    return out


def stored_points(out: Path, stage: str, scale: float, samples: int = 3) -> dict:
    """The payloads of a finished filter stage, read back from its stored runs."""
    exp = experiment_from_dict(TINY)
    values = [exp.space.shrunk(scale).values(u)
              for u in filter_design(exp.space.dim, samples, exp.seed)]
    with SerialExecutor() as ex:
        runner = StageRunner(out, exp, ex, "serial")
        points = runner.run(Stage(stage, values, exp.filter.replications,
                                  facts=exp.filter.facts, compare_rejected=scale == 1.0))
    assert runner.computed == 0  # everything was stored: nothing ran
    return points


def stored_runs(out: Path, stage: str, round_name: str) -> int:
    import sqlite3

    db = out / "runs" / stage / round_name / "results.sqlite"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def test_writes_report_tables_figures_and_manifest(uninterrupted: Path) -> None:
    for name in TABLES:
        assert (uninterrupted / f"{name}.csv").exists(), name
    report = (uninterrupted / "report.md").read_text()
    assert "What the ranking depends on" in report and "higher is better" in report
    for fig in ("morris", "sobol_differences", "filter_ranges", "differences"):
        assert (uninterrupted / "figures" / f"{fig}.png").stat().st_size > 1000
    ens = pd.read_csv(uninterrupted / "ensemble.csv")
    assert len(ens) == 6
    assert {"accepted", "scale", "fact:p03", "keuzematrix:backlog_end"} <= set(ens)
    assert list(ens["scale"]) == [1.0] * 3 + [0.2] * 3
    # Every set of the whole box is compared (the unfiltered comparison), accepted or not.
    assert ens.loc[ens["scale"] == 1.0, "keuzematrix:backlog_end"].notna().all()
    shrunk = ens[ens["scale"] == 0.2]
    assert shrunk.loc[~shrunk["accepted"], "keuzematrix:backlog_end"].isna().all()


def test_filter_keeps_exactly_the_sets_that_pass_the_pattern_checks(uninterrupted: Path
                                                                      ) -> None:
    ens = pd.read_csv(uninterrupted / "ensemble.csv")
    stored = {"filter": stored_points(uninterrupted, "filter", 1.0),
              "filter@0.2": stored_points(uninterrupted, "filter@0.2", 0.2)}
    facts = experiment_from_dict(TINY).filter.facts
    assert facts == patterns.REPRODUCED
    for _, row in ens.iterrows():
        point = stored["filter" if row["scale"] == 1.0 else "filter@0.2"][int(row["point"])]
        runs = {v: pd.DataFrame(rows).astype(float) for v, rows in point["measures"].items()}
        checked = [name for name in facts if pd.notna(row[f"fact:{name}"])]
        checks = patterns.check_all(runs, tuple(checked))
        for name, res in checks.items():
            assert bool(row[f"fact:{name}"]) == res.passed, (row["point"], name)
        # A set is checked until a fact fails (early rejection); accepted = every fact passes.
        passed = [res.passed for res in checks.values()]
        assert len(checked) == len(facts) or not all(passed)
        assert bool(row["accepted"]) == (len(checked) == len(facts) and all(passed))
    # The stored measures are those of the real run: redo one variant's run by hand (the
    # last variant run at the point of the shrunk box that got furthest).
    exp = experiment_from_dict(TINY)
    shrunk = stored["filter@0.2"]
    p = max(shrunk, key=lambda q: len(shrunk[q]["measures"]))
    variant = list(shrunk[p]["measures"])[-1]
    values = exp.space.shrunk(0.2).values(filter_design(exp.space.dim, 3, exp.seed)[p])
    base = cio_sim.load_scenario("consensus_2021").with_overrides(
        {**values, "horizon_weeks": 260})
    sc = patterns.variant_scenarios(base)[variant]
    row = patterns.measures(cio_sim.CIOModel(sc, seed=run_seed(exp.seed, 2)).run())
    assert shrunk[p]["measures"][variant][2]["backlog_end"] == row["backlog_end"]
    assert shrunk[p]["measures"][variant][2]["exogenous_agenda_share"] == \
        pytest.approx(row["exogenous_agenda_share"])


def test_a_failed_variant_fails_every_fact() -> None:
    assert fact_results({"base": [{}]}, ("p03",)) == {"p03": False}


def test_early_rejection_keeps_the_acceptance_and_the_checked_facts(tmp_path: Path) -> None:
    """Stopping at the first failing fact changes the cost, not the outcome: the checked
    facts have the results of the full evaluation."""
    exp = experiment_from_dict(TINY)
    box = exp.space.shrunk(0.2)
    values = [box.values(u) for u in filter_design(exp.space.dim, 2, exp.seed)]
    got = {}
    for early in (True, False):
        with SerialExecutor() as ex:
            got[early] = StageRunner(tmp_path / str(early), exp, ex, "serial").run(Stage(
                "filter", values, 4, 260, exp.filter.facts, early_rejection=early))
    for p in range(len(values)):
        early, full = got[True][p], got[False][p]
        assert early["accepted"] == full["accepted"]
        assert all(full["facts"][f] == ok for f, ok in early["facts"].items() if ok is not None)
        assert None not in full["facts"].values()
        assert early["runs"] <= full["runs"]
        assert early["accepted"] or all(v is None for v in early["means"]["keuzematrix"].values())


def test_interrupted_exploration_resumed_gives_identical_tables(uninterrupted: Path,
                                                                tmp_path: Path) -> None:
    exp = experiment_from_dict(TINY)
    out = tmp_path / "b"
    # 8 screening and 16 Sobol points under 3 regimes, one replication: a task (one run)
    # each. Interrupt after 10 Sobol runs, then after the rest of Sobol and two tasks of the
    # filter's first round (3 points x 4 replications of the base variant, 2 per task).
    with pytest.raises(KeyboardInterrupt), interrupted_after(24 + 10):
        run_exploration(exp, out=out, backend="local", workers=2, progress=False)
    assert stored_runs(out, "screening", "regimes") == 24
    assert stored_runs(out, "sobol", "regimes") == 10
    with pytest.raises(ExploreError, match="--resume"):
        run_exploration(exp, out=out, backend="serial", progress=False)
    with pytest.raises(KeyboardInterrupt), interrupted_after(38 + 2):
        run_exploration(exp, out=out, backend="local", workers=2, resume=True,
                        progress=False)
    assert stored_runs(out, "sobol", "regimes") == 48
    assert stored_runs(out, "filter", "base") == 4
    assert not (out / "runs" / "filter@0.2").exists()
    # The rest on a Dask cluster (a local one when dask is installed), else on processes.
    backend = "dask" if importlib.util.find_spec("distributed") else "local"
    run_exploration(exp, out=out, backend=backend, workers=2, resume=True, progress=False)
    for name in TABLES:
        assert (uninterrupted / f"{name}.csv").read_bytes() == \
            (out / f"{name}.csv").read_bytes(), name


def test_resume_refuses_a_different_experiment(uninterrupted: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "c"
    shutil.copytree(uninterrupted, out)
    other = experiment_from_dict({**TINY, "seed": 6})
    with pytest.raises(ExploreError, match="different experiment"):
        run_exploration(other, out=out, backend="serial", resume=True, progress=False)


def test_a_damaged_manifest_or_a_sweeps_folder_is_refused(uninterrupted: Path,
                                                          tmp_path: Path) -> None:
    import json
    import shutil

    out = tmp_path / "e"
    shutil.copytree(uninterrupted, out)
    (out / "manifest.json").write_text("{not json")
    with pytest.raises(ExploreError, match=r"without a readable manifest\.json; use --force"):
        run_exploration(experiment_from_dict(TINY), out=out, backend="serial", resume=True,
                        progress=False, report=False)
    manifest = json.loads((uninterrupted / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "kind": "sweep"}))
    with pytest.raises(ExploreError, match="holds a sweep batch's results, not an exploration"):
        run_exploration(experiment_from_dict(TINY), out=out, backend="serial", force=True,
                        progress=False, report=False)


def test_a_folder_of_the_earlier_store_format_is_not_resumed(uninterrupted: Path,
                                                             tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "d"
    shutil.copytree(uninterrupted, out)
    shutil.rmtree(out / "runs")
    (out / "explore.sqlite").write_bytes(b"")   # the points of an earlier version
    with pytest.raises(ExploreError, match="does not resume; use --force"):
        run_exploration(experiment_from_dict(TINY), out=out, backend="serial", resume=True,
                        progress=False, report=False)
    run_exploration(experiment_from_dict(TINY), out=out, backend="serial", force=True,
                    progress=False, report=False)
    assert not (out / "explore.sqlite").exists()
    assert (out / "ensemble.csv").read_bytes() == (uninterrupted / "ensemble.csv").read_bytes()


def test_a_larger_filter_sample_extends_a_smaller_one() -> None:
    small, large = filter_design(10, 5, 3), filter_design(10, 9, 3)
    assert (small == large[:5]).all()


def test_the_filter_runs_every_pattern_variant_once() -> None:
    assert sorted(FILTER_ORDER) == sorted(patterns.VARIANTS) and FILTER_ORDER[0] == "base"


def test_projection_is_bounded_by_the_longest_point() -> None:
    from cio_sim.explore.cost import projected_seconds

    cost = [{"cpu_seconds": 100.0, "longest_point_cpu": 5.0},
            {"cpu_seconds": 60.0, "longest_point_cpu": 30.0}]
    assert projected_seconds(cost, 1) == 160.0
    assert projected_seconds(cost, 10) == 10.0 + 30.0
    assert projected_seconds(cost, 1000) == 35.0


def test_headline_table_reads_the_pairwise_tables(uninterrupted: Path) -> None:
    report = (uninterrupted / "report.md").read_text()
    # Three whole-box sets are too few (report.MIN_UNFILTERED): unfiltered = screening design.
    assert "unfiltered, the 8 points of the screening design |" in report
    unf = pd.read_csv(uninterrupted / "pairwise_screening.csv")
    row = unf[(unf["metric"] == "backlog_end") & (unf["a"] == "consensus_2021")
              & (unf["b"] == "keuzematrix")].iloc[0]
    line = next(x for x in report.splitlines()
                if x.startswith("| backlog_end | ↓ | keuzematrix vs consensus_2021 |"))
    assert line.rstrip(" |").endswith(f"{1 - row['p_a_better']:.0%} [{1 - row['p_high']:.0%}, "
                                      f"{1 - row['p_low']:.0%}]; {-row['diff_median']:+.3g}")
