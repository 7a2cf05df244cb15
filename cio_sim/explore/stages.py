"""An exploration's stages run as batches: every design point's runs (each regime, each
pattern variant) go through the batch runner into the batch store, in a folder per stage and
round (``runs/<stage>/<round>/``: ``results.sqlite`` and ``manifest.json``, the format of
``cio-sim run`` and ``cio-sim sweep``), and resume by the batch's rule: the runs already
stored are not run again.

A :class:`Stage` says what runs at each of its design points (parameter values); the regimes,
metrics and seed are the experiment's. :meth:`StageRunner.run` returns one payload per point
(means per regime and metric, and the filter's measures, facts and acceptance or the
targets' statistics), computed from the stored runs. The filter runs its pattern variants in rounds
(:data:`FILTER_ORDER`), so that a set failing a fact is not run further (early rejection:
the acceptance is the same either way).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import patterns
from ..batch.runner import Cell, Plan, execute
from ..batch.store import DB_NAME, ResultStore
from ..heap import release
from ..model import CIOModel
from ..scenario import Scenario, ScenarioError, load_scenario

#: The order in which the filter runs the pattern variants: the variants of the facts that
#: the defaults pass only narrowly (#28 high turnover, #6 incidents x2; docs/exploration.md)
#: first, so a rejected set costs less. Whether a set is accepted does not depend on it.
FILTER_ORDER: tuple[str, ...] = ("base", "high_turnover", "incidents_x2", *(
    v for v in patterns.VARIANTS if v not in ("base", "high_turnover", "incidents_x2")))
#: Folder of the stages' batches inside an exploration's output folder.
RUNS_DIR = "runs"
CPU = "cpu_seconds"  # the key under which a run reports its CPU time (cost bookkeeping)


class Timed:
    """A model run reporting its summary and the CPU seconds it took (a batch ``model``)."""

    measures = False

    def __init__(self, scenario: Scenario, seed: Any):
        self.model = CIOModel(scenario, seed=seed)

    def run(self) -> Timed:
        cpu = time.process_time()
        try:
            self.model.run()
            self.row = patterns.measures(self.model) if self.measures else {
                k: float(v) for k, v in self.model.summary().items()}
        finally:
            release(self.model)
            self.model.dismantle()          # freed at once, not by the collector after it
        self.row[CPU] = time.process_time() - cpu
        return self

    def summary(self) -> dict[str, float]:
        return self.row


class Measured(Timed):
    """A run reporting its pattern measures (which include the summary)."""

    measures = True


def _plain(x: Any) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _mean(values: list[float]) -> float:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else math.nan


#: A scenario by name or path, loaded once per process (the regimes of every design point).
_scenario = functools.cache(load_scenario)


@dataclass(frozen=True)
class Stage:
    """What a stage runs at each design point (``values``): every regime with ``replications``
    seeds, and before them the filter's pattern variants in rounds (``facts``) or the
    variants history matching needs (``targets`` as (name, statistic), ``variants``,
    ``blocks`` seed blocks; ``compare``: whether the regimes run too)."""

    name: str
    values: list[dict[str, Any]]
    replications: int
    horizon_weeks: int = patterns.HORIZON_WEEKS
    facts: tuple[str, ...] = ()
    #: The filter stops a set at its first failing fact; its regimes run only if accepted
    #: (or ``compare_rejected``: the whole box's sample is compared unfiltered).
    early_rejection: bool = True
    compare_rejected: bool = False
    targets: tuple[tuple[str, str], ...] = ()
    variants: tuple[str, ...] = ()
    blocks: int = 1
    compare: bool = True

    @property
    def reps(self) -> int:
        return self.replications * (self.blocks if self.targets else 1)


#: ``run_stage(stage)``: run what is missing of a stage, return its payloads by point.
RunStage = Callable[[Stage], dict[int, dict[str, Any]]]


@dataclass
class _Point:
    """What is known of one design point while its rounds run."""

    index: int
    base: Scenario
    regimes: dict[str, Scenario]
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # variant -> rows
    raw: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # as measured
    regime_rows: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    results: dict[str, bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cpu: float = 0.0
    alive: bool = True
    accepted: bool = False
    compared: bool = True
    ran: bool = False   # some of its runs were computed now (not all stored before)

    @functools.cached_property
    def variants(self) -> dict[str, Scenario]:
        """The pattern variants of this point's base scenario (built when first needed)."""
        return patterns.variant_scenarios(self.base)

    def add(self, label: str, rows: list[tuple[dict[str, Any] | None, str | None]]) -> None:
        """The stored runs (row, error) of one regime or pattern variant, in replication
        order."""
        kind, _, name = label.partition(":")
        out = []
        for rep, (row, err) in enumerate(rows):
            self.cpu += float((row or {}).pop(CPU, 0.0) or 0.0)
            if err:
                self.errors.append(f"{name} rep {rep}: {err}")
            out.append(row)
        if kind == "variant":
            self.raw[name] = [r or {} for r in out]
            self.runs[name] = [{k: _plain(v) for k, v in (r or {}).items()} for r in out]
        else:
            self.regime_rows[name] = [r for r in out if r is not None]


def _refused(stage: Stage, regimes: list[str], metrics: list[str], error: str
             ) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "means": {r: dict.fromkeys(metrics) for r in regimes},
        "errors": [f"parameter set refused: {error}"], "cpu_seconds": 0.0, "runs": 0}
    if stage.facts:
        payload.update({"measures": {}, "facts": dict.fromkeys(stage.facts, False),
                        "accepted": False})
    if stage.targets:
        payload["stats"] = {name: [None] * stage.reps for name, _ in stage.targets}
    return payload


def fact_results(runs: dict[str, list[dict[str, Any]]], facts: tuple[str, ...]
                 ) -> dict[str, bool]:
    """Pattern check outcome per fact, from per-variant lists of per-seed measure rows
    (as stored). Missing values (None) count as missing measures."""
    import pandas as pd

    frames = {v: pd.DataFrame(rows).astype(float) for v, rows in runs.items()}
    try:
        return {name: res.passed for name, res in patterns.check_all(frames, facts).items()}
    except KeyError:  # a variant's runs all failed: its measures are absent
        return dict.fromkeys(facts, False)


def _statistics(stage: Stage, pt: _Point) -> dict[str, list[float | None]]:
    """The calibration targets' statistic per replication (explore/targets.py); None where
    a replication's runs do not give one."""
    from .targets import STATISTICS

    def value(stat: str, rows: dict[str, dict[str, Any]]) -> float | None:
        try:
            return _plain(float(STATISTICS[stat].compute(rows)))
        except (ZeroDivisionError, TypeError, KeyError):
            return None

    per_rep = [{v: pt.raw[v][i] for v in pt.raw} for i in range(stage.reps)]
    return {name: [value(stat, rows) for rows in per_rep] for name, stat in stage.targets}


class StageRunner:
    """Runs the stages of one exploration (its regimes, metrics and seed) on one executor,
    into ``out/runs/``."""

    def __init__(self, out: Path, exp: Any, executor: Any, backend: str,
                 progress: bool = False):
        self.out, self.digest, self.backend, self.progress = out, exp.digest(), backend, progress
        self.regimes, self.metrics, self.seed = list(exp.regimes), list(exp.metrics), exp.seed
        self.executor = executor
        self.computed = 0  # points with runs computed by the last call (for the timings)

    def run(self, stage: Stage) -> dict[int, dict[str, Any]]:
        """Run what is missing of a stage; its payloads by point."""
        self.computed = 0
        payloads: dict[int, dict[str, Any]] = {}
        points: list[_Point] = []
        for p, values in enumerate(stage.values):
            if p in payloads:
                continue
            values = {**values, "horizon_weeks": stage.horizon_weeks}
            try:
                base = _scenario(patterns.BASE_SCENARIO).with_overrides(values,
                                                                        source="explore")
                regimes = {r: _scenario(r).with_overrides(values, source="explore")
                           for r in self.regimes}
            except ScenarioError as exc:  # a point the schema refuses: recorded, never run
                payloads[p] = _refused(stage, self.regimes, self.metrics, str(exc))
                continue
            points.append(_Point(p, base, regimes))
        if points:
            self._rounds(stage, points)
            self.computed = sum(pt.ran for pt in points)
            payloads.update({pt.index: self._payload(stage, pt) for pt in points})
        return {p: payloads[p] for p in sorted(payloads) if p < len(stage.values)}

    def _rounds(self, stage: Stage, points: list[_Point]) -> None:
        if stage.targets:
            self._batch(stage, "variants", [(pt, f"variant:{v}", pt.variants[v])
                                            for pt in points for v in stage.variants])
        elif stage.facts:
            needed = {v for f in stage.facts for v in patterns.NEEDS[f]}
            for variant in (v for v in FILTER_ORDER if v in needed):
                alive = [pt for pt in points if pt.alive]
                self._batch(stage, variant, [(pt, f"variant:{variant}",
                                              pt.variants[variant]) for pt in alive])
                for pt in alive:
                    ready = tuple(f for f in stage.facts if f not in pt.results
                                  and set(patterns.NEEDS[f]) <= set(pt.runs))
                    if ready:
                        pt.results.update(fact_results(pt.runs, ready))
                    if stage.early_rejection and (pt.errors or not all(pt.results.values())):
                        pt.alive = False
            for pt in points:
                pt.accepted = bool(not pt.errors and len(pt.results) == len(stage.facts)
                                   and all(pt.results.values()))
        cells = []
        for pt in points:
            # A rejected set is not compared unless asked (the whole box's sample is
            # compared unfiltered): otherwise its regime runs would not be used.
            pt.compared = (pt.accepted or not stage.early_rejection or stage.compare_rejected
                           ) if stage.facts else stage.compare
            if "base" in pt.runs:   # the 2021 regime's runs are the base variant's
                pt.regime_rows[patterns.BASE_SCENARIO] = [r for r in pt.runs["base"] if r]
            if pt.compared:
                cells += [(pt, f"regime:{r}", sc) for r, sc in pt.regimes.items()
                          if r not in pt.regime_rows]
        self._batch(stage, "regimes", cells)

    def _batch(self, stage: Stage, round_name: str,
               cells: list[tuple[_Point, str, Scenario]]) -> None:
        """Run one round (points x regimes or variants) as a batch and hand each point its
        stored runs."""
        if not cells:
            return
        labels = list(dict.fromkeys(label for _, label, _ in cells))
        reps = stage.reps
        plan_cells = [Cell(labels.index(label), pt.index, sc) for pt, label, sc in cells]
        folder = self.out / RUNS_DIR / re.sub(r"[^\w@.-]", "_", stage.name) / round_name
        digest = hashlib.sha256(json.dumps([self.digest, stage.name, round_name]).encode()
                                ).hexdigest()[:16]
        plan = Plan("explore", f"{stage.name} {round_name}", plan_cells, labels, reps,
                    self.seed, folder, True, False, digest,
                    {"exploration": str(self.out), "stage": stage.name, "round": round_name},
                    weekly=False)
        folder.mkdir(parents=True, exist_ok=True)
        before = set(_rows(folder / DB_NAME)) if (folder / DB_NAME).exists() else set()
        model = Measured if labels[0].startswith("variant:") else Timed
        execute(plan, self.executor.workers, self.backend, progress=self.progress, model=model,
                executor=self.executor).close()
        stored = _rows(folder / DB_NAME)
        for pt, label, _ in cells:
            key = (labels.index(label), pt.index)
            pt.ran = pt.ran or any((*key, rep) not in before for rep in range(reps))
            pt.add(label, [stored.get((*key, rep), (None, "not stored")) for rep in
                           range(reps)])

    def _payload(self, stage: Stage, pt: _Point) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        if stage.targets:
            payload["stats"] = _statistics(stage, pt)
        elif stage.facts:
            payload["measures"] = pt.runs
            payload["facts"] = {name: pt.results.get(name) for name in stage.facts}
            payload["accepted"] = pt.accepted
        payload["means"] = {ref: {m: _plain(_mean([r[m] for r in pt.regime_rows[ref]]))
                                  for m in self.metrics} if pt.compared
                            else dict.fromkeys(self.metrics) for ref in self.regimes}
        payload["errors"] = pt.errors
        # Cost bookkeeping for the projections in docs/exploration.md (not part of any result).
        payload["cpu_seconds"] = round(pt.cpu, 3)
        regime_sets = sum(1 for r in self.regimes if pt.compared and not (
            r == patterns.BASE_SCENARIO and "base" in pt.runs))
        payload["runs"] = stage.reps * (len(pt.runs) + regime_sets)
        return payload


def _rows(db: Path) -> dict[tuple[int, int, int], tuple[dict | None, str | None]]:
    """Every stored run of a round: (scenario_index, point, replication) -> (row, error),
    each checked against its checksum as every reader of a batch store does."""
    store = ResultStore(db, readonly=True)
    try:
        return store.summaries()
    finally:
        store.close()
