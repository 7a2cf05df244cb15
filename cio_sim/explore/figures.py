"""Figures of an exploration (matplotlib, headless). Each says which direction is better."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import save_figure
from .experiment import DIRECTIONS


def _horizontal() -> dict[str, object]:
    import matplotlib

    major, minor = (int(p) for p in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


_HORIZONTAL = _horizontal()


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _short(key: str) -> str:
    return key.split(".", 1)[-1] if key.count(".") == 1 else key


def morris_heatmap(morris: pd.DataFrame, path: Path, top: int = 20):
    """Normalised mu* (1 = the most influential parameter for that output) of the top
    parameters, for every output."""
    plt = _plt()
    score = morris.groupby("parameter")["mu_star_norm"].max().sort_values(ascending=False)
    keys = list(score.index[:top])
    pivot = morris.pivot_table(index="parameter", columns="output", values="mu_star_norm")
    pivot = pivot.loc[keys]
    # the rotated output names below take about 0.06 inch per character: room for them, and
    # a heatmap tall enough for the colour bar's label
    names = 0.06 * max((len(str(c)) for c in pivot.columns), default=10)
    fig, ax = plt.subplots(figsize=(max(8, 0.32 * pivot.shape[1] + 4),
                                    max(0.3 * len(keys), 1.8) + 1.0 + names))
    im = ax.imshow(pivot.to_numpy(), aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(keys)), keys, fontsize=7)
    ax.set_xticks(range(pivot.shape[1]), pivot.columns, rotation=75, ha="right", fontsize=6)
    bar = fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01)
    bar.set_label("mu*, 1 = largest\nfor that output", fontsize=7)
    ax.set_title("Morris screening: which assumptions move which output", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)
    plt.close(fig)
    return fig


def sobol_bars(sobol: pd.DataFrame, outputs: list[str], path: Path):
    """First-order (S1) and total (ST) indices with 95% bootstrap intervals per output."""
    plt = _plt()
    n = len(outputs)
    cols = 3 if n >= 3 else n
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.8 * cols, 3.2 * rows), squeeze=False)
    for ax, out in zip(axes.flat, outputs, strict=False):
        d = sobol[sobol["output"] == out].sort_values("ST", ascending=True)
        y = np.arange(len(d))
        ax.barh(y - 0.2, d["S1"], 0.4, xerr=d["S1_conf"], label="S1", color="#4c72b0")
        ax.barh(y + 0.2, d["ST"], 0.4, xerr=d["ST_conf"], label="ST", color="#dd8452")
        ax.set_yticks(y, [_short(k) for k in d["parameter"]], fontsize=7)
        ax.set_title(out, fontsize=8)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_xlim(-0.1, 1.1)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Sobol indices (share of output variance; 95% bootstrap CI)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)
    plt.close(fig)
    return fig


def ranges(ensemble: pd.DataFrame, narrowing: pd.DataFrame, path: Path, top: int = 12):
    """Sampled (prior) vs accepted values of the parameters the filter narrows most."""
    plt = _plt()
    keys = list(narrowing["parameter"][:top])
    cols = 4
    rows = int(np.ceil(len(keys) / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.6 * rows), squeeze=False)
    acc = ensemble["accepted"].to_numpy(dtype=bool)
    for ax, key in zip(axes.flat, keys, strict=False):
        v = ensemble[key].to_numpy(dtype=float)
        bins = np.linspace(v.min(), v.max(), 13)
        ax.hist(v, bins=bins, color="lightgrey", label="sampled")
        ax.hist(v[acc], bins=bins, color="#4c72b0", label="accepted")
        ax.set_title(_short(key), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"Pattern-oriented filter: {int(acc.sum())} of {len(acc)} parameter sets "
                 "accepted", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)
    plt.close(fig)
    return fig


def differences(outcomes: pd.DataFrame, regimes: list[str], metrics: list[str], path: Path,
                title: str):
    """Per metric, the paired difference a - b over the ensemble, with the better side."""
    plt = _plt()
    pairs = list(itertools.combinations(regimes, 2))
    cols = 3
    rows = int(np.ceil(len(metrics) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        data = [outcomes[f"{a} - {b}:{metric}"].dropna().to_numpy() for a, b in pairs]
        if any(len(d) for d in data):
            ax.boxplot([d if len(d) else [np.nan] for d in data], widths=0.6, **_HORIZONTAL)
        ax.axvline(0, color="black", lw=0.7)
        ax.set_yticks(range(1, len(pairs) + 1), [f"{a}\n- {b}" for a, b in pairs], fontsize=6)
        better = "higher" if DIRECTIONS[metric] > 0 else "lower"
        side = ">" if better == "higher" else "<"
        ax.set_title(f"{metric}: {better} is better, so a difference {side} 0 favours the "
                     "first regime", fontsize=7)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)
    plt.close(fig)
    return fig
