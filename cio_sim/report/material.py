"""The report's material-differences section: for each headline metric, the smallest
difference that matters (the catalogue's delta, with its reason) and the probability that
each scenario's paired gap to the baseline exceeds it, lies within it, or falls short of it.
The numbers come from :func:`cio_sim.comparison.paired_table`; this module only formats them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import catalogue
from ..stats import MATERIAL_LEVEL

__all__ = ["format_material_table", "material_cell", "material_section"]


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


def material_cell(row: Any) -> str:
    """``97 / 3 / 0% · better`` for one paired row ('–' without probabilities)."""
    ps = [row.get(c) for c in ("p_gap_above_delta", "p_gap_within_delta", "p_gap_below_delta")]
    if any(p is None or not math.isfinite(float(p)) for p in ps):
        return "–"
    text = " / ".join(f"{100 * float(p):.0f}" for p in ps) + "%"
    verdict = str(row.get("material") or "")
    if verdict in ("better", "worse", "higher", "lower"):
        verdict = f"**{verdict}**"
    return f"{text} · {verdict}" if verdict else text


def format_material_table(paired: pd.DataFrame, labels: bool = True) -> str:
    """Markdown: a row per metric with a material difference, its δ, a column per scenario
    with P(gap > δ) / P(|gap| ≤ δ) / P(gap < −δ) and the verdict."""
    rows = paired[pd.to_numeric(paired.get("delta"), errors="coerce").notna()] \
        if "delta" in paired.columns else paired.iloc[0:0]
    if rows.empty:
        return ""
    scen = list(dict.fromkeys(rows["scenario"]))
    base = rows["baseline"].iloc[0]
    head = ["metric", "δ", *(f"{s} − {base}" for s in scen)]
    lines = ["| " + " | ".join(_esc(h) for h in head) + " |",
             "|" + "|".join(["---", "--:"] + ["--:"] * len(scen)) + "|"]
    for metric, frame in rows.groupby("metric", sort=False):
        by = {r["scenario"]: r for _, r in frame.iterrows()}
        name = catalogue.label(str(metric)) if labels else str(metric)
        delta = float(frame["delta"].iloc[0])
        cells = [material_cell(by[s]) if s in by else "–" for s in scen]
        lines.append("| " + " | ".join([_esc(name), f"{delta:g}", *cells]) + " |")
    return "\n".join(lines)


def _reasons(metrics: list[str]) -> list[str]:
    out = []
    for key in metrics:
        found = catalogue.material(key)
        if found:
            out.append(f"- {catalogue.label(key, unit=False)}: δ = {found[0]:g} "
                       f"{catalogue.unit(key)}; {found[1]}")
    return out


def material_section(ctx: Any) -> str | None:
    """'Material differences': what each paired gap means against the smallest difference
    that matters (``ctx``: a :class:`cio_sim.report.ReportContext`)."""
    if ctx.paired.empty or "delta" not in ctx.paired.columns:
        return None
    paired = ctx.paired[ctx.paired["metric"].isin(catalogue.HEADLINE)]
    table = format_material_table(paired)
    if not table:
        return None
    metrics = list(dict.fromkeys(paired["metric"]))
    level = f"{MATERIAL_LEVEL:.0%}"
    return "\n".join([
        "## Material differences", "",
        "Is a gap large enough to matter? Each headline metric has a smallest difference that "
        "matters, δ (in the metric's unit, from the metric catalogue, reasons below). The "
        "gap is the paired difference scenario − baseline taken in the metric's better "
        "direction (positive: the scenario is better; for a metric without a direction, the "
        "difference itself). Each cell gives P(gap > δ) / P(|gap| ≤ δ) / P(gap < −δ): the "
        "probabilities of the mean paired gap under its t posterior (the mean of the paired "
        "differences plus their standard error times a Student-t on n − 1 degrees of "
        "freedom, the Bayesian reading of the paired t-interval), and what that says: "
        f"**better** or **worse** (or **higher** / **lower**) when the gap exceeds δ on that "
        f"side with probability ≥ {level}, *no material difference* when it lies within ±δ "
        f"with probability ≥ {level}, *unclear* otherwise (more replications would "
        "decide).", "", table, "", "Why these δ:", "", *_reasons(metrics), ""])
