"""Where each gap of a comparison comes from: for every scenario against the baseline, the
decomposition of :mod:`cio_sim.decompose` (the full factorial over the parts by which the two
differ, on the comparison's seeds, reusing its runs of the two ends), stored beside the
comparison's results so its report can show it.

Layout inside a comparison's results folder::

    decomposition/index.json          which pairs, of which comparison (its digest)
    decomposition/<scenario>.csv      the effects table of <scenario> - baseline
    decomposition/<scenario>/         the batch store of the extra design points
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["SOURCES_DIR", "gap_sources", "read_sources"]

#: Folder (inside a comparison's results) of the per-scenario decomposition tables.
SOURCES_DIR = "decomposition"
INDEX = "index.json"


def gap_sources(result: Any, baseline: str | None = None, workers: int = 1,
                backend: str = "local", scheduler: str | None = None,
                resume: bool = False, force: bool = False, progress: bool = False,
                scenarios: Sequence[Any] | None = None) -> dict[str, pd.DataFrame]:
    """Decompose each scenario's gap to the baseline in a comparison ``result`` (a batch
    result with ``runs`` and ``manifest``): the full factorial of the differing parts (the
    anchored design above six) on the comparison's seeds; the comparison's own runs are the
    two ends, so each table's gap is the comparison's paired mean. Writes the tables into
    ``<results>/decomposition/`` when the comparison has a folder; returns them by scenario
    (``table.attrs``: baseline, design, factors, replications, seed)."""
    from .decompose import plan_decompose, run_decompose
    from .files import make_dir, write_text
    from .scenario import folder_name, load_scenario

    runs = result.runs
    labels = list(dict.fromkeys(runs["scenario"].astype(str)))
    base = baseline or labels[0]
    by_name = {s.name: s for s in (scenarios or [])}
    reps = int(result.manifest.get("replications") or runs["replication"].nunique())
    seed = int(result.manifest.get("seed", 1))
    path = getattr(result, "path", None)
    root = Path(path) / SOURCES_DIR if path else None
    out: dict[str, pd.DataFrame] = {}
    index: dict[str, Any] = {"comparison_digest": result.manifest.get("digest"),
                             "baseline": base, "pairs": {}}
    for label in labels:
        if label == base:
            continue
        a = by_name.get(base) or load_scenario(base)
        b = by_name.get(label) or load_scenario(label)
        plan = plan_decompose(a, b, reps, seed, workers, backend,
                              root / folder_name(label) if root else None, resume, force,
                              ends=False)
        known = runs[runs["scenario"].astype(str).isin([base, label])]
        table, batch = run_decompose(plan, workers, backend, scheduler, progress,
                                     known_runs=known)
        if batch is not None:
            batch.close()
        table.attrs.update({"seed": seed, "baseline": base, "scenario": label})
        out[label] = table
        if root is not None:
            make_dir(root)
            name = f"{folder_name(label)}.csv"
            write_text(root / name, table.assign(scenario=label, baseline=base).to_csv(
                index=False, float_format="%.6g"))
            index["pairs"][label] = {"table": name, "design": table.attrs["design"],
                                     "factors": table.attrs["factors"],
                                     "replications": table.attrs["replications"]}
    if root is not None:
        write_text(root / INDEX, json.dumps(index, indent=2) + "\n")
    return out


def read_sources(results_dir: str | Path | None,
                 digest: str | None = None) -> dict[str, pd.DataFrame]:
    """The decomposition tables a comparison's folder holds, by scenario (empty when there
    are none, or when they belong to another comparison than the one of ``digest``)."""
    if results_dir is None:
        return {}
    root = Path(results_dir) / SOURCES_DIR
    try:
        index = json.loads((root / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict) or (digest is not None
                                       and index.get("comparison_digest") != digest):
        return {}
    out = {}
    for label, entry in (index.get("pairs") or {}).items():
        try:
            table = pd.read_csv(root / str(entry["table"]), keep_default_na=False,
                                na_values=[""])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not {"metric", "term", "kind", "effect", "ci_low", "ci_high", "share"} \
                <= set(table.columns) or table.empty:
            continue
        table.attrs.update({"baseline": index.get("baseline"), "scenario": label,
                            "design": entry.get("design", ""),
                            "factors": entry.get("factors", {}),
                            "replications": entry.get("replications")})
        out[str(label)] = table
    return out
