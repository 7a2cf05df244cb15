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

By figure family: :mod:`.timeseries` (bands over the weeks), :mod:`.regimes` (scenarios side by
side), :mod:`.sweeps` (responses to swept parameters); :mod:`.common` holds what they share.
Every name is imported from ``cio_sim.plots``.
"""

from __future__ import annotations

from ..stats import mean_ci
from .common import (
    DPI,
    HEADLINE_METRICS,
    QUADRANT_LABELS,
    close,
    metric_label,
    save,
    scenario_colors,
    scenarios_of,
)
from .regimes import (
    TIME_TO_DECISION,
    plot_attention,
    plot_paired_differences,
    plot_quadrants,
    plot_regime_comparison,
    plot_throughput_compliance,
    plot_time_to_decision,
)
from .sweeps import plot_heatmap, plot_response
from .timeseries import WEEKS_PER_YEAR, plot_backlog, plot_band, plot_compliance

__all__ = [
    "DPI", "HEADLINE_METRICS", "QUADRANT_LABELS", "TIME_TO_DECISION", "WEEKS_PER_YEAR", "close",
    "mean_ci", "metric_label", "plot_attention", "plot_backlog", "plot_band", "plot_compliance",
    "plot_heatmap", "plot_paired_differences", "plot_quadrants", "plot_regime_comparison",
    "plot_response", "plot_throughput_compliance", "plot_time_to_decision", "save",
    "scenario_colors", "scenarios_of",
]
