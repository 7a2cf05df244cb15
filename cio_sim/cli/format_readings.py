"""The rankings of a comparison under readings as plain text: per metric the ranking at the
defaults, a row per variant set with each scenario's mean, and where the ranking flips. The
numbers come from :class:`cio_sim.robustness.ReadingsComparison`; this module only lays
them out (the report renders the same table, :mod:`cio_sim.report.readings`)."""

from __future__ import annotations

import string
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import WIDTH
from .format import metric_name

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    from ..robustness import ReadingsComparison

#: Longest variant-set label in the table's first column (longer ones get their own line).
TAG_WIDTH = 40


def letters(scenarios: Sequence[str]) -> dict[str, str]:
    """A short name per scenario for the ranking columns: A, B, C, ... (S1, S2, ... past
    26)."""
    if len(scenarios) <= len(string.ascii_uppercase):
        return dict(zip(scenarios, string.ascii_uppercase, strict=False))
    return {s: f"S{i + 1}" for i, s in enumerate(scenarios)}


def _short(text: str, short: dict[str, str]) -> str:
    """A ranking ('a > b') or pair list ('a/b, c/d') with the scenarios' short names."""
    if not text:
        return ""
    out = []
    for part in text.split(", "):
        sep = " > " if " > " in part else "/"
        out.append(sep.join(short[s] for s in part.split(sep)))
    return ", ".join(out)


def ranking_lines(rc: ReadingsComparison, keys: bool = False,
                  width: int = WIDTH) -> list[str]:
    """The rankings under every variant set, a block per metric, then which metrics hold."""
    from ..report.tables import format_number

    design = rc.design
    short = letters(design.scenarios)
    sets = len(design.assignments) - 1
    how = ("every combination of their variants" if design.combined
           else "one reading varied at a time from the defaults")
    legend = ", ".join(f"{v} = {s}" for s, v in short.items())
    lines = textwrap.wrap(
        f"Rankings under {len(design.readings)} readings ({sets} variant sets besides the "
        f"defaults: {how}; every set on the same seeds), best first by the mean; {legend}. "
        "'flipped' names pairs now in the other order (now ahead/was ahead); '(material)' "
        "where the new order's gap is material (P(gap > δ) >= 0.95 over the paired "
        "replications).", width)
    from ..report.readings import unchanged_text

    left = unchanged_text(design)
    if left:
        lines += textwrap.wrap(left, width)
    table, summary = rc.table, rc.summary
    if table.empty:
        return [*lines, "", "(no metric with a direction in these runs)"]
    tag_w = min(TAG_WIDTH, max(len("readings"), *(len(t) for t in table["readings"])))
    for _, s in summary.iterrows():
        rows = table[table["metric"] == s["metric"]]
        means = {sc: [format_number(v) for v in rows[sc]] for sc in design.scenarios}
        col_w = {sc: max(len(short[sc]), *(len(v) for v in means[sc])) for sc in means}
        flips = int((~rows["holds"]).sum())
        verdict = ("holds under every variant set" if s["holds"] else
                   f"flips under {flips} of {sets}")
        better = ("no better direction: highest first" if s["direction"] == "neither"
                  else f"{s['direction']} is better")
        lines += ["", *textwrap.wrap(
            f"{metric_name(s['metric'], keys)} ({better}): "
            f"{_short(s['ranking'], short)} at the defaults; {verdict}", width)]
        lines.append("  " + "  ".join(["readings".ljust(tag_w),
                                       *(short[sc].rjust(col_w[sc]) for sc in means),
                                       "ranking", "flipped"]).rstrip())
        for i, (_, r) in enumerate(rows.iterrows()):
            tag = str(r["readings"])
            if len(tag) > tag_w:
                lines += textwrap.wrap(tag, width, initial_indent="  ",
                                       subsequent_indent="    ")
                tag = ""
            flipped = _short(str(r["flipped"]), short)
            if r["material_flips"]:
                flipped += f" (material: {_short(str(r['material_flips']), short)})"
            lines.append("  " + "  ".join([tag.ljust(tag_w),
                                           *(means[sc][i].rjust(col_w[sc]) for sc in means),
                                           _short(str(r["ranking"]), short).ljust(
                                               len(" > ".join(short.values()))),
                                           flipped]).rstrip())
    held = summary[summary["holds"]]
    flipped = summary[~summary["holds"]]
    lines.append("")
    lines += textwrap.wrap("The ranking holds under every reading for: " + (", ".join(
        metric_name(m, keys) for m in held["metric"]) or "no metric"), width)
    for _, s in flipped.iterrows():
        material = f" (material under {s['material_flips_under']})" \
            if s["material_flips_under"] else " (no flip material)"
        lines += textwrap.wrap(f"It flips for {metric_name(s['metric'], keys)} under "
                               f"{s['flips_under']}{material}", width,
                               subsequent_indent="    ")
    return lines
