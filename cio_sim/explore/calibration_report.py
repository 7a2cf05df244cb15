"""The history-matching section of an exploration's report.md: the calibration facts with
their tolerances and reasons, the waves, the plausible ensemble (size, test-retest, standard
errors, reach from the defaults per parameter) and the held-out facts over it."""

from __future__ import annotations

from typing import Any

import numpy as np

from .markdown import percent as _pct
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
    lines += ["", constraint_sentence(c, t["held_out"])]
    se_cols = [col for col in sets if col.startswith("se:")]
    se = {col[3:]: float(np.nanmedian(sets[col])) for col in se_cols} if len(sets) else {}
    lines += ["", f"**Plausible sets: {c['plausible_sets']} of {c['sampled_sets']} drawn from "
              f"the non-implausible region** ({c['distinct_plausible_sets']} distinct), each "
              f"run on two disjoint seed blocks of {cal.replications} seeds. Test-retest: the "
              "verdicts of block A and block B agree for "
              f"{_pct(c['test_retest'])} of the drawn sets (target >= 90%). Median stochastic "
              "standard error per set: " + (", ".join(f"{k} {v:.3g}" for k, v in se.items())
                                             or "none") + " (per set: `calibration_sets.csv`)."]
    if not_a_result(result):
        lines += ["", "Too small to be a result: " + "; ".join(not_a_result(result)) + "."]
    lines += ["", "Held-out facts over the plausible ensemble (same targets-with-tolerances "
              "rule, not used to calibrate):", ""]
    lines += _md(t["held_out"])
    lines += ["", "Reach of the plausible ensemble from the defaults, per parameter (share of "
              "the explored half-range below and above the default that the ensemble "
              "reaches; 1 = to the end of the explored range):", ""]
    lines += _md(t["reach"])
    lines += [""]
    return lines


#: Test-retest agreement a result needs (the share of sets whose verdicts on two disjoint
#: seed blocks agree).
MIN_TEST_RETEST = 0.9


def not_a_result(result: Any) -> list[str]:
    """Why a calibrated exploration is too small (or too unsure) to be a result: one reason
    per failed requirement, empty when it is a result (or when it is not calibrated)."""
    c = result.info.get("calibration")
    if not c:
        return []
    reasons = []
    if c["plausible_sets"] < c["result_ensemble"]:
        reasons.append(f"{c['plausible_sets']} plausible parameter sets, fewer than the "
                       f"{c['result_ensemble']} a result needs")
    elif c["distinct_plausible_sets"] < c["result_ensemble"]:
        reasons.append(f"{c['distinct_plausible_sets']} distinct plausible sets, fewer than "
                       f"the {c['result_ensemble']} a result needs")
    tr = c["test_retest"]
    if not tr >= MIN_TEST_RETEST:
        reasons.append(f"test-retest agreement {_pct(tr)}, below the {MIN_TEST_RETEST:.0%} a "
                       "result needs")
    return reasons


def fact_audit_section(result: Any) -> list[str]:
    """The fact audit (targets.AUDIT, the checked facts; docs/validation.md has all 32):
    verdict, reason and the fact's role in this calibration."""
    import pandas as pd

    from .targets import AUDIT

    cal = result.experiment.calibration
    role = {t.fact: f"target ({t.name})" for t in cal.targets}
    role.update({t.fact: f"held out ({t.name})" for t in cal.held_out})
    rows = [{"fact": fact, "verdict": verdict, "why": why, "in this calibration":
             role.get(fact, "not used")} for fact, (verdict, why) in AUDIT.items()]
    lines = ["## Fact audit", "",
             "Which checked stylized facts emerge from the mechanisms and which follow from an "
             "input or nearly restate a rule (TRACE-style audit; the evidence per fact and the "
             "facts that are not modelled are in docs/validation.md, \"Fact audit\"). Only "
             "emergent facts may be calibration targets, and at least three emergent facts "
             "are held out as validation (the experiment loader refuses anything else).", ""]
    lines += _md(pd.DataFrame(rows))
    return [*lines, ""]


def region_sobol_section(result: Any) -> list[str]:
    t = result.tables
    if "sobol_calibrated" not in t:
        return []
    cfg, sob, region = result.experiment.sobol_calibrated, t["sobol_calibrated"], \
        t["sobol_calibrated_region"]
    lines = ["## Sobol indices on the calibrated region", "",
             "Which assumptions the gaps between regimes depend on where the model reproduces "
             "the emergent facts: each varied parameter over the 5-95% range of the plausible "
             "ensemble, every other parameter at the ensemble's median; the regime levers and "
             "decisive unsourced assumptions of the experiment forced in (`forced`), the rest "
             f"the screening's most influential. Saltelli, N = {cfg.base_samples}, "
             f"{cfg.replications} replications per point; 95% bootstrap intervals "
             f"({cfg.resamples} resamples; full table `sobol_calibrated.csv`).", ""]
    lines += _md(region)
    if len(sob):
        gaps = sob[sob["output"].str.contains(" - ")].copy()
        gaps = gaps.sort_values(["output", "ST"], ascending=[True, False])
        top = gaps.groupby("output", sort=False).head(3)
        lines += ["", "The three largest total indices (ST) of each paired difference "
                  "(output `a - b:metric`):", ""]
        lines += _md(top[["output", "parameter", "ST", "ST_conf", "S1", "S1_conf"]])
    return [*lines, ""]


def breakeven_section(result: Any) -> list[str]:
    t = result.tables
    if "breakeven" not in t:
        return []
    be, table = result.experiment.breakeven, t["breakeven"]
    lines = ["## Break-even values of the decisive assumptions", "",
             f"Each assumption swept alone over its range ({be.grid} values; integers every "
             f"whole value) at the first {be.sets} plausible sets, the other assumptions as in "
             f"each set (their calibrated spread), every regime on the same {be.replications} "
             "seeds at every value. The lead is a regime's mean advantage over the sets in the "
             "metric's better direction; the break-even value is where it reaches zero walking "
             "from the default (linear interpolation), with a 95% interval from resampling "
             f"the sets ({be.resamples} bootstrap resamples; 'beyond' an end: in more than "
             "2.5% of the resamples the lead does not vanish within the swept range). Sweeps: "
             "`breakeven_sweep.csv`.", ""]
    for key in be.parameters:
        rows = table[table["parameter"] == key]
        lines += [f"**{key}** (default {rows['default'].iloc[0]:g}, swept "
                  f"[{rows['swept_low'].iloc[0]:g}, {rows['swept_high'].iloc[0]:g}]):", ""]
        lines += [f"- {s}." for s in rows["statement"]]
        lines += [""]
    return lines


def constraint_sentence(c: dict, held: Any) -> str:
    """How much the facts constrain: the share of the box the emulators rule out, the share
    of the drawn sets that pass, and whether the held-out facts discriminate (a fact that
    holds in nearly every drawn set, plausible or not, is weak evidence)."""
    share = c["region_share"][-1] if c.get("region_share") else float("nan")
    text = (f"How much the facts constrain: by the last wave the emulators rule out "
            f"{_pct(1 - share)} of the box's candidates, and {c['plausible_sets']} of the "
            f"{c['sampled_sets']} sets drawn from the rest pass on their simulated values.")
    if share > 0.5:
        text += (" The calibration facts with their tolerances rule out little of the "
                 "assumption space: the plausible ensemble is close to the prior box, and a "
                 "comparison over it is close to the unfiltered one.")
    if len(held):
        weak = held[held["pass_share_all_sampled"] >= 0.95]
        if len(weak):
            text += (" Held out: " + ", ".join(weak["name"]) + " hold in at least 95% of all "
                     "drawn sets, plausible or not, so passing them is weak evidence.")
    return text
