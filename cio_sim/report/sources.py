"""The report's "Where the gap comes from" section: for each scenario against the baseline,
each headline metric's gap split into the main effect of each part by which the scenario
differs, their two-way interactions and what is left, with 95% intervals and shares of the
gap. It reads what ``cio-sim compare --decompose`` stored in the results' ``decomposition/``
folder (:mod:`cio_sim.gap_sources`); without it, the section says how to get it."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import catalogue

__all__ = ["format_sources_table", "sources_section"]

_NAMES = {"gap": "gap", "remainder": "left (3-way and higher)"}


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


#: Below this an effect is float noise of the subtraction (a remainder of 1e-16), shown 0.
NOISE = 1e-9


def _signed(x: float) -> str:
    from .tables import format_number

    x = 0.0 if abs(x) < NOISE else x
    return ("+" if x > 0 else "−" if x < 0 else "") + format_number(abs(x))


def source_cell(effect: float, lo: float, hi: float, share: float) -> str:
    """``+4.9 [+4.1, +5.7] (73%)``; 'n/a' without a value."""
    if not math.isfinite(effect):
        return "n/a"
    text = _signed(effect)
    if math.isfinite(lo) and math.isfinite(hi):
        text += f" [{_signed(lo)}, {_signed(hi)}]"
    if math.isfinite(share):
        text += f" ({share:.0%})".replace("-", "−")
    return text


def format_sources_table(table: pd.DataFrame, metrics: list[str] | None = None) -> str:
    """Markdown: a row per metric; columns the gap, each part's main effect, each two-way
    interaction and what is left; cells ``effect [95% CI] (share of the gap)``, the share only
    where the gap's interval excludes zero (elsewhere it means little)."""
    terms = list(dict.fromkeys(table["term"]))
    keys = [m for m in dict.fromkeys(table["metric"]) if metrics is None or m in metrics]
    lines = ["| metric | " + " | ".join(_esc(_NAMES.get(t, t)) for t in terms) + " |",
             "|---|" + "|".join("--:" for _ in terms) + "|"]
    for m in keys:
        rows = table[table["metric"] == m].set_index("term")
        note = str(rows["note"].iloc[0]) if "note" in rows.columns else ""
        if note and note != "nan":
            lines.append(f"| {_esc(catalogue.label(m))} | not decomposed: {_esc(note)} |"
                         + " |" * (len(terms) - 1))
            continue
        gap = rows.loc["gap"]
        clear = float(gap["ci_low"]) > 0 or float(gap["ci_high"]) < 0
        cells = []
        for t in terms:
            r = rows.loc[t]
            share = float(r["share"]) if t != "gap" and clear else math.nan
            cells.append(source_cell(float(r["effect"]), float(r["ci_low"]),
                                     float(r["ci_high"]), share))
        lines.append(f"| {_esc(catalogue.label(m))} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _how(ctx: Any) -> str:
    from .provenance import _command

    cmd = _command(ctx.manifest)
    if cmd and cmd.split()[0].endswith("cio-sim") and " compare " in f" {cmd} " \
            and "--readings" not in cmd:
        return f"`{cmd} --resume --decompose`"
    return "`cio-sim compare ... --decompose`"


def sources_section(ctx: Any) -> str | None:
    """'Where the gap comes from' (``ctx``: a :class:`cio_sim.report.ReportContext`)."""
    from ..gap_sources import read_sources

    if ctx.runs is None or ctx.n_scenarios < 2 or ctx.sweep:
        return None
    sources = read_sources(getattr(ctx, "results_dir", None), ctx.manifest.get("digest"))
    head = ["## Where the gap comes from", ""]
    if not sources:
        return "\n".join([*head,
            "Not computed for this comparison. Each gap to the baseline can be split into "
            "the parts by which the scenarios differ (regime parts and parameter values): "
            "each part's main effect, their interactions and what is left, on the same "
            f"seeds. That runs a factorial design per pair, so it is asked for: {_how(ctx)} "
            "(the comparison's runs are reused), or `cio-sim decompose BASELINE SCENARIO` "
            "for one pair.", ""])
    parts = [*head,
             "Each gap scenario − baseline split into the parts by which the two differ: a "
             "part's main effect is what switching it alone on the baseline does; an "
             "interaction (A x B) what switching two together adds beyond each alone; "
             "\"left\" is the rest (three-way and higher interactions). Every design point "
             "ran on the comparison's seeds (common random numbers), and the gap is the "
             "comparison's own paired mean. Cells: mean over replications [95% CI] (share "
             "of the gap, given where the gap's interval excludes zero); the terms of a "
             "row sum to its gap. Compliance over shared kaders is pooled "
             "over the kader strata every design point judges, so its gap can differ from "
             "the paired table's."]
    for label, table in sources.items():
        base = str(table.attrs.get("baseline") or "")
        factors = table.attrs.get("factors") or {}
        parts += ["", f"### {ctx.name(label)} − `{base}`", "",
                  f"{table.attrs.get('design', '')}; "
                  f"{table.attrs.get('replications')} replications per point. Parts:", "",
                  *(f"- `{name}`: {_esc(str(desc))}" for name, desc in factors.items()), "",
                  format_sources_table(table, list(catalogue.HEADLINE))]
    return "\n".join(parts) + "\n"
