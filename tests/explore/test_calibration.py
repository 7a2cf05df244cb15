"""History matching as a stage of the pipeline, on the CI-sized experiment: every stage runs,
the report says the run is too small to be a result, an interrupted run resumes to the same
tables, and the loader refuses targets the method must not use."""

from __future__ import annotations

import copy
import sqlite3
import tomllib
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("SALib")
pytest.importorskip("sklearn")

import cio_sim
from cio_sim.explore import ExploreError, experiment_from_dict, run_exploration
from tests.explore.hooks import interrupted_after

ROOT = Path(cio_sim.__file__).resolve().parents[1]
CI = tomllib.loads((ROOT / "experiments" / "explore_ci.toml").read_text())
TABLES = ("calibration_targets", "calibration_waves", "calibration_sets", "held_out", "reach",
          "p_material", "pairwise", "regret", "morris_indices", "sobol_indices",
          "sobol_calibrated", "sobol_calibrated_region", "breakeven", "breakeven_sweep")


def test_ci_experiment_runs_every_stage_and_says_it_is_too_small(ci_run: Path) -> None:
    for name in TABLES:
        assert (ci_run / f"{name}.csv").exists(), name
    report = (ci_run / "report.md").read_text()
    assert "Too small to be a result" in report
    assert "Test-retest" in report and "Held-out facts" in report
    for heading in ("## Fact audit", "## Sobol indices on the calibrated region",
                    "## Break-even values of the decisive assumptions"):
        assert heading in report
    region = pd.read_csv(ci_run / "sobol_calibrated_region.csv")
    assert region["forced"].sum() == 2 and len(region) == 3
    be = pd.read_csv(ci_run / "breakeven.csv")
    assert set(be["parameter"]) == {"compliance.enforcement", "regime.override_rounds"}
    assert be["statement"].str.len().min() > 20
    sweep = pd.read_csv(ci_run / "breakeven_sweep.csv")
    # The integer is swept over every whole value of its range (1..3 in the CI space).
    assert sorted(sweep.loc[sweep["parameter"] == "regime.override_rounds", "value"].unique()
                  ) == [1, 2, 3]
    sets = pd.read_csv(ci_run / "calibration_sets.csv")
    assert {"se:consensus_gap_q4", "I:consensus_gap_q4", "verdict_block_a"} <= set(sets)
    assert (sets["se:consensus_gap_q4"] > 0).all()
    held = pd.read_csv(ci_run / "held_out.csv")
    assert len(held) == 3 and set(held["fact"]) == {"p28", "p18", "p07"}
    targets = pd.read_csv(ci_run / "calibration_targets.csv")
    assert targets["target_reason"].str.len().min() > 10
    ens = pd.read_csv(ci_run / "ensemble.csv")
    assert ens.loc[ens["accepted"], "keuzematrix:backlog_end"].notna().all()


def test_interrupted_calibration_resumes_to_identical_tables(ci_run: Path,
                                                             tmp_path: Path) -> None:
    exp = experiment_from_dict(CI, "explore_ci.toml")
    out = tmp_path / "b"
    # 14 screening + 40 Sobol points under 3 regimes (a run per task on one worker), then
    # the calibration: stop inside the first wave.
    with pytest.raises(KeyboardInterrupt) as stop, interrupted_after((14 + 40) * 3 + 5):
        run_exploration(exp, out=out, backend="serial", progress=False)
    assert (out / "runs" / "calibration_wave1").exists()
    where, kept = stop.value.stored       # the line names every stage's runs, in the folder
    counts = [sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone()[0]
              for db in (out / "runs").glob("*/*/results.sqlite")]
    assert where == out and kept == sum(counts) > (14 + 40) * 3
    run_exploration(exp, out=out, backend="serial", progress=False, resume=True)
    for name in ("calibration_sets", "held_out", "reach", "pairwise", "ensemble"):
        pd.testing.assert_frame_equal(pd.read_csv(out / f"{name}.csv"),
                                      pd.read_csv(ci_run / f"{name}.csv"), obj=name)


def _with(**cal) -> dict:
    data = copy.deepcopy(CI)
    data["calibration"].update(cal)
    return data


def test_loader_refuses_a_non_emergent_fact_as_a_target() -> None:
    bad = copy.deepcopy(CI["calibration"]["targets"][0])
    bad.update(statistic="bypass_share")
    with pytest.raises(ExploreError, match="fact p24 is 'input' in the fact audit"):
        experiment_from_dict(_with(targets=[bad]), "x.toml")


def test_loader_needs_three_held_out_emergent_facts_and_every_reason() -> None:
    with pytest.raises(ExploreError, match="at least 3"):
        experiment_from_dict(_with(held_out=CI["calibration"]["held_out"][:2]), "x.toml")
    no_reason = copy.deepcopy(CI["calibration"]["targets"])
    del no_reason[0]["discrepancy_reason"]
    with pytest.raises(ExploreError, match=r"x.toml: calibration.targets\[0\]"
                                           r".discrepancy_reason: missing"):
        experiment_from_dict(_with(targets=no_reason), "x.toml")
    same = copy.deepcopy(CI["calibration"]["held_out"])
    same[0]["statistic"] = "consensus_gap_q4"
    with pytest.raises(ExploreError, match="also a calibration target"):
        experiment_from_dict(_with(held_out=same), "x.toml")


def test_targets_from_inputs_are_refused() -> None:
    from cio_sim.explore.targets import AUDIT, STATISTICS

    assert AUDIT["p29"][0] == "tautology" and AUDIT["p24"][0] == "input"
    for stat in STATISTICS.values():
        assert stat.fact in AUDIT


def test_cli_says_the_ci_experiment_is_too_small(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    from cio_sim.cli import main

    # The stored runs of the module's run are reused (same experiment), so this is cheap.
    out = tmp_path / "c"
    assert main(["explore", str(ROOT / "experiments" / "explore_ci.toml"), "--out", str(out),
                 "-q"]) == 0
    text = capsys.readouterr().out
    flat = " ".join(text.split())              # the lines are wrapped to the CLI's width
    assert text.startswith("NOT A RESULT (too small): 4 plausible parameter sets, fewer than "
                           "the 300")        # before any box or index
    assert "history matching: 4 plausible of 4 parameter sets drawn" in flat


def test_loader_checks_the_after_calibration_tables() -> None:
    data = copy.deepcopy(CI)
    data["breakeven"]["parameters"] = ["cio_rijk.fit_regard"]
    with pytest.raises(ExploreError, match=r"breakeven\.parameters: cio_rijk\.fit_regard: "
                                           "not among the explored parameters"):
        experiment_from_dict(data, "x.toml")
    data = copy.deepcopy(CI)
    data["breakeven"]["ranges"] = {"compliance.enforcement": [0.0, 1.5]}
    with pytest.raises(ExploreError, match="leaves the allowed range"):
        experiment_from_dict(data, "x.toml")
    data = copy.deepcopy(CI)
    del data["calibration"]
    data["filter"] = {"samples": 1}
    with pytest.raises(ExploreError, match=r"breakeven: needs a \[calibration\]"):
        experiment_from_dict(data, "x.toml")
    data = copy.deepcopy(CI)
    data["sobol_calibrated"]["parameters"] = 1
    with pytest.raises(ExploreError, match="fewer than the 2 parameters of include"):
        experiment_from_dict(data, "x.toml")
    # Neither table is part of the identity: adding them extends a stored study.
    bare = copy.deepcopy(CI)
    del bare["breakeven"], bare["sobol_calibrated"]
    assert experiment_from_dict(bare, "x.toml").digest() == \
        experiment_from_dict(CI, "x.toml").digest()
