"""Morris screening and Sobol indices over the unit cube of the assumption space (SALib).

Designs and analyses are thin wrappers so the pipeline and the tests (Ishigami) share one code
path. Indices are per unit of a parameter's range, so they compare across parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _salib() -> Any:
    try:
        import SALib
    except ImportError:
        raise ImportError("cio-sim explore needs SALib: pip install 'cio-sim[explore]'") \
            from None
    import SALib.analyze.morris
    import SALib.analyze.sobol
    import SALib.sample.morris
    import SALib.sample.sobol

    return SALib


def morris_design(problem: dict[str, Any], trajectories: int, levels: int, seed: int
                  ) -> np.ndarray:
    """Morris trajectories on the problem's bounds: ``trajectories * (k + 1)`` rows."""
    return _salib().sample.morris.sample(problem, N=trajectories, num_levels=levels,
                                         seed=seed)


def _filled(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Missing outputs (no run gave a value) replaced by the mean, and how many there were."""
    y = np.asarray(y, dtype=float)
    bad = ~np.isfinite(y)
    if bad.all():
        return np.zeros_like(y), int(bad.sum())
    return np.where(bad, np.nanmean(y), y), int(bad.sum())


def morris_indices(problem: dict[str, Any], X: np.ndarray, outputs: pd.DataFrame, levels: int,
                   seed: int) -> pd.DataFrame:
    """mu, mu*, sigma and the mu* confidence half-width per output column and parameter."""
    analyze = _salib().analyze.morris
    rows = []
    for col in outputs.columns:
        y, missing = _filled(outputs[col].to_numpy())
        si = analyze.analyze(problem, X, y, num_levels=levels, seed=seed)
        for j, name in enumerate(problem["names"]):
            rows.append({"output": col, "parameter": name, "mu": float(si["mu"][j]),
                         "mu_star": float(si["mu_star"][j]), "sigma": float(si["sigma"][j]),
                         "mu_star_conf": float(si["mu_star_conf"][j]), "missing": missing})
    df = pd.DataFrame(rows)
    top = df.groupby("output")["mu_star"].transform("max").replace(0.0, np.nan)
    df["mu_star_norm"] = (df["mu_star"] / top).fillna(0.0)
    return df


def select_parameters(indices: pd.DataFrame, count: int) -> list[str]:
    """The ``count`` parameters with the largest mean normalised mu* over all outputs (ties:
    the larger maximum, then the name). The mean, not the maximum: with many outputs, many
    parameters are the most influential one for some (noisy) output."""
    g = indices.groupby("parameter")["mu_star_norm"]
    mean, top = g.mean(), g.max()
    order = sorted(mean.index, key=lambda k: (-mean[k], -top[k], k))
    return order[:count]


def sobol_design(problem: dict[str, Any], base_samples: int, seed: int) -> np.ndarray:
    """Saltelli's scheme, first and total order: ``base_samples * (k + 2)`` rows."""
    return _salib().sample.sobol.sample(problem, base_samples, calc_second_order=False,
                                        seed=seed)


def sobol_indices(problem: dict[str, Any], outputs: pd.DataFrame, resamples: int, seed: int,
                  ) -> pd.DataFrame:
    """S1 and ST with their 95% bootstrap confidence half-widths per output and parameter."""
    analyze = _salib().analyze.sobol
    rows = []
    for col in outputs.columns:
        y, missing = _filled(outputs[col].to_numpy())
        if np.allclose(y, y[0]):
            si = {k: np.full(problem["num_vars"], np.nan)
                  for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            si = analyze.analyze(problem, y, calc_second_order=False, num_resamples=resamples,
                                 conf_level=0.95, seed=seed)
        for j, name in enumerate(problem["names"]):
            rows.append({"output": col, "parameter": name, "S1": float(si["S1"][j]),
                         "S1_conf": float(si["S1_conf"][j]), "ST": float(si["ST"][j]),
                         "ST_conf": float(si["ST_conf"][j]), "missing": missing})
    return pd.DataFrame(rows)
