"""Parts from a user's module: ``--plugin`` loads it for a command, and worker processes
started by spawn or forkserver (which do not inherit the parent's registrations) load it
too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cio_sim import plugins
from cio_sim.regimes import DECISION_RULES

PLUGIN = Path(__file__).parent / "plugins" / "tiny_rule.py"
RULE = "plugin_adopt_unanimous"


@pytest.fixture
def scenario_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "unanimous.toml"
    path.write_text(f'name = "unanimous"\nextends = "consensus_2021"\nhorizon_weeks = 52\n'
                    f'[regime]\ndecision_rule = "{RULE}"\n')
    yield path
    DECISION_RULES.unregister(RULE)
    plugins._LOADED.pop(str(PLUGIN.resolve()), None)


def test_cli_plugin_loads_a_rule_for_the_command(scenario_file: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    from cio_sim.cli import main

    assert RULE not in DECISION_RULES
    assert main(["--plugin", str(PLUGIN), "run", str(scenario_file), "-n", "2",
                 "--out", str(tmp_path / "out")]) == 0
    assert RULE in DECISION_RULES
    assert main(["validate", str(scenario_file), "--plugin", str(PLUGIN)]) == 0


def test_a_missing_plugin_is_one_line(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    from cio_sim.cli import main

    assert main(["--plugin", "no_such_plugin_module", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--plugin no_such_plugin_module" in err
    assert main(["--plugin", str(tmp_path / "absent.py"), "list"]) == 2


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_spawned_workers_load_the_plugin(scenario_file: Path, monkeypatch, method: str) -> None:
    import cio_sim
    from cio_sim.batch import executors

    plugins.load_plugin(str(PLUGIN))
    assert str(PLUGIN.resolve()) in plugins.active()
    monkeypatch.setattr(executors, "START_METHOD", method)
    spawned = cio_sim.run_batch(scenario_file, replications=4, workers=2, backend="local")
    runs = spawned.runs
    assert runs["error"].isna().all(), runs["error"].dropna().iloc[0]
    serial = cio_sim.run_batch(scenario_file, replications=4, backend="serial").runs
    assert runs["adopted_per_year"].tolist() == serial["adopted_per_year"].tolist()
    # Without the plugin names in the tasks, spawned workers do not know the rule.
    from cio_sim.batch import runner

    monkeypatch.setattr(runner, "active_plugins", lambda: ())
    blind = cio_sim.run_batch(scenario_file, replications=2, workers=2, backend="local").runs
    assert blind["error"].str.contains(RULE).all()
