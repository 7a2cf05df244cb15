"""Where a report's numbers come from, read from a batch's manifest: the scenarios (with the
counterfactuals marked), the run's settings, the design points of a sweep and the command or
Python call that reproduces it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .tables import _escape


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
    (("digest", "parameter_digest"), "Digest"),
    (("replications", "n_replications"), "Replications per scenario"),
    (("seed", "base_seed", "root_seed"), "Seed"),
    (("horizon_weeks",), "Horizon [weeks]"),
    (("settings", "overrides", "set"), "Settings (--set)"),
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
        names = ([str(s) for s in pd.unique(runs["scenario"].dropna())]
                 if runs is not None and "scenario" in runs.columns else [])
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


def counterfactual(row: Mapping[str, str]) -> bool:
    """Whether a scenario is a counterfactual (its description says so first): rules applied
    to years in which they were not in force."""
    return str(row.get("description", "")).upper().startswith("COUNTERFACTUAL")


def _scenario_table(rows: list[dict[str, str]]) -> list[str]:
    """Name, source file and description per scenario; counterfactuals marked. The batch has
    one digest (in the run's lines), so the table gives none."""
    cols = [c for c in ("name", "source", "description") if any(r.get(c) for r in rows)]
    if cols == ["name"]:
        return ["- Scenario(s): " + ", ".join(f"`{r['name']}`" for r in rows)]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        name = f"`{r['name']}`" + (" **(counterfactual)**" if counterfactual(r) else "")
        cells = [name if c == "name" else _escape(r.get(c, "")) for c in cols]
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
    readings = manifest.get("readings")
    if isinstance(readings, Mapping) and isinstance(readings.get("readings"), list):
        args.append(f"readings={readings['readings']!r}")
        if readings.get("combined"):
            args.append("combined=True")
    tail = "".join(f", {a}" for a in args)
    if len(names) == 1 and kind in (None, "run"):
        return f"cio_sim.run_batch({names[0]!r}{tail})"
    if len(names) > 1 and kind in (None, "compare"):
        return f"cio_sim.compare({names!r}{tail})"
    return None


