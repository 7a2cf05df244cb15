"""The report of a comparison under readings (``cio-sim compare --readings``): the usual
sections read the scenarios as given (:func:`at_defaults`), and the section "Rankings under
the readings" gives, per headline metric, the ranking under each variant set and where it
flips: the same table as the CLI and :class:`cio_sim.robustness.ReadingsComparison`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import catalogue
from ..readings import lookup
from ..robustness import MANIFEST_KEY, Design, ranking_tables
from .tables import format_number

__all__ = ["at_defaults", "readings_section", "readings_verdict", "unchanged_text"]


def _design(manifest: Mapping[str, Any]) -> Design | None:
    entry = manifest.get(MANIFEST_KEY)
    return Design.from_manifest(entry) if isinstance(entry, Mapping) else None


def at_defaults(manifest: Mapping[str, Any], runs: pd.DataFrame | None,
                timeseries: pd.DataFrame | None
                ) -> tuple[Mapping[str, Any], pd.DataFrame | None, pd.DataFrame | None]:
    """The manifest, runs and weekly tables of the scenarios as given: a comparison under
    readings restricted to its defaults cells (anything else is returned as it is)."""
    design = _design(manifest)
    if design is None:
        return manifest, runs, timeseries
    keep = set(design.grid[0])

    def only(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or "scenario" not in frame.columns:
            return frame
        return frame[frame["scenario"].isin(keep)].reset_index(drop=True)

    shown = dict(manifest)
    shown["scenarios"] = [s for s in manifest.get("scenarios", [])
                          if (s if isinstance(s, str) else s.get("name")) in keep]
    if isinstance(manifest.get("digests"), Mapping):
        shown["digests"] = {k: v for k, v in manifest["digests"].items() if k in keep}
    if isinstance(manifest.get("parameters"), list):
        shown["parameters"] = [d for d in manifest["parameters"]
                               if isinstance(d, Mapping) and d.get("name") in keep]
    return shown, only(runs), only(timeseries)


def unchanged_text(design: Design) -> str:
    """Which variant sets leave which scenarios as they are (they reuse those runs), in one
    sentence; '' where every set changes every scenario."""
    parts = [f"{tag}: {', '.join(design.unchanged(j))}"
             for j, tag in enumerate(design.tags) if j and design.unchanged(j)]
    return ("Left as they are (the reading does not matter there, or the scenario already "
            "sets that variant; their runs are the defaults' runs): " + "; ".join(parts) + "."
            ) if parts else ""


def readings_verdict(ctx: Any) -> str | None:
    """A paragraph after the verdict: whether the rankings hold under every reading."""
    design = _design(ctx.manifest)
    runs = getattr(ctx, "all_runs", None)
    if design is None or runs is None:
        return None
    _, summary = ranking_tables(runs, design)
    if summary.empty:
        return None
    flips = summary[~summary["holds"]]
    material = flips[flips["material_flips_under"] != ""]
    text = (f"**Under the readings** ({len(design.readings)} readings, "
            f"{len(design.assignments) - 1} variant sets on the same seeds): the ranking of "
            f"the scenarios holds under every variant for {int(summary['holds'].sum())} of "
            f"{len(summary)} metrics")
    if len(material):
        text += ("; it flips by a material gap for " + "; ".join(
            f"{catalogue.label(r['metric'], unit=False).lower()} (under "
            f"{r['material_flips_under']})" for _, r in material.iterrows()))
    return text + ". The section \"Rankings under the readings\" has every ranking."


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def readings_section(ctx: Any) -> str | None:
    """'Rankings under the readings': per headline metric, a row per variant set with each
    scenario's mean, the ranking (best first) and the pairs that flip."""
    design = _design(ctx.manifest)
    runs = getattr(ctx, "all_runs", None)
    if design is None or runs is None:
        return None
    table, summary = ranking_tables(runs, design)
    if table.empty:
        return None
    sets = len(design.assignments) - 1
    how = ("every combination of their variants" if design.combined
           else "one reading varied at a time from the defaults")
    quoted = ", ".join(f"`{r}` ({lookup(r).source})" for r in design.readings)
    out = ["## Rankings under the readings", "",
           f"The comparison ran under {sets} variant sets of the readings {quoted} ({how}; "
           "`cio-sim readings` gives each with the source's words), every set on the same "
           "seeds as the defaults. The tables above read the scenarios as given (every "
           "reading at its default). Below, per metric, each scenario's mean under each "
           "variant set and the ranking, best first; *flipped* names the pairs now in the "
           "other order (now ahead/was ahead), *material* those whose gap in the new order is "
           "material (P(gap > δ) ≥ 0.95 over the paired replications). A variant set that "
           "leaves a scenario as it is (the reading does not matter there, or the scenario "
           "already sets that variant) reuses its runs.", ""]
    left = unchanged_text(design)
    if left:
        out += [left, ""]
    held = [catalogue.label(m) for m in summary.loc[summary["holds"], "metric"]]
    out += ["**The ranking holds under every reading** for: "
            + (", ".join(held) if held else "no metric") + ".", ""]
    for _, s in summary[~summary["holds"]].iterrows():
        material = (f"; material under {s['material_flips_under']}"
                    if s["material_flips_under"] else "; no flip is material")
        out.append(f"- **{catalogue.label(s['metric'])}** flips under {s['flips_under']}"
                   f"{material}.")
    if not summary["holds"].all():
        out.append("")
    for _, s in summary.iterrows():
        rows = table[table["metric"] == s["metric"]]
        verdict = "holds under every variant set" if s["holds"] else "flips"
        out += [f"### {catalogue.label(s['metric'])} ({s['direction']} is better)", "",
                f"At the defaults: {_cell(s['ranking'])}; {verdict}.", "",
                "| readings | " + " | ".join(f"`{_cell(sc)}`" for sc in design.scenarios)
                + " | ranking | flipped | material |",
                "|---|" + "---:|" * len(design.scenarios) + "---|---|---|"]
        for _, r in rows.iterrows():
            means = " | ".join(format_number(r[sc]) for sc in design.scenarios)
            out.append(f"| {_cell(r['readings'])} | {means} | {_cell(r['ranking'])} | "
                       f"{_cell(r['flipped'])} | {_cell(r['material_flips'])} |")
        out.append("")
    return "\n".join(out)
