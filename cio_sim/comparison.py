"""Tables over the runs of a batch: the summary table (one numeric shape), the comparison
table, paired differences against a baseline, and like-for-like compliance.

Every function takes ``runs``: one row per replication with the ``summary()`` keys, a
``scenario`` column and, in a sweep, ``point`` (runs with an ``error`` are left out). Which
direction is better comes from :mod:`cio_sim.catalogue`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import catalogue
from .matched import OUTCOMES, matched_values
from .stats import interval_note, mean_ci, paired_difference

__all__ = [
    "MATCHED_COMPLIANCE", "SHARED_COMPLIANCE", "STATISTICS", "comparison_table",
    "compliance_sets", "label_runs", "metric_columns", "paired_metrics", "paired_table",
    "point_labels", "rank", "summary_table", "with_derived",
]

SHARED_COMPLIANCE = "compliance_actual_shared"
#: Compliance over matched kaders: a metric of a pair of runs, in the paired table only.
MATCHED_COMPLIANCE = "compliance_actual_matched"
#: The material-difference columns of :func:`paired_table`.
MATERIAL_COLUMNS: tuple[str, ...] = ("delta", "p_gap_above_delta", "p_gap_within_delta",
                                     "p_gap_below_delta", "material")
STATISTICS: tuple[str, ...] = ("mean", "ci_low", "ci_high", "half_width", "n", "note")
_BOOKKEEPING = {"scenario", "point", "replication", "seed", "error", "label", OUTCOMES}


# ---------------------------------------------------------------------------- runs

def ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs without an error, with a ``scenario`` column (one scenario if there was none)."""
    df = runs
    if "error" in df.columns:
        err = df["error"]
        df = df.loc[~(err.notna() & (err.astype(str).str.len() > 0))]
    if "scenario" not in df.columns:
        df = df.assign(scenario="scenario")
    return df


def _short_keys(keys: Sequence[str]) -> dict[str, str]:
    """Dotted keys by their last part, unless two keys share it."""
    last = [k.rsplit(".", 1)[-1] for k in keys]
    return {k: (s if last.count(s) == 1 else k) for k, s in zip(keys, last, strict=True)}


def _fmt_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def point_labels(points: Sequence[Mapping[str, Any]]) -> list[str]:
    """A label per design point from its parameter values, e.g. ``override_rounds=2``."""
    keys = list(dict.fromkeys(k for p in points for k in p))
    short = _short_keys(keys)
    return [", ".join(f"{short[k]}={_fmt_value(p[k])}" for k in keys if k in p) or "base"
            for p in points]


def label_runs(runs: pd.DataFrame, design_keys: Sequence[str] = ()) -> pd.DataFrame:
    """Runs with a ``label`` column: the scenario, or in a sweep the design point's values."""
    df = ok_runs(runs)
    keys = [k for k in design_keys if k in df.columns]
    cols = list(df.columns)
    if not keys and "point" in cols and "replication" in cols:
        # a store's sweep frame: the swept parameters sit between point and replication
        keys = cols[cols.index("point") + 1:cols.index("replication")]
    if "point" in df.columns and keys:
        pts = df.drop_duplicates("point").sort_values("point")
        labels = dict(zip(pts["point"], point_labels(
            [{k: r[k] for k in keys} for _, r in pts.iterrows()]), strict=True))
        return df.assign(label=df["point"].map(labels))
    if "point" in df.columns and df["point"].nunique() > 1:
        return df.assign(label=df["scenario"].astype(str) + "#" + df["point"].astype(str))
    return df.assign(label=df["scenario"].astype(str))


def metric_columns(runs: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """Numeric metric columns, catalogue entries first in catalogue order."""
    skip = _BOOKKEEPING | set(exclude)
    numeric = [c for c in runs.columns if c not in skip
               and pd.api.types.is_numeric_dtype(runs[c])
               and not pd.api.types.is_bool_dtype(runs[c])]
    return sorted(numeric, key=rank)           # stable: family members keep their order


def paired_metrics(runs: pd.DataFrame) -> list[str]:
    """The metrics of a pair of runs these runs can give (the catalogue's ``paired`` ones):
    compliance over matched kaders where the batch stored its runs' kader outcomes."""
    return [MATCHED_COMPLIANCE] if OUTCOMES in runs.columns else []


def rank(column: str) -> int:
    """A metric's place in the catalogue (unknown columns last)."""
    index = {m.key: i for i, m in enumerate(catalogue.CATALOGUE)}
    m = catalogue.lookup(column)
    return index[m.key] if m is not None else len(index)


# ---------------------------------------------------------------------------- compliance

def _strata(runs: pd.DataFrame) -> list[str]:
    return [f"{q}_{c}" for q, c in catalogue.stratum_keys()
            if f"pairs_judged_{q}_{c}" in runs.columns]


def compliance_sets(runs: pd.DataFrame, by: str = "label") -> tuple[dict[str, list[str]],
                                                                    list[str]]:
    """Kader strata (``<quadrant>_<complexity>``) with judged pairs, per group, and the
    strata every group shares."""
    df = ok_runs(runs)
    if by not in df.columns:
        df = df.assign(**{by: df["scenario"]})
    strata = _strata(df)
    own: dict[str, list[str]] = {}
    for name, frame in df.groupby(by, sort=False):
        own[str(name)] = [s for s in strata
                          if pd.to_numeric(frame[f"pairs_judged_{s}"]).sum() > 0]
    shared = [s for s in strata if own and all(s in v for v in own.values())]
    return own, shared


def with_derived(runs: pd.DataFrame, by: str = "label") -> pd.DataFrame:
    """Runs plus the derived metrics: ``compliance_actual_shared``, actual compliance pooled
    over the kader strata that every group (scenario, or design point) judges."""
    df = ok_runs(runs)
    if not _strata(df) or df.empty:
        return df
    _, shared = compliance_sets(df, by)
    judged = sum((pd.to_numeric(df[f"pairs_judged_{s}"]) for s in shared),
                 pd.Series(0.0, index=df.index))
    compliant = sum((pd.to_numeric(df[f"pairs_compliant_{s}"]) for s in shared),
                    pd.Series(0.0, index=df.index))
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(judged > 0, compliant / judged.where(judged > 0, 1), np.nan)
    return df.assign(**{SHARED_COMPLIANCE: value.astype(float)})


# ---------------------------------------------------------------------------- tables

def _group_cols(df: pd.DataFrame) -> list[str]:
    return ["label"] if "label" in df.columns else ["scenario"]


def summary_table(runs: pd.DataFrame, metrics: Sequence[str] | None = None,
                  confidence: float = 0.95, design_keys: Sequence[str] = ()) -> pd.DataFrame:
    """Mean and t-based confidence interval per metric and scenario (or design point).

    Long format, one row per (label, metric): ``scenario`` (``label``: the scenario, or a
    design point's parameter values), ``metric``, ``n`` (non-NaN values), ``mean``, ``std``,
    ``ci_low``, ``ci_high``, ``half_width``, ``note`` (a word where the interval needs one:
    one run, no variation, two runs, a median not reached). The interval is clipped to the
    metric's possible range (shares in [0, 1], counts >= 0); ``note`` says so.
    """
    df = with_derived(label_runs(runs, design_keys))
    metrics = [m for m in (metrics if metrics is not None else metric_columns(df, design_keys))
               if m in df.columns]
    rows = []
    for name, frame in df.groupby("label", sort=False):
        point = frame["point"].iloc[0] if "point" in frame.columns else None
        for m in metrics:
            values = pd.to_numeric(frame[m], errors="coerce").to_numpy(dtype=float)
            mean, low, high, n = mean_ci(values, confidence)
            finite = values[np.isfinite(values)]
            std = float(np.std(finite, ddof=1)) if finite.size > 1 and finite.size == n \
                else math.nan
            n_inf = int(np.isinf(values).sum())
            half = (high - low) / 2 if math.isfinite(low) else math.nan
            note = interval_note(n, half, n_inf)
            lo_b, hi_b = catalogue.bounds(m)
            if math.isfinite(low) and (low < lo_b or high > hi_b):
                low, high = max(low, lo_b), min(high, hi_b)
                note = (note + "; " if note else "") + "interval clipped to the possible range"
            row = {"scenario": str(name), "metric": m, "n": n, "mean": mean, "std": std,
                   "ci_low": low, "ci_high": high, "half_width": half, "note": note}
            if point is not None and "point" in df.columns:
                row = {"point": int(point), **row}
            rows.append(row)
    cols = ["scenario", "metric", "n", "mean", "std", "ci_low", "ci_high", "half_width", "note"]
    if "point" in df.columns:
        cols = ["point", *cols]
    return pd.DataFrame(rows, columns=cols)


def comparison_table(summary: pd.DataFrame) -> pd.DataFrame:
    """A summary table pivoted: metrics as rows, ``(scenario, statistic)`` as columns
    (statistic in mean, ci_low, ci_high, half_width, n, note); numbers, not strings."""
    scen = list(dict.fromkeys(summary["scenario"]))
    metrics = list(dict.fromkeys(summary["metric"]))
    wide = summary.set_index(["metric", "scenario"])[list(STATISTICS)].unstack("scenario")
    wide = wide.swaplevel(0, 1, axis=1)
    cols = pd.MultiIndex.from_tuples([(s, st) for s in scen for st in STATISTICS],
                                     names=["scenario", "statistic"])
    wide = wide.reindex(index=metrics, columns=cols)
    wide.index.name = "metric"
    return wide


def paired_table(runs: pd.DataFrame, baseline: str | None = None,
                 metrics: Sequence[str] | None = None, confidence: float = 0.95,
                 design_keys: Sequence[str] = ()) -> pd.DataFrame:
    """Paired differences against a baseline scenario (default: the first).

    Runs are paired by replication (common random numbers). One row per (scenario, metric)
    for every scenario but the baseline: ``baseline``, ``n`` (pairs), ``mean_diff``
    (scenario - baseline), ``ci_low``, ``ci_high`` (t-interval of the mean difference),
    ``better``/``worse`` (share of pairs in which the scenario does better/worse, by the
    catalogue's direction; NaN for metrics without one), ``direction`` and ``note``; and the
    material differences: ``delta`` (the catalogue's smallest difference that matters, NaN
    where it sets none), ``p_gap_above_delta``, ``p_gap_within_delta``,
    ``p_gap_below_delta`` (P(gap > delta), P(|gap| <= delta), P(gap < -delta), the gap taken
    in the metric's better direction, positive = the scenario is better; the raw difference
    for a metric without a direction; from the t posterior of the paired mean, see
    :func:`cio_sim.stats.material_probabilities`) and ``material`` ('better', 'worse' or
    'higher'/'lower', 'no material difference', 'unclear': see
    :func:`cio_sim.stats.material_verdict`).
    """
    df = with_derived(label_runs(runs, design_keys))
    labels = list(dict.fromkeys(df["label"]))
    cols = ["scenario", "baseline", "metric", "direction", "n", "mean_diff", "ci_low",
            "ci_high", "better", "worse", "note", *MATERIAL_COLUMNS]
    if len(labels) < 2:
        return pd.DataFrame(columns=cols)
    base = labels[0] if baseline is None else baseline
    if base not in labels:
        raise ValueError(f"baseline {base!r} is not among the scenarios: {', '.join(labels)}")
    pair_only = paired_metrics(df)
    if metrics is None:
        metrics = sorted([*metric_columns(df, design_keys), *pair_only], key=rank)
    metrics = [m for m in metrics if m in df.columns or m in pair_only]
    ref = df[df["label"] == base].set_index("replication")
    rows = []
    for name in labels:
        if name == base:
            continue
        other = df[df["label"] == name].set_index("replication")
        common = ref.index.intersection(other.index)
        pairs, base_pairs = other.loc[common], ref.loc[common]   # the paired runs, once
        for m in metrics:
            material = catalogue.material(m)
            values, base_values = (matched_values(pairs[OUTCOMES], base_pairs[OUTCOMES])
                                   if m == MATCHED_COMPLIANCE else (pairs[m], base_pairs[m]))
            p = paired_difference(values, base_values,
                                  catalogue.better_sign(m), confidence,
                                  material[0] if material else None)
            rows.append({"scenario": name, "baseline": base, "metric": m,
                         "direction": str(catalogue.better(m)), "n": p.n,
                         "mean_diff": p.mean, "ci_low": p.ci_low, "ci_high": p.ci_high,
                         "better": p.better, "worse": p.worse, "note": p.note,
                         "delta": p.delta, "p_gap_above_delta": p.p_above,
                         "p_gap_within_delta": p.p_within, "p_gap_below_delta": p.p_below,
                         "material": p.material})
    return pd.DataFrame(rows, columns=cols)
