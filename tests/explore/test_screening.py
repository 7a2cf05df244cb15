"""The Morris screening preset (``stages = ["screening"]``): its tables, the ranking flips at
the defaults, resume, and the bundled experiment."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("SALib")

from cio_sim.explore import ExploreError, experiment_from_dict, load_experiment, run_exploration
from cio_sim.explore.screening import ranking, screening_tables
from cio_sim.params import iter_params, lookup
from tests.explore.hooks import interrupted_after

ROOT = Path(__file__).resolve().parents[2]
TINY = {
    "name": "tiny", "stages": ["screening"], "seed": 3,
    "regimes": ["consensus_2021", "doorzettingsmacht_2026", "keuzematrix"],
    "metrics": ["adopted_per_year", "time_to_decision_median_weeks", "compliance_actual"],
    "screening": {"trajectories": 2, "levels": 4, "replications": 1, "horizon_weeks": 78,
                  "baseline_replications": 2,
                  "ranking_metrics": ["adopted_per_year", "compliance_actual"]},
    "space": {"include": ["cio_beraad.dilution", "positions.objection_threshold",
                          "arrivals.incident_per_year"],
              "ranges": {"cio_beraad.dilution": [0.05, 0.25],
                         "positions.objection_threshold": [0.05, 0.2],
                         "arrivals.incident_per_year": [4.0, 12.0]}},
}


@pytest.fixture(scope="module")
def screened(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("screening") / "a"
    run_exploration(experiment_from_dict(TINY), out=out, backend="serial", progress=False)
    return out


def test_screening_writes_indices_flips_baseline_and_report(screened: Path) -> None:
    idx = pd.read_csv(screened / "morris_indices.csv")
    # 3 regimes x 3 metrics and 3 pairs x 3 metrics, 3 parameters each.
    assert len(idx) == (9 + 9) * 3
    assert (idx["mu_star"] >= idx["mu"].abs() - 1e-9).all() and (idx["sigma"] >= 0).all()
    points = pd.read_csv(screened / "ranking_points.csv")
    assert len(points) == 2 * (3 + 1)
    for key, (low, high) in TINY["space"]["ranges"].items():
        assert points[key].between(low, high).all()
    assert {"flipped:adopted_per_year", "flipped:compliance_actual"} <= set(points.columns)
    flips = pd.read_csv(screened / "ranking_flips.csv")
    assert len(flips) == 2 * 2 * 3          # 2 ranking metrics x 2 neighbouring gaps x 3
    row = flips.iloc[0]                     # the ends of a range: a line through the default
    assert row["gap_at_high"] - row["gap_at_low"] == pytest.approx(row["slope_full_range"])
    baseline = pd.read_csv(screened / "baseline.csv")
    assert list(baseline["regime"]) == TINY["regimes"]
    manifest = json.loads((screened / "manifest.json").read_text())
    assert manifest["status"] == "complete" and "baseline" in manifest["stage_seconds"]
    assert not (screened / "ensemble.csv").exists()
    report = (screened / "report.md").read_text()
    assert report.startswith("# Morris screening: tiny") and "Reproduce" in report


def test_screening_resumes_through_the_batch_store(screened: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    with pytest.raises(KeyboardInterrupt), interrupted_after(10):
        run_exploration(experiment_from_dict(TINY), out=out, backend="serial",
                        progress=False)
    assert (out / "runs" / "screening" / "regimes" / "results.sqlite").exists()
    run_exploration(experiment_from_dict(TINY), out=out, backend="serial", progress=False,
                    resume=True)
    for name in ("morris_indices", "ranking_flips", "baseline", "ranking_points"):
        assert (out / f"{name}.csv").read_bytes() == (screened / f"{name}.csv").read_bytes()


def test_a_metric_without_a_value_at_the_defaults_is_left_out_of_the_ranking() -> None:
    """Compliance before any kader is adopted has no value: the other metric is ranked."""
    exp = experiment_from_dict(TINY)
    means = {r: {m: None if m == "compliance_actual" else float(i) for m in exp.metrics}
             for i, r in enumerate(exp.regimes)}
    points = pd.DataFrame([exp.space.values(u) for u in ([0.1, 0.5, 0.9], [0.9, 0.1, 0.5],
                                                          [0.5, 0.9, 0.1], [0.3, 0.3, 0.7])])
    outcomes = pd.DataFrame({f"{r}:{m}": [1.0, 2.0, 4.0, 3.0] for r in exp.regimes
                             for m in exp.metrics})
    tables = screening_tables(exp, lambda stage: {0: {"means": means}}, points, outcomes)
    assert set(tables["ranking_flips"]["metric"]) == {"adopted_per_year"}
    assert tables["baseline"]["compliance_actual"].isna().all()
    assert "flipped:compliance_actual" not in tables["ranking_points"]


def test_ranking_orders_best_first() -> None:
    assert ranking({"a": 1.0, "b": 3.0, "c": 2.0}, ("a", "b", "c")) == "b>c>a"
    assert ranking({"a": 1.0, "b": 3.0, "c": 2.0}, ("a", "b", "c"), sign=-1) == "a>c>b"


@pytest.mark.parametrize(("change", "message"), [
    ({"stages": ["sobol"]}, "stages: got ['sobol']"),
    ({"screening": {"ranking_metrics": ["backlog_end"]}}, "screening.ranking_metrics"),
    ({"space": {"include": ["cio_rijk.directie_fte"]}}, "not a numeric assumption"),
])
def test_bad_screening_files_are_refused_with_the_key(change: dict, message: str) -> None:
    with pytest.raises(ExploreError, match=message.replace("[", r"\[").replace("]", r"\]")):
        experiment_from_dict({**TINY, **change})


def test_bundled_experiment_screens_only_assumptions_inside_their_ranges() -> None:
    exp = load_experiment(ROOT / "experiments" / "sensitivity_morris.toml")
    assert exp.stages == ("screening",) and 15 <= exp.space.dim <= 25
    assumptions = {k for k, p in iter_params() if p.provenance.startswith("assumption")}
    for key, (low, high) in zip(exp.space.keys, exp.space.bounds, strict=True):
        spec = lookup(key)
        assert key in assumptions and low <= spec.default <= high, key
