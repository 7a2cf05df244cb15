"""Compliance over matched kaders: the same arriving kader, adopted under both regimes.

Arrivals are drawn up front from a generator of their own (:mod:`cio_sim.arrivals`), so two
regimes run on the same seed see the same proposals. A kader is matched across the two runs by
its arrival signature (week, origin, theme, domain, complexity, affected departments, impact);
compliance over matched kaders pools, in each run, the due (kader, department) pairs judged on
compliance of the kaders both runs adopted, so neither side's figure holds a kader the other
never adopted (which ``compliance_actual`` and the stratum-pooled
``compliance_actual_shared`` still allow). Items a run creates itself (scaled-up experiments)
match only where both runs created the same one.

A run's outcomes are a small record (:func:`kader_record`: per adopted kader its signature
digest, judged and compliant pairs) that a batch stores with each run of a comparison, so
``compare`` pairs them per replication (:func:`matched_values`) without running again.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .compliance import kader_counts
from .stats import mean_ci

__all__ = ["OUTCOMES", "SIGNATURE", "kader_outcomes", "kader_record", "matched_compliance",
           "matched_pair", "matched_values"]

#: The arrival signature that matches a kader across two runs on the same seed.
SIGNATURE = ("submitted_step", "origin", "theme", "domain", "complexity", "affected", "impact")
#: The key under which a batch stores a run's :func:`kader_record` (a column of its runs).
OUTCOMES = "kader_outcomes"
#: Bytes of a signature digest: 2^-64 chance that two of a run's ~150 kaders collide.
_DIGEST_BYTES = 8

#: One adopted kader of a run: [signature digest, judged pairs, compliant pairs].
Record = list[list[Any]]


def _digest(values: Sequence[Any]) -> str:
    """A short stable digest of a signature's values (their text, joined)."""
    text = "|".join(map(str, values))
    return hashlib.blake2b(text.encode(), digest_size=_DIGEST_BYTES).hexdigest()


def signature(proposal: Any) -> tuple[Any, ...]:
    """A proposal's arrival signature (:data:`SIGNATURE`), impact rounded to 12 digits."""
    return (int(proposal.submitted_step), str(proposal.origin), int(proposal.theme),
            str(proposal.domain), str(proposal.complexity),
            [int(i) for i in proposal.affected], round(float(proposal.impact), 12))


def _counts(model: Any) -> tuple[list[int], list[int], list[int]]:
    """Per adopted kader with (kader, department) pairs: its id, due pairs judged on
    compliance (not on learning), and of them actually compliant at the end of the run."""
    ledger = model.ledger
    if not ledger.pairs:
        return [], [], []
    ids, judged, compliant = kader_counts(ledger.arrays(), model.steps)
    return ids.tolist(), judged.tolist(), compliant.tolist()


def kader_record(model: Any) -> Record:
    """A finished run's adopted kaders as ``[digest, judged, compliant]`` lists (JSON-ready;
    the digest is of the arrival signature): what :func:`matched_pair` matches."""
    props = model.proposals_by_id
    return [[_digest(signature(props[k])), j, c] for k, j, c in zip(*_counts(model),
                                                                     strict=True)]


def kader_outcomes(model: Any) -> pd.DataFrame:
    """One row per adopted kader of a finished run: its arrival signature, ``judged`` (due
    pairs judged on compliance) and ``compliant`` (of them actually compliant); the
    readable form of :func:`kader_record`."""
    codes = [c.code for c in model.departments]
    props = model.proposals_by_id
    rows = []
    for k, j, c in zip(*_counts(model), strict=True):
        sig = dict(zip(SIGNATURE, signature(props[k]), strict=True))
        sig["affected"] = ",".join(codes[i] for i in sig["affected"])
        rows.append({**sig, "judged": j, "compliant": c})
    return pd.DataFrame(rows, columns=[*SIGNATURE, "judged", "compliant"])


def _as_record(outcomes: Record | pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Digest -> (judged, compliant) of a record, or of a frame of :func:`kader_outcomes`."""
    if isinstance(outcomes, pd.DataFrame):
        key = list(SIGNATURE)
        outcomes = [[_digest(row[:len(key)]), *row[len(key):]]
                    for row in outcomes[[*key, "judged", "compliant"]].itertuples(index=False)]
    return {str(d): (int(j), int(c)) for d, j, c in outcomes}


def matched_pair(a: Record | pd.DataFrame, b: Record | pd.DataFrame) -> dict[str, float]:
    """Actual compliance of each run over the kaders both adopted (by arrival signature,
    each with judged pairs in both runs): ``a``, ``b``, ``kaders`` (matched), ``only_a`` and
    ``only_b`` (adopted kaders the other run did not adopt). NaN with no matched kader.

    ``a`` and ``b`` are records (:func:`kader_record`, as a batch stores them) or frames
    (:func:`kader_outcomes`)."""
    ra, rb = _as_record(a), _as_record(b)
    both = [d for d, (j, _) in ra.items() if j > 0 and rb.get(d, (0, 0))[0] > 0]
    ja, jb = sum(ra[d][0] for d in both), sum(rb[d][0] for d in both)
    ca, cb = sum(ra[d][1] for d in both), sum(rb[d][1] for d in both)
    return {"a": ca / ja if ja else math.nan, "b": cb / jb if jb else math.nan,
            "kaders": len(both), "only_a": len(ra.keys() - rb.keys()),
            "only_b": len(rb.keys() - ra.keys())}


def matched_values(values: Iterable[Any], baseline: Iterable[Any]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of runs (a scenario's and the baseline's, on one seed), compliance over the
    kaders both adopted: the scenario's and the baseline's values, NaN where either run has
    no stored record (a batch of an earlier version) or no kader is matched."""
    ours, theirs = [], []
    for rec, base in zip(values, baseline, strict=True):
        if not isinstance(rec, list) or not isinstance(base, list):
            ours.append(math.nan)
            theirs.append(math.nan)
            continue
        got = matched_pair(base, rec)
        ours.append(got["b"])
        theirs.append(got["a"])
    return np.array(ours, dtype=float), np.array(theirs, dtype=float)


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
        records = [kader_record(CIOModel(s, seed=run_seed(seed, i)).run()) for s in (a, b)]
        row = matched_pair(*records)
        rows.append({"replication": i, **row, "gap": row["b"] - row["a"]})
    table = pd.DataFrame(rows)
    mean, lo, hi, n = mean_ci(table["gap"].to_numpy(dtype=float), confidence)
    table.attrs.update({"gap": mean, "ci_low": lo, "ci_high": hi, "n": n,
                        "a_mean": float(np.nanmean(table["a"])),
                        "b_mean": float(np.nanmean(table["b"]))})
    return table
