"""A Markdown report with figures for a batch of runs.

``write_report(result, out_dir)`` takes anything with the three attributes of a batch result
(``runs``, ``timeseries``, ``manifest``) and writes ``out_dir/report.md`` plus the figures in
``out_dir/figures/``. The numbers come from :mod:`cio_sim.comparison` (one summary table, the
paired differences against the first scenario, like-for-like compliance); this module only
formats them::

    from cio_sim import comparison
    from cio_sim.report import format_summary_table, write_report
    print(format_summary_table(comparison.summary_table(result.runs)))
    write_report(result, "results/quickstart")         # -> results/quickstart/report.md
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from . import catalogue, comparison

__all__ = [
    "REPORT_METRICS", "compliance_caveat", "format_cell", "format_number",
    "format_paired_cell", "format_paired_table", "format_summary_table", "headline_markdown",
    "write_report",
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


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class _FigureSpec:
    name: str
    source: str                       # "runs" or "timeseries"
    # A function of cio_sim.plots, by name: plots (and matplotlib) are imported only when a
    # report is written, not by the table formatting the command line uses.
    make: str | Callable[[pd.DataFrame], Any]
    caption: str


FIGURES: tuple[_FigureSpec, ...] = (
    _FigureSpec("backlog", "timeseries", "plot_backlog",
                "Open proposals per week: median and 10-90% band over replications."),
    _FigureSpec("compliance", "timeseries", "plot_compliance",
                "Compliance over time, actual (solid) vs self-reported (dashed): "
                "median and 10-90% band."),
    _FigureSpec("time_to_decision", "runs", "plot_time_to_decision",
                "Time to decision over all submitted items (Kaplan-Meier, undecided items "
                "censored at the horizon): median and share decided within 26 and 52 weeks; "
                "mean with 95% CI, dots are replications."),
    _FigureSpec("paired_differences", "runs", "plot_paired_differences",
                "Paired differences from the first scenario, replication by replication: "
                "mean and 95% CI, a zero line, and the side on which a scenario does better."),
    _FigureSpec("regime_comparison", "runs", "plot_regime_comparison",
                "Headline metrics per scenario: mean with 95% CI; dots are replications."),
    _FigureSpec("throughput_compliance", "runs", "plot_throughput_compliance",
                "Throughput (adopted per year) against actual compliance, a dot per "
                "replication, scenario means with 95% CI."),
    _FigureSpec("quadrants", "runs", "plot_quadrants",
                "Adopted proposals per year by keuzematrix quadrant: mean with 95% CI."),
    _FigureSpec("attention", "runs", "plot_attention",
                "Attention budget used and delegate attendance, fulltime vs parttime CIOs."),
)


def _sweep_figures(manifest: Mapping[str, Any],
                   runs: pd.DataFrame | None) -> list[_FigureSpec]:
    """A response figure per swept parameter, and heatmaps when a grid sweeps two."""
    from . import plots

    keys = [k for k in manifest.get("design_keys", []) or []
            if runs is not None and k in runs.columns]
    specs = [_FigureSpec(f"response_{k.replace('.', '_')}", "runs",
                         lambda df, k=k: plots.plot_response(df, k),
                         f"Response to `{k}`: mean and 95% CI per design point"
                         + (" (one line per value of the other swept parameters)."
                            if len(keys) > 1 else "."))
             for k in keys]
    if len(keys) == 2:
        x, y = keys
        specs.append(_FigureSpec("heatmap", "runs", lambda df: plots.plot_heatmap(df, x, y),
                                 f"Mean over replications per grid point of `{y}` × `{x}`."))
    return specs


def _frame(result: Any, name: str) -> pd.DataFrame | None:
    df = getattr(result, name, None)
    return df if isinstance(df, pd.DataFrame) and not df.empty else None


# --------------------------------------------------------------------------- manifest


def _first(manifest: Mapping[str, Any], *keys: str) -> Any:
    for k in keys:
        v = manifest.get(k)
        if v is not None and v != "" and v != [] and v != {}:
            return v
    return None


def _fmt_value(v: Any) -> str:
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: `{x}`" for k, x in v.items())
    if isinstance(v, list | tuple | set):
        return ", ".join(f"`{x}`" for x in v)
    return f"`{v}`"


_KNOWN = (
    (("kind",), "Kind"),
    (("name",), "Batch"),
    (("digest", "parameter_digest"), "Batch digest"),
    (("replications", "n_replications"), "Replications per scenario"),
    (("seed", "base_seed", "root_seed"), "Seed"),
    (("horizon_weeks",), "Horizon [weeks]"),
    (("overrides", "set"), "Overrides"),
    (("version", "cio_sim_version", "package_version"), "cio-sim version"),
    (("git_commit", "commit"), "Git commit"),
    (("created", "created_at", "timestamp", "started"), "Created"),
    (("backend",), "Backend"),
    (("workers",), "Workers"),
    (("status",), "Status"),
    (("design_keys",), "Design keys"),
)


def _scenario_rows(manifest: Mapping[str, Any],
                   runs: pd.DataFrame | None) -> list[dict[str, str]]:
    """One dict per scenario (name, digest, source file, description) from the manifest."""
    raw = _first(manifest, "scenarios", "scenario")
    if raw is None:
        from .plots import scenarios_of

        names = scenarios_of(runs) if runs is not None and "scenario" in runs.columns else []
        return [{"name": n} for n in names]
    items = raw if isinstance(raw, list | tuple) else [raw]
    rows = []
    for item in items:
        if isinstance(item, Mapping):
            src = item.get("source")
            rows.append({"name": str(item.get("name", "?")),
                         "digest": str(item.get("digest", "") or ""),
                         # file name only: the folder is machine-specific
                         "source": Path(str(src)).name if src else "",
                         "description": str(item.get("description", "") or "")})
        else:
            rows.append({"name": str(item)})
    digests = manifest.get("digests") or manifest.get("scenario_digests")
    if isinstance(digests, Mapping):
        for r in rows:
            r.setdefault("digest", str(digests.get(r["name"], "")))
    details = manifest.get("parameters")
    if isinstance(details, list | tuple):
        by_name = {str(d.get("name")): d for d in details if isinstance(d, Mapping)}
        for r in rows:
            d = by_name.get(r["name"], {})
            if d.get("source") and not r.get("source"):
                r["source"] = Path(str(d["source"])).name
            if d.get("description") and not r.get("description"):
                r["description"] = str(d["description"])
            if d.get("digest") and not r.get("digest"):
                r["digest"] = str(d["digest"])
    return rows


def _scenario_table(rows: list[dict[str, str]]) -> list[str]:
    cols = [c for c in ("name", "digest", "source", "description") if any(r.get(c) for r in rows)]
    if cols == ["name"]:
        return ["- Scenario(s): " + ", ".join(f"`{r['name']}`" for r in rows)]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        cells = [f"`{r[c]}`" if c in ("name", "digest") and r.get(c) else _escape(r.get(c, ""))
                 for c in cols]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _points_table(manifest: Mapping[str, Any]) -> list[str]:
    """A sweep's design points (point x design key), or nothing."""
    points = manifest.get("points")
    if not isinstance(points, list | tuple) or not points:
        return []
    points = [p for p in points if isinstance(p, Mapping)]
    keys = list(dict.fromkeys(k for p in points for k in (p.get("params") or {})))
    head = ["point", *keys]
    out = ["| " + " | ".join(f"`{h}`" if h != "point" else h for h in head) + " |",
           "|" + "|".join("--:" for _ in head) + "|"]
    for p in points:
        params = p.get("params") or {}
        out.append("| " + " | ".join([str(p.get("point", "?")),
                                      *(_escape(params.get(k, "")) for k in keys)]) + " |")
    return out


def _manifest_lines(manifest: Mapping[str, Any], runs: pd.DataFrame | None) -> list[str]:
    lines = []
    for keys, label in _KNOWN:
        v = _first(manifest, *keys)
        if v is None and runs is not None and label == "Replications per scenario" \
                and "replication" in runs.columns:
            counts = runs.groupby("scenario")["replication"].nunique() \
                if "scenario" in runs.columns else pd.Series([runs["replication"].nunique()])
            v = int(counts.max()) if counts.nunique() == 1 else counts.to_dict()
        if v is not None:
            lines.append(f"- {label}: {_fmt_value(v)}")
    points = manifest.get("points")
    if isinstance(points, list | tuple) and points:
        lines.append(f"- Design points: {len(points)}")
    if runs is not None and "error" in runs.columns:
        err = runs["error"]
        bad = err.notna() & (err.astype(str).str.len() > 0)
        if bad.any():
            first = str(err[bad].iloc[0]).strip().splitlines()
            lines.append(f"- Failed replications (left out): {int(bad.sum())}; last line of the "
                         f"first error: `{first[-1][:200] if first else ''}`")
    return lines


def _command(manifest: Mapping[str, Any]) -> str | None:
    cmd = _first(manifest, "command", "cli", "argv", "cmd")
    if isinstance(cmd, list | tuple):
        cmd = " ".join(str(c) for c in cmd)
    return str(cmd) if cmd else None


def _python_call(manifest: Mapping[str, Any], rows: list[dict[str, str]]) -> str | None:
    """The Python call that reruns a plain batch or comparison, from the manifest."""
    names = [r["name"] for r in rows]
    kind = manifest.get("kind")
    args = []
    if manifest.get("replications") is not None:
        args.append(f"replications={manifest['replications']}")
    if manifest.get("seed") is not None:
        args.append(f"seed={manifest['seed']}")
    tail = "".join(f", {a}" for a in args)
    if len(names) == 1 and kind in (None, "run"):
        return f"cio_sim.run_batch({names[0]!r}{tail})"
    if len(names) > 1 and kind in (None, "compare"):
        return f"cio_sim.compare({names!r}{tail})"
    return None


# --------------------------------------------------------------------------- report


def write_report(result: BatchLike, out_dir: str | Path,
                 formats: Sequence[str] = ("png",)) -> Path:
    """Write ``out_dir/report.md`` and its figures in ``out_dir/figures/``.

    Parameters
    ----------
    result:
        A batch result: ``runs`` (one row per replication), ``timeseries`` (one row per
        replication and week) and ``manifest`` (dict; every key optional).
    out_dir:
        Folder for the report; created if needed. Figures go to ``figures/`` inside it and
        are linked with relative paths.
    formats:
        Figure formats to write (``png``, ``svg``, ``pdf``); the first one is embedded.

    Returns
    -------
    The path of ``report.md``. A figure that cannot be drawn from the data is listed as
    skipped instead of failing the report.
    """
    from . import plots

    out = Path(out_dir)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    formats = tuple(formats) or ("png",)
    manifest: Mapping[str, Any] = getattr(result, "manifest", None) or {}
    runs = _frame(result, "runs")
    timeseries = _frame(result, "timeseries")

    scen = plots.scenarios_of(runs) if runs is not None else []
    title = "cio-sim report"
    if scen:
        title += ": " + " vs ".join(scen)
    md = [f"# {title}", ""]
    rows = _scenario_rows(manifest, runs)
    if rows:
        md += ["## Scenarios", "", *_scenario_table(rows), ""]
    points = _points_table(manifest)
    if points:
        md += ["## Design points", "", "Columns below name the points by their values.",
               "", *points, ""]
    meta = _manifest_lines(manifest, runs)
    if meta:
        md += ["## Run", "", *meta, ""]

    md += ["## Summary", ""]
    if runs is not None and plots._ok(runs).empty:
        md += ["No successful replications in this result (see the `error` column of the "
               "runs).", ""]
        runs = None
    elif runs is not None:
        keys = list(manifest.get("design_keys", []) or [])
        table = comparison.summary_table(runs, [m for m in REPORT_METRICS if m in runs.columns
                                                or m == comparison.SHARED_COMPLIANCE],
                                         design_keys=keys)
        md += ["Mean ± half-width of the 95% confidence interval (t-distribution) over "
               "replications; ↑ higher is better, ↓ lower is better. – means no data (e.g. "
               "no overrides, no due compliance); `not reached`: fewer than half the items "
               "decided, so the median time to decision lies beyond the horizon; an interval "
               "that would leave the possible range is shown clipped as [low, high].", ""]
        caveat = compliance_caveat(runs, keys)
        if caveat:
            md += [caveat, ""]
        md += [format_summary_table(table), ""]
        paired = comparison.paired_table(runs, metrics=[m for m in REPORT_METRICS
                                                        if m in table["metric"].values],
                                         design_keys=keys)
        if len(paired):
            base = paired["baseline"].iloc[0]
            md += ["## Paired differences", "",
                   f"Each scenario minus the baseline `{base}`, replication by replication "
                   "(the scenarios share their random numbers): mean difference with its 95% "
                   "confidence interval, and the share of replications in which the scenario "
                   "does better and worse than the baseline (by the arrow: ↑ higher is "
                   "better, ↓ lower is better; no arrow, no direction).", "",
                   format_paired_table(paired), ""]
    else:
        md += ["No replications in this result.", ""]

    md += ["## Figures", ""]
    skipped = []
    n_scen = len(plots.scenarios_of(plots._ok(runs))) if runs is not None else 0
    for spec in (*_sweep_figures(manifest, runs), *FIGURES):
        data = runs if spec.source == "runs" else timeseries
        if spec.name == "paired_differences" and n_scen < 2:
            continue                              # nothing to pair
        if spec.name in ("regime_comparison", "paired_differences", "quadrants",
                         "attention") and n_scen > 12:
            skipped.append(f"{spec.name} (too many design points to read; see the response "
                           "figures)")
            continue
        if data is None:
            skipped.append(f"{spec.name} (no {spec.source})")
            continue
        try:
            make = getattr(plots, spec.make) if isinstance(spec.make, str) else spec.make
            fig = make(data)
        except (KeyError, ValueError, TypeError) as exc:
            skipped.append(f"{spec.name} ({type(exc).__name__}: {exc})")
            continue
        paths = plots.save(fig, fig_dir / spec.name, formats)
        plots.close(fig)
        rel = paths[0].relative_to(out).as_posix()
        others = ", ".join(f"[{p.suffix[1:]}]({p.relative_to(out).as_posix()})"
                           for p in paths[1:])
        md += [f"![{spec.caption}]({rel})", "",
               f"*{spec.caption}*" + (f" Also as {others}." if others else ""), ""]
    if skipped:
        md += ["Figures skipped: " + "; ".join(skipped) + ".", ""]

    md += ["## How to reproduce", ""]
    cmd = _command(manifest)
    call = _python_call(manifest, rows)
    if cmd and cmd.split()[0].endswith("cio-sim"):
        md += ["```bash", cmd, "```", ""]
    elif call:
        md += ["```python", "import cio_sim", call, "```", ""]
        if cmd:
            md += [f"Recorded command: `{cmd}`", ""]
    elif cmd:
        md += ["```bash", cmd, "```", ""]
    else:
        md += ["Re-run the same scenario(s) with the same seed and number of replications; "
               "same scenario, digest and seed give identical tables.", ""]

    path = out / "report.md"
    path.write_text("\n".join(md), encoding="utf-8")
    return path

