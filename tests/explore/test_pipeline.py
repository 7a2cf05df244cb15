"""The exploration pipeline end to end on a tiny experiment: the filter keeps exactly the
parameter sets that pass the pattern checks, and an interrupted exploration resumed (on
another backend) gives identical tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("SALib")

import cio_sim
from cio_sim import patterns
from cio_sim.batch.seeds import run_seed
from cio_sim.explore import ExploreError, experiment_from_dict, run_exploration
from cio_sim.explore.pipeline import filter_design
from cio_sim.explore.store import FILENAME, PointStore
from cio_sim.explore.tasks import fact_results

TINY = {
    "name": "tiny", "seed": 5,
    "regimes": ["consensus_2021", "doorzettingsmacht_2026", "keuzematrix"],
    "metrics": ["adopted_per_year", "backlog_end", "compliance_actual"],
    "space": {"include": ["positions.noise_sd", "cio_beraad.slots", "regime.override_rounds"]},
    "screening": {"trajectories": 2, "replications": 1, "horizon_weeks": 52},
    "sobol": {"parameters": 2, "base_samples": 4, "replications": 1, "horizon_weeks": 52,
              "resamples": 20},
    "filter": {"samples": 3, "replications": 4},
    "discovery": {"min_share": 0.0},
}
TABLES = ("morris_indices", "sobol_indices", "ensemble", "pairwise", "pairwise_all", "regret",
          "regret_all", "pairwise_screening", "boxes", "ranges", "fact_pass_rates")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explore") / "a"
    run_exploration(experiment_from_dict(TINY), out=out, backend="serial", progress=False)
    return out


def test_writes_report_tables_figures_and_manifest(uninterrupted: Path) -> None:
    for name in TABLES:
        assert (uninterrupted / f"{name}.csv").exists(), name
    report = (uninterrupted / "report.md").read_text()
    assert "What the ranking depends on" in report and "higher is better" in report
    for fig in ("morris", "sobol_differences", "filter_ranges", "differences"):
        assert (uninterrupted / "figures" / f"{fig}.png").stat().st_size > 1000
    ens = pd.read_csv(uninterrupted / "ensemble.csv")
    assert len(ens) == 3 and {"accepted", "fact:p03", "keuzematrix:backlog_end"} <= set(ens)


def test_filter_keeps_exactly_the_sets_that_pass_the_pattern_checks(uninterrupted: Path
                                                                      ) -> None:
    ens = pd.read_csv(uninterrupted / "ensemble.csv")
    with PointStore(uninterrupted / FILENAME) as store:
        stored = store.read("filter")
    facts = experiment_from_dict(TINY).filter.facts
    assert facts == patterns.REPRODUCED
    for p, row in ens.iterrows():
        runs = {v: pd.DataFrame(rows).astype(float) for v, rows in stored[p]["measures"].items()}
        checks = patterns.check_all(runs, facts)
        for name, res in checks.items():
            assert bool(row[f"fact:{name}"]) == res.passed, (p, name)
        assert bool(row["accepted"]) == all(r.passed for r in checks.values())
    # The stored measures are those of the real run: redo one variant's run by hand.
    exp = experiment_from_dict(TINY)
    values = exp.space.values(filter_design(exp.space.dim, 3, exp.seed)[1])
    base = cio_sim.load_scenario("consensus_2021").with_overrides(
        {**values, "horizon_weeks": 260})
    sc = patterns.variant_scenarios(base)["incidents_x2"]
    row = patterns.measures(cio_sim.CIOModel(sc, seed=run_seed(exp.seed, 2)).run())
    assert stored[1]["measures"]["incidents_x2"][2]["backlog_end"] == row["backlog_end"]
    assert stored[1]["measures"]["incidents_x2"][2]["exogenous_agenda_share"] == \
        pytest.approx(row["exogenous_agenda_share"])


def test_a_failed_variant_fails_every_fact() -> None:
    assert fact_results({"base": [{}]}, ("p03",)) == {"p03": False}


def test_interrupted_exploration_resumed_gives_identical_tables(uninterrupted: Path,
                                                                tmp_path: Path) -> None:
    exp = experiment_from_dict(TINY)
    out = tmp_path / "b"
    # 8 screening, 16 Sobol and 3 filter points: interrupt after 5 Sobol points, then after
    # the rest of Sobol and one filter point.
    with pytest.raises(KeyboardInterrupt):
        run_exploration(exp, out=out, backend="local", workers=2, progress=False,
                        _interrupt_after=8 + 5)
    with pytest.raises(ExploreError, match="--resume"):
        run_exploration(exp, out=out, backend="serial", progress=False)
    with pytest.raises(KeyboardInterrupt):
        run_exploration(exp, out=out, backend="local", workers=2, resume=True,
                        progress=False, _interrupt_after=11 + 1)
    with PointStore(out / FILENAME) as store:
        assert len(store.done("sobol")) == 16 and len(store.done("filter")) == 1
    run_exploration(exp, out=out, backend="local", workers=2, resume=True, progress=False)
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


def test_a_larger_filter_sample_extends_a_smaller_one() -> None:
    small, large = filter_design(10, 5, 3), filter_design(10, 9, 3)
    assert (small == large[:5]).all()
