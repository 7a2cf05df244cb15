"""Figures of cio_sim.plots: axes, labels, data, NaN and single-scenario handling, saving."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from batches import stand_in_batch
from helpers import modules_after
from matplotlib.figure import Figure

from cio_sim import catalogue, plots

SCENARIOS = ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def batch():
    return stand_in_batch(SCENARIOS)


def _texts(fig: Figure) -> str:
    parts = [fig._suptitle.get_text() if fig._suptitle else ""]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.get_xticklabels()]
        leg = ax.get_legend()
        if leg is not None:
            parts += [t.get_text() for t in leg.get_texts()]
    return " | ".join(parts)


def _visible_axes(fig: Figure):
    return [ax for ax in fig.axes if ax.get_visible()]


def _n_artists(ax) -> int:
    return len(ax.lines) + len(ax.collections) + len(ax.patches)


def test_backlog_band(batch):
    fig = plots.plot_backlog(batch.timeseries)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "Year"
    assert "Backlog" in ax.get_ylabel() and "[open items]" in ax.get_ylabel()
    assert ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"{s} (n=3)" for s in SCENARIOS]
    assert len(ax.lines) == 3 and len(ax.collections) == 3       # median + band per scenario
    y = ax.lines[0].get_ydata()
    assert len(y) == 104 and np.nanmax(y) > 0
    x = np.asarray(ax.lines[0].get_xdata(), dtype=float)
    assert np.all(np.diff(x) > 0) and x[-1] - x[0] == pytest.approx(103 / 52)


def test_compliance_actual_vs_reported(batch):
    fig = plots.plot_compliance(batch.timeseries)
    axes = _visible_axes(fig)
    assert len(axes) == 3
    for ax, name in zip(axes, SCENARIOS, strict=True):
        assert ax.get_title().startswith(name)
        assert "Compliance" in ax.get_ylabel()
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["actual", "reported"]
        assert any(np.isfinite(line.get_ydata()).any() for line in ax.lines)
    assert "actual vs reported" in fig._suptitle.get_text()


def test_regime_comparison_small_multiples(batch):
    fig = plots.plot_regime_comparison(batch.runs)
    axes = _visible_axes(fig)
    assert len(axes) == len(plots.HEADLINE_METRICS) == len(catalogue.PER_RUN_HEADLINE)
    titles = [ax.get_title().replace("\n", " ") for ax in axes]
    for m in (m for m in catalogue.CATALOGUE if m.paired):   # no per-scenario panel for them
        assert not any(t.startswith(plots.metric_label(m.key, unit=False)) for t in titles)
    for ax, key in zip(axes, plots.HEADLINE_METRICS, strict=True):
        assert ax.get_title().replace("\n", " ").startswith(plots.metric_label(key,
                                                                              unit=False))
        if catalogue.better_sign(key):
            assert "better)" in ax.get_title()
        if catalogue.bounds(key)[0] == 0 and ax.get_ylim()[0] != 0:
            raise AssertionError(f"{key}: value axis cut off above zero")
        assert ax.get_ylabel()
        assert [t.get_text() for t in ax.get_xticklabels()] == list(SCENARIOS)
        assert _n_artists(ax) >= 3
    assert "95% CI" in fig._suptitle.get_text()


def test_throughput_compliance_plane(batch):
    fig = plots.plot_throughput_compliance(batch.runs)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "Adopted by CIO-beraad or ICBR [per year]"
    assert ax.get_ylabel().startswith("Compliance, actual")
    assert len(ax.get_legend().get_texts()) == 3
    points = sum(len(c.get_offsets()) for c in ax.collections
                 if c.get_offsets().shape[0] > 1)
    assert points == len(batch.runs)


def test_quadrants_grouped_bars(batch):
    fig = plots.plot_quadrants(batch.runs)
    (ax,) = fig.axes
    assert ax.get_ylabel() == "Adopted proposals [per year]"
    assert [t.get_text().split(":")[0] for t in ax.get_xticklabels()] == ["q1", "q2", "q3", "q4"]
    assert len(ax.patches) == 4 * 3
    expected = batch.runs.groupby("scenario", sort=False)["adopted_per_year_q4"].mean()
    heights = [p.get_height() for p in ax.patches]
    for k, name in enumerate(SCENARIOS):
        assert heights[4 * k + 3] == pytest.approx(expected[name])


def test_attention_fulltime_parttime(batch):
    fig = plots.plot_attention(batch.runs)
    axes = _visible_axes(fig)
    assert len(axes) == 2
    for ax in axes:
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fulltime", "parttime"]
        assert "[0-1]" in ax.get_ylabel()
        assert len(ax.patches) == 2 * 3
    first = axes[0].patches[3].get_height()           # parttime, first scenario
    runs = batch.runs[batch.runs["scenario"] == SCENARIOS[0]]
    assert first == pytest.approx(runs["attention_used_parttime"].mean())


def test_nan_metric_and_failed_runs_are_tolerated(batch):
    runs = batch.runs.copy()
    runs["compliance_overridden"] = np.nan
    failed = runs.iloc[[0]].copy()
    failed.loc[:, "decisions_per_year"] = 1e9
    failed["error"] = "Traceback: boom"
    runs = pd.concat([runs, failed], ignore_index=True)
    fig = plots.plot_regime_comparison(runs, metrics=("decisions_per_year",
                                                      "compliance_overridden", "no_such_metric"))
    ax_ok, ax_nan, ax_missing = _visible_axes(fig)
    assert "no data" in [t.get_text() for t in ax_nan.texts]
    assert "no data" in [t.get_text() for t in ax_missing.texts]
    assert max(np.nanmax(c.get_offsets()[:, 1]) for c in ax_ok.collections) < 1e9


def test_single_scenario_and_no_scenario_column(batch):
    one_runs = batch.runs[batch.runs["scenario"] == "keuzematrix"]
    one_ts = batch.timeseries[batch.timeseries["scenario"] == "keuzematrix"]
    for fig in (plots.plot_backlog(one_ts), plots.plot_compliance(one_ts),
                plots.plot_regime_comparison(one_runs), plots.plot_throughput_compliance(one_runs),
                plots.plot_quadrants(one_runs), plots.plot_attention(one_runs)):
        assert isinstance(fig, Figure)
        assert "keuzematrix" in _texts(fig)
    bare = one_runs.drop(columns=["scenario"])
    fig = plots.plot_regime_comparison(bare, metrics=("adopted_per_year",))
    assert _n_artists(fig.axes[0]) >= 2


def test_sweep_points_are_shown_separately(batch):
    runs = batch.runs[batch.runs["scenario"] == "keuzematrix"].copy()
    runs["point"] = [0, 1, 1]
    fig = plots.plot_regime_comparison(runs, metrics=("adopted_per_year",))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["#0", "#1"]
    assert ax.get_xlabel() == "design point of keuzematrix"


def test_mean_ci_hand_computation():
    m, lo, hi, n = plots.mean_ci([1.0, 2.0, 3.0, 4.0, float("nan")])
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2       # t(0.975, 3) * sd / sqrt(n)
    assert (m, n) == (2.5, 4)
    assert lo == pytest.approx(2.5 - half) and hi == pytest.approx(2.5 + half)
    m, lo, hi, n = plots.mean_ci([7.0])
    assert m == 7.0 and n == 1 and math.isnan(lo) and math.isnan(hi)
    assert plots.mean_ci([])[3] == 0


def test_save_png_and_svg(batch, tmp_path):
    fig = plots.plot_quadrants(batch.runs)
    paths = plots.save(fig, tmp_path / "sub" / "quadrants", formats=("png", "svg"))
    assert [p.name for p in paths] == ["quadrants.png", "quadrants.svg"]
    png, svg = paths
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    text = svg.read_text()
    assert "<svg" in text and len(text) > 5000


def test_plots_are_not_imported_by_the_model_core():
    code = ("import cio_sim; cio_sim.CIOModel('consensus_2021', seed=1, "
            "overrides={'horizon_weeks': 2}).run()")
    assert modules_after(code, "cio_sim.plots") == []


def test_time_to_decision_panels(batch):
    fig = plots.plot_time_to_decision(batch.runs)
    axes = _visible_axes(fig)
    assert len(axes) == 3
    assert "Kaplan-Meier" in fig._suptitle.get_text()
    assert "↓ better" in axes[0].get_title() and "↑ better" in axes[1].get_title()
    assert all(ax.get_ylim()[0] == 0 for ax in axes)
    runs = batch.runs.copy()
    runs.loc[runs["scenario"] == SCENARIOS[0], "time_to_decision_median_weeks"] = math.inf
    fig = plots.plot_time_to_decision(runs)
    assert any("not reached" in t.get_text() for t in fig.axes[0].texts)


def test_paired_differences_zero_line_and_direction(batch):
    fig = plots.plot_paired_differences(batch.runs, metrics=("backlog_end", "overrides"))
    ax_backlog, ax_overrides = _visible_axes(fig)
    lo, hi = ax_backlog.get_xlim()
    assert lo == -hi                                            # zero in the middle
    assert any(line.get_xdata()[0] == 0 for line in ax_backlog.lines)   # the zero line
    assert "← better" in [t.get_text() for t in ax_backlog.texts]
    assert not [t for t in ax_overrides.texts if "better" in t.get_text()]
    labels = [t.get_text() for t in ax_backlog.get_yticklabels()]
    assert labels == list(reversed(SCENARIOS[1:]))
    assert SCENARIOS[0] in fig._suptitle.get_text()
    with pytest.raises(ValueError):
        plots.plot_paired_differences(batch.runs[batch.runs["scenario"] == SCENARIOS[0]])


def _sweep_runs(batch) -> pd.DataFrame:
    """The keuzematrix runs dressed as a 2 x 3 grid sweep (store column order)."""
    base = batch.runs[batch.runs["scenario"] == "keuzematrix"]
    rows = []
    for point, (a, b) in enumerate([(x, y) for x in ("p", "q") for y in (1, 2, 3)]):
        part = base.assign(point=point, **{"x.a": a, "x.b": b})
        rows.append(part)
    runs = pd.concat(rows, ignore_index=True)
    lead = ["scenario", "point", "x.a", "x.b", "replication"]
    return runs[lead + [c for c in runs.columns if c not in lead]]


def test_sweep_response_and_heatmap(batch):
    runs = _sweep_runs(batch)
    fig = plots.plot_response(runs, "x.b")
    ax = _visible_axes(fig)[0]
    assert ax.get_xlabel() == "x.b"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a=p", "a=q"]
    assert all(float(t).is_integer() for t in ax.get_xticks())
    fig = plots.plot_response(runs, "x.a")
    assert [t.get_text() for t in _visible_axes(fig)[0].get_xticklabels()] == ["p", "q"]
    fig = plots.plot_heatmap(runs, "x.a", "x.b", metrics=("adopted_per_year",))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x.a" and ax.get_ylabel() == "x.b"
    mean = runs["adopted_per_year"].mean()
    assert f"{mean:.3g}" in [t.get_text() for t in ax.texts]
    assert "higher is better" in fig.axes[1].get_ylabel()
    with pytest.raises(ValueError):
        plots.plot_response(runs, "no.such_key")


def test_titles_fit_their_figure(batch):
    one = batch.timeseries[batch.timeseries["scenario"] == "keuzematrix"]
    for fig in (plots.plot_compliance(one), plots.plot_time_to_decision(batch.runs),
                plots.plot_regime_comparison(batch.runs)):
        fig.canvas.draw()
        box = fig._suptitle.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width, fig._suptitle.get_text()
        plots.close(fig)


def test_fig_show_in_a_plain_script(tmp_path):
    """A script without a notebook or a chosen backend can call fig.show()."""
    import os
    import subprocess
    import sys

    script = tmp_path / "show.py"
    script.write_text(
        "import warnings, pandas as pd\n"
        "from cio_sim import plots\n"
        "runs = pd.DataFrame({'scenario': ['a', 'a', 'b', 'b'], 'replication': [0, 1, 0, 1],"
        " 'adopted_per_year': [1.0, 2.0, 3.0, 4.0]})\n"
        "fig = plots.plot_regime_comparison(runs, metrics=('adopted_per_year',))\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')  # Agg without a display: 'cannot be shown'\n"
        "    fig.show()\n"
        "print('shown')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "DISPLAY")}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "shown"


def test_importing_plots_picks_no_backend():
    code = "import matplotlib; import cio_sim.plots, cio_sim.report"
    assert modules_after(code, "matplotlib.pyplot") == []
