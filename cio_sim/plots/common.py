"""What every figure family shares: figure and title helpers, metric labels with their better
direction, the scenarios of a frame and their colours, and writing a figure to files."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import catalogue
from ..comparison import label_runs, with_derived

DPI = 120

HEADLINE_METRICS: tuple[str, ...] = catalogue.PER_RUN_HEADLINE
"""The metrics compared across regimes in :func:`plot_regime_comparison` and the report."""

QUADRANT_LABELS: dict[str, str] = {
    "q1": "q1: one dept,\nlimited impact",
    "q2": "q2: one dept,\nmuch impact",
    "q3": "q3: several depts,\nlimited impact",
    "q4": "q4: several depts,\nmuch impact",
}
"""Short labels of the keuzematrix quadrants (ADR:L583-608)."""

_SINGLE = "scenario"


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


def _from_zero(ax: Axes, key: str) -> None:
    """Start the value axis at zero for metrics that cannot be negative (not cut off), and
    keep shares within [0, 1]."""
    low, high = catalogue.bounds(key)
    if low == 0.0:
        top = ax.get_ylim()[1]
        ax.set_ylim(0.0, min(top, 1.05) if high == 1.0 else top)


def save(fig: Figure, path: str | Path, formats: Sequence[str] = ("png",),
         dpi: int = DPI) -> list[Path]:
    """Write ``fig`` once per format (``png``, ``svg``, ``pdf``) next to ``path``.

    The suffix of ``path`` is replaced by each format; parent folders are created. Returns
    the written paths in the order of ``formats``.
    """
    from ..files import make_dir, save_figure

    path = Path(path)
    make_dir(path.parent)
    written = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        out = path.with_suffix(f".{fmt}")
        save_figure(fig, out, format=fmt, dpi=dpi, facecolor="white")
        written.append(out)
    return written
