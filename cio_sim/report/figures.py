"""The report's figures as SVG (:mod:`cio_sim.report.svg`), drawn from a batch's tables: paired
differences from the baseline, backlog and compliance over time, a sweep's responses and its
two-parameter heatmaps. Each function returns the SVG text, or None when it has nothing to
show (a figure is drawn only where it applies)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import catalogue, comparison
from ..stats import mean_ci
from .svg import Band, Interval, Panel, bands, colour, heatmap, intervals

__all__ = ["backlog", "compliance", "paired", "response", "sweep_heatmap"]

WEEKS_PER_YEAR = 52
RESPONSE_METRICS = ("adopted_per_year", "time_to_decision_median_weeks", "compliance_actual",
                    "backlog_end")


def _name(key: str) -> str:
    return catalogue.label(key, unit=False)


def paired(runs: pd.DataFrame, baseline: str | None = None,
           metrics: Sequence[str] = catalogue.HEADLINE, design_keys: Sequence[str] = (),
           table: pd.DataFrame | None = None) -> str | None:
    """Each scenario minus the baseline, replication by replication: mean and 95% CI per
    headline metric that has a better direction; the side that is better is marked.
    ``table``: the paired table already computed (:func:`cio_sim.comparison.paired_table`)."""
    wanted = [m for m in metrics if catalogue.better_sign(m) and
              (m in runs.columns or m == comparison.SHARED_COMPLIANCE
               or m in comparison.paired_metrics(runs))]
    if table is None:
        table = comparison.paired_table(runs, baseline, wanted, design_keys=design_keys)
    else:
        order = {m: k for k, m in enumerate(wanted)}
        table = table[table["metric"].isin(wanted)].sort_values(
            "metric", key=lambda col: col.map(order), kind="stable")
    if table.empty:
        return None
    base = str(table["baseline"].iloc[0])
    order = list(dict.fromkeys(comparison.label_runs(runs, design_keys)["label"]))
    panels = []
    for key, frame in table.groupby("metric", sort=False):
        rows = []
        for r in frame.itertuples():
            note = "not reached in some runs" if "not reached" in str(r.note) else str(r.note)
            rows.append(Interval(str(r.scenario), float(r.mean_diff), float(r.ci_low),
                                 float(r.ci_high), colour(order.index(r.scenario)), note))
        panels.append(Panel(catalogue.label(str(key), unit=False), rows,
                            catalogue.better_sign(str(key)), zero=True,
                            unit=catalogue.unit(str(key))))
    return intervals(panels, f"Difference from {base}, paired over the same seeds: mean and "
                     "95% CI", columns=2)


def _time(ts: pd.DataFrame) -> tuple[pd.Series, str]:
    """Calendar years when the table has a ``year`` column, else weeks."""
    step = ts["step"].astype(float)
    if "year" not in ts.columns:
        return step, "Week"
    first = step.groupby(ts["scenario"]).transform("min")
    start = ts["year"].astype(float).where(step == first).groupby(ts["scenario"]) \
        .transform("min")
    return start + (step - first) / WEEKS_PER_YEAR, "Year"


def _bands(ts: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    """Per scenario: time, 10%, median and 90% of ``column`` over replications per step."""
    t, _ = _time(ts)
    df = pd.DataFrame({"scenario": ts["scenario"].to_numpy(), "step": ts["step"].to_numpy(),
                       "t": t.to_numpy(),
                       "v": pd.to_numeric(ts[column], errors="coerce").to_numpy()})
    g = df.groupby(["scenario", "step"], sort=True)
    q = g["v"].quantile([0.1, 0.5, 0.9]).unstack()
    q["t"] = g["t"].first()
    return {str(s): sub.droplevel(0) for s, sub in q.groupby(level=0)}


def _prepared(timeseries: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str], str] | None:
    if timeseries is None or timeseries.empty or "step" not in timeseries.columns:
        return None
    ts = comparison.ok_runs(timeseries)
    return ts, [str(s) for s in pd.unique(ts["scenario"])], _time(ts)[1]


def backlog(timeseries: pd.DataFrame | None) -> str | None:
    """Open proposals per week per scenario: median and 10-90% band over replications."""
    prep = _prepared(timeseries)
    if prep is None or "backlog" not in prep[0].columns:
        return None
    ts, scen, xlabel = prep
    b = _bands(ts, "backlog")
    series = [Band(s, b[s]["t"].tolist(), b[s][0.5].tolist(), b[s][0.1].tolist(),
                   b[s][0.9].tolist(), colour(k)) for k, s in enumerate(scen) if s in b]
    return bands(series, "Open proposals (backlog) over time: median and 10-90% band",
                 xlabel, "open proposals (↓ better)", (0.0, None))


def compliance(timeseries: pd.DataFrame | None) -> str | None:
    """Actual (solid) and self-reported (dashed) compliance over time, per scenario."""
    prep = _prepared(timeseries)
    if prep is None or "compliance_actual" not in prep[0].columns:
        return None
    ts, scen, xlabel = prep
    series = []
    for col, dash, word in (("compliance_actual", "", "actual"),
                            ("compliance_reported", "6 4", "reported")):
        if col not in ts.columns or not pd.to_numeric(ts[col], errors="coerce").notna().any():
            continue
        b = _bands(ts, col)
        for k, s in enumerate(scen):
            if s in b:
                lo, hi = (b[s][0.1].tolist(), b[s][0.9].tolist()) if not dash else ([], [])
                series.append(Band(f"{s}: {word}", b[s]["t"].tolist(), b[s][0.5].tolist(),
                                   lo, hi, colour(k), dash))
    if not series:
        return None
    return bands(series, "Compliance over time: actual (solid, 10-90% band) and self-reported "
                 "(dashed), medians", xlabel, "share of due pairs (↑ better)", (0.0, 1.0))


def _grouped(runs: pd.DataFrame, keys: Sequence[str], metric: str
             ) -> list[tuple[tuple, float, float, float, int]]:
    out = []
    for values, sub in runs.groupby(list(keys), sort=True):
        vals = values if isinstance(values, tuple) else (values,)
        m, lo, hi, n = mean_ci(sub[metric])
        out.append((vals, m, lo, hi, n))
    return out


def response(runs: pd.DataFrame, key: str, design_keys: Sequence[str],
             metrics: Sequence[str] = RESPONSE_METRICS) -> str | None:
    """A sweep's response to ``key``: mean and 95% CI of each metric per value (with other
    swept parameters, per combination, up to 24 rows)."""
    df = comparison.ok_runs(runs)
    keys = [key, *(k for k in design_keys if k != key and k in df.columns)]
    groups = df.groupby(keys).ngroups if key in df.columns else 0
    if not groups or groups > 24:
        return None
    panels = []
    for metric in (m for m in metrics if m in df.columns):
        rows = []
        for k, (vals, m, lo, hi, _n) in enumerate(_grouped(df, keys, metric)):
            label = ", ".join(f"{kk.rsplit('.', 1)[-1]}={v}" for kk, v in
                              zip(keys, vals, strict=True))
            note = "not reached" if m == math.inf else "no data"
            rows.append(Interval(label, m if math.isfinite(m) else math.nan, lo, hi,
                                 colour(k if len(keys) > 1 else 0), note))
        panels.append(Panel(catalogue.label(metric, unit=False), rows,
                            catalogue.better_sign(metric), unit=catalogue.unit(metric)))
    if not panels:
        return None
    return intervals(panels, f"Response to {key}: mean and 95% CI per design point", columns=2)


def sweep_heatmap(runs: pd.DataFrame, x: str, y: str, metric: str) -> str | None:
    """Mean of ``metric`` per grid point of two swept parameters. The colour scale spans the
    data, but never less than the replications' typical 95% interval, so that a spread within
    the noise does not look like a gradient."""
    df = comparison.ok_runs(runs)
    if metric not in df.columns or x not in df.columns or y not in df.columns:
        return None
    values = pd.to_numeric(df[metric], errors="coerce").replace([np.inf, -np.inf], np.nan)
    df = df.assign(_v=values)
    grid = df.pivot_table(index=y, columns=x, values="_v", aggfunc="mean")
    if grid.empty:
        return None
    halves = [(hi - lo) / 2 for _v, m, lo, hi, n in _grouped(df, [x, y], "_v")
              if n > 1 and math.isfinite(hi - lo)]
    half = float(np.median(halves)) if halves else 0.0
    finite = grid.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    lo, hi = float(finite.min()), float(finite.max())
    mid, span = (lo + hi) / 2, max(hi - lo, 4 * half)
    scale = (mid - span / 2, mid + span / 2)
    note = (f"spread {hi - lo:.3g}; typical 95% CI ±{half:.2g}" if half else
            f"spread {hi - lo:.3g}")

    def fmt(v: object) -> str:
        return f"{v:g}" if isinstance(v, float) else str(v)

    return heatmap(grid.to_numpy(dtype=float).tolist(), [fmt(v) for v in grid.columns],
                   [fmt(v) for v in grid.index], f"{catalogue.label(metric)}: mean per design "
                   f"point", x, y, scale, note, catalogue.better_sign(metric))
