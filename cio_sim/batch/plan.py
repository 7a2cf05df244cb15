"""Planning a batch: validate its arguments, its cells and its output folder before anything
is written, and describe it (the digest a resume checks, the manifest the store keeps).

:func:`plan_batch` is the one entrance (runs, comparisons, sweeps, explorations and
decompositions all plan through it); :mod:`cio_sim.batch.runner` executes a plan.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scenario import Scenario, load_scenario
from .executors import EXECUTORS
from .experiments import MAX_REPLICATIONS, Experiment, load_experiment
from .seeds import SEED_NOTE, seed_id
from .store import (
    StoreError,
    busy_message,
    check_results_folder,
    git_commit,
    holds_results,
    lock_holder,
    read_manifest,
)

#: Manifests list every replication's seed id up to this many replications.
SEED_LIST_LIMIT = 1000


class BatchError(ValueError):
    """A batch cannot start: bad arguments, or the output directory does not match."""


@dataclass(frozen=True)
class Cell:
    """One scenario (or design point of a sweep) to replicate."""

    scenario_index: int
    point: int
    scenario: Scenario
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """Everything a batch needs, validated, before anything is written."""

    kind: str
    name: str
    cells: list[Cell]
    labels: list[str]
    replications: int
    seed: int
    out: Path | None
    resume: bool
    force: bool
    digest: str
    extra: dict[str, Any] = field(default_factory=dict)
    command: str | None = None
    weekly: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cells) * self.replications


def _as_scenario(ref: str | Path | Scenario, overrides: Any = None) -> Scenario:
    if not isinstance(ref, Scenario | str | os.PathLike):
        raise BatchError(f"scenario: got {ref!r:.60}; allowed: a Scenario, a preset name or a "
                         ".toml path")
    scenario = ref if isinstance(ref, Scenario) else load_scenario(ref)
    return scenario.with_overrides(overrides) if overrides else scenario


def _check_counts(replications: int, seed: int, workers: int, backend: str) -> None:
    if isinstance(replications, bool) or not isinstance(replications, int) or \
            not 1 <= replications <= MAX_REPLICATIONS:
        raise BatchError(f"replications: got {replications!r}; allowed: an integer from 1 to "
                         f"{MAX_REPLICATIONS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise BatchError(f"seed: got {seed!r}; allowed: an integer >= 0")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BatchError(f"workers: got {workers!r}; allowed: an integer >= 1")
    if backend not in EXECUTORS:
        raise BatchError(f"backend: got {backend!r}; allowed: {', '.join(EXECUTORS)}")


def _details(cells: Sequence[Cell], labels: Sequence[str]) -> list[dict[str, Any]]:
    details = []
    for i, label in enumerate(labels):
        cell = next(c for c in cells if c.scenario_index == i)
        details.append({"name": label, "description": cell.scenario.description,
                        "source": cell.scenario.source, "digest": cell.scenario.digest(),
                        "values": cell.scenario.values})
    return details


def _digest(kind: str, cells: Sequence[Cell], labels: Sequence[str]) -> str:
    blob = json.dumps({"kind": kind, "cells": [
        [labels[c.scenario_index], c.point, c.scenario.digest(), c.params] for c in cells]},
        sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _flat(values: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(values, Mapping):
        return {prefix: values}
    out: dict[str, Any] = {}
    for key, value in values.items():
        out.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _differences(manifest: Mapping[str, Any], kind: str, cells: Sequence[Cell],
                 labels: Sequence[str]) -> list[str]:
    """What differs between a stored manifest and a new plan, as short phrases."""
    if manifest.get("kind") != kind:
        return [f"kind ({manifest.get('kind')} stored, {kind} now)"]
    stored = [s if isinstance(s, str) else s.get("name") for s in manifest.get("scenarios", [])]
    if stored != list(labels):
        return [f"scenarios ({', '.join(map(str, stored))} stored, {', '.join(labels)} now)"]
    diffs: list[str] = []
    new = json.loads(json.dumps(_details(cells, labels), default=str))
    for old_d, new_d in zip(manifest.get("parameters", []), new, strict=False):
        old_v, new_v = _flat(old_d.get("values", {})), _flat(new_d["values"])
        for key in sorted(set(old_v) | set(new_v)):
            if old_v.get(key) != new_v.get(key):
                diffs.append(f"{key} ({old_v.get(key)!r} stored, {new_v.get(key)!r} now)")
    if kind == "sweep":
        old_points = [p.get("params") for p in manifest.get("points", [])]
        new_points = json.loads(json.dumps([c.params for c in cells], default=str))
        if len(old_points) != len(new_points):
            diffs.append(f"design points ({len(old_points)} stored, {len(new_points)} now)")
        else:
            for i, (a, b) in enumerate(zip(old_points, new_points, strict=True)):
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                if keys:
                    diffs.append(f"design point {i} ({', '.join(keys)})")
    return diffs


def plan_batch(kind: str, name: str, cells: list[Cell], labels: list[str], replications: int,
               seed: int, workers: int = 1, backend: str = "local", out: str | Path | None = None,
               resume: bool = False, force: bool = False, extra: dict[str, Any] | None = None,
               command: str | None = None, weekly: bool = True) -> Plan:
    """Validate a batch and its output directory without writing anything."""
    _check_counts(replications, seed, workers, backend)
    if resume and force:
        raise BatchError("use either --resume or --force, not both")
    digest = _digest(kind, cells, labels)
    out_path = Path(out) if out is not None else None
    notes: list[str] = []
    if out_path is not None:
        if out_path.exists() and not out_path.is_dir():
            raise BatchError(f"{out_path}: exists and is not a directory")
        _check_writable(out_path)
        if lock_holder(out_path) is not None:
            raise BatchError(busy_message(out_path))
        weekly = _check_folder(out_path, kind, cells, labels, digest, seed, resume, force,
                               weekly, notes)
    return Plan(kind, name, cells, labels, replications, seed, out_path, resume, force, digest,
                extra or {}, command, weekly, notes)


def _check_writable(out: Path) -> None:
    """Refuse an output folder (or the folder it would be made in) that cannot be written."""
    target = out
    while not target.exists() and target != target.parent:
        target = target.parent
    if os.access(target, os.W_OK | os.X_OK):
        return
    try:
        read_only = bool(os.statvfs(target).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    reason = "read-only file system" if read_only else f"no write permission on {target}"
    raise BatchError(f"{out}: cannot write here ({reason}); choose another --out")


def _check_folder(out: Path, kind: str, cells: Sequence[Cell], labels: Sequence[str],
                  digest: str, seed: int, resume: bool, force: bool, weekly: bool,
                  notes: list[str]) -> bool:
    """Check that ``out`` may take this batch: empty, replaced (``force``) or the same batch
    (``resume``). Returns whether weekly tables are kept (a resume follows the stored batch).
    Run at planning and again under the writer lock (another batch may have written since).
    """
    try:
        check_results_folder(out)
    except StoreError as exc:
        raise BatchError(str(exc)) from None
    if not holds_results(out):
        return weekly
    if not resume:
        if force:
            return weekly
        raise BatchError(f"{out}: already holds results; use --resume to finish them, --force "
                         "to replace them or --out for a new folder")
    try:
        manifest = read_manifest(out)
    except StoreError as exc:
        raise BatchError(str(exc)) from None
    if manifest.get("digest") != digest:
        diffs = _differences(manifest, kind, cells, labels) or ["the design"]
        shown = "; ".join(diffs[:3]) + (f"; and {len(diffs) - 3} more" if len(diffs) > 3
                                        else "")
        raise BatchError(f"{out}: stored parameters differ: {shown}; --resume needs the same "
                         "scenario, overrides and design (use --out for a new folder)")
    if manifest.get("seed") != seed:
        raise BatchError(f"{out}: stored seed is {manifest.get('seed')}, not {seed}; resume "
                         "needs the same seed (use --out for a new folder)")
    stored_weekly = bool(manifest.get("weekly", True))
    if stored_weekly != weekly:
        if not any(n.startswith("weekly tables") for n in notes):
            notes.append(f"weekly tables {'kept' if stored_weekly else 'not kept'}, as in the "
                         "stored batch")
        weekly = stored_weekly
    return weekly


def compared_scenarios(scenarios: Sequence[str | Path | Scenario]) -> list[Scenario]:
    """The scenarios of a comparison, loaded: two or more, their names distinct."""
    if isinstance(scenarios, str | os.PathLike | Scenario) or not isinstance(scenarios,
                                                                             Iterable):
        raise BatchError(f"scenarios: got {scenarios!r:.60}; allowed: a list of two or more "
                         "scenarios (names, .toml paths or Scenario objects)")
    loaded = [_as_scenario(s) for s in scenarios]
    if len(loaded) < 2:
        raise BatchError("compare needs at least two scenarios")
    labels = [s.name for s in loaded]
    dupes = sorted({n for n in labels if labels.count(n) > 1})
    if dupes:
        raise BatchError(f"compare: scenario names must differ (twice: {', '.join(dupes)})")
    return loaded


def plan_compare(scenarios: Sequence[str | Path | Scenario], replications: int = 30,
                 seed: int = 1, workers: int = 1, backend: str = "local",
                 out: str | Path | None = None, resume: bool = False, force: bool = False,
                 command: str | None = None, weekly: bool = True) -> Plan:
    """Validate a comparison of several scenarios (see :func:`compare`)."""
    loaded = compared_scenarios(scenarios)
    labels = [s.name for s in loaded]
    cells = [Cell(i, 0, s) for i, s in enumerate(loaded)]
    name = "compare_" + "_vs_".join(labels)
    return plan_batch("compare", name, cells, labels, replications, seed, workers, backend,
                      out, resume, force, command=command, weekly=weekly)


def plan_sweep(experiment: str | Path | Experiment, out: str | Path | None = None,
               resume: bool = False, workers: int = 1, backend: str = "local",
               replications: int | None = None, seed: int | None = None, force: bool = False,
               command: str | None = None, weekly: bool = False) -> Plan:
    """Validate a sweep (see :func:`run_sweep`)."""
    if not isinstance(experiment, Experiment | str | os.PathLike):
        raise BatchError(f"experiment: got {experiment!r:.60}; allowed: the path of an "
                         "experiment .toml file or an Experiment")
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    cells = [Cell(0, i, exp.scenario.with_overrides(pt, source=exp.source), dict(pt))
             for i, pt in enumerate(exp.points)]
    extra = {"experiment": {"name": exp.name, "description": exp.description,
                            "source": exp.source, "base_digest": exp.scenario.digest(),
                            **exp.design}}
    return plan_batch("sweep", exp.name, cells, [exp.scenario.name],
                      replications or exp.replications, exp.seed if seed is None else seed,
                      workers, backend, out, resume, force, extra, command, weekly)



# ---------------------------------------------------------------------------- manifest

def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _seed_list(seed: int, replications: int) -> list[str] | str:
    if replications <= SEED_LIST_LIMIT:
        return [seed_id(seed, i) for i in range(replications)]
    return f"{seed_id(seed, 0)} .. {seed_id(seed, replications - 1)}"


def _manifest(plan: Plan, workers: int, backend: str) -> dict[str, Any]:
    from .. import __version__

    details = _details(plan.cells, plan.labels)
    horizons = {c.scenario.values.get("horizon_weeks") for c in plan.cells}
    manifest: dict[str, Any] = {
        "kind": plan.kind,
        "name": plan.name,
        "scenarios": list(plan.labels),
        "digests": {d["name"]: d["digest"] for d in details},
        "horizon_weeks": horizons.pop() if len(horizons) == 1 else sorted(horizons),
        "digest": plan.digest,
        "seed": plan.seed,
        "replications": plan.replications,
        "seeds": _seed_list(plan.seed, plan.replications),
        "seed_note": SEED_NOTE,
        "version": __version__,
        "git_commit": git_commit(),
        "created": _now(),
        "updated": _now(),
        "command": plan.command if plan.command is not None else " ".join(sys.argv),
        "backend": backend,
        "workers": workers,
        "weekly": plan.weekly,
        "status": "incomplete",  # true after any interruption; readers derive "running"
        "runs_expected": plan.total,
        "runs_stored": 0,
        "parameters": details,
    }
    if plan.kind == "sweep":
        manifest["design_keys"] = sorted({k for c in plan.cells for k in c.params})
        manifest["points"] = [{"point": c.point, "params": c.params, "digest":
                               c.scenario.digest()} for c in plan.cells]
    manifest.update(plan.extra)
    return manifest


__all__ = ["SEED_LIST_LIMIT", "BatchError", "Cell", "Plan", "compared_scenarios", "plan_batch",
           "plan_compare", "plan_sweep"]
