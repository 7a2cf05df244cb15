"""Scenario discovery: PRIM finds a planted rule on a synthetic outcome."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from cio_sim.explore.prim import Box, find_box

METHODS = ["builtin", pytest.param("ema_workbench", marks=pytest.mark.skipif(
    importlib.util.find_spec("ema_workbench") is None, reason="EMA Workbench not installed"))]


def planted(noise: float, n: int = 1000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """y = (a > 0.6 and b < 0.3), with a share `noise` of the labels flipped; c, d, e inert."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 5)), columns=list("abcde"))
    y = ((x["a"] > 0.6) & (x["b"] < 0.3)).to_numpy()
    return x, y ^ (rng.uniform(size=n) < noise)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("noise", [0.0, 0.03])
def test_prim_recovers_a_planted_rule(method: str, noise: float) -> None:
    x, y = planted(noise)
    box = find_box(x, y, method, min_coverage=0.6)
    assert set(box.limits) == {"a", "b"}, box.describe()
    assert box.limits["a"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["b"][1] == pytest.approx(0.3, abs=0.05)
    assert box.density >= 0.85 and box.coverage >= 0.6
    assert box.base_rate == pytest.approx(y.mean())
    assert "<= a <=" in box.describe()


def test_prim_box_statistics_are_consistent() -> None:
    x, y = planted(0.03, seed=4)
    box = find_box(x, y, "builtin", min_coverage=0.6)
    inside = np.ones(len(y), dtype=bool)
    for key, (lo, hi) in box.limits.items():
        inside &= (x[key] >= lo).to_numpy() & (x[key] <= hi).to_numpy()
    assert box.mass == pytest.approx(inside.mean())
    assert box.density == pytest.approx(y[inside].mean())
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum())
    traj = box.trajectory
    assert traj["mass"].is_monotonic_decreasing and traj.loc[0, "coverage"] == 1.0


def test_no_structure_gives_no_dense_box() -> None:
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.uniform(size=(600, 3)), columns=list("abc"))
    y = rng.uniform(size=600) < 0.3
    box = find_box(x, y, "builtin", min_coverage=0.5)
    assert box.density < 0.45


def test_a_box_pinned_to_one_value_says_so() -> None:
    box = Box({"cio_beraad.slots": (9.0, 9.0), "a": (0.1, 0.4)}, 0.5, 1.0, 0.1, 0.2,
              pd.DataFrame())
    assert box.describe() == "cio_beraad.slots = 9 and 0.1 <= a <= 0.4"
