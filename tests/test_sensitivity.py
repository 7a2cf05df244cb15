"""Morris screening: a tiny run end to end, and validation of experiment files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("SALib")

from cio_sim import sensitivity
from cio_sim.params import iter_params, lookup

ROOT = Path(__file__).resolve().parents[1]


def tiny(**changes) -> sensitivity.MorrisExperiment:
    data = {
        "name": "tiny", "regimes": ["consensus_2021", "doorzettingsmacht_2026", "keuzematrix"],
        "trajectories": 2, "levels": 4, "replications": 1, "baseline_replications": 2,
        "seed": 3, "workers": 1, "horizon_weeks": 78,
        "parameters": {"cio_beraad.dilution": [0.05, 0.25],
                       "positions.objection_threshold": [0.05, 0.2],
                       "arrivals.incident_per_year": [4.0, 12.0]},
    }
    data.update(changes)
    return sensitivity.experiment_from_dict(data)


def test_tiny_morris_run_writes_tables_figure_and_manifest(tmp_path: Path) -> None:
    exp = tiny()
    tables = sensitivity.run(exp, tmp_path, progress=False)
    idx = pd.read_csv(tmp_path / "morris_indices.csv")
    # 3 regimes x 3 outputs x 3 parameters, plus 2 gaps x 2 ranking metrics x 3 parameters.
    assert len(idx) == 3 * 3 * 3 + 2 * 2 * 3
    assert (idx["mu_star"] >= 0).all() and (idx["sigma"] >= 0).all()
    assert (idx["mu_star"] >= idx["mu"].abs() - 1e-9).all()
    points = pd.read_csv(tmp_path / "points.csv")
    assert len(points) == exp.trajectories * (len(exp.parameters) + 1)
    for key, (low, high) in exp.parameters.items():
        assert points[key].between(low, high).all()
    assert {"flipped:adopted_per_year", "flipped:compliance_actual"} <= set(points.columns)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["points"] == len(points) and manifest["runs"] == len(points) * 3 + 3 * 2
    assert set(manifest["default_ranking"]) == {"adopted_per_year", "compliance_actual"}
    assert (tmp_path / "morris_mu_star_sigma.png").stat().st_size > 1000
    flips = pd.read_csv(tmp_path / "ranking_flips.csv")
    assert len(flips) == 2 * 2 * len(exp.parameters)
    # The gap at the ends of a range lies on a line through the default gap.
    row = flips.iloc[0]
    assert (row["gap_at_high"] - row["gap_at_low"]) == pytest.approx(row["slope_full_range"])
    assert set(manifest["could_flip"]) == set(flips["gap"])
    assert set(tables) == {"indices", "points", "flips", "baseline"}


def test_same_experiment_gives_same_indices(tmp_path: Path) -> None:
    exp = tiny(regimes=["consensus_2021"], ranking_metrics=["adopted_per_year"],
               outputs=["adopted_per_year"], horizon_weeks=52)
    a = sensitivity.run(exp, tmp_path / "a", progress=False)["indices"]
    b = sensitivity.run(exp, tmp_path / "b", progress=False)["indices"]
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(("params", "message"), [
    ({"cio_beraad.dilution": [0.05]}, "expected [low, high]"),
    ({"cio_beraad.dilution": [0.2, 0.1]}, "low must be below high"),
    ({"cio_beraad.dilution": [0.3, 0.4]}, "does not contain the default"),
    ({"cio_beraad.dilution": [0.05, 1.5]}, "leaves the allowed range"),
    ({"cio_rijk.directie_fte": [100.0, 130.0]}, "not an assumption"),
    ({"no.such.key": [0, 1]}, "not a parameter"),
])
def test_bad_parameters_are_rejected_with_the_key(params: dict, message: str) -> None:
    with pytest.raises(sensitivity.SensitivityError, match=re.escape(message)):
        tiny(parameters=params)


def test_bundled_experiment_screens_only_assumptions_inside_their_ranges() -> None:
    exp = sensitivity.load_experiment(ROOT / "experiments" / "sensitivity_morris.toml")
    assert 15 <= len(exp.parameters) <= 25
    for key, (low, high) in exp.parameters.items():
        spec = lookup(key)
        assert spec is not None and spec.provenance.startswith("assumption"), key
        assert low <= spec.default <= high
    assumptions = [k for k, p in iter_params() if p.provenance.startswith("assumption")]
    assert set(exp.parameters) <= set(assumptions)


def test_ranking_orders_best_first() -> None:
    assert sensitivity.ranking({"a": 1.0, "b": 3.0, "c": 2.0}, ("a", "b", "c")) == "b>c>a"


def test_missing_salib_gives_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_salib(name, *args, **kwargs):
        if name.startswith("SALib"):
            raise ImportError("No module named 'SALib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_salib)
    with pytest.raises(ImportError, match=r"pip install 'cio-sim\[sensitivity\]'"):
        sensitivity._salib()


def test_command_line_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[parameters]\n"cio_beraad.dilution" = [0.3, 0.4]\n')
    assert sensitivity.main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "parameters.cio_beraad.dilution" in err
    assert err.count("\n") == 1
