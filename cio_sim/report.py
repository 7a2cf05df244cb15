"""A Markdown report with figures for a batch of runs.

``write_report(result, out_dir)`` takes anything with the three attributes of a batch result
(``runs``, ``timeseries``, ``manifest``) and writes ``out_dir/report.md`` plus the figures in
``out_dir/figures/``. ``summary_table(runs)`` gives the numbers behind the report's table as a
DataFrame (also used for terminal tables)::

    from cio_sim.report import summary_table, format_summary_table, write_report
    table = summary_table(result.runs)                 # metric x (scenario, statistic)
    print(format_summary_table(table))                 # Markdown, mean ± CI half-width
    write_report(result, "results/quickstart")         # -> results/quickstart/report.md
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from . import plots
from .plots import HEADLINE_METRICS, metric_label, scenarios_of
from .stats import mean_ci

__all__ = [
    "REPORT_METRICS", "STATISTICS", "format_number", "format_summary_table", "summary_table",
    "write_report",
]

STATISTICS: tuple[str, ...] = ("mean", "ci_low", "ci_high", "n")
"""Columns per scenario in :func:`summary_table`."""

REPORT_METRICS: tuple[str, ...] = (
    *HEADLINE_METRICS,
    "p90_lead_time_weeks", "adopted_per_year_q1", "adopted_per_year_q2",
    "adopted_per_year_q3", "adopted_per_year_q4", "compliance_consented",
    "compliance_overridden", "explained_share", "ambition_retained", "icbr_escalations",
    "overrides", "rediscussion_share", "exogenous_agenda_share", "attention_used_fulltime",
    "attention_used_parttime", "delegate_share_fulltime", "delegate_share_parttime",
    "meeting_hours_per_decision",
)
"""Metrics in the report's table, in order; those absent from ``runs`` are left out."""

_BOOKKEEPING = {"replication", "seed", "error", "scenario", "point"}


class BatchLike(Protocol):
    """What :func:`write_report` needs from a batch result."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    manifest: Mapping[str, Any]


# --------------------------------------------------------------------------- table


def _ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    return plots._ok(runs)


def summary_table(runs: pd.DataFrame, metrics: Sequence[str] | None = None,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Mean and t-based confidence interval of each metric per scenario.

    Parameters
    ----------
    runs:
        One row per replication with metric columns and ``scenario`` (without it, all rows
        are one scenario called ``"scenario"``; with a ``point`` column of several values,
        columns are ``scenario#point``). Rows with a non-empty ``error`` are skipped.
    metrics:
        Metric columns, in order. ``None``: :data:`cio_sim.plots.HEADLINE_METRICS` followed by
        every other numeric column (bookkeeping columns such as ``seed`` excluded). Names not
        in ``runs`` are skipped.
    confidence:
        Two-sided confidence level of the interval ``mean ± t(n-1) * sd / sqrt(n)``.

    Returns
    -------
    DataFrame with one row per metric (index name ``metric``) and two-level columns
    ``(scenario, statistic)``, statistic in ``mean``, ``ci_low``, ``ci_high``, ``n``
    (``n``: replications with a finite value). NaN values are ignored; with fewer than two
    values the interval is NaN, with none the mean is NaN too.
    """
    df = _ok_runs(runs)
    if metrics is None:
        numeric = [c for c in df.columns if c not in _BOOKKEEPING
                   and pd.api.types.is_numeric_dtype(df[c])
                   and not pd.api.types.is_bool_dtype(df[c])]
        metrics = [m for m in HEADLINE_METRICS if m in numeric]
        metrics += [c for c in numeric if c not in metrics]
    metrics = [m for m in metrics if m in df.columns]
    scen = scenarios_of(df)
    data: dict[tuple[str, str], list[float]] = {(s, st): [] for s in scen for st in STATISTICS}
    groups = {s: df[df["scenario"].astype(str) == s] for s in scen}
    for m in metrics:
        for s in scen:
            mean, lo, hi, n = mean_ci(groups[s][m], confidence)
            for st, v in zip(STATISTICS, (mean, lo, hi, n), strict=True):
                data[(s, st)].append(v)
    columns = pd.MultiIndex.from_tuples(list(data), names=["scenario", "statistic"])
    out = pd.DataFrame({k: pd.Series(v, dtype=float) for k, v in data.items()},
                       columns=columns)
    out.index = pd.Index(metrics, name="metric")
    out.columns = columns
    for s in scen:
        out[(s, "n")] = out[(s, "n")].astype(int)
    return out


def format_number(x: float, digits: int = 3) -> str:
    """Round to ``digits`` significant figures, no exponent for everyday magnitudes."""
    if x is None or not math.isfinite(x):
        return "–"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - mag)
    if abs(x) >= 1e6 or abs(x) < 1e-4:
        return f"{x:.{digits - 1}e}"
    return f"{x:.{decimals}f}"


def _cell(mean: float, lo: float, hi: float) -> str:
    if not math.isfinite(mean):
        return "–"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return format_number(mean)
    half = (hi - lo) / 2.0
    if half == 0:
        text = format_number(mean)
        if "." in text and "e" not in text:
            text = text.rstrip("0").rstrip(".")
        return f"{text} ± 0"
    # Round the mean to the precision of the half-width (two significant figures).
    decimals = max(0, 1 - math.floor(math.log10(abs(half))))
    if abs(mean) >= 1e6:
        return f"{format_number(mean)} ± {format_number(half, 2)}"
    return f"{mean:.{decimals}f} ± {half:.{decimals}f}"


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|")


def format_summary_table(table: pd.DataFrame, labels: bool = True) -> str:
    """Markdown for a :func:`summary_table` frame: ``mean ± half-width`` per scenario.

    With ``labels`` the metric column shows the readable name and unit, and the key in code.
    """
    scen = list(dict.fromkeys(table.columns.get_level_values(0)))
    head = ["metric", *scen]
    lines = ["| " + " | ".join(_escape(h) for h in head) + " |",
             "|" + "|".join(["---"] + ["--:"] * len(scen)) + "|"]
    for metric, row in table.iterrows():
        name = f"{metric_label(metric)} (`{metric}`)" if labels else f"`{metric}`"
        cells = [_cell(row[(s, "mean")], row[(s, "ci_low")], row[(s, "ci_high")]) for s in scen]
        lines.append("| " + " | ".join([_escape(name), *cells]) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class _FigureSpec:
    name: str
    source: str                       # "runs" or "timeseries"
    make: Callable[[pd.DataFrame], Any]
    caption: str


FIGURES: tuple[_FigureSpec, ...] = (
    _FigureSpec("backlog", "timeseries", plots.plot_backlog,
                "Open proposals per week: median and 10-90% band over replications."),
    _FigureSpec("compliance", "timeseries", plots.plot_compliance,
                "Compliance over time, actual (solid) vs self-reported (dashed): "
                "median and 10-90% band."),
    _FigureSpec("regime_comparison", "runs", plots.plot_regime_comparison,
                "Headline metrics per scenario: mean with 95% CI; dots are replications."),
    _FigureSpec("throughput_compliance", "runs", plots.plot_throughput_compliance,
                "Throughput (adopted per year) against actual compliance, a dot per "
                "replication, scenario means with 95% CI."),
    _FigureSpec("quadrants", "runs", plots.plot_quadrants,
                "Adopted proposals per year by keuzematrix quadrant: mean with 95% CI."),
    _FigureSpec("attention", "runs", plots.plot_attention,
                "Attention budget used and delegate attendance, fulltime vs parttime CIOs."),
)


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
    out = Path(out_dir)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    formats = tuple(formats) or ("png",)
    manifest: Mapping[str, Any] = getattr(result, "manifest", None) or {}
    runs = _frame(result, "runs")
    timeseries = _frame(result, "timeseries")

    scen = scenarios_of(runs) if runs is not None else []
    title = "cio-sim report"
    if scen:
        title += ": " + " vs ".join(scen)
    md = [f"# {title}", ""]
    rows = _scenario_rows(manifest, runs)
    if rows:
        md += ["## Scenarios", "", *_scenario_table(rows), ""]
    points = _points_table(manifest)
    if points:
        md += ["## Design points", "", "Columns `scenario#point` below refer to these points.",
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
        table = summary_table(runs, [m for m in REPORT_METRICS if m in runs.columns])
        md += ["Mean ± half-width of the 95% confidence interval (t-distribution) over "
               "replications; – means no data (e.g. no overrides, no due compliance).", "",
               format_summary_table(table), ""]
    else:
        md += ["No replications in this result.", ""]

    md += ["## Figures", ""]
    skipped = []
    for spec in FIGURES:
        data = runs if spec.source == "runs" else timeseries
        if data is None:
            skipped.append(f"{spec.name} (no {spec.source})")
            continue
        try:
            fig = spec.make(data)
        except (KeyError, ValueError, TypeError) as exc:
            skipped.append(f"{spec.name} ({type(exc).__name__}: {exc})")
            continue
        paths = plots.save(fig, fig_dir / spec.name, formats)
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

