"""Compliance over matched kaders: the same arriving kader, adopted under both regimes.

Arrivals are drawn up front from a generator of their own (:mod:`cio_sim.arrivals`), so two
regimes run on the same seed see the same proposals. A kader is matched across the two runs by
its arrival signature (week, origin, theme, domain, complexity, affected departments, impact);
compliance over matched kaders pools, in each run, the due (kader, department) pairs judged on
compliance of the kaders both runs adopted, so neither side's figure holds a kader the other
never adopted (which ``compliance_actual`` and the stratum-pooled
``compliance_actual_shared`` still allow). Items a run creates itself (scaled-up experiments)
match only where both runs created the same one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .stats import mean_ci

__all__ = ["SIGNATURE", "kader_outcomes", "matched_compliance", "matched_pair"]

#: The arrival signature that matches a kader across two runs on the same seed.
SIGNATURE = ("submitted_step", "origin", "theme", "domain", "complexity", "affected", "impact")


def kader_outcomes(model: Any) -> pd.DataFrame:
    """One row per adopted kader of a finished run: its arrival signature, ``judged`` (due
    pairs judged on compliance) and ``compliant`` (of them actually compliant)."""
    from .metrics import compliance_frame, proposals_frame

    pairs = compliance_frame(model)
    cols = [*SIGNATURE, "judged", "compliant"]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    judged = pairs[pairs["due"].astype(bool) & (pairs["judged_on"] != "learning")]
    counts = judged.groupby("proposal_id").agg(judged=("department", "size"),
                                              compliant=("compliant_actual", "sum"))
    props = proposals_frame(model).set_index("id")
    kaders = props.loc[pairs["proposal_id"].unique(), list(SIGNATURE)]
    kaders["impact"] = kaders["impact"].astype(float).round(12)
    out = kaders.join(counts).fillna({"judged": 0, "compliant": 0})
    return out.reset_index(drop=True)[cols].astype({"judged": int, "compliant": int})


def matched_pair(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
    """Actual compliance of each run over the kaders both adopted (by arrival signature,
    each with judged pairs in both runs): ``a``, ``b``, ``kaders`` (matched), ``only_a`` and
    ``only_b`` (adopted kaders the other run did not adopt). NaN with no matched kader."""
    key = list(SIGNATURE)
    ka, kb = a[a["judged"] > 0], b[b["judged"] > 0]
    both = ka.merge(kb, on=key, suffixes=("_a", "_b"), validate="one_to_one")
    ja, jb = int(both["judged_a"].sum()), int(both["judged_b"].sum())
    sig_a = set(map(tuple, a[key].to_numpy().tolist()))
    sig_b = set(map(tuple, b[key].to_numpy().tolist()))
    return {"a": float(both["compliant_a"].sum()) / ja if ja else math.nan,
            "b": float(both["compliant_b"].sum()) / jb if jb else math.nan,
            "kaders": len(both), "only_a": len(sig_a - sig_b), "only_b": len(sig_b - sig_a)}


def matched_compliance(a: str | Path | Any, b: str | Path | Any, replications: int = 30,
                       seed: int = 1, confidence: float = 0.95) -> pd.DataFrame:
    """Run ``a`` and ``b`` on the batch's seeds (replication i: ``SeedSequence(seed,
    spawn_key=(i,))``, as ``compare``) and return a row per replication (``a``, ``b``,
    ``gap`` = b - a, ``kaders``, ``only_a``, ``only_b``); ``attrs`` holds the mean gap with
    its t-interval (``gap``, ``ci_low``, ``ci_high``, ``n``)."""
    from .batch.seeds import run_seed
    from .model import CIOModel

    rows = []
    for i in range(replications):
        outcomes = [kader_outcomes(CIOModel(s, seed=run_seed(seed, i)).run()) for s in (a, b)]
        row = matched_pair(*outcomes)
        rows.append({"replication": i, **row, "gap": row["b"] - row["a"]})
    table = pd.DataFrame(rows)
    mean, lo, hi, n = mean_ci(table["gap"].to_numpy(dtype=float), confidence)
    table.attrs.update({"gap": mean, "ci_low": lo, "ci_high": hi, "n": n,
                        "a_mean": float(np.nanmean(table["a"])),
                        "b_mean": float(np.nanmean(table["b"]))})
    return table
