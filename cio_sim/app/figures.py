"""The app's charts as matplotlib figures, drawn from the adapter's plain data.

Every chart title says what is better (lower backlog, higher compliance, ...). Figures are
built with :class:`matplotlib.figure.Figure` (no pyplot state), so they are safe to draw from
the server's threads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from . import adapter

RUN_COLOURS = ("#1f5fa8", "#c0392b")
KIND_COLOURS = {"strategic": "#1f7a4d", "other decided": "#8fb8de",
                "incident / Kamer": "#e0a030", "unripe, re-discussed": "#b0b0b0"}
WEEKS_PER_YEAR = 52


#: How the page sends a chart: SVG with its text as text (the browser sets the type), which
#: costs about a third less than drawing a PNG (benchmarks/app_step.py).
IMAGE_MIME = "svg+xml"
_SVG_RC = {"svg.fonttype": "none"}


def image(fig: Figure) -> bytes:
    """The chart as the page shows it (SVG bytes)."""
    buf = io.BytesIO()
    with matplotlib.rc_context(_SVG_RC):
        fig.savefig(buf, format="svg")
    return buf.getvalue()


def _figure(width: float = 6.4, height: float = 3.4, top: float = 0.82,
            bottom: float = 0.12, left: float = 0.1, wspace: float = 0.3) -> Figure:
    """A figure with fixed margins (a constrained layout costs a third of the drawing time,
    and the page redraws every step)."""
    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left, right=0.98, top=top, bottom=bottom, wspace=wspace)
    return fig


def _box(ax, x: float, y: float, w: float, h: float, title: str, n: int, scale: int,
         colour: str, compact: bool = False) -> None:
    """A forum: a rounded box with its name, the items waiting and a bar for the queue."""
    fill = min(1.0, n / scale) if scale else 0.0
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.005,rounding_size=0.015",
                                fc="white", ec=colour, lw=1.4))
    if fill:
        ax.add_patch(FancyBboxPatch((x, y), w * fill, h * (0.3 if compact else 0.18),
                                    boxstyle="square,pad=0", fc=colour, alpha=0.35, lw=0))
    if compact:
        ax.text(x + 0.01, y + h * 0.55, title, ha="left", va="center", fontsize=7.5)
        ax.text(x + w - 0.01, y + h * 0.55, str(n), ha="right", va="center", fontsize=8.5,
                fontweight="bold")
        return
    ax.text(x + w / 2, y + h * 0.7, title, ha="center", va="center", fontsize=7.5,
            linespacing=1.0)
    ax.text(x + w / 2, y + h * 0.32, f"{n} waiting", ha="center", va="center", fontsize=9,
            fontweight="bold")


def _arrow(ax, a: tuple[float, float], b: tuple[float, float], style: str = "-|>",
           colour: str = "#555555", rad: float = 0.0) -> None:
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=10, color=colour,
                                 lw=1.0, connectionstyle=f"arc3,rad={rad}"))


SIDE_TITLES = {adapter.DEPARTMENTS: "departmental\n/ pilot",
               adapter.REWORK: "in rework\n(authors)",
               adapter.WRITTEN: "reserves settled\nin writing",
               adapter.MINISTER: "ministerial\nroute"}


def forum_diagram(queues: Mapping[str, int], title: str, colour: str = RUN_COLOURS[0],
                  week: int | None = None) -> Figure:
    """The forums as boxes with the items waiting in each, arrows along an item's way:
    voorportalen → vooroverleg → CIO-beraad waiting list → (ICBR). Side routes below."""
    fig = _figure(6.4, 3.6, top=0.92, bottom=0.0, left=0.0)
    ax = fig.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    scale = max(10, *queues.values())
    side = (adapter.WORKING_GROUPS, adapter.DEPARTMENTS, adapter.REWORK, adapter.WRITTEN,
            adapter.MINISTER)
    main = (adapter.CIO_BERAAD_WAITING, adapter.ICBR)
    vps = [k for k in queues if k not in side and k not in main and k != "vooroverleg"]
    w, h = 0.2, 0.17
    ax.text(0.01, 0.95, "voorportalen", fontsize=8, color="#555555")
    gap = 0.8 / max(4, len(vps))
    ymid = 0.5
    for i, name in enumerate(vps):
        y = 0.92 - (i + 1) * gap
        _box(ax, 0.01, y, w, gap * 0.8, name, queues[name], scale, colour, compact=True)
        _arrow(ax, (0.01 + w, y + gap * 0.4), (0.28, ymid + h / 2))
    if "vooroverleg" in queues:
        _box(ax, 0.28, ymid, w, h, "vooroverleg", queues["vooroverleg"], scale, colour)
    _box(ax, 0.53, ymid, w, h, "CIO-beraad\nwaiting list", queues[adapter.CIO_BERAAD_WAITING],
         scale, colour)
    _box(ax, 0.78, ymid, w, h, "ICBR\n(F/O consequences)", queues[adapter.ICBR], scale,
         colour)
    _arrow(ax, (0.48, ymid + h / 2), (0.53, ymid + h / 2))
    _arrow(ax, (0.73, ymid + h / 2), (0.78, ymid + h / 2))
    ax.text(0.755, ymid + h + 0.1, "the CIO-beraad meets every few weeks:\ndecides, "
            "escalates, re-discusses or sends back", ha="center", fontsize=7,
            color="#555555")
    ybot, ws = 0.04, 0.138
    shown = [name for name in side if name in queues]
    for i, name in enumerate(shown):
        _box(ax, 0.27 + i * (ws + 0.008), ybot, ws, h, SIDE_TITLES.get(name, name),
             queues[name], scale, "#777777")
    if adapter.REWORK in shown:
        x = 0.27 + shown.index(adapter.REWORK) * (ws + 0.008) + ws / 2
        _arrow(ax, (0.63, ymid), (x, ybot + h), colour="#999999")
        ax.text(x + 0.01, 0.33, "sent back", fontsize=7, color="#777777")
    when = f" — week {week}" if week is not None else ""
    ax.set_title(f"{title}{when}: items waiting per forum (fewer is better)", fontsize=9,
                 loc="left")
    return fig


def _years_axis(ax, start_year: int, horizon: int) -> None:
    ticks = np.arange(0, horizon + 1, WEEKS_PER_YEAR)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(start_year + int(t) // WEEKS_PER_YEAR) for t in ticks],
                       fontsize=7)
    ax.set_xlim(0, horizon)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def flow(runs: Sequence[tuple[str, pd.DataFrame]], start_year: int, horizon: int) -> Figure:
    """Backlog (open items, lower is better) and cumulative decisions (higher is better)."""
    fig = _figure(6.4, 3.0, top=0.84)
    ax1, ax2 = fig.subplots(1, 2)
    for (label, s), colour in zip(runs, RUN_COLOURS, strict=False):
        ax1.plot(s["week"], s["backlog"], color=colour, label=label)
        ax2.plot(s["week"], s["decisions"], color=colour, label=label)
    ax1.set_title("Backlog: open items (lower is better)", fontsize=9)
    ax2.set_title("Decisions so far, cumulative\n(adopted + rejected; higher is better)",
                  fontsize=9)
    for ax in (ax1, ax2):
        _years_axis(ax, start_year, horizon)
        ax.set_ylabel("items", fontsize=8)
    ax1.legend(fontsize=7, loc="upper left")
    return fig


def compliance(runs: Sequence[tuple[str, pd.DataFrame]], start_year: int,
               horizon: int) -> Figure:
    """Actual against self-reported compliance over time (actual: higher is better; the gap
    to reported is over-reporting)."""
    fig = _figure(6.4, 3.0, top=0.84, left=0.14)
    ax = fig.add_subplot()
    for (label, s), colour in zip(runs, RUN_COLOURS, strict=False):
        ax.plot(s["week"], s["compliance_actual"], color=colour, label=f"{label}: actual")
        ax.plot(s["week"], s["compliance_reported"], color=colour, ls="--",
                label=f"{label}: self-reported")
    ax.set_ylim(0, 1.02)
    if all(s["compliance_actual"].isna().all() for _, s in runs):
        ax.text(0.5, 0.5, "no adopted kader has reached its implementation deadline yet",
                transform=ax.transAxes, ha="center", fontsize=8, color="#555555")
    ax.set_ylabel("share of kaders past deadline\nimplemented", fontsize=8)
    ax.set_title("Compliance: actual (solid, higher is better) vs self-reported (dashed);\n"
                 "the gap is over-reporting (smaller is better)", fontsize=9, loc="left")
    _years_axis(ax, start_year, horizon)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def agenda(runs: Sequence[tuple[str, pd.DataFrame]], start_year: int) -> Figure:
    """CIO-beraad agenda slots per year by kind, one panel per run (more strategic is better)."""
    fig = _figure(6.4, 3.2, top=0.84, bottom=0.2, wspace=0.08)
    axes = np.atleast_1d(fig.subplots(1, len(runs), sharey=True, squeeze=False)[0])
    for ax, (label, df) in zip(axes, runs, strict=True):
        years = start_year + (df["week"] - 1) // WEEKS_PER_YEAR
        table = pd.crosstab(years, df["kind"]) if len(df) else pd.DataFrame()
        bottom = np.zeros(len(table))
        for kind, colour in KIND_COLOURS.items():
            if kind in table:
                ax.bar(table.index.astype(str), table[kind], bottom=bottom, color=colour,
                       label=kind)
                bottom += table[kind].to_numpy()
        ax.set_title(label, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("agenda slots used", fontsize=8)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, fontsize=7, loc="lower center", ncol=len(handles),
                   frameon=False)
    fig.suptitle("CIO-beraad agenda per year by kind (more strategic, fewer unripe is better)",
                 fontsize=9, x=0.02, ha="left")
    return fig


def attendance(runs: Sequence[tuple[str, pd.DataFrame]]) -> Figure:
    """Share of CIO-beraad meetings each department attended through a delegate."""
    fig = _figure(6.4, 3.0, top=0.9)
    ax = fig.add_subplot()
    width = 0.8 / len(runs)
    for k, ((label, df), colour) in enumerate(zip(runs, RUN_COLOURS, strict=False)):
        x = np.arange(len(df)) + (k - (len(runs) - 1) / 2) * width
        ax.bar(x, df["share"].fillna(0.0), width=width, color=colour, label=label)
    df0 = runs[0][1]
    ax.set_xticks(np.arange(len(df0)))
    ax.set_xticklabels([f"{d}{'' if ft else '*'}" for d, ft in
                        zip(df0["department"], df0["fulltime"], strict=True)], fontsize=7)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("share of meetings", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.tick_params(labelsize=7)
    ax.set_title("CIO-beraad seats filled by a delegate (lower is better; * = part-time CIO)",
                 fontsize=9, loc="left")
    if len(runs) > 1:
        ax.legend(fontsize=7)
    return fig


def paired_difference(a: pd.DataFrame, b: pd.DataFrame, start_year: int,
                      horizon: int) -> Figure:
    """Run B minus run A, week by week, on the same seed: backlog, decisions, compliance."""
    fig = _figure(6.4, 2.8, top=0.8, wspace=0.35)
    axes = fig.subplots(1, 3)
    n = min(len(a), len(b))
    a, b = a.iloc[:n], b.iloc[:n]
    panels = (("backlog", "backlog B − A [items]\n(below 0: B better)"),
              ("decisions", "decisions B − A [items]\n(above 0: B better)"),
              ("compliance_actual", "actual compliance B − A\n(above 0: B better)"))
    for ax, (col, title) in zip(axes, panels, strict=True):
        diff = b[col].to_numpy(dtype=float) - a[col].to_numpy(dtype=float)
        ax.axhline(0, color="black", lw=0.8)
        ax.plot(a["week"], diff, color="#6a3d9a")
        ax.fill_between(a["week"], diff, 0, color="#6a3d9a", alpha=0.15)
        ax.set_title(title, fontsize=8)
        _years_axis(ax, start_year, horizon)
    return fig
