"""The Morris screening preset (``stages = ["screening"]``): which assumptions drive the
metrics, and which could on their own flip the ranking of the regimes at the defaults.

Beside the exploration's screening tables it runs the defaults (``screening.
baseline_replications`` seeds, every regime) and writes ``ranking_flips.csv``
(:func:`flip_table`) and ``baseline.csv``; the report is the screening section alone.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .experiment import DIRECTIONS, ExploreExperiment
from .stages import Stage


def ranking(values: Mapping[str, float], regimes: Sequence[str], sign: int = 1) -> str:
    """Regimes ordered from best to worst (``sign`` +1: higher is better), as 'a>b>c'."""
    return ">".join(sorted(regimes, key=lambda r: (-sign * values[r], regimes.index(r))))


def screening_tables(exp: ExploreExperiment, run_stage: Callable[..., dict[int, Any]],
                     points: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The baseline (the defaults, more seeds) and the ranking flips over the screening
    design (``points``: its parameter values, ``outcomes``: every regime's means)."""
    reps = exp.screening.baseline_replications
    if not reps:
        return {}
    got = run_stage(Stage("baseline", [{}], reps, exp.screening.horizon_weeks))[0]["means"]
    # A metric without a value at the defaults in some regime (e.g. compliance before any
    # kader is adopted) cannot be ranked there; the report names it.
    metrics = [m for m in exp.screening.ranking_metrics or exp.metrics
               if all(got[r][m] is not None for r in exp.regimes)]
    baseline = pd.DataFrame([{"regime": r, **{m: got[r][m] for m in exp.metrics}}
                             for r in exp.regimes])
    gaps, ranks = {}, {}
    for m in metrics:
        sign = DIRECTIONS[m]
        order = ranking({r: got[r][m] for r in exp.regimes}, exp.regimes, sign)
        ranks[m] = order
        for a, b in itertools.pairwise(order.split(">")):
            gaps[f"gap_{m}_{a}_minus_{b}"] = (m, a, b, float(got[a][m] - got[b][m]))
    frame = points.copy()
    for name, (m, a, b, _) in gaps.items():
        frame[name] = outcomes[f"{a}:{m}"] - outcomes[f"{b}:{m}"]
    for m in metrics:
        order = [ranking({r: row[f"{r}:{m}"] for r in exp.regimes}, exp.regimes,
                         DIRECTIONS[m]) for _, row in outcomes.iterrows()]
        frame[f"flipped:{m}"] = [o != ranks[m] for o in order]
    return {"baseline": baseline, "ranking_flips": flip_table(exp, frame, gaps),
            "ranking_points": frame}


def flip_table(exp: ExploreExperiment, points: pd.DataFrame,
               gaps: Mapping[str, tuple[str, str, str, float]]) -> pd.DataFrame:
    """Which parameter could, on its own, flip a pair of neighbouring regimes.

    For each gap between regimes ranked next to each other at the defaults, fit the gap over
    all design points by least squares on the parameters scaled to [0, 1]; the slope is the
    change of the gap over a parameter's whole range. The gap at either end of a range is
    the default gap (from the baseline replications) plus the slope times the distance from
    the default; the parameter *could flip* the pair when one of them has the other sign.
    """
    keys = list(exp.space.keys)
    lows, highs = np.array(exp.space.bounds, dtype=float).T
    z = (points[keys].to_numpy(dtype=float) - lows) / (highs - lows)
    design = np.column_stack([np.ones(len(z)), z])
    z0 = (np.array(exp.space.defaults, dtype=float) - lows) / (highs - lows)
    rows = []
    for gap, (metric, _, _, default_gap) in gaps.items():
        y = points[gap].to_numpy(dtype=float)
        ok = np.isfinite(y)
        coef, *_ = np.linalg.lstsq(design[ok], y[ok], rcond=None)
        fitted = design[ok] @ coef
        ss_tot = float(((y[ok] - y[ok].mean()) ** 2).sum())
        r2 = 1.0 - float(((y[ok] - fitted) ** 2).sum()) / ss_tot if ss_tot > 0 else math.nan
        for j, key in enumerate(keys):
            slope = float(coef[1 + j])
            at_low = default_gap + slope * (0.0 - z0[j])
            at_high = default_gap + slope * (1.0 - z0[j])
            rows.append({
                "metric": metric, "gap": gap, "parameter": key, "default_gap": default_gap,
                "slope_full_range": slope, "gap_at_low": at_low, "gap_at_high": at_high,
                "could_flip": bool(np.sign(at_low) != np.sign(default_gap)
                                   or np.sign(at_high) != np.sign(default_gap)),
                "r2": r2,
            })
    df = pd.DataFrame(rows, columns=["metric", "gap", "parameter", "default_gap",
                                     "slope_full_range", "gap_at_low", "gap_at_high",
                                     "could_flip", "r2"])
    df["abs_slope"] = df["slope_full_range"].abs()
    return df.sort_values(["gap", "abs_slope"], ascending=[True, False]).reset_index(drop=True)


def screening_report(result: Any) -> list[str]:
    """The report of a screening-only exploration: the Morris section, the ranking at the
    defaults and the parameters that could flip it."""
    exp, t, info = result.experiment, result.tables, result.info
    from .markdown import table

    lines = [f"# Morris screening: {exp.name}", "", exp.description, "",
             f"{info['screening_points']} points ({exp.screening.trajectories} trajectories, "
             f"{exp.screening.levels} levels, {exp.screening.replications} replications, "
             f"{exp.screening.horizon_weeks} weeks) over {exp.space.dim} assumptions; every "
             "point runs every regime on the same seeds. Outputs: every regime's metrics and "
             "every pair's difference.", "", "![Morris](figures/morris.png)", ""]
    if "ranking_flips" in t:
        flips = t["ranking_flips"]
        could = flips[flips["could_flip"]]
        unranked = [m for m in exp.screening.ranking_metrics or exp.metrics
                    if t["baseline"][m].isna().any()]
        lines += ["## Ranking at the defaults", "",
                  f"{exp.screening.baseline_replications} replications at the defaults:", "",
                  *table(t["baseline"]), "",
                  *([f"Not ranked (no value at the defaults under every regime): "
                     f"{', '.join(unranked)}.", ""] if unranked else []),
                  "## Which assumption could flip a pair", "",
                  "A least-squares fit of each gap between neighbouring regimes over the "
                  "design; a parameter could flip the pair when moving it alone to an end of "
                  "its range changes the sign of the gap at the defaults.", "",
                  *(table(could[["gap", "parameter", "default_gap", "gap_at_low",
                                 "gap_at_high", "r2"]]) if len(could) else
                    ["No single parameter flips a pair within its range."]), ""]
    return lines
