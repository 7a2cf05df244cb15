"""The report's tables in Markdown: mean ± 95% CI per scenario, the paired differences
against a baseline, and the caveat when scenarios judge compliance over different kader sets.
The numbers come from :mod:`cio_sim.comparison`; this module only formats them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pandas as pd

from .. import catalogue, comparison

__all__ = [
    "REPORT_METRICS", "SIDES", "compliance_caveat", "difference_side", "difference_word",
    "format_cell", "format_number",
    "format_paired_cell", "format_paired_table", "format_summary_table", "headline_markdown",
]

REPORT_METRICS: tuple[str, ...] = (
    *catalogue.HEADLINE,
    *(m.key for m in catalogue.CATALOGUE
      if not m.headline and not m.family and m.key not in ("submitted",)),
)
"""Metrics in the report's table, in order (headline first); absent ones are left out."""


class BatchLike(Protocol):
    """What :func:`write_report` needs from a batch result."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    manifest: Mapping[str, Any]


# --------------------------------------------------------------------------- tables


def format_number(x: float, digits: int = 3) -> str:
    """Round to ``digits`` significant figures, no exponent for everyday magnitudes."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "not reached" if x > 0 else "-inf"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - mag)
    if abs(x) >= 1e6 or abs(x) < 1e-4:
        return f"{x:.{digits - 1}e}"
    return f"{x:.{decimals}f}"


def _decimals(half: float) -> int:
    """Decimals that show a half-width with two significant figures."""
    return max(0, 1 - math.floor(math.log10(abs(half))))


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def format_cell(mean: float, lo: float, hi: float, note: str = "") -> str:
    """``mean ± half-width``; an interval clipped to the possible range as ``mean [lo, hi]``;
    a word instead of an interval where there is none (one run, no variation, not reached)."""
    if mean is None or math.isnan(mean):
        return "–"
    if math.isinf(mean):
        return note if note.startswith("not reached in") else "not reached"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        word = "one run" if note.startswith("one run") else ""
        return format_number(mean) + (f" ({word})" if word else "")
    half = (hi - lo) / 2.0
    if half == 0:
        return f"{_trim(format_number(mean))} (no variation)"
    d = _decimals(half)
    if "clipped" in note:
        return f"{mean:.{d}f} [{lo:.{d}f}, {hi:.{d}f}]"
    text = f"{mean:.{d}f} ± {half:.{d}f}"
    return text + " (n=2)" if note.startswith("two runs") else text


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|")


def _metric_name(metric: str, labels: bool) -> str:
    return f"{catalogue.label(metric)} (`{metric}`)" if labels else f"`{metric}`"


def format_summary_table(summary: pd.DataFrame, labels: bool = True) -> str:
    """Markdown for a long summary table (:func:`cio_sim.comparison.summary_table`):
    a row per metric, a column per scenario, cells ``mean ± CI half-width``."""
    wide = comparison.comparison_table(summary)
    scen = list(dict.fromkeys(wide.columns.get_level_values(0)))
    lines = ["| " + " | ".join(_escape(h) for h in ["metric", "better", *scen]) + " |",
             "|" + "|".join(["---", ":-:"] + ["--:"] * len(scen)) + "|"]
    arrows = {"higher": "↑", "lower": "↓", "neither": ""}
    for metric, row in wide.iterrows():
        cells = [format_cell(row[(s, "mean")], row[(s, "ci_low")], row[(s, "ci_high")],
                             str(row[(s, "note")] or "")) for s in scen]
        arrow = arrows[str(catalogue.better(metric))]
        lines.append("| " + " | ".join([_escape(_metric_name(metric, labels)), arrow, *cells])
                     + " |")
    return "\n".join(lines)


def _signed(x: float, d: int) -> str:
    return f"{x:+.{d}f}".replace("-", "−")


def format_paired_cell(row: Any) -> str:
    """``+1.2 [0.4, 2.0]; better in 80%`` for one paired-difference row."""
    mean, lo, hi = row["mean_diff"], row["ci_low"], row["ci_high"]
    note = str(row["note"] or "")
    if row["n"] == 0:
        return "–"
    share = "" if math.isnan(row["better"]) else \
        f"; better in {row['better']:.0%}, worse in {row['worse']:.0%}"
    if math.isnan(mean):
        return ("n/a" + (f" ({note})" if note else "")) + share
    if not math.isfinite(lo):
        return f"{format_number(mean)} ({note})" + share
    half = (hi - lo) / 2
    if half == 0:
        sign = "+" if mean > 0 else "−" if mean < 0 else ""
        return f"{sign}{_trim(format_number(abs(mean)))} (no variation)" + share
    d = _decimals(half)
    two = " (n=2)" if note.startswith("two runs") else ""
    return f"{_signed(mean, d)} [{_signed(lo, d)}, {_signed(hi, d)}]{two}" + share


def difference_side(row: Any) -> int:
    """+1 when the whole 95% CI of a paired difference lies on the metric's better side, -1
    on its worse side, 0 when it includes no difference (or the metric has no direction)."""
    sign = catalogue.better_sign(str(row["metric"]))
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    if not sign or not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 <= hi:
        return 0
    return sign if lo > 0 else -sign


#: How :func:`difference_word` says each side.
SIDES = {1: "better", -1: "worse", 0: "no clear difference"}


def difference_word(row: Any) -> str:
    """'better', 'worse' or 'no clear difference' for a paired-difference row (a metric
    without a better direction: 'no direction')."""
    if not catalogue.better_sign(str(row["metric"])):
        return "no direction"
    return SIDES[difference_side(row)]


def format_paired_table(paired: pd.DataFrame, labels: bool = True) -> str:
    """Markdown for :func:`cio_sim.comparison.paired_table`: a row per metric, a column per
    scenario, cells ``mean difference [95% CI]; better in x%, worse in y%``."""
    scen = list(dict.fromkeys(paired["scenario"]))
    base = paired["baseline"].iloc[0] if len(paired) else ""
    head = ["metric", "better", *(f"{s} − {base}" for s in scen)]
    lines = ["| " + " | ".join(_escape(h) for h in head) + " |",
             "|" + "|".join(["---", ":-:"] + ["--:"] * len(scen)) + "|"]
    arrows = {"higher": "↑", "lower": "↓", "neither": ""}
    for metric, frame in paired.groupby("metric", sort=False):
        by = {r["scenario"]: r for _, r in frame.iterrows()}
        cells = [format_paired_cell(by[s]) if s in by else "–" for s in scen]
        lines.append("| " + " | ".join([_escape(_metric_name(str(metric), labels)),
                                        arrows[str(catalogue.better(metric))], *cells]) + " |")
    return "\n".join(lines)


def compliance_caveat(runs: pd.DataFrame, design_keys: Sequence[str] = ()) -> str | None:
    """One paragraph when the compared scenarios judge compliance over different kader
    sets (strata of quadrant x complexity), naming what each leaves out; else None."""
    own, shared = comparison.compliance_sets(comparison.label_runs(runs, design_keys))
    if len(own) < 2 or all(v == shared for v in own.values()):
        return None
    parts = []
    for name, strata in own.items():
        extra = [s for s in strata if s not in shared]
        if extra:
            parts.append(f"`{name}` also judges {', '.join(s.replace('_', '/') for s in extra)}")
    missing = {name: [s for s in max(own.values(), key=len) if s not in strata]
               for name, strata in own.items()}
    gaps = [f"`{n}` judges no kaders in {', '.join(s.replace('_', '/') for s in m)}"
            for n, m in missing.items() if m]
    shared_text = ", ".join(s.replace("_", "/") for s in shared) or "none"
    return ("Caveat: the scenarios judge compliance over different sets of kaders (by "
            "keuzematrix quadrant / complexity): " + "; ".join(gaps or parts) + ". "
            "`compliance_actual` compares each scenario's own set; "
            "`compliance_actual_shared` compares like with like over the strata all share: "
            f"{shared_text}.")


def headline_markdown(result: BatchLike, baseline: str | None = None) -> str:
    """The headline tables of a batch in Markdown (for a README or a note): mean ± 95% CI per
    scenario, the paired differences against the baseline, and the kader-set caveat."""
    runs = getattr(result, "runs", None)
    if runs is None or comparison.ok_runs(runs).empty:
        return "No successful replications."
    manifest = getattr(result, "manifest", None) or {}
    keys = list(manifest.get("design_keys", []) or [])
    table = comparison.summary_table(runs, None, design_keys=keys)
    present = set(table["metric"])
    metrics = [m for m in catalogue.HEADLINE if m in present]
    table = table[table["metric"].isin(metrics)]
    parts = [format_summary_table(table)]
    paired = comparison.paired_table(runs, baseline, metrics, design_keys=keys)
    if len(paired):
        parts += [f"Paired differences against `{paired['baseline'].iloc[0]}` (same seeds, "
                  "replication by replication): mean difference [95% CI]; share of "
                  "replications in which the scenario does better and worse.",
                  format_paired_table(paired)]
    caveat = compliance_caveat(runs, keys)
    if caveat:
        parts.append(caveat)
    return "\n\n".join(parts)
