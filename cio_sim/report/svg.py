"""Small SVG charts for the report, written as text: a figure costs milliseconds, not the
half second a matplotlib figure takes to lay out and save, and embeds in an HTML page as is.

Three kinds cover the report: :func:`intervals` (a mean and its interval per row, in panels),
:func:`bands` (a median line and a 10-90% band over time) and :func:`heatmap` (a grid of
values with a colour scale that states its range). Colours follow matplotlib's tab10 cycle, as
:mod:`cio_sim.plots` does, so the report and the notebook figures agree."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = ["COLOURS", "Band", "Interval", "Panel", "bands", "heatmap", "intervals", "nice_ticks"]

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
FONT = "font-family='system-ui, sans-serif'"


def colour(k: int) -> str:
    return COLOURS[k % len(COLOURS)]


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(1, n - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:.6g}".replace("-", "−")


class _Svg:
    def __init__(self, width: int, height: int, title: str):
        self.w, self.h = width, height
        self.parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
                      f"width='{width}' height='{height}' role='img' {FONT} font-size='12'>",
                      f"<title>{escape(title)}</title>",
                      f"<rect width='{width}' height='{height}' fill='white'/>"]

    def text(self, x: float, y: float, s: str, anchor: str = "start", size: float = 12,
             fill: str = "#222", weight: str = "normal", rotate: bool = False) -> None:
        rot = f" transform='rotate(-90 {x:.1f} {y:.1f})'" if rotate else ""
        self.parts.append(f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' "
                          f"font-size='{size}' fill='{fill}' font-weight='{weight}'{rot}>"
                          f"{escape(s)}</text>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#999",
             width: float = 1, dash: str = "") -> None:
        d = f" stroke-dasharray='{dash}'" if dash else ""
        self.parts.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' "
                          f"stroke='{stroke}' stroke-width='{width}'{d}/>")

    def circle(self, x: float, y: float, r: float, fill: str) -> None:
        self.parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r}' fill='{fill}'/>")

    def rect(self, x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> None:
        self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='{h:.1f}' "
                          f"fill='{fill}'{extra}/>")

    def path(self, points: Sequence[tuple[float, float]], stroke: str, fill: str = "none",
             width: float = 1.6, dash: str = "", opacity: float = 1.0) -> None:
        if not points:
            return
        d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        if fill != "none":
            d += " Z"
        extra = f" stroke-dasharray='{dash}'" if dash else ""
        self.parts.append(f"<path d='{d}' stroke='{stroke}' fill='{fill}' stroke-width='{width}'"
                          f" fill-opacity='{opacity}'{extra}/>")

    def done(self) -> str:
        return "\n".join([*self.parts, "</svg>"])


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


# --------------------------------------------------------------------------- intervals


@dataclass(frozen=True)
class Interval:
    """One row of a panel: a label, a mean and its interval (NaN: no interval); ``note``
    replaces the dot when there is no mean to draw."""

    label: str
    mean: float
    lo: float
    hi: float
    colour: str = COLOURS[0]
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """A panel of :func:`intervals`: a title, rows, and which side is better (+1 right, -1
    left, 0 neither); ``zero`` draws a reference line at 0 and centres it."""

    title: str
    rows: Sequence[Interval]
    better: int = 0
    zero: bool = False
    unit: str = ""


def intervals(panels: Sequence[Panel], title: str, columns: int = 2) -> str:
    """Panels side by side (``columns`` per line), each a mean with its interval per row."""
    label_w = max((len(r.label) for p in panels for r in p.rows), default=8) * 6.6 + 12
    panel_w, row_h = 300, 22
    n_rows = max((len(p.rows) for p in panels), default=1)
    panel_h = 48 + row_h * n_rows + 34
    cols = max(1, min(columns, len(panels)))
    lines = math.ceil(len(panels) / cols)
    width = int(cols * (label_w + panel_w + 20) + 10)
    height = int(30 + lines * panel_h)
    svg = _Svg(width, height, title)
    svg.text(10, 20, title, size=14, weight="bold")
    for k, p in enumerate(panels):
        x0 = 10 + (k % cols) * (label_w + panel_w + 20) + label_w
        y0 = 30 + (k // cols) * panel_h
        svg.text(x0, y0 + 18, p.title, size=12.5, weight="bold")
        vals = [v for r in p.rows for v in (r.mean, r.lo, r.hi) if math.isfinite(v)]
        lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
        if p.zero:
            span = max(abs(lo), abs(hi)) or 1.0
            lo, hi = -span * 1.1, span * 1.1
        else:
            pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
            lo, hi = lo - pad, hi + pad
        ticks = nice_ticks(lo, hi, 5)
        if ticks:
            lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
        sx = _scale(lo, hi, x0, x0 + panel_w)
        top, bottom = y0 + 30, y0 + 30 + row_h * n_rows
        for t in ticks:
            svg.line(sx(t), top, sx(t), bottom, "#e4e4e4")
            svg.text(sx(t), bottom + 14, _fmt(t), "middle", 10.5, "#555")
        if p.zero:
            svg.line(sx(0), top - 4, sx(0), bottom, "#444", 1.2)
        for j, r in enumerate(p.rows):
            y = top + row_h * (j + 0.5)
            svg.text(x0 - 8, y + 4, r.label, "end", 11.5)
            if not math.isfinite(r.mean):
                svg.text((x0 + x0 + panel_w) / 2, y + 4, r.note or "n/a", "middle", 11, r.colour)
                continue
            if math.isfinite(r.lo) and math.isfinite(r.hi):
                svg.line(sx(r.lo), y, sx(r.hi), y, r.colour, 2.2)
                for v in (r.lo, r.hi):
                    svg.line(sx(v), y - 5, sx(v), y + 5, r.colour, 1.5)
            svg.circle(sx(r.mean), y, 4.5, r.colour)
        foot = p.unit
        if p.better:
            foot = (foot + "; " if foot else "") + ("better →" if p.better > 0 else "← better")
        if foot:
            svg.text(x0 + (panel_w if p.better > 0 else 0), bottom + 30, foot,
                     "end" if p.better > 0 else "start", 11, "#2a7a2a" if p.better else "#555")
    return svg.done()


# --------------------------------------------------------------------------- bands


@dataclass(frozen=True)
class Band:
    """A median line and its 10-90% band over time for one series."""

    label: str
    t: Sequence[float]
    mid: Sequence[float]
    lo: Sequence[float] = field(default_factory=list)
    hi: Sequence[float] = field(default_factory=list)
    colour: str = COLOURS[0]
    dash: str = ""


def bands(series: Sequence[Band], title: str, xlabel: str, ylabel: str,
          y_range: tuple[float | None, float | None] = (None, None)) -> str:
    """Median lines with 10-90% bands on one axis; the legend beneath it."""
    width, plot_h, left, right, top = 760, 260, 64, 16, 34
    per_line = 3 if max((len(s.label) for s in series), default=0) <= 28 else 2
    legend_lines = math.ceil(len(series) / per_line)
    height = top + plot_h + 44 + 18 * legend_lines
    svg = _Svg(width, height, title)
    svg.text(10, 20, title, size=14, weight="bold")
    ts = [t for s in series for t in s.t if math.isfinite(t)]
    ys = [v for s in series for arr in (s.mid, s.lo, s.hi) for v in arr if math.isfinite(v)]
    if not ts or not ys:
        svg.text(width / 2, top + plot_h / 2, "no data", "middle", 12, "#777")
        return svg.done()
    y_lo = y_range[0] if y_range[0] is not None else min(ys)
    y_hi = y_range[1] if y_range[1] is not None else max(ys)
    if y_hi <= y_lo:
        y_hi = y_lo + 1.0
    yt = nice_ticks(y_lo, y_hi, 6)
    y_lo, y_hi = min(y_lo, yt[0]), max(y_hi, yt[-1])
    sx = _scale(min(ts), max(ts), left, width - right)
    sy = _scale(y_lo, y_hi, top + plot_h, top)
    for v in yt:
        svg.line(left, sy(v), width - right, sy(v), "#e4e4e4")
        svg.text(left - 6, sy(v) + 4, _fmt(v), "end", 10.5, "#555")
    for v in nice_ticks(min(ts), max(ts), 7):
        svg.text(sx(v), top + plot_h + 15, f"{v:g}", "middle", 10.5, "#555")
    svg.line(left, top + plot_h, width - right, top + plot_h, "#888")
    svg.text((left + width - right) / 2, top + plot_h + 32, xlabel, "middle", 11.5)
    svg.text(14, top + plot_h / 2, ylabel, "middle", 11.5, rotate=True)
    for s in series:
        pts = [(sx(t), sy(m)) for t, m in zip(s.t, s.mid, strict=True)
               if math.isfinite(t) and math.isfinite(m)]
        if len(s.lo) and len(s.hi):
            up = [(sx(t), sy(v)) for t, v in zip(s.t, s.hi, strict=True) if math.isfinite(v)]
            down = [(sx(t), sy(v)) for t, v in zip(s.t, s.lo, strict=True) if math.isfinite(v)]
            svg.path(up + down[::-1], "none", s.colour, 0, opacity=0.15)
        svg.path(pts, s.colour, dash=s.dash)
    for k, s in enumerate(series):
        x = left + (k % per_line) * (690 // per_line)
        y = top + plot_h + 50 + 18 * (k // per_line)
        svg.line(x, y - 4, x + 24, y - 4, s.colour, 2.5, s.dash)
        svg.text(x + 30, y, s.label, size=11.5)
    return svg.done()


# --------------------------------------------------------------------------- heatmap


def _viridis(u: float) -> str:
    """A few stops of viridis, linearly between them (u in [0, 1])."""
    stops = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
    u = min(1.0, max(0.0, u)) * (len(stops) - 1)
    i = min(int(u), len(stops) - 2)
    f = u - i
    rgb = [round(a + (b - a) * f) for a, b in zip(stops[i], stops[i + 1], strict=True)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def heatmap(grid: Sequence[Sequence[float]], xs: Sequence[str], ys: Sequence[str], title: str,
            xlabel: str, ylabel: str, scale: tuple[float, float], scale_note: str,
            better: int = 0) -> str:
    """A grid of values (rows ``ys``, bottom first; columns ``xs``), each cell coloured on
    ``scale`` and written in it; the colour bar states the scale and ``scale_note``."""
    cell_w = max(46, min(90, 640 // max(1, len(xs))))
    cell_h = max(26, min(46, 360 // max(1, len(ys))))
    left, top = 16 + max((len(y) for y in ys), default=4) * 7 + 30, 34
    plot_w, plot_h = cell_w * len(xs), cell_h * len(ys)
    bar_text = max(len(scale_note), len("no better direction"), 8) * 5.8
    width = int(max(left + plot_w + 16 + bar_text + 10, len(title) * 7.6 + 20))
    height = int(top + plot_h + 50)
    svg = _Svg(width, height, title)
    svg.text(10, 20, title, size=14, weight="bold")
    lo, hi = scale
    span = (hi - lo) or 1.0
    for i, row in enumerate(grid):
        y = top + plot_h - (i + 1) * cell_h
        svg.text(left - 6, y + cell_h / 2 + 4, ys[i], "end", 11)
        for j, v in enumerate(row):
            x = left + j * cell_w
            if not math.isfinite(v):
                svg.rect(x, y, cell_w, cell_h, "#eee")
                continue
            u = (v - lo) / span
            svg.rect(x, y, cell_w, cell_h, _viridis(u if better >= 0 else 1 - u))
            svg.text(x + cell_w / 2, y + cell_h / 2 + 4, f"{v:.3g}", "middle", 10.5,
                     "white" if (u if better >= 0 else 1 - u) < 0.6 else "#222")
    for j, x in enumerate(xs):
        svg.text(left + (j + 0.5) * cell_w, top + plot_h + 15, x, "middle", 11)
    svg.text(left + plot_w / 2, top + plot_h + 34, xlabel, "middle", 11.5)
    svg.text(14, top + plot_h / 2, ylabel, "middle", 11.5, rotate=True)
    bx = left + plot_w + 16
    steps = 20
    for k in range(steps):
        u = k / (steps - 1)
        svg.rect(bx, top + plot_h - (k + 1) * plot_h / steps, 14, plot_h / steps + 0.5,
                 _viridis(u if better >= 0 else 1 - u))
    svg.text(bx + 18, top + 10, _fmt(float(f"{hi:.3g}")), size=10.5)
    svg.text(bx + 18, top + plot_h, _fmt(float(f"{lo:.3g}")), size=10.5)
    words = {1: "brighter is better", -1: "brighter is better", 0: "no better direction"}
    svg.text(bx, top + plot_h + 15, words[better], size=10, fill="#2a7a2a" if better else "#555")
    svg.text(bx, top + plot_h + 28, scale_note, size=10, fill="#555")
    return svg.done()
