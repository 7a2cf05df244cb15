"""Weekly time series of a batch as bands over replications: backlog, compliance, any column."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .common import (
    _figure,
    _has,
    _no_data,
    _ok,
    _suptitle,
    metric_label,
    scenario_colors,
    scenarios_of,
)

WEEKS_PER_YEAR = 52


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
