"""Experiment (sweep) files: a base scenario, fixed overrides and a design.

The design is either ``[grid]`` (dotted key = [values], full factorial) or ``[sample]``
(dotted key = [low, high], ``n`` points, ``method`` = "latin_hypercube" (default) or
"sobol"), drawn with the experiment seed by :mod:`cio_sim.batch.designs`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..params import lookup
from ..scenario import Scenario, ScenarioError, flatten, load_scenario, read_toml_file
from . import designs

#: Most replications of one batch (the runner's limit too).
MAX_REPLICATIONS = 1_000_000
EXPERIMENT_KEYS = ("name", "description", "scenario", "replications", "seed", "set", "grid",
                   "sample")
SAMPLE_METHODS = {"latin_hypercube": designs.latin_hypercube, "sobol": designs.sobol}
#: Most design points of one experiment (each is validated and run): a grid or sample over
#: it is refused before any point is built.
MAX_POINTS = 100_000
METHOD_LABELS = {"latin_hypercube": "latin hypercube (scipy.stats.qmc)",
                 "sobol": "scrambled Sobol sequence (scipy.stats.qmc)"}


@dataclass
class Experiment:
    """A sweep: a base scenario, fixed overrides and a list of design points."""

    name: str
    description: str
    source: str
    scenario: Scenario
    replications: int
    seed: int
    points: list[dict[str, Any]]
    design: dict[str, Any]


def integer_keys(keys: Any) -> set[str]:
    """The keys among ``keys`` whose schema type is int (they get the integer rule)."""
    return {key for key in keys if (spec := lookup(key)) is not None and spec.kind is int}


def _grid(src: str, grid: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if not isinstance(grid, Mapping) or not grid:
        raise ScenarioError(src, "grid", "expected a table: dotted key = [values]")
    grid = flatten(grid)
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ScenarioError(src, f"grid.{key}", "expected a non-empty list of values")
    size = math.prod(len(values) for values in grid.values())
    if size > MAX_POINTS:
        raise ScenarioError(src, "grid", f"{size:,} design points; at most {MAX_POINTS:,} "
                            "allowed (use [sample] for a large space)")
    return designs.grid(grid), {"grid": grid}


def _sample(src: str, sample: Any, seed: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if not isinstance(sample, Mapping):
        raise ScenarioError(src, "sample", "expected a table: dotted key = [low, high]")
    sample = dict(sample)
    n = sample.pop("n", None)
    method = sample.pop("method", "latin_hypercube")
    if method not in SAMPLE_METHODS:
        raise ScenarioError(src, "sample.method", f"got {method!r}; allowed: "
                            + ", ".join(SAMPLE_METHODS))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_POINTS:
        raise ScenarioError(src, "sample.n", f"got {n!r}; allowed: an integer from 1 to "
                            f"{MAX_POINTS:,} (the number of design points)")
    bounds = flatten(sample)
    if not bounds:
        raise ScenarioError(src, "sample", "expected at least one dotted key = [low, high]")
    for key, b in bounds.items():
        ok = (isinstance(b, list) and len(b) == 2
              and all(isinstance(x, int | float) and not isinstance(x, bool) for x in b)
              and b[0] < b[1])
        if not ok:
            raise ScenarioError(src, f"sample.{key}", f"got {b!r}; allowed: [low, high] "
                                "with numbers low < high")
    try:
        points = SAMPLE_METHODS[method](bounds, n, seed, integer_keys(bounds))
    except designs.DesignError as exc:
        raise ScenarioError(src, "sample.n", str(exc)) from None
    return points, {"sample": {**bounds, "n": n}, "method": METHOD_LABELS[method],
                    "integer_rule": "low + floor(u * (high - low + 1)), capped at high"}


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment (sweep) file; every design point is checked."""
    src = str(path)
    p = Path(path)
    data = read_toml_file(p)    # a regular UTF-8 file of bounded size and depth, or one line
    for key in data:
        if key not in EXPERIMENT_KEYS:
            close = difflib.get_close_matches(key, EXPERIMENT_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ScenarioError(src, key, f"unknown key{hint}; allowed here: "
                                + ", ".join(EXPERIMENT_KEYS))
    if "scenario" not in data or not isinstance(data["scenario"], str):
        raise ScenarioError(src, "scenario", "required: a bundled scenario name or a path")
    ref = data["scenario"]
    if ref.endswith(".toml") and not Path(ref).is_absolute():
        candidate = p.parent / ref
        ref = str(candidate) if candidate.exists() else ref
    try:
        base = load_scenario(ref)
    except ScenarioError as exc:
        raise ScenarioError(src, "scenario", str(exc)) from None
    replications = data.get("replications", 10)
    seed = data.get("seed", 1)
    for key, value, low, high in (("replications", replications, 1, MAX_REPLICATIONS),
                                  ("seed", seed, 0, None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (
                high is not None and value > high):
            allowed = (f"an integer >= {low}" if high is None else
                       f"an integer from {low} to {high:,}")
            raise ScenarioError(src, key, f"got {value!r}; allowed: {allowed}")
    fixed = data.get("set", {})
    if not isinstance(fixed, Mapping):
        raise ScenarioError(src, "set", "expected a table of dotted keys")
    base = base.with_overrides(flatten(fixed), source=src)
    if "grid" in data and "sample" in data:
        raise ScenarioError(src, "grid", "use either [grid] or [sample], not both")
    points: list[dict[str, Any]] = [{}]
    design: dict[str, Any] = {}
    if "grid" in data:
        points, design = _grid(src, data["grid"])
    elif "sample" in data:
        points, design = _sample(src, data["sample"], seed)
    for i, point in enumerate(points):  # validate every point now, not mid-batch
        try:
            base.with_overrides(point, source=src)
        except ScenarioError as exc:
            where = "grid" if "grid" in data else "sample"
            raise ScenarioError(src, f"{where} point {i}", exc.args[0]) from None
    name = data.get("name", p.stem)
    if not isinstance(name, str):
        raise ScenarioError(src, "name", "must be a string")
    return Experiment(name, str(data.get("description", "")), src, base, replications, seed,
                      points, design)


__all__ = ["EXPERIMENT_KEYS", "SAMPLE_METHODS", "Experiment", "integer_keys",
           "load_experiment"]
