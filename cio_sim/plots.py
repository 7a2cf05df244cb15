"""Figures for batches of runs: time series bands, regime comparisons, paired differences,
time to decision, sweep responses and trade-offs.

Every function takes the tables of a batch (``runs``: one row per replication with the
``summary()`` keys plus ``scenario``; ``timeseries``: one row per replication and week with the
``timeseries()`` columns plus ``scenario`` and ``replication``) and returns a
:class:`matplotlib.figure.Figure`. Figures are made by ``pyplot.figure``, so ``fig.show()``
works in a plain script (with ``plt.show()`` to keep the windows open) and a notebook shows
them inline; nothing picks a backend at import (pyplot chooses Agg when there is no display).
:func:`save` writes a figure to files; :func:`close` releases it::

    from cio_sim import plots
    fig = plots.plot_regime_comparison(result.runs)
    plots.save(fig, "results/x/figures/regimes", formats=("png", "svg"))

A frame without a ``scenario`` column is treated as one scenario; in a sweep (a ``point``
column with several values) each design point is shown under its parameter values. Replications
whose ``error`` column is set are left out. Missing or all-NaN metrics give an empty panel
saying so instead of an exception. Which direction of a metric is better comes from
:mod:`cio_sim.catalogue` and is written on the figures. The model core never imports this
module.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import catalogue
from .comparison import label_runs, with_derived
from .stats import mean_ci

__all__ = [
    "HEADLINE_METRICS", "QUADRANT_LABELS", "close", "mean_ci", "metric_label",
    "plot_attention", "plot_backlog", "plot_band", "plot_compliance", "plot_heatmap",
    "plot_paired_differences", "plot_quadrants", "plot_regime_comparison", "plot_response",
    "plot_throughput_compliance", "plot_time_to_decision", "save", "scenario_colors",
    "scenarios_of",
]

DPI = 120
WEEKS_PER_YEAR = 52

HEADLINE_METRICS: tuple[str, ...] = catalogue.HEADLINE
"""The metrics compared across regimes in :func:`plot_regime_comparison` and the report."""

QUADRANT_LABELS: dict[str, str] = {
    "q1": "q1: one dept,\nlimited impact",
    "q2": "q2: one dept,\nmuch impact",
    "q3": "q3: several depts,\nlimited impact",
    "q4": "q4: several depts,\nmuch impact",
}
"""Short labels of the keuzematrix quadrants (ADR:L583-608)."""

_SINGLE = "scenario"


# --------------------------------------------------------------------------- helpers


def _figure(figsize: tuple[float, float]) -> Figure:
    """A new figure managed by pyplot, so ``fig.show()`` works in a plain script; pyplot
    picks the backend (Agg when headless). Writers close it after saving (:func:`save`)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, dpi=DPI, layout="constrained")


def close(fig: Figure) -> None:
    """Release a figure from pyplot (after saving it)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def _wrap(text: str, width_in: float, size_pt: float) -> str:
    """Wrap a title to the width it has: about 0.55 em per character."""
    chars = max(20, int(width_in * 72 / (0.55 * size_pt)))
    return "\n".join(textwrap.wrap(text, chars)) or text


def _suptitle(fig: Figure, text: str) -> None:
    size = 12.0
    fig.suptitle(_wrap(text, fig.get_figwidth() - 0.2, size), fontsize=size)


def _title(ax: Axes, text: str, fontsize: str | float = "large") -> None:
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=fontsize).get_size_in_points()
    width = ax.get_position().width * ax.figure.get_figwidth()
    ax.set_title(_wrap(text, width, size), fontsize=fontsize)


def _arrow(key: str) -> str:
    """' (↑ better)' or ' (↓ better)' after a metric's name, from the catalogue."""
    sign = catalogue.better_sign(key)
    return " (↑ better)" if sign > 0 else " (↓ better)" if sign < 0 else ""


def metric_label(key: str, unit: bool = True) -> str:
    """Readable label of a metric key (from the catalogue), with its unit in brackets."""
    return catalogue.label(key, unit)


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows without an error, with a ``scenario`` column (one scenario if there was none)."""
    if "point" in frame.columns and frame["point"].nunique(dropna=True) > 1:
        # a sweep: every design point is drawn as its own scenario, named by its values
        df = label_runs(frame)
        df = df.assign(scenario=df["label"]).drop(columns="label")
        return with_derived(df, by="scenario") if "replication" in df.columns else df
    df = frame
    if "error" in df.columns:
        err = df["error"]
        bad = err.notna() & (err.astype(str).str.len() > 0)
        df = df.loc[~bad]
    if "scenario" not in df.columns:
        df = df.assign(scenario=_SINGLE)
    if "replication" in df.columns and "step" not in df.columns:
        df = with_derived(df, by="scenario")      # runs: add like-for-like compliance
    return df


def scenarios_of(frame: pd.DataFrame) -> list[str]:
    """Scenario names in order of first appearance (one name if there is no column)."""
    if "scenario" not in frame.columns:
        return [_SINGLE]
    return [str(s) for s in pd.unique(frame["scenario"].dropna())]


def scenario_colors(scenarios: Sequence[str]) -> dict[str, str]:
    """A stable colour per scenario, by position (tab10 cycle)."""
    return {s: f"C{k % 10}" for k, s in enumerate(scenarios)}


def _tick_labels(scenarios: Sequence[str]) -> tuple[list[str], str]:
    """Tick labels and an axis label: sweep points ``base#k`` become ``#k`` under ``base``."""
    bases = {s.rsplit("#", 1)[0] for s in scenarios if "#" in s}
    if len(bases) == 1 and all("#" in s for s in scenarios) and len(scenarios) > 1:
        (base,) = bases
        return ["#" + s.rsplit("#", 1)[1] for s in scenarios], f"design point of {base}"
    return list(scenarios), ""


def _no_data(ax: Axes, what: str = "no data") -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def _has(frame: pd.DataFrame, col: str) -> bool:
    return col in frame.columns and pd.to_numeric(frame[col], errors="coerce").notna().any()


def _time_axis(ts: pd.DataFrame) -> tuple[pd.Series, str]:
    """Calendar time in years when the ``year`` column is there, else weeks.

    The first step of each scenario is placed at the start of its ``year``; later steps follow
    at 52 per year (no assumption on how ``year`` is derived from ``step``).
    """
    step = ts["step"].astype(float)
    if "year" in ts.columns:
        by = ts["scenario"] if "scenario" in ts.columns else pd.Series(0, index=ts.index)
        first = step.groupby(by).transform("min")
        at_first = ts["year"].astype(float).where(step == first)
        start = at_first.groupby(by).transform("min")
        return start + (step - first) / WEEKS_PER_YEAR, "Year"
    return step, "Week"


def _bands(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 10-90% quantiles of ``column`` per scenario and step."""
    df = ts[["scenario", "step", "_t", column]].copy()
    df[column] = pd.to_numeric(df[column], errors="coerce")
    g = df.groupby(["scenario", "step"], sort=True)
    out = g["_t"].first().to_frame()
    q = g[column].quantile([0.1, 0.5, 0.9]).unstack()
    out["lo"], out["mid"], out["hi"] = q[0.1], q[0.5], q[0.9]
    return out.reset_index()


def _prepare_ts(timeseries: pd.DataFrame) -> tuple[pd.DataFrame, str, list[str]]:
    ts = _ok(timeseries)
    if "step" not in ts.columns:
        raise ValueError("timeseries needs a 'step' column")
    t, xlabel = _time_axis(ts)
    ts = ts.assign(_t=t.to_numpy())
    return ts, xlabel, scenarios_of(ts)


def _n_reps(ts: pd.DataFrame, scenario: str) -> int:
    sub = ts[ts["scenario"] == scenario]
    return int(sub["replication"].nunique()) if "replication" in sub.columns else 1


def _year_ticks(ax: Axes, xlabel: str) -> None:
    """Whole years as ticks on a calendar axis (weeks keep the default locator)."""
    if xlabel == "Year":
        lo, hi = ax.get_xlim()
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=hi - lo >= 2))
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}")


def _draw_band(ax: Axes, b: pd.DataFrame, color: str, label: str, linestyle: str = "-",
               alpha: float = 0.2) -> None:
    ax.fill_between(b["_t"], b["lo"], b["hi"], color=color, alpha=alpha, linewidth=0)
    ax.plot(b["_t"], b["mid"], color=color, linestyle=linestyle, linewidth=1.6, label=label)


# --------------------------------------------------------------------------- time series


def plot_band(timeseries: pd.DataFrame, column: str, ylabel: str | None = None,
              title: str | None = None) -> Figure:
    """Median and 10-90% band over replications of one timeseries column, per scenario."""
    ts, xlabel, scen = _prepare_ts(timeseries)
    colors = scenario_colors(scen)
    fig = _figure((8, 4.5))
    ax = fig.add_subplot()
    if not _has(ts, column):
        _no_data(ax, f"no data for {column}")
    else:
        for s in scen:
            b = _bands(ts[ts["scenario"] == s], column)
            _draw_band(ax, b, colors[s], f"{s} (n={_n_reps(ts, s)})")
        ax.set_xlabel(xlabel)
        _year_ticks(ax, xlabel)
        ax.set_ylabel(ylabel or metric_label(column))
        if len(scen) > 4:
            ax.legend(title="scenario: median,\n10-90% band", fontsize="small",
                      loc="upper left", bbox_to_anchor=(1.01, 1.0))
        else:
            ax.legend(title="scenario: median, 10-90% band", fontsize="small")
        ax.grid(alpha=0.3)
    ax.set_title(title or f"{metric_label(column, unit=False)} over time")
    return fig


def plot_backlog(timeseries: pd.DataFrame) -> Figure:
    """Open items (backlog) per week: median and 10-90% band over replications per scenario."""
    return plot_band(timeseries, "backlog", ylabel="Backlog [open items]",
                     title="Backlog of open proposals over time")


def plot_compliance(timeseries: pd.DataFrame) -> Figure:
    """Actual vs self-reported compliance over time, one panel per scenario.

    Solid line and band: actual; dashed: reported (median and 10-90% band over replications).
    The gap between them is the reporting gap of the scenario.
    """
    ts, xlabel, scen = _prepare_ts(timeseries)
    n = len(scen)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    fig = _figure((4.2 * ncols + 0.5, 3.4 * nrows + 0.6))
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, s in zip(axes, scen, strict=False):
        sub = ts[ts["scenario"] == s]
        drew = False
        for col, color, style, name in (("compliance_actual", "C0", "-", "actual"),
                                        ("compliance_reported", "C3", "--", "reported")):
            if _has(sub, col):
                _draw_band(ax, _bands(sub, col), color, name, style, alpha=0.18)
                drew = True
        if not drew:
            _no_data(ax, "no compliance due yet")
        else:
            ax.set_ylim(-0.02, 1.02)
            ax.grid(alpha=0.3)
            ax.legend(fontsize="small", loc="lower right")
        ax.set_title(f"{s} (n={_n_reps(ts, s)})", fontsize="medium")
        ax.set_xlabel(xlabel)
        _year_ticks(ax, xlabel)
        ax.set_ylabel("Compliance [share of due pairs]")
    for ax in axes[n:]:
        ax.set_visible(False)
    _suptitle(fig, "Compliance over time: actual vs reported (median, 10-90% band)")
    return fig


# --------------------------------------------------------------------------- regimes


def _errorbar(ax: Axes, x: float, m: float, lo: float, hi: float, color: str, **kw) -> None:
    yerr = [[m - lo], [hi - m]] if math.isfinite(lo) and math.isfinite(hi) else None
    ax.errorbar([x], [m], yerr=yerr, fmt="o", color=color, capsize=4, markersize=6,
                linewidth=1.5, **kw)


def plot_regime_comparison(runs: pd.DataFrame,
                           metrics: Sequence[str] = HEADLINE_METRICS,
                           confidence: float = 0.95) -> Figure:
    """Small multiples, one panel per metric: mean and confidence interval per scenario.

    Faint dots are the individual replications. Metrics missing from ``runs`` or all NaN get a
    panel that says so.
    """
    df = _ok(runs)
    scen = scenarios_of(df)
    colors = scenario_colors(scen)
    per_row = 4 if len(scen) <= 4 else 2 if len(scen) <= 10 else 1
    ncols = min(per_row, len(metrics)) or 1
    nrows = max(1, math.ceil(len(metrics) / ncols))
    width = max(3.0, 0.9 * len(scen) + 1.6)
    ticks, xlabel = _tick_labels(scen)
    fig = _figure((width * ncols, 3.3 * nrows + 0.6))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    rng = np.random.default_rng(0)
    for ax, key in zip(axes, metrics, strict=False):
        _title(ax, metric_label(key, unit=False) + _arrow(key), fontsize="medium")
        if not _has(df, key):
            _no_data(ax, "no data")
            continue
        for k, s in enumerate(scen):
            vals = pd.to_numeric(df.loc[df["scenario"] == s, key], errors="coerce").dropna()
            if vals.empty:
                continue
            jitter = rng.uniform(-0.15, 0.15, len(vals))
            ax.scatter(k + jitter, vals, s=8, color=colors[s], alpha=0.25, linewidths=0)
            m, lo, hi, _ = mean_ci(vals, confidence)
            _errorbar(ax, k, m, lo, hi, colors[s])
        _category_axis(ax, ticks, rotate=not xlabel)
        _from_zero(ax, key)
        if xlabel:
            ax.set_xlabel(xlabel, fontsize="small")
        ax.set_ylabel(catalogue.unit(key) or key)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    _suptitle(fig, f"Regime comparison: mean and {confidence:.0%} CI per scenario "
              "(dots: replications; ↑ higher is better, ↓ lower is better)")
    return fig


def plot_throughput_compliance(runs: pd.DataFrame, x: str = "adopted_per_year",
                               y: str = "compliance_actual",
                               confidence: float = 0.95) -> Figure:
    """The throughput-compliance plane: a dot per replication, a cross per scenario mean.

    The cross arms are the confidence intervals of the mean on each axis.
    """
    df = _ok(runs)
    scen = scenarios_of(df)
    colors = scenario_colors(scen)
    fig = _figure((7, 5.2))
    ax = fig.add_subplot()
    ax.set_title("Throughput vs compliance")
    if not (_has(df, x) and _has(df, y)):
        _no_data(ax, f"no data for {x} / {y}")
        return fig
    for s in scen:
        sub = df.loc[df["scenario"] == s, [x, y]].apply(pd.to_numeric, errors="coerce").dropna()
        if sub.empty:
            continue
        ax.scatter(sub[x], sub[y], s=16, color=colors[s], alpha=0.4, linewidths=0)
        mx, xlo, xhi, _ = mean_ci(sub[x], confidence)
        my, ylo, yhi, _ = mean_ci(sub[y], confidence)
        xerr = [[mx - xlo], [xhi - mx]] if math.isfinite(xlo) else None
        yerr = [[my - ylo], [yhi - my]] if math.isfinite(ylo) else None
        ax.errorbar([mx], [my], xerr=xerr, yerr=yerr, fmt="D", color=colors[s],
                    markeredgecolor="black", markersize=8, capsize=3,
                    label=f"{s} (n={len(sub)})")
    ax.set_xlabel(metric_label(x))
    ax.set_ylabel(metric_label(y))
    ax.grid(alpha=0.3)
    ax.legend(title=f"scenario: mean, {confidence:.0%} CI", fontsize="small")
    return fig


def _grouped_bars(ax: Axes, df: pd.DataFrame, groups: Sequence[str], series: Sequence[str],
                  column_of, colors: dict[str, str], confidence: float,
                  hatches: dict[str, str] | None = None) -> bool:
    """Bars at x = group, one bar per series, height = mean, error bar = CI. True if drawn."""
    width = 0.8 / max(len(series), 1)
    drew = False
    for j, s in enumerate(series):
        means, errs = [], [[], []]
        for g in groups:
            col, mask = column_of(g, s)
            vals = df.loc[mask, col] if col in df.columns else pd.Series(dtype=float)
            m, lo, hi, _ = mean_ci(vals, confidence)
            means.append(m)
            errs[0].append(m - lo if math.isfinite(lo) else 0.0)
            errs[1].append(hi - m if math.isfinite(hi) else 0.0)
        if all(not math.isfinite(m) for m in means):
            continue
        xs = np.arange(len(groups)) + (j - (len(series) - 1) / 2) * width
        ax.bar(xs, np.nan_to_num(means), width=width * 0.95, yerr=errs, capsize=3,
               color=colors[s], hatch=(hatches or {}).get(s), edgecolor="white",
               error_kw={"linewidth": 1}, label=s)
        drew = True
    return drew


def plot_quadrants(runs: pd.DataFrame, confidence: float = 0.95) -> Figure:
    """Adopted proposals per year by keuzematrix quadrant: grouped bars per scenario with CI."""
    df = _ok(runs)
    scen = scenarios_of(df)
    colors = scenario_colors(scen)
    quads = list(QUADRANT_LABELS)
    fig = _figure((max(7.0, 1.2 * len(scen) + 6), 4.8))
    ax = fig.add_subplot()
    _title(ax, f"Adopted per year by keuzematrix quadrant (mean, {confidence:.0%} CI)")
    drew = _grouped_bars(ax, df, quads, scen,
                         lambda q, s: (f"adopted_per_year_{q}", df["scenario"] == s),
                         colors, confidence)
    if not drew:
        _no_data(ax, "no quadrant data")
        return fig
    ax.set_xticks(range(len(quads)))
    ax.set_xticklabels([QUADRANT_LABELS[q] for q in quads], fontsize="small")
    ax.set_xlabel("Keuzematrix quadrant")
    ax.set_ylabel("Adopted proposals [per year]")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="scenario", fontsize="small")
    return fig


def plot_attention(runs: pd.DataFrame, confidence: float = 0.95) -> Figure:
    """Fulltime vs parttime CIOs per scenario: attention budget used and delegate attendance."""
    df = _ok(runs)
    scen = scenarios_of(df)
    kinds = ["fulltime", "parttime"]
    colors = {"fulltime": "C0", "parttime": "C1"}
    hatches = {"fulltime": None, "parttime": "//"}
    fig = _figure((max(9.0, 2.4 * len(scen) + 4), 4.6))
    axes = fig.subplots(1, 2, squeeze=False).ravel()
    panels = (("attention_used", "Rijksbreed attention used", "Share of attention budget"),
              ("delegate_share", "CIO-beraad seats filled by a delegate", "Share of seats"))
    for ax, (prefix, title, ylabel) in zip(axes, panels, strict=True):
        ax.set_title(title, fontsize="medium")
        drew = _grouped_bars(ax, df, scen, kinds,
                             lambda s, k, p=prefix: (f"{p}_{k}", df["scenario"] == s),
                             colors, confidence, hatches)
        if not drew:
            _no_data(ax, "no data")
            continue
        ticks, xlabel = _tick_labels(scen)
        ax.set_xticks(range(len(scen)))
        ax.set_xticklabels(ticks, rotation=20 if not xlabel else 0,
                           ha="right" if not xlabel else "center", fontsize="small")
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.set_ylabel(f"{ylabel} [0-1]")
        ax.set_ylim(0, None)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(title="CIO", fontsize="small")
    _suptitle(fig, f"Fulltime vs parttime CIOs (mean, {confidence:.0%} CI)")
    return fig


def _category_axis(ax: Axes, ticks: list[str], rotate: bool) -> None:
    """One x position per scenario, labelled; long labels slanted."""
    ax.set_xticks(range(len(ticks)))
    ax.set_xticklabels(ticks, rotation=30 if rotate else 0, ha="right" if rotate else "center",
                       fontsize="small")
    ax.set_xlim(-0.6, len(ticks) - 0.4)


def _from_zero(ax: Axes, key: str) -> None:
    """Start the value axis at zero for metrics that cannot be negative (not cut off), and
    keep shares within [0, 1]."""
    low, high = catalogue.bounds(key)
    if low == 0.0:
        top = ax.get_ylim()[1]
        ax.set_ylim(0.0, min(top, 1.05) if high == 1.0 else top)


TIME_TO_DECISION: tuple[str, ...] = ("time_to_decision_median_weeks",
                                     *(f"decided_within_{w}_weeks"
                                       for w in catalogue.DECIDED_WITHIN_WEEKS))


def plot_time_to_decision(runs: pd.DataFrame, confidence: float = 0.95) -> Figure:
    """Time to decision over all submitted items (Kaplan-Meier, undecided items censored at
    the horizon): median, and the share decided within 26 and 52 weeks, per scenario.

    A median that is never reached (fewer than half the items decided) is drawn as an arrow
    at the top of its panel and counted in the tick label."""
    df = _ok(runs)
    scen = scenarios_of(df)
    colors = scenario_colors(scen)
    ticks, xlabel = _tick_labels(scen)
    width = max(3.4, 0.9 * len(scen) + 1.8)
    fig = _figure((width * 3, 4.2))
    axes = fig.subplots(1, 3, squeeze=False).ravel()
    for ax, key in zip(axes, TIME_TO_DECISION, strict=True):
        _title(ax, metric_label(key, unit=False) + _arrow(key), fontsize="medium")
        if not _has(df, key):
            _no_data(ax, "no data")
            continue
        tops = []
        for k, s in enumerate(scen):
            vals = pd.to_numeric(df.loc[df["scenario"] == s, key], errors="coerce").dropna()
            finite = vals[np.isfinite(vals)]
            if len(finite):
                tops.append(float(finite.max()))
            if vals.empty:
                continue
            if len(finite) < len(vals):      # some medians not reached
                ax.annotate(f"not reached\nin {len(vals) - len(finite)}/{len(vals)}",
                            (k, 1.0), xycoords=("data", "axes fraction"), ha="center",
                            va="top", fontsize="x-small", color=colors[s])
            if len(finite):
                jitter = np.random.default_rng(k).uniform(-0.15, 0.15, len(finite))
                ax.scatter(k + jitter, finite, s=8, color=colors[s], alpha=0.25,
                           linewidths=0)
            if len(finite) == len(vals):
                m, lo, hi, _ = mean_ci(vals, confidence)
                _errorbar(ax, k, m, lo, hi, colors[s])
        _category_axis(ax, ticks, rotate=not xlabel)
        ax.set_ylabel(catalogue.unit(key))
        if tops and key == TIME_TO_DECISION[0]:
            ax.set_ylim(0, max(tops) * 1.25 + 1)
        else:
            _from_zero(ax, key)
        ax.grid(axis="y", alpha=0.3)
    _suptitle(fig, f"Time to decision over all submitted items (Kaplan-Meier; undecided "
              f"items censored at the horizon): mean and {confidence:.0%} CI per scenario")
    return fig


def plot_paired_differences(runs: pd.DataFrame, baseline: str | None = None,
                            metrics: Sequence[str] | None = None,
                            confidence: float = 0.95) -> Figure:
    """Paired differences against a baseline scenario (default the first), one panel per
    metric: mean difference and its confidence interval per scenario, a zero line, and on
    each panel the side on which the scenario does better than the baseline."""
    from .comparison import paired_table

    df = _ok(runs)
    scen = scenarios_of(df)
    if len(scen) < 2:
        raise ValueError("paired differences need at least two scenarios")
    base = scen[0] if baseline is None else baseline
    wanted = list(metrics) if metrics is not None else list(HEADLINE_METRICS)
    table = paired_table(df.drop(columns=["point"], errors="ignore"), base,
                         [m for m in wanted if m in df.columns], confidence)
    keys = list(dict.fromkeys(table["metric"]))
    others = [s for s in scen if s != base]
    colors = scenario_colors(scen)
    ncols = min(3, max(1, len(keys)))
    nrows = max(1, math.ceil(len(keys) / ncols))
    fig = _figure((3.6 * ncols + 0.12 * max(len(s) for s in others) + 0.5,
                   0.45 * len(others) * nrows + 1.5 * nrows + 0.9))
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    for ax, key in zip(axes, keys, strict=False):
        rows = table[table["metric"] == key].set_index("scenario")
        _title(ax, metric_label(key), fontsize="medium")
        ax.axvline(0.0, color="0.3", linewidth=1)
        for j, s in enumerate(others):
            r = rows.loc[s]
            m, lo, hi = r["mean_diff"], r["ci_low"], r["ci_high"]
            y = len(others) - 1 - j
            if not math.isfinite(m):
                note = "not reached in some runs" if "not reached" in str(r["note"]) \
                    else (r["note"] or "n/a")
                if math.isfinite(r["better"]):
                    note += f"\nbetter in {r['better']:.0%} of replications"
                ax.text(0, y, note, va="center", ha="center", fontsize="x-small",
                        color=colors[s])
                continue
            xerr = [[m - lo], [hi - m]] if math.isfinite(lo) else None
            ax.errorbar([m], [y], xerr=xerr, fmt="o", color=colors[s], capsize=3)
        ax.set_yticks(range(len(others)))
        ax.set_yticklabels(list(reversed(others)), fontsize="small")
        ax.set_ylim(-0.7, len(others) - 0.3)
        lo_x, hi_x = ax.get_xlim()
        span = max(abs(lo_x), abs(hi_x)) or 1.0
        ax.set_xlim(-span, span)                      # zero in the middle
        sign = catalogue.better_sign(key)
        if sign:
            where = (0.98, "right") if sign > 0 else (0.02, "left")
            text = "better →" if sign > 0 else "← better"
            ax.text(where[0], 0.02, text, transform=ax.transAxes, ha=where[1], va="bottom",
                    fontsize="x-small", color="green")
        ax.set_xlabel(f"difference from {base}", fontsize="small")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    _suptitle(fig, f"Paired differences from {base}, replication by replication (same "
              f"seeds): mean and {confidence:.0%} CI")
    return fig


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


# --------------------------------------------------------------------------- output


def save(fig: Figure, path: str | Path, formats: Sequence[str] = ("png",),
         dpi: int = DPI) -> list[Path]:
    """Write ``fig`` once per format (``png``, ``svg``, ``pdf``) next to ``path``.

    The suffix of ``path`` is replaced by each format; parent folders are created. Returns
    the written paths in the order of ``formats``.
    """
    from .files import make_dir, save_figure

    path = Path(path)
    make_dir(path.parent)
    written = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        out = path.with_suffix(f".{fmt}")
        save_figure(fig, out, format=fmt, dpi=dpi, facecolor="white")
        written.append(out)
    return written
