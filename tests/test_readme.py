"""The README's commands, in order, on a fresh results folder: every one succeeds.

The commands are read from the README's ``bash`` blocks, so the README cannot drift from what
the command line does. Runs are shortened to half a year (a patched scenario loader) to keep
the test fast; every command, folder and report is otherwise exactly as documented.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

import cio_sim
from cio_sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHORT_WEEKS = 26
# `cio-sim app` serves until Ctrl-C; `cio-sim explore experiments/explore_ci.toml` runs the
# same experiment as tests/explore/test_notebook.py, end to end (no need to pay for it twice).
SKIPPED = ("cio-sim app", "cio-sim explore")


def readme_commands() -> list[str]:
    """Every ``cio-sim`` command of the README's bash blocks, in order (``&&`` chains split,
    trailing comments dropped)."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            commands += [part.strip() for part in line.split("&&")
                         if part.strip().startswith("cio-sim ")
                         and not part.strip().startswith(SKIPPED)]
    return commands


def test_readme_bash_blocks_hold_only_known_commands():
    text = README.read_text(encoding="utf-8")
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            for part in re.sub(r"\s+#.*$", "", line).split("&&"):
                word = part.strip().split(" ", 1)[0]
                assert word in ("cio-sim", "pip", "python", "python3", ""), part
    commands = readme_commands()
    assert commands[0] == "cio-sim run consensus_2021 -n 30 --resume"   # the quick start
    assert any(c.startswith("cio-sim export") for c in commands)
    assert any(c.startswith("cio-sim compare") for c in commands)


@pytest.fixture
def short_runs(monkeypatch):
    """Every scenario the commands load runs for SHORT_WEEKS weeks."""
    from cio_sim import scenario as scenario_module
    from cio_sim.batch import experiments, plan

    original = scenario_module.load_scenario

    def short(ref, *args, **kwargs):
        return original(ref, *args, **kwargs).with_overrides({"horizon_weeks": SHORT_WEEKS})

    for module in (scenario_module, experiments, plan):
        monkeypatch.setattr(module, "load_scenario", short)


@pytest.fixture
def cheap_figure_files(monkeypatch):
    """Figures are built as usual but not rendered (rendering is tested in test_report):
    the files are written empty."""
    from cio_sim import plots

    def save(fig, path, formats=("png",), dpi=plots.DPI):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        written = [path.with_suffix(f".{f}") for f in formats]
        for p in written:
            p.write_bytes(b"")
        return written

    monkeypatch.setattr(plots, "save", save)


@pytest.mark.slow
def test_readme_commands_in_order_succeed(tmp_path, monkeypatch, capsys, short_runs,
                                          cheap_figure_files):
    for folder in ("scenarios", "experiments"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)
    for command in readme_commands():
        code = main(shlex.split(command)[1:])
        _, err = capsys.readouterr()
        assert code == 0, f"{command}\n{err}"
        assert "error" not in err, f"{command}\n{err}"
    results = tmp_path / "results"
    quick = cio_sim.load_results(results / "consensus_2021")
    assert len(quick.runs) == 30 and (results / "consensus_2021" / "report.html").exists()
    # the --set run has its own folder and label; the quick start's results are untouched
    (own,) = [p for p in results.iterdir() if p.name.startswith("consensus_2021-set-")]
    manifest = json.loads((own / "manifest.json").read_text())
    assert manifest["scenarios"] == [own.name]
    assert "departments.FIN.time_share=0.5" in manifest["parameters"][0]["description"]
    regimes = results / "regimes"
    report = (regimes / "report.md").read_text(encoding="utf-8")
    assert "## Paired differences" in report and "time_to_decision_median_weeks" in report
    assert (regimes / "figures" / "paired_differences.svg").exists()
    assert {p.name for p in (regimes / "csv").iterdir()} == {"runs.csv", "timeseries.csv",
                                                            "summary.csv", "paired.csv"}
    sweep = results / "grid_override_rounds"
    assert (sweep / "report.html").exists()
    assert (sweep / "figures" / "heatmap_adopted_per_year.svg").exists()
    # the quick-start command again: nothing to do, said so, results unchanged
    code = main(shlex.split(readme_commands()[0])[1:])
    _, err = capsys.readouterr()
    assert code == 0 and "nothing to do" in err and "report unchanged" in err
    assert cio_sim.load_results(results / "consensus_2021").runs.equals(quick.runs)
