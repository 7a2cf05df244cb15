"""The report of a batch as a list of sections: ``report.md`` and a self-contained
``report.html`` (every figure embedded) from the same text.

A section is a function of a :class:`ReportContext` returning Markdown (or None when it does
not apply). :data:`SECTIONS` holds them in order; another part of cio-sim adds one with
:func:`add_section`::

    from cio_sim.report import ReportContext, add_section

    def robustness(ctx: ReportContext) -> str | None:
        return "## Robustness\\n\\n..." if ctx.n_scenarios > 1 else None

    add_section("robustness", robustness, after="paired")

A section draws a figure with ``ctx.figure(name, svg, caption)`` (SVG text, see
:mod:`cio_sim.report.svg`), which writes ``figures/<name>.svg`` and returns the Markdown that
links it; the HTML page embeds it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .. import catalogue, comparison
from ..files import make_dir, write_text
from . import figures, provenance
from .html import write_html
from .material import material_section
from .sources import sources_section
from .tables import (
    REPORT_METRICS,
    BatchLike,
    _decimals,
    _signed,
    compliance_caveat,
    difference_side,
    format_cell,
    format_paired_table,
    format_summary_table,
)

__all__ = ["OVERRIDE_METRICS", "SECTIONS", "ReportContext", "Section", "add_section",
           "any_override", "write_report"]

#: Metrics about doorzettingsmacht decisions: shown only where such decisions happened.
OVERRIDE_METRICS = ("overrides", "override_share_of_adoptions",
                    "overrides_without_objection_share", "compliance_overridden")
#: More scenarios than this are read from the tables and response figures, not per scenario.
MAX_SCENARIOS = 12


def any_override(runs: pd.DataFrame | None) -> bool:
    """Whether any run has a doorzettingsmacht decision (an override by CIO Rijk)."""
    if runs is None or "overrides" not in runs.columns:
        return False
    return bool(pd.to_numeric(runs["overrides"], errors="coerce").fillna(0).gt(0).any())


@dataclass
class ReportContext:
    """What a section may read: the batch's tables and manifest, and where the report goes."""

    runs: pd.DataFrame | None
    timeseries: pd.DataFrame | None
    manifest: Mapping[str, Any]
    out: Path
    baseline: str | None = None
    written: list[str] = field(default_factory=list)
    #: Every run, also those the tables above leave out (a comparison under readings: the
    #: variant sets' runs; see cio_sim.report.readings).
    all_runs: pd.DataFrame | None = None
    results_dir: Path | None = None

    @cached_property
    def design_keys(self) -> list[str]:
        keys = list(self.manifest.get("design_keys", []) or [])
        return [k for k in keys if self.runs is not None and k in self.runs.columns]

    @cached_property
    def scenario_rows(self) -> list[dict[str, str]]:
        return provenance._scenario_rows(self.manifest, self.runs)

    @cached_property
    def labels(self) -> list[str]:
        """Scenario names, or a sweep's design points by their values, in order."""
        if self.runs is None:
            return []
        return [str(s) for s in dict.fromkeys(
            comparison.label_runs(self.runs, self.design_keys)["label"])]

    @property
    def n_scenarios(self) -> int:
        return len(self.labels)

    @property
    def sweep(self) -> bool:
        return bool(self.design_keys) or self.manifest.get("kind") == "sweep"

    @cached_property
    def counterfactuals(self) -> list[str]:
        return [r["name"] for r in self.scenario_rows if provenance.counterfactual(r)]

    def name(self, label: str) -> str:
        """A scenario's name in prose, with its counterfactual mark."""
        return f"`{label}`" + (" (counterfactual)" if label in self.counterfactuals else "")

    @cached_property
    def overrides_happen(self) -> bool:
        """Whether any run has a doorzettingsmacht decision."""
        return any_override(self.runs)

    @cached_property
    def metrics(self) -> list[str]:
        """The metrics of the tables: those in the runs, overrides only where they happen."""
        if self.runs is None:
            return []
        have = set(self.runs.columns) | {comparison.SHARED_COMPLIANCE,
                                         *comparison.paired_metrics(self.runs)}
        skip = () if self.overrides_happen else OVERRIDE_METRICS
        return [m for m in REPORT_METRICS if m in have and m not in skip]

    @cached_property
    def summary(self) -> pd.DataFrame:
        return comparison.summary_table(self.runs, self.metrics, design_keys=self.design_keys)

    @cached_property
    def paired(self) -> pd.DataFrame:
        if self.n_scenarios < 2 or self.sweep:
            return pd.DataFrame()
        present = set(self.summary["metric"])
        return comparison.paired_table(self.runs, self.baseline,
                                       [m for m in self.metrics if m in present or m
                                        in comparison.paired_metrics(self.runs)],
                                       design_keys=self.design_keys)

    def figure(self, name: str, svg: str | None, caption: str) -> str:
        """Write ``figures/<name>.svg`` and return the Markdown that shows it ('' for None)."""
        if svg is None:
            return ""
        folder = make_dir(self.out / "figures")
        write_text(folder / f"{name}.svg", svg)
        self.written.append(f"{name}.svg")
        return f"![{caption}](figures/{name}.svg)\n\n*{caption}*\n"


Section = Callable[[ReportContext], str | None]


@dataclass(frozen=True)
class _Entry:
    name: str
    build: Section


SECTIONS: list[_Entry] = []
"""The report's sections in order; see :func:`add_section`."""


def add_section(name: str, build: Section, after: str | None = None) -> None:
    """Add (or replace) the section ``name``; placed after the section ``after``, else last
    before the provenance section, which always closes the report."""
    entry = _Entry(name, build)
    names = [e.name for e in SECTIONS]
    if name in names:
        SECTIONS[names.index(name)] = entry
        return
    if after is not None and after in names:
        SECTIONS.insert(names.index(after) + 1, entry)
    elif "provenance" in names:
        SECTIONS.insert(names.index("provenance"), entry)
    else:
        SECTIONS.append(entry)


# --------------------------------------------------------------------------- sections


def _title(ctx: ReportContext) -> str:
    kind = ctx.manifest.get("kind")
    if ctx.sweep:
        name = ctx.manifest.get("name") or "sweep"
        keys = " × ".join(f"`{k}`" for k in ctx.design_keys)
        return f"# Sweep `{name}`" + (f": {keys}" if keys else "")
    if ctx.labels:
        word = "Comparison" if ctx.n_scenarios > 1 else "Run"
        return f"# {word}: " + " vs ".join(ctx.name(s) for s in ctx.labels)
    return f"# cio-sim report ({kind or 'batch'})"


def _reps(ctx: ReportContext) -> str:
    reps = ctx.manifest.get("replications")
    if reps is None and ctx.runs is not None and "replication" in ctx.runs.columns:
        reps = int(ctx.runs["replication"].nunique())
    return f"{reps} replications" if reps is not None else "the replications"


def _names(keys: Sequence[str]) -> str:
    words = [catalogue.label(k, unit=False).lower() for k in keys]
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1] \
        if words else ""


def verdict(ctx: ReportContext) -> str | None:
    """The title and, first, what the results say and how sure, in plain words."""
    head = _title(ctx)
    if ctx.runs is None or comparison.ok_runs(ctx.runs).empty:
        return head + "\n\nNo successful replications in this result: there is nothing to " \
            "conclude (see the failed replications below)."
    if ctx.sweep:
        return head + "\n\n" + _sweep_verdict(ctx)
    if ctx.n_scenarios == 1:
        rows = ctx.summary.set_index("metric")
        parts = []
        for key in catalogue.HEADLINE[:6]:
            if key in rows.index:
                r = rows.loc[key]
                cell = format_cell(r["mean"], r["ci_low"], r["ci_high"], str(r["note"] or ""))
                parts.append(f"{catalogue.label(key, unit=False).lower()} {cell} "
                             f"{catalogue.unit(key)}")
        return (head + f"\n\nOver {_reps(ctx)} of {ctx.name(ctx.labels[0])}: "
                + "; ".join(parts) + " (mean ± half-width of the 95% confidence interval). "
                "One scenario: the report compares nothing; compare it with another scenario "
                "on the same seeds (`cio-sim compare`) to say whether a regime does better.")
    paired = ctx.paired[ctx.paired["metric"].isin(catalogue.HEADLINE)]
    base = str(paired["baseline"].iloc[0]) if len(paired) else ctx.labels[0]
    lines = []
    for scen, frame in paired.groupby("scenario", sort=False):
        marks: dict[int, list[str]] = {1: [], -1: [], 0: []}
        for _, r in frame.iterrows():
            if catalogue.better_sign(str(r["metric"])):
                marks[difference_side(r)].append(_difference(r))
        bits = [f"{word} {'; '.join(marks[k])}" for k, word in
                ((1, "**better** on"), (-1, "**worse** on"), (0, "no clear difference on"))
                if marks[k]]
        lines.append(f"- {ctx.name(str(scen))}: " + ". ".join(bits) + ".")
    note = ""
    if ctx.counterfactuals:
        note = (" A counterfactual applies rules to years in which they were not in force "
                "(e.g. the 2026 doorzettingsmacht to 2022-2026): it says what those rules "
                "would have done, not what happened.")
    return "\n".join([
        head, "", f"Against {ctx.name(base)}, over {_reps(ctx)} per scenario on the same seeds "
        "(paired differences, replication by replication):", "", *lines, "",
        "\"Better\" and \"worse\" mean that the whole 95% confidence interval of the paired "
        "difference lies on that side; \"no clear difference\" that it includes zero." + note])


def _difference(row: Any) -> str:
    """'time to decision, median −15 weeks' for one paired row."""
    key = str(row["metric"])
    mean, lo, hi = float(row["mean_diff"]), float(row["ci_low"]), float(row["ci_high"])
    name = catalogue.label(key, unit=False).lower()
    if not math.isfinite(mean):
        return f"{name} (n/a)"
    d = _decimals((hi - lo) / 2) if math.isfinite(hi - lo) and hi > lo else 2
    return f"{name} {_signed(mean, d)} {catalogue.unit(key)}".rstrip()


def _sweep_verdict(ctx: ReportContext) -> str:
    table = ctx.summary
    parts = []
    for key in ("adopted_per_year", "compliance_actual", "backlog_end"):
        rows = table[table["metric"] == key]
        rows = rows[pd.to_numeric(rows["mean"], errors="coerce").map(math.isfinite)]
        if rows.empty:
            continue
        best = rows.loc[rows["mean"].idxmax() if catalogue.better_sign(key) >= 0
                        else rows["mean"].idxmin()]
        lo, hi = rows["mean"].min(), rows["mean"].max()
        half = float(((rows["ci_high"] - rows["ci_low"]) / 2).median())
        within = " (within the replications' noise)" if hi - lo <= 2 * half else ""
        parts.append(f"{catalogue.label(key, unit=False).lower()} ranges from {lo:.3g} to "
                     f"{hi:.3g} {catalogue.unit(key)}{within}, best at {best['scenario']}")
    where = "design point" if len(ctx.labels) == 1 else "design points"
    return (f"Over {len(ctx.labels)} {where} with {_reps(ctx)} each: " + "; ".join(parts)
            + ". Typical 95% intervals of a point's mean are in the summary table.")


def scenarios(ctx: ReportContext) -> str | None:
    out = []
    if ctx.scenario_rows:
        out += ["## Scenarios", "", *provenance._scenario_table(ctx.scenario_rows), ""]
    points = provenance._points_table(ctx.manifest)
    if points:
        out += ["## Design points", "", "Columns below name the points by their values.", "",
                *points, ""]
    return "\n".join(out) or None


def summary(ctx: ReportContext) -> str | None:
    if ctx.runs is None or comparison.ok_runs(ctx.runs).empty:
        return None
    text = ["## Summary", "",
            "Mean ± half-width of the 95% confidence interval (t-distribution) over "
            "replications; ↑ higher is better, ↓ lower is better. – means no data (e.g. no due "
            "compliance); `not reached`: fewer than half the items decided, so the median time "
            "to decision lies beyond the horizon; an interval that would leave the possible "
            "range is shown clipped as [low, high].", ""]
    if not ctx.overrides_happen:
        text += ["No run has a doorzettingsmacht decision (an override by CIO Rijk), so the "
                 "override metrics are left out.", ""]
    caveat = compliance_caveat(ctx.runs, ctx.design_keys)
    if caveat:
        text += [caveat, ""]
    return "\n".join([*text, format_summary_table(ctx.summary), ""])


def paired(ctx: ReportContext) -> str | None:
    if ctx.paired.empty or ctx.n_scenarios > MAX_SCENARIOS:
        return None
    base = ctx.paired["baseline"].iloc[0]
    fig = ctx.figure("paired_differences",
                     figures.paired(ctx.runs, ctx.baseline, design_keys=ctx.design_keys,
                                    table=ctx.paired),
                     f"Each scenario minus {base}, replication by replication: mean "
                     "difference and 95% CI per headline metric; the green note says which "
                     "side is better.")
    return "\n".join([
        "## Paired differences", "",
        f"Each scenario minus the baseline `{base}`, replication by replication (the scenarios "
        "share their random numbers): mean difference with its 95% confidence interval, and "
        "the share of replications in which the scenario does better and worse than the "
        "baseline (by the arrow: ↑ higher is better, ↓ lower is better; no arrow, no "
        "direction).", "", format_paired_table(ctx.paired), "", fig])


def over_time(ctx: ReportContext) -> str | None:
    if ctx.sweep and ctx.n_scenarios > MAX_SCENARIOS:
        return None
    parts = [ctx.figure("backlog", figures.backlog(ctx.timeseries),
                        "Open proposals per week: median and 10-90% band over replications."),
             ctx.figure("compliance", figures.compliance(ctx.timeseries),
                        "Compliance over time, actual (solid, with its 10-90% band) and "
                        "self-reported (dashed): medians over replications.")]
    parts = [p for p in parts if p]
    if not parts:
        if ctx.timeseries is not None or ctx.runs is None:
            return None
        how = ("a sweep keeps summaries only; `cio-sim sweep --weekly` keeps them" if ctx.sweep
               else "the batch was run with `weekly=False`")
        return f"## Over time\n\nNo weekly tables in this result ({how})."
    return "\n".join(["## Over time", "", *parts])


def sweep(ctx: ReportContext) -> str | None:
    if not ctx.design_keys:
        return None
    parts = [ctx.figure(f"response_{k.replace('.', '_')}",
                        figures.response(ctx.runs, k, ctx.design_keys),
                        f"Response to `{k}`: mean and 95% CI per design point.")
             for k in ctx.design_keys]
    if len(ctx.design_keys) == 2:
        x, y = ctx.design_keys
        for metric in ("adopted_per_year", "compliance_actual"):
            parts.append(ctx.figure(f"heatmap_{metric}",
                                    figures.sweep_heatmap(ctx.runs, x, y, metric),
                                    f"Mean {catalogue.label(metric, unit=False).lower()} per "
                                    f"grid point of `{y}` × `{x}`; the colour scale spans the "
                                    "data but never less than the typical 95% interval of a "
                                    "point's mean."))
    parts = [p for p in parts if p]
    return "\n".join(["## Responses", "", *parts]) if parts else None


def provenance_section(ctx: ReportContext) -> str | None:
    meta = provenance._manifest_lines(ctx.manifest, ctx.runs)
    out = ["## Where the numbers come from", ""]
    if meta:
        out += [*meta, ""]
    out += ["Same scenarios, seed and replications give identical tables (the digest names "
            "the parameters of every scenario, the seed and the replications).", ""]
    cmd = provenance._command(ctx.manifest)
    call = provenance._python_call(ctx.manifest, ctx.scenario_rows)
    if cmd and cmd.split()[0].endswith("cio-sim"):
        out += ["```bash", cmd, "```", ""]
    elif call:
        out += ["```python", "import cio_sim", call, "```", ""]
        if cmd:
            out += [f"Recorded command: `{cmd}`", ""]
    elif cmd:
        out += ["```bash", cmd, "```", ""]
    return "\n".join(out)


for _name, _build in (("verdict", verdict), ("scenarios", scenarios), ("summary", summary),
                      ("paired", paired), ("material", material_section),
                      ("sources", sources_section),
                      ("over_time", over_time), ("sweep", sweep),
                      ("provenance", provenance_section)):
    SECTIONS.append(_Entry(_name, _build))


# --------------------------------------------------------------------------- writer


def _frame(result: Any, name: str) -> pd.DataFrame | None:
    df = getattr(result, name, None)
    return df if isinstance(df, pd.DataFrame) and not df.empty else None


def _results_dir(result: Any) -> Path | None:
    path = getattr(result, "path", None)
    return Path(path) if isinstance(path, str | Path) else None


def write_report(result: BatchLike, out_dir: str | Path, baseline: str | None = None) -> Path:
    """Write ``out_dir/report.md``, its figures in ``out_dir/figures/`` (SVG) and
    ``out_dir/report.html`` with every figure embedded; return the path of report.html.

    ``result`` needs ``runs`` (a row per replication), ``timeseries`` (a row per replication
    and week) and ``manifest`` (a dict; every key optional). A section that does not apply is
    left out (a one-scenario run has no comparison)."""
    from .readings import at_defaults

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runs = _frame(result, "runs")
    manifest, shown, timeseries = at_defaults(getattr(result, "manifest", None) or {}, runs,
                                              _frame(result, "timeseries"))
    ctx = ReportContext(shown, timeseries, manifest, out, baseline, all_runs=runs,
                        results_dir=_results_dir(result))
    parts = [text for entry in SECTIONS if (text := entry.build(ctx))]
    folder = out / "figures"
    if folder.is_dir():          # figures of an earlier report that this one does not draw
        for old in folder.iterdir():
            if old.suffix in (".svg", ".png", ".pdf") and old.name not in ctx.written:
                old.unlink()
    md = write_text(out / "report.md", "\n\n".join(p.strip() for p in parts) + "\n")
    return write_html(md)
