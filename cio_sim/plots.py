"""Figures for batches of runs: time series bands, regime comparisons and trade-offs.

Every function takes the tables of a batch (``runs``: one row per replication with the
``summary()`` keys plus ``scenario``; ``timeseries``: one row per replication and week with the
``timeseries()`` columns plus ``scenario`` and ``replication``) and returns a
:class:`matplotlib.figure.Figure`. Figures are built without ``pyplot``, so they work headless,
leave no global state behind and display in a notebook as the value of a cell (after
``%matplotlib inline``, or any ``pyplot`` import, has registered the figure formatter)::

    from cio_sim import plots
    fig = plots.plot_regime_comparison(result.runs)
    plots.save(fig, "results/x/figures/regimes", formats=("png", "svg"))

A frame without a ``scenario`` column is treated as one scenario; in a sweep (a ``point``
column with several values) each design point is shown as ``scenario#point``. Replications
whose ``error`` column is set are left out. Missing or all-NaN metrics give an empty panel
saying so instead of an exception. The model core never imports this module.
"""

from __future__ import annotations

import math
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
    "HEADLINE_METRICS", "QUADRANT_LABELS", "mean_ci", "metric_label",
    "plot_attention",
    "plot_backlog", "plot_band", "plot_compliance", "plot_quadrants", "plot_regime_comparison",
    "plot_throughput_compliance", "save", "scenario_colors", "scenarios_of",
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
    fig = Figure(figsize=(8, 4.5), dpi=DPI, layout="constrained")
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
    fig = Figure(figsize=(4.2 * ncols + 0.5, 3.4 * nrows + 0.6), dpi=DPI, layout="constrained")
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
    fig.suptitle("Compliance over time: actual vs reported (median, 10-90% band)")
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
    fig = Figure(figsize=(width * ncols, 3.3 * nrows + 0.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    rng = np.random.default_rng(0)
    for ax, key in zip(axes, metrics, strict=False):
        ax.set_title(metric_label(key, unit=False), fontsize="medium")
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
        ax.set_xticks(range(len(scen)))
        ax.set_xticklabels(ticks, rotation=30 if not xlabel else 0,
                           ha="right" if not xlabel else "center", fontsize="small")
        ax.set_xlim(-0.6, len(scen) - 0.4)
        if xlabel:
            ax.set_xlabel(xlabel, fontsize="small")
        ax.set_ylabel(catalogue.unit(key) or key)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"Regime comparison: mean and {confidence:.0%} CI per scenario "
                 "(dots: replications)")
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
    fig = Figure(figsize=(7, 5.2), dpi=DPI, layout="constrained")
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
    fig = Figure(figsize=(max(7.0, 1.2 * len(scen) + 6), 4.8), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"Adopted per year by keuzematrix quadrant (mean, {confidence:.0%} CI)")
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
    fig = Figure(figsize=(max(9.0, 2.4 * len(scen) + 4), 4.6), dpi=DPI, layout="constrained")
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
    fig.suptitle(f"Fulltime vs parttime CIOs (mean, {confidence:.0%} CI)")
    return fig


# --------------------------------------------------------------------------- output


def save(fig: Figure, path: str | Path, formats: Sequence[str] = ("png",),
         dpi: int = DPI) -> list[Path]:
    """Write ``fig`` once per format (``png``, ``svg``, ``pdf``) next to ``path``.

    The suffix of ``path`` is replaced by each format; parent folders are created. Returns
    the written paths in the order of ``formats``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        out = path.with_suffix(f".{fmt}")
        fig.savefig(out, format=fmt, dpi=dpi, facecolor="white")
        written.append(out)
    return written
