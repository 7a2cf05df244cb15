"""The DataFrame definition of the pattern measures, as cio_sim.patterns computed them before
it read the model's records directly: the reference the fast measures must equal."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

WEEKS_PER_YEAR = 52


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else math.nan


def measures(model: Any) -> dict[str, float]:
    """One row of pattern measures of a finished run (definitions in docs/validation.md)."""
    s = model.summary()
    pr = model.proposals()
    ag = model.agenda().join(pr.set_index("id")[["quadrant", "domain"]], on="proposal_id")
    comp = model.compliance()
    ts = model.timeseries()
    vp = model.voorportaal_stats().set_index("voorportaal")
    decided = pr[pr["state"].isin(["adopted", "rejected"])]
    ripe = ag[ag["ripe"]]
    out: dict[str, float] = {k: float(v) for k, v in s.items()}

    # #2/#32: consensus per ripe round and rounds per decided item, by keuzematrix quadrant.
    one_dept = ripe["quadrant"].isin(["q1", "q2"])
    out["consensus_rate_q4"] = _share(ripe.loc[ripe["quadrant"] == "q4", "outcome"] == "adopt")
    out["consensus_rate_one_dept"] = _share(ripe.loc[one_dept, "outcome"] == "adopt")
    out["objection_rate_q4"] = _share(ripe.loc[ripe["quadrant"] == "q4", "objections"] > 0)
    out["objection_rate_one_dept"] = _share(ripe.loc[one_dept, "objections"] > 0)
    closed = pr[pr["state"].isin(["adopted", "rejected", "stalled", "withdrawn"])]
    for name, cl in (("q4", closed[closed["quadrant"] == "q4"]),
                     ("one_dept", closed[closed["quadrant"].isin(["q1", "q2"])])):
        out[f"failed_share_{name}"] = _share(cl["state"].isin(["stalled", "withdrawn"]))
    early_dep = pr[(pr["origin"] == "departmental")
                   & (pr["submitted_step"] < model.horizon - 2 * WEEKS_PER_YEAR)]
    adopted_in_year = (early_dep["state"] == "adopted") & (
        early_dep["lead_time_weeks"].fillna(10**6) <= WEEKS_PER_YEAR)
    multi = early_dep["n_affected"] > 1
    out["dep_adopted_1y_multi"] = _share(adopted_in_year[multi])
    out["dep_adopted_1y_single"] = _share(adopted_in_year[~multi])

    # #4/#6: strategic share of the items that arrived (to compare with the agenda share).
    out["strategic_arrival_share"] = _share(pr["strategic"])
    out["exogenous_arrival_share"] = _share(pr["origin"].isin(["incident", "parliamentary"]))

    # #9: repeated agendizing.
    out["share_decided_2plus_appearances"] = _share(decided["agenda_appearances"] >= 2)

    # #13: reported minus actual compliance, averaged over years 2..end (weekly series).
    window = ts[ts["step"] >= 2 * WEEKS_PER_YEAR]
    gap = (window["compliance_reported"] - window["compliance_actual"]).dropna()
    out["compliance_gap_mean"] = float(gap.mean()) if len(gap) else math.nan
    out["compliance_gap_end"] = s["compliance_reported"] - s["compliance_actual"]

    # #16: deferrals because a delegate could not commit the department.
    out["defer_share_ripe"] = _share(ripe["outcome"] == "defer")

    # #18: actual compliance of due pairs with above- vs below-median prescriptiveness.
    due = comp[comp["due"] & ~comp["learning"]].join(
        pr.set_index("id")[["prescriptiveness"]], on="proposal_id")
    if len(due):
        high = due["prescriptiveness"] > due["prescriptiveness"].median()
        out["compliance_high_prescriptive"] = _share(due.loc[high, "compliant_actual"])
        out["compliance_low_prescriptive"] = _share(due.loc[~high, "compliant_actual"])
    else:
        out["compliance_high_prescriptive"] = out["compliance_low_prescriptive"] = math.nan

    # #24: F/O items decided at the ICBR with and without CIO-beraad deliberation.
    fo = decided[decided["fin_org"] & (decided["forum"] == "icbr")]
    out["lead_time_bypassed"] = float(fo.loc[fo["bypassed_icbr"], "lead_time_weeks"].median()) \
        if fo["bypassed_icbr"].any() else math.nan
    via = fo[~fo["bypassed_icbr"]]
    out["lead_time_via_cio_beraad"] = float(via["lead_time_weeks"].median()) if len(via) \
        else math.nan
    out["bypass_share_of_icbr_decisions"] = _share(fo["bypassed_icbr"])

    # #27: backlog growth and items never put on an agenda.
    backlog = ts.set_index("step")["backlog"]
    out["backlog_year1"] = float(backlog.get(WEEKS_PER_YEAR, math.nan))
    out["backlog_end_series"] = float(backlog.iloc[-1])
    out["arrivals_per_year"] = len(pr) / (model.steps / WEEKS_PER_YEAR)

    # #28: strategic items adopted; strategic share of slots at meetings with and without a
    # jaaragenda (a CIO Rijk turnover removes it for a while).
    out["strategic_adopted"] = float(((pr["strategic"]) & (pr["state"] == "adopted")).sum())
    jaaragenda = ts.set_index("step")["jaaragenda"].astype(bool)
    with_plan = ag["step"].map(jaaragenda).fillna(True).astype(bool)
    strategic_slot = ag["strategic"] & ag["ripe"]
    out["strategic_share_with_jaaragenda"] = _share(strategic_slot[with_plan])
    out["strategic_share_without_jaaragenda"] = _share(strategic_slot[~with_plan])

    # #29: rework per voorportaal and CIO-beraad appearances by domain.
    for name in ("CISO-raad", "CTO-raad"):
        out[f"rework_{name}"] = float(vp.loc[name, "rework_rate"])
    ev = model.event_log()
    first_ready = ev[ev["to_state"] == "ready"].groupby("proposal_id")["step"].min()
    prep = pr.set_index("id").join(first_ready.rename("ready_step"), how="inner")
    prep_weeks = prep["ready_step"] - prep["submitted_step"]
    for dom in ("security", "technology"):
        d = decided[decided["domain"] == dom]
        out[f"appearances_{dom}"] = float(d["agenda_appearances"].mean()) if len(d) \
            else math.nan
        w = prep_weeks[prep["domain"] == dom]
        out[f"weeks_to_ready_{dom}"] = float(w.mean()) if len(w) else math.nan
    return out

