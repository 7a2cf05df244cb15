"""The CI-sized exploration, run once per test session for the tests that read its output."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import cio_sim

ROOT = Path(cio_sim.__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def ci_run(tmp_path_factory) -> Path:
    pytest.importorskip("SALib")
    pytest.importorskip("sklearn")
    from cio_sim.explore import experiment_from_dict, run_exploration

    data = tomllib.loads((ROOT / "experiments" / "explore_ci.toml").read_text())
    out = tmp_path_factory.mktemp("cal") / "a"
    run_exploration(experiment_from_dict(data, "explore_ci.toml"), out=out, backend="serial",
                    progress=False)
    return out
