"""The calibration stage of an exploration: history matching on emergent facts
(history_matching.py) with every simulated point stored as it finishes, so an interrupted
calibration resumes where it stopped. Each wave's design follows from the stored points of the
waves before it (deterministic emulator fits), so a resumed run draws the same points.

The stage returns what the rest of the pipeline reads of the filter (the sample, its stored
payloads with ``means``, ``facts`` and ``accepted``) plus the calibration's own tables: the
targets with their reasons, the waves, per-set implausibility and standard errors, held-out
facts over the plausible ensemble, test-retest, and how far the ensemble reaches from the
defaults per parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import history_matching as hm
from .experiment import ExploreExperiment
from .stages import RunStage, Stage
from .targets import variants_for


@dataclass
class Calibrated:
    sample: pd.DataFrame                       # one row per ensemble set: its values
    stored: dict[int, dict[str, Any]]          # payloads as the filter's, per set
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


def run_calibration(exp: ExploreExperiment, run_stage: RunStage) -> Calibrated:
    """History-match ``exp`` (its ``calibration`` table). ``run_stage(stage)`` runs what is
    missing of a stage and returns its stored payloads by point."""
    cal = exp.calibration
    assert cal is not None
    space = exp.space
    targets = [t.target() for t in cal.targets]
    held = [t.target() for t in cal.held_out]
    cal_variants = variants_for(cal.targets)
    all_targets = (*cal.targets, *cal.held_out)
    final_variants = variants_for(all_targets)
    payloads: dict[str, dict[int, dict[str, Any]]] = {}

    def evaluate(stage: str, unit: np.ndarray, blocks: int) -> hm.Evaluated:
        final = stage == "ensemble"
        which = all_targets if final else cal.targets
        got = run_stage(Stage(
            f"calibration:{stage}", [space.values(u) for u in unit], cal.replications,
            targets=tuple((t.name, t.statistic) for t in which), blocks=blocks,
            variants=tuple(final_variants if final else cal_variants), compare=final))
        payloads[stage] = got
        values = {t.name: np.array([[math.nan if v is None else v for v in got[i]["stats"][
            t.name]] for i in range(len(unit))], dtype=float) for t in which}
        return hm.Evaluated(space.snap(unit), values, blocks)

    cfg = hm.Config(waves=cal.waves, points_per_wave=cal.points_per_wave,
                    candidates=cal.candidates, ensemble=cal.ensemble, cutoff=cal.cutoff,
                    active=cal.active)
    res = hm.history_match(evaluate, space.dim, targets, cfg, exp.seed, snap=space.snap)
    return _tables(exp, res, payloads.get("ensemble", {}), held)


def _tables(exp: ExploreExperiment, res: hm.Result, got: dict[int, dict[str, Any]],
            held: list[hm.Target]) -> Calibrated:
    cal = exp.calibration
    assert cal is not None
    space = exp.space
    final = res.final
    n = 0 if final is None else len(final.unit)
    values = [space.values(u) for u in final.unit] if final is not None else []
    sample = pd.DataFrame(values, columns=list(space.keys))
    sample.insert(0, "point", range(n))
    sample.insert(0, "scale", math.nan)
    stored: dict[int, dict[str, Any]] = {}
    names = [t.name for t in cal.targets]
    for i in range(n):
        p = got[i]
        stored[i] = {"means": p["means"], "errors": p["errors"],
                     "accepted": bool(res.plausible[i]),
                     "facts": {name: bool(res.implausibility[i, j] < cal.cutoff)
                               for j, name in enumerate(names)}}
    rows = []
    for t in (*cal.targets, *cal.held_out):
        rows.append({"role": "calibration" if t in cal.targets else "held out",
                     "name": t.name, "fact": t.fact, "statistic": t.statistic,
                     "target": t.interval(), "tolerance": t.tolerance,
                     "discrepancy": t.discrepancy, "target_reason": t.target_reason,
                     "tolerance_reason": t.tolerance_reason,
                     "discrepancy_reason": t.discrepancy_reason})
    target_table = pd.DataFrame(rows)
    waves = pd.DataFrame({"wave": [f"wave {i + 1}" for i in range(len(res.waves))]
                          + ["ensemble"],
                          "region_share_before": res.region_share[:len(res.waves) + 1],
                          "points": [len(w.unit) for w in res.waves] + [n]})
    per_set = pd.DataFrame({"point": range(n), "plausible": res.plausible,
                            "verdict_block_a": res.verdict_a,
                            "verdict_block_b": res.verdict_b})
    held_rows = []
    if final is not None:
        for j, t in enumerate(cal.targets):
            per_set[f"I:{t.name}"] = res.implausibility[:, j]
            per_set[f"mean:{t.name}"] = final.mean(t.name)
            per_set[f"se:{t.name}"] = np.sqrt(final.se2(t.name))
        if held:
            hi = hm.implausibility(held, final)
            for j, t in enumerate(held):
                per_set[f"I:{t.name}"] = hi[:, j]
                per_set[f"mean:{t.name}"] = final.mean(t.name)
                per_set[f"se:{t.name}"] = np.sqrt(final.se2(t.name))
                ok = hi[res.plausible, j] < cal.cutoff
                held_rows.append({"name": t.name, "fact": cal.held_out[j].fact,
                                  "target": cal.held_out[j].interval(),
                                  "plausible_sets": int(res.plausible.sum()),
                                  "passed": int(ok.sum()),
                                  "pass_share": float(ok.mean()) if ok.size else math.nan,
                                  "pass_share_all_sampled": float(np.mean(
                                      hi[:, j] < cal.cutoff)) if n else math.nan})
    held_table = pd.DataFrame(held_rows, columns=["name", "fact", "target", "plausible_sets",
                                                  "passed", "pass_share",
                                                  "pass_share_all_sampled"])
    reach = _reach(exp, sample, res.plausible)
    info = {"calibration": {
        "plausible_sets": int(res.plausible.sum()), "sampled_sets": n,
        "distinct_plausible_sets": int(sample[res.plausible].drop(
            columns=["scale", "point"]).drop_duplicates().shape[0]) if n else 0,
        "test_retest": res.test_retest, "cutoff": cal.cutoff,
        "cutoff_reason": cal.cutoff_reason, "result_ensemble": cal.result_ensemble,
        "region_share": res.region_share}}
    from .calibration_report import MIN_TEST_RETEST

    c = info["calibration"]
    c["too_small"] = (c["distinct_plausible_sets"] < cal.result_ensemble
                      or not c["test_retest"] >= MIN_TEST_RETEST)
    return Calibrated(sample, stored, {"calibration_targets": target_table,
                                       "calibration_waves": waves,
                                       "calibration_sets": per_set,
                                       "held_out": held_table, "reach": reach}, info)


def _reach(exp: ExploreExperiment, sample: pd.DataFrame, plausible: np.ndarray
           ) -> pd.DataFrame:
    """Per parameter: the default, the explored range and the plausible ensemble's min, 5%,
    median, 95% and max, and its reach from the default on each side as a share of the
    explored half-range (1 = the ensemble reaches the end of the explored range)."""
    rows = []
    for key, (low, high), d in zip(exp.space.keys, exp.space.bounds, exp.space.defaults,
                                   strict=True):
        v = sample.loc[plausible, key].to_numpy(dtype=float) if len(sample) else np.zeros(0)
        row: dict[str, Any] = {"parameter": key, "default": d, "low": low, "high": high}
        if v.size:
            q = np.quantile(v, [0.05, 0.5, 0.95])
            row.update({"min": v.min(), "q05": q[0], "median": q[1], "q95": q[2],
                        "max": v.max(),
                        "reach_below": (d - v.min()) / (d - low) if d > low else math.nan,
                        "reach_above": (v.max() - d) / (high - d) if high > d else math.nan,
                        "distinct_values": int(np.unique(v).size)})
        rows.append(row)
    return pd.DataFrame(rows)


def after_calibration(exp: ExploreExperiment, cal: Calibrated,
                      run_stage: RunStage, ranked: list[str],
                      outcomes: Callable[[dict[int, dict[str, Any]], int], pd.DataFrame]
                      ) -> None:
    """The stages that start from the plausible sets: Sobol indices on the calibrated
    region and the break-even sweeps (their tables added to ``cal``)."""
    from .experiment import DIRECTIONS

    if not len(cal.sample):
        return
    plausible = cal.tables["calibration_sets"]["plausible"].to_numpy(dtype=bool)
    sets = cal.sample[plausible].drop(columns=["scale", "point"]).reset_index(drop=True)
    if len(sets) < 2:
        return
    if exp.sobol_calibrated is not None:
        from .region_sobol import run_region_sobol

        sob, region = run_region_sobol(exp.sobol_calibrated, exp.space, sets, ranked,
                                       run_stage, outcomes, exp.seed)
        cal.tables["sobol_calibrated"] = sob
        cal.tables["sobol_calibrated_region"] = region
    if exp.breakeven is not None:
        from .breakeven import run_breakeven

        sweep, table = run_breakeven(exp.breakeven, exp.space, sets, exp.regimes,
                                     exp.metrics, DIRECTIONS, run_stage, exp.seed)
        cal.tables["breakeven_sweep"] = sweep
        cal.tables["breakeven"] = table
