"""The README's exploration headline is written from a stored study, and --check fails when
the two disagree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import cio_sim
from cio_sim.explore.headline import END, START, headline_text, main, replace_block

ROOT = Path(cio_sim.__file__).resolve().parents[1]


def test_headline_is_written_from_the_tables_and_check_catches_a_change(
        ci_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    study = tmp_path / "study"
    shutil.copytree(ci_run, study, ignore=shutil.ignore_patterns("runs", "figures"))
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{START}\nold\n{END}\n\nrest\n")
    assert main([str(study), "--readme", str(readme), "--check"]) == 1
    assert main([str(study), "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("# x\n") and text.endswith(f"{END}\n\nrest\n")
    assert "Not a result yet" in text and "4 of 4 parameter sets" in text
    assert "| Compliance, actual (share) | ↑ | doorzettingsmacht vs consensus |" in text
    assert main([str(study), "--readme", str(readme), "--check"]) == 0
    # A stored figure changes: the README no longer agrees.
    pairs = pd.read_csv(study / "pairwise.csv")
    pairs.loc[0, "diff_median"] += 1.0
    pairs.to_csv(study / "pairwise.csv", index=False)
    capsys.readouterr()
    assert main([str(study), "--readme", str(readme), "--check"]) == 1
    assert "disagrees" in capsys.readouterr().err


def test_markers_are_required() -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers", "x")


def test_headline_names_where_it_comes_from(ci_run: Path) -> None:
    text = headline_text(ci_run, "results/explore_ci")
    assert "python -m cio_sim.explore.headline results/explore_ci --readme README.md" in text
    assert "test-retest" in text.lower() or "seed blocks agree" in text


def test_readme_agrees_with_the_stored_study(capsys: pytest.CaptureFixture) -> None:
    """The README's headline is what the stored study (results/explore_study) says."""
    study = ROOT / "results" / "explore_study"
    assert (study / "manifest.json").exists()
    assert main([str(study), "--readme", str(ROOT / "README.md"), "--check"]) == 0, \
        capsys.readouterr().err
