"""The Sobol and Morris code paths of the exploration on functions with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from cio_sim.explore import indices
from cio_sim.explore.space import Space

# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic first-order and total indices
# (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4.6).
A, B = 7.0, 0.1
V = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
V1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
V2 = A**2 / 8
V13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
S1 = {"x1": V1 / V, "x2": V2 / V, "x3": 0.0}
ST = {"x1": (V1 + V13) / V, "x2": V2 / V, "x3": V13 / V}


def ishigami(u: np.ndarray) -> np.ndarray:
    x = -math.pi + 2 * math.pi * u
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def unit_problem() -> dict:
    return Space(("x1", "x2", "x3"), ((0.0, 1.0),) * 3, (False,) * 3).problem()


def test_sobol_recovers_the_ishigami_indices_within_their_confidence_intervals() -> None:
    problem = unit_problem()
    X = indices.sobol_design(problem, 1024, seed=3)
    assert X.shape == (1024 * (3 + 2), 3)
    out = pd.DataFrame({"y": ishigami(X)})
    si = indices.sobol_indices(problem, out, resamples=200, seed=3).set_index("parameter")
    for name in ("x1", "x2", "x3"):
        row = si.loc[name]
        assert abs(row["S1"] - S1[name]) <= row["S1_conf"], (name, row["S1"], S1[name])
        assert abs(row["ST"] - ST[name]) <= row["ST_conf"], (name, row["ST"], ST[name])
        assert row["S1_conf"] < 0.1 and row["ST_conf"] < 0.1


def test_morris_ranks_an_inert_parameter_last_and_selection_follows_mu_star() -> None:
    problem = Space(("a", "b", "c"), ((0.0, 1.0),) * 3, (False,) * 3).problem()
    X = indices.morris_design(problem, trajectories=20, levels=4, seed=1)
    out = pd.DataFrame({"y": 5 * X[:, 0] + X[:, 1] ** 2, "z": X[:, 1]})
    mi = indices.morris_indices(problem, X, out, levels=4, seed=1)
    y = mi[mi["output"] == "y"].set_index("parameter")
    assert y.loc["a", "mu_star"] == pytest.approx(5.0)
    assert y.loc["c", "mu_star"] == 0.0
    # b moves both outputs (a only y): the mean normalised mu* ranks it first.
    assert indices.select_parameters(mi, 2) == ["b", "a"]


def test_missing_outputs_are_filled_and_counted() -> None:
    problem = unit_problem()
    X = indices.sobol_design(problem, 64, seed=1)
    y = ishigami(X)
    y[:3] = np.nan
    si = indices.sobol_indices(problem, pd.DataFrame({"y": y}), resamples=20, seed=1)
    assert (si["missing"] == 3).all() and si["ST"].notna().all()
