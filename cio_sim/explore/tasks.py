"""The unit of work of an exploration: one design point, run under every regime (and, for
the filter, every pattern variant) on the same seeds. Plain functions of picklable arguments,
so any executor (serial, worker processes, Dask) can run them."""

from __future__ import annotations

import functools
import math
import time
from typing import Any

import numpy as np

from .. import patterns
from ..batch.seeds import run_seed
from ..heap import collected_once, release
from ..model import CIOModel
from ..scenario import Scenario, ScenarioError, load_scenario


@functools.lru_cache(maxsize=32)
def _scenario(ref: str) -> Scenario:
    return load_scenario(ref)


def _mean(values: list[float]) -> float:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else math.nan


def _run(scenario: Scenario, seed: int, rep: int, with_measures: bool
         ) -> tuple[dict[str, float] | None, str | None]:
    """One run: its summary (or pattern measures, which include the summary), or an error."""
    with collected_once():                  # the finished run is reclaimed in one pass
        return _run_model(scenario, seed, rep, with_measures)


def _run_model(scenario: Scenario, seed: int, rep: int, with_measures: bool
               ) -> tuple[dict[str, float] | None, str | None]:
    model = None
    try:
        model = CIOModel(scenario, seed=run_seed(seed, rep)).run()
        row = patterns.measures(model) if with_measures else {
            k: float(v) for k, v in model.summary().items()}
        return row, None
    except Exception as exc:  # recorded; the point then fails its checks
        return None, " ".join(f"{type(exc).__name__}: {exc}".split())
    finally:
        release(model)


def _plain(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def run_point(task: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    """Run one design point; returns ``(stage, point, payload)``.

    task keys: stage, point, values (dotted overrides), regimes, metrics, seed, replications,
    horizon_weeks, and for the filter stage ``facts`` (names of pattern checks) and
    ``early_rejection`` (default true: a rejected set ends at its first failing fact and its
    regimes are not run unless ``compare_rejected``; whether a set is accepted does not
    depend on it).
    """
    cpu = time.process_time()
    overrides = {**task["values"], "horizon_weeks": task["horizon_weeks"]}
    seed, reps, metrics = task["seed"], range(task["replications"]), task["metrics"]
    errors: list[str] = []
    payload: dict[str, Any] = {}
    rows_by_regime: dict[str, list[dict[str, float]]] = {}
    try:
        scenarios = {ref: _scenario(ref).with_overrides(overrides, source="explore")
                     for ref in {patterns.BASE_SCENARIO, *task["regimes"]}}
    except ScenarioError as exc:  # a point the schema refuses: recorded, never run
        return task["stage"], task["point"], _refused(task, str(exc))
    if task.get("targets"):
        stats, rows_by_regime, errors = _calibration_runs(
            scenarios[patterns.BASE_SCENARIO], task, seed,
            range(task["replications"] * task.get("blocks", 1)))
        payload["stats"] = stats
        reps = range(task["replications"] * task.get("blocks", 1))
        compare = bool(task.get("compare"))
    elif task.get("facts"):
        facts = tuple(task["facts"])
        runs, results, errors = _filter_runs(scenarios[patterns.BASE_SCENARIO], facts, seed,
                                             reps, task.get("early_rejection", True))
        if "base" in runs:
            rows_by_regime[patterns.BASE_SCENARIO] = [r for r in runs["base"] if r]
        payload["measures"] = runs
        payload["facts"] = {name: results.get(name) for name in facts}
        payload["accepted"] = bool(not errors and len(results) == len(facts)
                                   and all(results.values()))
        # A rejected set is not compared unless asked (the whole box's sample is compared
        # unfiltered): otherwise its regime runs would not be used.
        compare = payload["accepted"] or not task.get("early_rejection", True) \
            or task.get("compare_rejected", False)
    else:
        compare = True
    regime_sets = 0  # regimes run here (the 2021 regime may come from the filter's base runs)
    for ref in task["regimes"] if compare else ():
        if ref in rows_by_regime:
            continue
        regime_sets += 1
        rows = []
        for rep in reps:
            row, err = _run(scenarios[ref], seed, rep, with_measures=False)
            if err:
                errors.append(f"{ref} rep {rep}: {err}")
            else:
                rows.append(row)
        rows_by_regime[ref] = rows
    payload["means"] = {ref: {m: _plain(_mean([r[m] for r in rows_by_regime[ref]]))
                              for m in metrics} if compare else dict.fromkeys(metrics)
                        for ref in task["regimes"]}
    payload["errors"] = errors
    # Cost bookkeeping for the projections in docs/exploration.md (not part of any result).
    payload["cpu_seconds"] = round(time.process_time() - cpu, 3)
    payload["runs"] = len(reps) * (len(payload.get("measures", task.get("variants", ())))
                                   + regime_sets)
    return task["stage"], task["point"], payload


#: The order in which the filter runs the pattern variants: the variants of the facts that
#: the defaults pass only narrowly (#28 high turnover, #6 incidents x2; docs/exploration.md)
#: first, so a rejected set costs less. Whether a set is accepted does not depend on it.
FILTER_ORDER: tuple[str, ...] = ("base", "high_turnover", "incidents_x2", *(
    v for v in patterns.VARIANTS if v not in ("base", "high_turnover", "incidents_x2")))


def _filter_runs(base: Scenario, facts: tuple[str, ...], seed: int, reps: range,
                 early_rejection: bool
                 ) -> tuple[dict[str, list[dict[str, float | None]]], dict[str, bool], list[str]]:
    """Run the pattern variants in :data:`FILTER_ORDER` and check each fact
    as soon as the variants it reads (``patterns.NEEDS``) are in. With ``early_rejection``
    the first failing fact (or failed run) ends the set: it is rejected either way, and the
    remaining variants are not run. Returns stored measures, the checked facts, errors."""
    needed = {v for f in facts for v in patterns.NEEDS[f]}
    runs: dict[str, list[dict[str, float | None]]] = {}
    results: dict[str, bool] = {}
    errors: list[str] = []
    scenarios = patterns.variant_scenarios(base)
    for variant in FILTER_ORDER:
        if variant not in needed:
            continue
        scenario = scenarios[variant]
        rows = []
        for rep in reps:
            row, err = _run(scenario, seed, rep, with_measures=True)
            if err:
                errors.append(f"{variant} rep {rep}: {err}")
            rows.append({k: _plain(v) for k, v in (row or {}).items()})
        runs[variant] = rows
        ready = tuple(f for f in facts if f not in results
                      and set(patterns.NEEDS[f]) <= set(runs))
        if ready:
            results.update(fact_results(runs, ready))
        if early_rejection and (errors or not all(results.values())):
            break
    return runs, results, errors


def _calibration_runs(base: Scenario, task: dict[str, Any], seed: int, reps: range
                      ) -> tuple[dict[str, list[float | None]],
                                 dict[str, list[dict[str, float]]], list[str]]:
    """Run the targets' pattern variants on every replication (all seed blocks) and reduce
    each replication to the targets' statistics (explore/targets.py). Returns the statistics
    per target (one value per replication, None = missing), the 2021 regime's rows (the base
    variant) and errors."""
    from .targets import STATISTICS

    scenarios = patterns.variant_scenarios(base)
    targets = [(name, stat) for name, stat in task["targets"]]
    per_rep: list[dict[str, dict[str, float]]] = [{} for _ in reps]
    errors: list[str] = []
    for variant in task["variants"]:
        for i, rep in enumerate(reps):
            row, err = _run(scenarios[variant], seed, rep, with_measures=True)
            if err:
                errors.append(f"{variant} rep {rep}: {err}")
            per_rep[i][variant] = row or {}
    stats: dict[str, list[float | None]] = {}
    for name, stat in targets:
        values = []
        for rows in per_rep:
            try:
                v = float(STATISTICS[stat].compute(rows))
            except (ZeroDivisionError, TypeError, KeyError):
                v = math.nan
            values.append(_plain(v))
        stats[name] = values
    base_rows = [rows["base"] for rows in per_rep if rows.get("base")]
    return stats, ({patterns.BASE_SCENARIO: base_rows} if "base" in task["variants"] else {}), \
        errors


def _refused(task: dict[str, Any], error: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "means": {r: dict.fromkeys(task["metrics"]) for r in task["regimes"]},
        "errors": [f"parameter set refused: {error}"], "cpu_seconds": 0.0, "runs": 0}
    if task.get("facts"):
        payload.update({"measures": {}, "facts": dict.fromkeys(task["facts"], False),
                        "accepted": False})
    if task.get("targets"):
        reps = task["replications"] * task.get("blocks", 1)
        payload["stats"] = {name: [None] * reps for name, _ in task["targets"]}
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
