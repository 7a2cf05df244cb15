"""Scenario discovery with PRIM (Friedman and Fisher 1999): a box in parameter space where an
outcome (e.g. "keuzematrix adopts more than doorzettingsmacht") is concentrated.

``builtin`` is a small peeling-only PRIM (no pasting), enough for readable boxes; with
``ema_workbench`` installed (``pip install 'cio-sim[prim]'``) its PRIM is used instead.
Both return the same :class:`Box`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: PRIM runs over the accepted ensemble when it has at least this many points, otherwise over
#: the whole sample (and the report says so).
MIN_ACCEPTED_FOR_PRIM = 20


@dataclass(frozen=True)
class Box:
    """A box: per restricted parameter (low, high); coverage, density and mass of the box.

    Restrictions that hardly matter (removing one lowers the density by under 0.01) are
    dropped after PRIM, so the box names only what a reader needs."""

    limits: dict[str, tuple[float, float]]
    coverage: float     # share of all cases of interest that fall in the box
    density: float      # share of points in the box that are cases of interest
    mass: float         # share of all points in the box
    base_rate: float    # share of cases of interest overall
    trajectory: pd.DataFrame

    def describe(self, digits: int = 3) -> str:
        if not self.limits:
            return "everywhere (no restriction)"
        parts = []
        for key, (lo, hi) in self.limits.items():
            low, high = f"{lo:.{digits}g}", f"{hi:.{digits}g}"
            parts.append(f"{key} = {low}" if low == high else f"{low} <= {key} <= {high}")
        return " and ".join(parts)


def _restricted(x: pd.DataFrame, lims: dict[str, tuple[float, float]]
                ) -> dict[str, tuple[float, float]]:
    out = {}
    for key, (lo, hi) in lims.items():
        col = x[key]
        if lo > col.min() or hi < col.max():
            out[key] = (float(lo), float(hi))
    return out


def _simplify(x: pd.DataFrame, y: np.ndarray, lims: dict[str, tuple[float, float]],
              tolerance: float = 0.01) -> dict[str, tuple[float, float]]:
    """Drop restrictions whose removal lowers the box's density by less than ``tolerance``
    (noise dimensions PRIM trimmed on the way), most harmless first."""
    lims = dict(lims)

    def density(box: dict[str, tuple[float, float]]) -> float:
        inside = np.ones(len(y), dtype=bool)
        for key, (lo, hi) in box.items():
            inside &= (x[key].to_numpy() >= lo) & (x[key].to_numpy() <= hi)
        return float(y[inside].mean()) if inside.any() else 0.0

    while lims:
        d0 = density(lims)
        losses = {k: d0 - density({j: v for j, v in lims.items() if j != k}) for k in lims}
        key = min(losses, key=lambda k: (losses[k], k))
        if losses[key] >= tolerance:
            break
        del lims[key]
    return lims


def _box(x: pd.DataFrame, y: np.ndarray, lims: dict[str, tuple[float, float]],
         traj: pd.DataFrame) -> Box:
    inside = np.ones(len(y), dtype=bool)
    for key, (lo, hi) in lims.items():
        inside &= (x[key].to_numpy() >= lo) & (x[key].to_numpy() <= hi)
    n, total = len(y), max(int(y.sum()), 1)
    return Box(lims, float(y[inside].sum() / total),
               float(y[inside].mean()) if inside.any() else 0.0, float(inside.sum() / n),
               float(y.mean()) if n else 0.0, traj)


def _choose(traj: pd.DataFrame, min_coverage: float) -> int:
    """The densest box with at least ``min_coverage`` coverage (ties: the larger coverage)."""
    ok = traj[traj["coverage"] >= min_coverage]
    if ok.empty:
        return 0
    best = ok.sort_values(["density", "coverage"], ascending=[False, False]).index[0]
    return int(best)


def prim_builtin(x: pd.DataFrame, y: np.ndarray, peel_alpha: float = 0.05,
                 min_mass: float = 0.05, min_coverage: float = 0.5) -> Box:
    """Peel ``peel_alpha`` of the points off one side of one dimension at a time, always the
    peel that raises the box's density most, until the box holds ``min_mass`` of the points."""
    y = np.asarray(y, dtype=bool)
    cols = list(x.columns)
    data = x.to_numpy(dtype=float)
    n, total = len(y), max(int(y.sum()), 1)
    inside = np.ones(n, dtype=bool)
    lims = {c: (float(data[:, j].min()), float(data[:, j].max())) for j, c in enumerate(cols)}
    steps = [dict(lims)]
    rows = [(1.0, y.mean() if n else 0.0, 1.0)]
    while inside.sum() / n > min_mass:
        best = None
        for j in range(len(cols)):
            v = data[inside, j]
            for side in ("low", "high"):
                q = np.quantile(v, peel_alpha if side == "low" else 1 - peel_alpha)
                keep = inside & ((data[:, j] >= q) if side == "low" else (data[:, j] <= q))
                if keep.sum() == inside.sum() or keep.sum() == 0:
                    # a tie at the quantile: peel exactly that value instead
                    keep = inside & ((data[:, j] > q) if side == "low" else (data[:, j] < q))
                    if keep.sum() == 0 or keep.sum() == inside.sum():
                        continue
                dens = y[keep].mean()
                cand = (dens, keep.sum(), -j, side == "low")
                if best is None or cand[:2] > best[0][:2]:
                    best = (cand, j, side, keep)
        if best is None:
            break
        _, j, side, keep = best
        inside = keep
        c = cols[j]
        v = data[inside, j]
        lo, hi = lims[c]
        lims[c] = (float(v.min()), hi) if side == "low" else (lo, float(v.max()))
        steps.append(dict(lims))
        rows.append((y[inside].sum() / total, y[inside].mean(), inside.sum() / n))
    traj = pd.DataFrame(rows, columns=["coverage", "density", "mass"])
    traj["restricted"] = [len(_restricted(x, s)) for s in steps]
    i = _choose(traj, min_coverage)
    return _box(x, y, _simplify(x, y, _restricted(x, steps[i])), traj)


def prim_ema(x: pd.DataFrame, y: np.ndarray, peel_alpha: float = 0.05,
             min_mass: float = 0.05, min_coverage: float = 0.5) -> Box:
    """The EMA Workbench's PRIM (peeling and pasting), chosen box as in the builtin."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from ema_workbench.analysis import prim as ema_prim
        except ImportError:
            raise ImportError("discovery.method = 'ema_workbench' needs the EMA Workbench: "
                              "pip install 'cio-sim[prim]'") from None
    logging.getLogger("EMA").setLevel(logging.ERROR)
    y = np.asarray(y, dtype=bool)
    import inspect

    # EMA Workbench 2.x takes a density threshold (unused for the trajectory); 3.x does not.
    extra = {"threshold": 0.5} if "threshold" in inspect.signature(ema_prim.Prim).parameters \
        else {}
    p = ema_prim.Prim(x.astype(float), y, peel_alpha=peel_alpha, mass_min=min_mass, **extra)
    box = p.find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass"]].reset_index(drop=True)
    traj["restricted"] = box.peeling_trajectory["res_dim"].to_numpy()
    i = _choose(traj, min_coverage)
    lims_df = box.box_lims[i]
    lims = {c: (float(lims_df.loc[0, c]), float(lims_df.loc[1, c])) for c in x.columns}
    return _box(x, y, _simplify(x, y, _restricted(x, lims)), traj)


def find_box(x: pd.DataFrame, y: np.ndarray, method: str = "builtin", **kwargs: float) -> Box:
    """A PRIM box for the cases ``y`` over the parameters ``x``."""
    return (prim_ema if method == "ema_workbench" else prim_builtin)(x, y, **kwargs)
