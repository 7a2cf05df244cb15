"""Regimes side by side: headline metrics with intervals, throughput against compliance,
the keuzematrix quadrants, attention, time to decision and paired differences."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import catalogue
from ..stats import mean_ci
from .common import (
    HEADLINE_METRICS,
    QUADRANT_LABELS,
    _arrow,
    _figure,
    _from_zero,
    _has,
    _no_data,
    _ok,
    _suptitle,
    _tick_labels,
    _title,
    metric_label,
    scenario_colors,
    scenarios_of,
)


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
    from ..comparison import paired_table

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
