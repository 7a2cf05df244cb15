"""The history-matching section of an exploration's report.md: the calibration facts with
their tolerances and reasons, the waves, the plausible ensemble (size, test-retest, standard
errors, reach from the defaults per parameter) and the held-out facts over it."""

from __future__ import annotations

from typing import Any

import numpy as np

from .markdown import table as _md


def calibration_section(result: Any) -> list[str]:
    exp, t, info = result.experiment, result.tables, result.info
    cal, c = exp.calibration, info["calibration"]
    sets = t["calibration_sets"]
    lines = ["## 3. Calibration: history matching on emergent facts", "",
             "Only facts the fact audit (docs/validation.md) finds emergent are targets; "
             "each states its target, tolerance and model discrepancy with reasons. A set's "
             "implausibility per target is |mean - target| / sqrt(tolerance² + discrepancy² + "
             "SE² (+ emulator variance while refocusing)), where SE is the replication "
             "standard error of the mean, so seed noise widens the denominator instead of "
             f"deciding the verdict. Cut-off {c['cutoff']:g} on the largest implausibility: "
             f"{c['cutoff_reason']}.", "",
             "Targets (calibration) and held-out facts (validation, not used to calibrate):",
             ""]
    lines += _md(t["calibration_targets"])
    lines += ["", f"Waves: {cal.waves} of {cal.points_per_wave} points, {cal.replications} "
              "seeds each; a Gaussian-process emulator per target (scikit-learn, constant x "
              f"ARD RBF + WhiteKernel, {cal.active} active inputs) refocuses the next wave "
              f"on the candidates ({cal.candidates} quasi-random points) every wave's "
              "emulators find non-implausible. Share of candidates still non-implausible "
              "before each wave:", ""]
    lines += _md(t["calibration_waves"])
    se_cols = [col for col in sets if col.startswith("se:")]
    se = {col[3:]: float(np.nanmedian(sets[col])) for col in se_cols} if len(sets) else {}
    lines += ["", f"**Plausible sets: {c['plausible_sets']} of {c['sampled_sets']} drawn from "
              f"the non-implausible region** ({c['distinct_plausible_sets']} distinct), each "
              f"run on two disjoint seed blocks of {cal.replications} seeds. Test-retest: the "
              "verdicts of block A and block B agree for "
              f"{_pct(c['test_retest'])} of the drawn sets (target >= 90%). Median stochastic "
              "standard error per set: " + (", ".join(f"{k} {v:.3g}" for k, v in se.items())
                                             or "none") + " (per set: `calibration_sets.csv`)."]
    if c["too_small"]:
        lines += ["", f"Too small to be a result: fewer than {c['result_ensemble']} "
                  "plausible sets."]
    lines += ["", "Held-out facts over the plausible ensemble (same targets-with-tolerances "
              "rule, not used to calibrate):", ""]
    lines += _md(t["held_out"])
    lines += ["", "Reach of the plausible ensemble from the defaults, per parameter (share of "
              "the explored half-range below and above the default that the ensemble "
              "reaches; 1 = to the end of the explored range):", ""]
    lines += _md(t["reach"])
    lines += [""]
    return lines


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.0f}%"
