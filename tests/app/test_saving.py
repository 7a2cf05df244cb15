"""'Save scenario': the file extends the base, validates, and `cio-sim run` reproduces the run."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from cio_sim import cli, load_scenario, run_batch
from cio_sim.app import saving
from cio_sim.app.session import Exploration, Settings, scenario_a, scenario_b


def _settings() -> Settings:
    return (Settings(seed=4, compare="doorzettingsmacht_2026")
            .with_value("regime.routing", "keuzematrix")
            .with_value("positions.noise_sd", 0.3)
            .with_value("voorportaal.vooroverleg.quality", 0.5)
            .with_value("horizon_weeks", 52))


def test_the_file_extends_the_base_with_only_the_changes(tmp_path):
    s = _settings()
    path = saving.save(scenario_a(s), s.scenario, "mine", "A with changes", tmp_path)
    data = tomllib.loads(path.read_text())
    assert data["extends"] == "consensus_2021" and data["horizon_weeks"] == 52
    assert data["regime"] == {"routing": "keuzematrix"}
    assert data["voorportaal"] == {"vooroverleg": {"quality": 0.5}}
    assert load_scenario(path).values == scenario_a(s).values
    b = saving.save(scenario_b(s), s.scenario, "mine_b", "B", tmp_path)
    assert load_scenario(b).values == scenario_b(s).values


def test_validate_accepts_it_and_run_reproduces_the_pages_runs(tmp_path, capsys):
    s = _settings()
    ex = Exploration(s).advance_to(52)
    for run, scenario, name in ((ex.runs[0], scenario_a(s), "a"),
                                (ex.runs[1], scenario_b(s), "b")):
        path = saving.save(scenario, s.scenario, name, "", tmp_path)
        assert cli.main(["validate", str(path)]) == 0
        row = run_batch(path, replications=1, seed=s.seed, weekly=False).runs.iloc[0]
        page = run.model.summary()
        same = pd.Series({k: row[k] for k in page}, dtype=float)
        assert same.equals(pd.Series(page, dtype=float)), name
    capsys.readouterr()


def test_bad_names_and_existing_files_are_refused(tmp_path):
    s = Settings()
    for bad in ("../up", "a/b", "", "x.toml", "a" * 81):
        with pytest.raises(ValueError, match="file name"):
            saving.save(scenario_a(s), s.scenario, bad, "", tmp_path)
    saving.save(scenario_a(s), s.scenario, "once", "", tmp_path)
    with pytest.raises(ValueError, match="exists already"):
        saving.save(scenario_a(s), s.scenario, "once", "", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["once.toml"]
