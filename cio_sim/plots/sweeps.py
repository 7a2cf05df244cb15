"""Sweeps: a metric's response to a swept parameter, and a heatmap over two."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import catalogue
from ..stats import mean_ci
from .common import (
    _arrow,
    _figure,
    _from_zero,
    _has,
    _suptitle,
    _title,
    _wrap,
    metric_label,
)


def _design_keys(runs: pd.DataFrame) -> list[str]:
    cols = list(runs.columns)
    if "point" in cols and "replication" in cols:
        return cols[cols.index("point") + 1:cols.index("replication")]
    return []


def plot_response(runs: pd.DataFrame, key: str, metrics: Sequence[str] | None = None,
                  confidence: float = 0.95) -> Figure:
    """A sweep's response to one swept parameter ``key``: for each metric, the mean and CI
    at every design point against the parameter's value; with other swept parameters, one
    line per combination of their values (up to eight, else points only)."""
    raw = runs
    if "error" in raw.columns:
        raw = raw[raw["error"].isna()]
    if key not in raw.columns:
        raise ValueError(f"{key!r} is not a swept parameter of these runs")
    keys = [k for k in _design_keys(raw) if k != key]
    metrics = [m for m in (metrics or ("adopted_per_year", "time_to_decision_median_weeks",
                                       "compliance_actual", "backlog_end")) if _has(raw, m)]
    ncols = min(2, max(1, len(metrics)))
    nrows = max(1, math.ceil(len(metrics) / ncols))
    fig = _figure((5.2 * ncols, 3.6 * nrows + 0.6))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    groups = list(raw.groupby(keys, sort=True)) if keys else [((), raw)]
    lines = len(groups) <= 8
    levels = list(pd.unique(raw[key]))
    numeric = all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
                  for v in levels)
    position = ({v: float(v) for v in levels} if numeric
                else {v: float(i) for i, v in enumerate(levels)})
    for ax, metric in zip(axes, metrics, strict=False):
        missing: list[str] = []
        for g, (values, frame) in enumerate(groups):
            vals = values if isinstance(values, tuple) else (values,)
            label = ", ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in
                              zip(keys, vals, strict=True)) if keys else None
            xs, ms, los, his = [], [], [], []
            for x, sub in frame.groupby(key, sort=True):
                m, lo, hi, _ = mean_ci(sub[metric], confidence)
                if m == math.inf:
                    missing.append(f"{label}, {x}" if label else str(x))
                if not math.isfinite(m):
                    continue
                xs.append(position[x])
                ms.append(m)
                los.append(m - lo if math.isfinite(lo) else 0.0)
                his.append(hi - m if math.isfinite(hi) else 0.0)
            if not xs:
                continue
            ax.errorbar(xs, ms, yerr=[los, his], fmt="o-" if lines else "o",
                        color=f"C{g % 10}", capsize=3, markersize=4,
                        label=label if lines else None)
        _title(ax, metric_label(metric, unit=False) + _arrow(metric), fontsize="medium")
        ax.set_xlabel(key)
        if not numeric:
            ax.set_xticks(list(position.values()))
            ax.set_xticklabels([str(v) for v in levels], fontsize="small")
        elif all(float(v).is_integer() for v in levels):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if missing:
            ax.text(0.02, 0.98, _wrap("not reached in some runs at: " + "; ".join(missing),
                                      4.8, 8),
                    transform=ax.transAxes, ha="left", va="top", fontsize="x-small",
                    color="0.3")
        ax.set_ylabel(catalogue.unit(metric))
        _from_zero(ax, metric)
        ax.grid(alpha=0.3)
        if keys and lines:
            ax.legend(fontsize="x-small")
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    _suptitle(fig, f"Response to {key}: mean and {confidence:.0%} CI per design point")
    return fig


def plot_heatmap(runs: pd.DataFrame, x: str, y: str,
                 metrics: Sequence[str] | None = None) -> Figure:
    """A two-parameter sweep as heatmaps, one per metric: the mean over replications at each
    (x, y) grid point, written in the cells; the colour bar says which direction is better."""
    raw = runs
    if "error" in raw.columns:
        raw = raw[raw["error"].isna()]
    for k in (x, y):
        if k not in raw.columns:
            raise ValueError(f"{k!r} is not a swept parameter of these runs")
    metrics = [m for m in (metrics or ("adopted_per_year", "compliance_actual")) if _has(raw, m)]
    fig = _figure((5.0 * max(1, len(metrics)), 4.4))
    axes = fig.subplots(1, max(1, len(metrics)), squeeze=False).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        values = pd.to_numeric(raw[metric], errors="coerce").replace([np.inf, -np.inf], np.nan)
        grid = raw.assign(_v=values).pivot_table(index=y, columns=x, values="_v",
                                                 aggfunc="mean")
        sign = catalogue.better_sign(metric)
        cmap = "viridis" if sign >= 0 else "viridis_r"
        im = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap=cmap)
        ax.set_xticks(range(grid.shape[1]))
        ax.set_xticklabels([f"{v:g}" if isinstance(v, float) else str(v) for v in grid.columns],
                           fontsize="small")
        ax.set_yticks(range(grid.shape[0]))
        ax.set_yticklabels([f"{v:g}" if isinstance(v, float) else str(v) for v in grid.index],
                           fontsize="small")
        for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
            if math.isfinite(v):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize="x-small",
                        color="white")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        _title(ax, metric_label(metric), fontsize="medium")
        bar = fig.colorbar(im, ax=ax)
        bar.set_label({1: "higher is better (brighter)", -1: "lower is better (brighter)",
                       0: "no better direction"}[sign], fontsize="small")
    _suptitle(fig, f"{y} × {x}: mean over replications per design point")
    return fig
