"""``cio-sim explore``: one-line errors with exit 2, and a tiny exploration end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from cio_sim.cli import main

TINY = """
name = "tiny_cli"
seed = 2
metrics = ["adopted_per_year", "compliance_actual"]
[space]
include = ["positions.noise_sd", "cio_beraad.slots"]
[screening]
trajectories = 2
replications = 1
horizon_weeks = 26
[sobol]
parameters = 2
base_samples = 2
replications = 1
horizon_weeks = 26
resamples = 10
[filter]
samples = 1
replications = 2
"""


def test_bad_experiment_gives_one_line_and_exit_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[screening]\nlevels = 3\n')
    assert main(["explore", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cio-sim: error: ") and "screening.levels" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_help_lists_explore(capsys: pytest.CaptureFixture) -> None:
    assert main(["--help"]) == 0
    assert "explore" in capsys.readouterr().out


def test_tiny_exploration_end_to_end_and_resume(tmp_path: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("SALib")
    exp = tmp_path / "tiny.toml"
    exp.write_text(TINY)
    out = tmp_path / "out"
    assert main(["explore", str(exp), "--out", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    flat = " ".join(text.split())                 # the lines are wrapped to 100 columns
    assert text.startswith("NOT A RESULT (too small): the filter accepted 0 parameter sets")
    assert "filter accepted 0 of 1 parameter sets" in flat
    assert ("Adopted by CIO-beraad or ICBR [per year] (adopted_per_year, higher is better)"
            in flat)                           # the catalogue's label, the key beside it
    assert max(len(line) for line in text.splitlines() if not line.startswith("results:")) <= 100
    assert (out / "report.md").exists() and (out / "report.html").exists()
    assert main(["explore", str(exp), "--out", str(out), "-q"]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["explore", str(exp), "--out", str(out), "-q", "--resume"]) == 0


SCREENING = """
name = "tiny_screening"
stages = ["screening"]
seed = 3
metrics = ["adopted_per_year", "compliance_actual"]
[screening]
trajectories = 2
replications = 1
horizon_weeks = 26
baseline_replications = 2
[space]
include = ["positions.noise_sd", "cio_beraad.slots"]
"""


def test_the_screening_preset_prints_its_summary(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    """The Morris screening preset has no filter or Sobol stage: the CLI says what it ran
    (it stopped with a KeyError traceback when it looked for the filter's counts)."""
    pytest.importorskip("SALib")
    exp = tmp_path / "screening.toml"
    exp.write_text(SCREENING)
    out = tmp_path / "out"
    assert main(["explore", str(exp), "--out", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    flat = " ".join(text.split())
    assert flat.startswith("tiny_screening: Morris screening of 2 assumptions, 6 points; "
                           "0 run error(s);") and "NOT A RESULT" not in text
    assert "could flip the ranking at the defaults" in flat
    assert (out / "ranking_flips.csv").exists() and (out / "report.html").exists()
