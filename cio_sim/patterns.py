"""The stylized facts of the 2021 CIO-stelsel (adr_extract.md §6) as pattern checks.

Defined once, used twice: the validation suite (tests/validation) asserts that the default
parameters reproduce every fact over 30 seeds, and pattern-oriented filtering
(:mod:`cio_sim.explore`, Grimm et al. 2005) keeps the parameter sets that reproduce them.

A fact is checked on a set of *variants*: the 2021 regime (``base``) and one-factor contrasts
of it, run on the same seeds (common random numbers). :func:`contrasts` gives each variant's
overrides relative to a base scenario, :func:`measures` reduces a finished run to one row of
pattern measures, and :func:`check_all` applies every check (a stated test at ``ALPHA`` plus an
effect-size floor) to ``{variant: DataFrame of measures, one row per seed}``. Nothing in the
model encodes these patterns; docs/validation.md documents them with measured figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

WEEKS_PER_YEAR = 52
ALPHA = 0.01
#: A paired test needs values in all but this many replications (a measure can be undefined
#: in a run, e.g. no F/O item decided at the ICBR).
MAX_MISSING = 3
#: Pattern measures assume five simulated years (year-1 vs end backlog, items submitted more
#: than two years before the end).
HORIZON_WEEKS = 260
#: The scenario every fact is about.
BASE_SCENARIO = "consensus_2021"
#: The variants the checks use, in a fixed order ("base" first).
VARIANTS: tuple[str, ...] = ("base", "incidents_x2", "all_fulltime", "doorzetting",
                             "good_vooroverleg", "binding", "high_turnover")


def contrasts(base: Any) -> dict[str, dict[str, Any]]:
    """Variant name -> dotted-key overrides that turn ``base`` (a Scenario) into the variant.

    Contrasts are relative to the base, so they stay one-factor contrasts when the base
    itself carries explored parameter values.
    """
    from .scenario import load_scenario

    fulltime = load_scenario("all_fulltime_2021")
    all_ft: dict[str, Any] = {}
    for code, dept in fulltime.values["departments"].items():
        all_ft[f"departments.{code}.fulltime"] = dept["fulltime"]
        all_ft[f"departments.{code}.time_share"] = dept["time_share"]
    return {
        "base": {},
        # #6: twice the incident rate (ADR:L2237).
        "incidents_x2": {"arrivals.incident_per_year":
                         2.0 * float(base.get("arrivals.incident_per_year"))},
        # #15/#16: every CIO fulltime, as in the all_fulltime_2021 scenario (ADR:L291).
        "all_fulltime": all_ft,
        # #3: same regime, but CIO Rijk decides after the configured rounds (L567 vs N26:L15).
        "doorzetting": {"regime.decision_rule": "doorzettingsmacht"},
        # #7: a vooroverleg that works as well as the CISO-raad.
        "good_vooroverleg": {"voorportaal.vooroverleg.quality":
                             float(base.get("voorportaal.CISO-raad.quality"))},
        # #13: binding kaders checked by CIO Rijk instead of voluntary self-report.
        "binding": {"regime.kader_force": "binding"},
        # #28: frequent turnover at CIO Rijk (2 a year).
        "high_turnover": {"cio_rijk.turnover_per_year": 2.0},
    }


def variant_scenarios(base: Any) -> dict[str, Any]:
    """Variant name -> the Scenario of that variant of ``base``."""
    return {name: base.with_overrides(ov, source=f"pattern variant {name}") if ov else base
            for name, ov in contrasts(base).items()}


# ---------------------------------------------------------------------------- measures

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


# ---------------------------------------------------------------------------- tests

@dataclass(frozen=True)
class Condition:
    """One condition of a fact: what is required, the measured value, whether it holds."""

    what: str
    value: float
    ok: bool

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'FAILS'}: {self.what} (measured {self.value:.4g})"


@dataclass(frozen=True)
class FactResult:
    """The outcome of one fact's check: every condition with its measured value."""

    fact: str
    conditions: tuple[Condition, ...]

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.conditions)

    def __str__(self) -> str:
        return f"{self.fact}: " + "; ".join(str(c) for c in self.conditions)


def _paired(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Drop seeds where either value is missing."""
    ok = a.notna().to_numpy() & b.notna().to_numpy()
    return a.to_numpy(dtype=float)[ok], b.to_numpy(dtype=float)[ok]


def _wilcoxon(d: np.ndarray, alternative: str) -> float:
    """Signed-rank p-value of ``d`` (1.0 when undefined: no values, or all differences 0)."""
    d = d[np.isfinite(d)]
    if d.size == 0 or not np.any(d != 0):
        return 1.0
    p = float(stats.wilcoxon(d, alternative=alternative).pvalue)
    return p if math.isfinite(p) else 1.0


def wilcoxon_greater(a: pd.Series, b: pd.Series) -> tuple[float, float, int]:
    """One-sided paired Wilcoxon signed-rank test of a > b: (p-value, median of a - b, pairs)."""
    x, y = _paired(a, b)
    if x.size == 0:
        return 1.0, math.nan, 0
    return _wilcoxon(x - y, "greater"), float(np.median(x - y)), int(x.size)


def wilcoxon_one_sample(x: pd.Series, bound: float, alternative: str) -> float:
    """One-sided one-sample Wilcoxon signed-rank test of median(x) vs bound: the p-value."""
    v = x.dropna().to_numpy(dtype=float)
    return _wilcoxon(v - bound, alternative)


def sign_test(successes: int, n: int) -> float:
    """One-sided binomial (sign) test of P(success) > 1/2: the p-value."""
    return float(stats.binomtest(successes, n, 0.5, alternative="greater").pvalue)


def _median(x: pd.Series) -> float:
    v = x.dropna()
    return float(v.median()) if len(v) else math.nan


class _Fact:
    """Collects the conditions of one fact."""

    def __init__(self, name: str, n: int):
        self.name, self.n, self.conds = name, n, []

    def require(self, what: str, value: float, ok: bool) -> None:
        self.conds.append(Condition(what, float(value), bool(ok and not _isnan(value))))

    def p_below_alpha(self, what: str, p: float) -> None:
        self.require(f"{what}: p < {ALPHA}", p, p < ALPHA)

    def paired_greater(self, what: str, a: pd.Series, b: pd.Series,
                       floor: tuple[str, float] | None = None) -> float:
        """Require a > b (paired Wilcoxon, alpha) with enough pairs and, given ``floor`` =
        (what it says, its value), a median gap of at least that value; return the gap."""
        p, gap, pairs = wilcoxon_greater(a, b)
        self.require(f"{what}: pairs >= n - {MAX_MISSING}", pairs, pairs >= self.n - MAX_MISSING)
        self.p_below_alpha(what, p)
        if floor is not None:
            self.require(floor[0], gap, gap >= floor[1])
        return gap

    def result(self) -> FactResult:
        return FactResult(self.name, tuple(self.conds))


def _isnan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


Runs = Mapping[str, pd.DataFrame]


def p02_p32(runs: Runs) -> FactResult:
    """#2/#32 (ADR:L498, L3402, L3459): consensus is hard to reach on multi-department,
    high-impact (keuzematrix q4) items.

    Measure: per run, the share of ripe CIO-beraad rounds that end in consensus (adoption),
    for q4 items vs one-department items (q1+q2); and the share of closed items that end
    without a decision (stalled after max_rounds, or withdrawn after too many compromises).
    Test: one-sided paired Wilcoxon signed-rank, alpha = 0.01, for both.
    Floor: median per-run gap >= 0.10 in the consensus rate and >= 0.05 in the failed share.
    (Lead time itself is not longer for q4 items: urgent multi-department items jump the
    queue; see docs/validation.md.)
    """
    base = runs["base"]
    f = _Fact("p02_p32", len(base))
    f.paired_greater("consensus rate one-dept > q4", base["consensus_rate_one_dept"],
                     base["consensus_rate_q4"], ("median gap in consensus rate >= 0.10", 0.10))
    f.paired_greater("failed share q4 > one-dept", base["failed_share_q4"],
                     base["failed_share_one_dept"], ("median gap in failed share >= 0.05", 0.05))
    return f.result()


def p03(runs: Runs) -> FactResult:
    """#3 (ADR:L567): without a way to decide when consensus fails, items end without a
    decision and the backlog stays high.

    Measure: items ended without a decision per run (stalled after max_rounds, or withdrawn
    after too many compromises; since delegates' reserves are settled in writing, items end
    withdrawn rather than stalled, see docs/validation.md); backlog at the end; contrast with
    the same regime where CIO Rijk may decide over a remaining objection
    (regime.decision_rule = doorzettingsmacht), same seeds.
    Test: sign test that a consensus run has such items (one-sided binomial, alpha = 0.01);
    one-sided paired Wilcoxon that the consensus backlog is larger, alpha = 0.01.
    Floor: every consensus run has >= 5 such items; median backlog reduction >= 20% of the
    consensus median.
    """
    base, dz = runs["base"], runs["doorzetting"]
    n = len(base)
    f = _Fact("p03", n)
    failed = base["stalled"] + base["withdrawn"]
    f.p_below_alpha("runs with items ended without a decision (sign test)",
                    sign_test(int((failed > 0).sum()), n))
    f.require("fewest items ended without a decision in a run >= 5", failed.min(),
              failed.min() >= 5)
    floor = 0.2 * _median(base["backlog_end"])
    f.paired_greater("backlog consensus > doorzettingsmacht", base["backlog_end"],
                     dz["backlog_end"],
                     (f"median backlog reduction >= 20% of the consensus median ({floor:.3g})",
                      floor))
    return f.result()


def p04(runs: Runs) -> FactResult:
    """#4 (ADR:L251, L532): the CIO-beraad agenda is operational-tactical, not strategic.

    Measure: strategic_agenda_share (slots spent deciding ripe strategic items) per run,
    and the strategic share of all arriving items in the same run.
    Test: one-sample one-sided Wilcoxon that the median strategic share < 0.5, alpha = 0.01;
    paired one-sided Wilcoxon that the agenda share is below the arrival share (strategic
    items are crowded out, not just scarce), alpha = 0.01.
    Floor: median strategic agenda share <= 0.25.
    """
    base = runs["base"]
    f = _Fact("p04", len(base))
    f.p_below_alpha("strategic agenda share < 0.5",
                    wilcoxon_one_sample(base["strategic_agenda_share"], 0.5, "less"))
    med = _median(base["strategic_agenda_share"])
    f.require("median strategic agenda share <= 0.25", med, med <= 0.25)
    f.paired_greater("strategic arrival share > agenda share", base["strategic_arrival_share"],
                     base["strategic_agenda_share"])
    return f.result()


def p06(runs: Runs) -> FactResult:
    """#6 (ADR:L2237, L2401, L3454): the agenda is driven by incidents and Kamer commitments,
    and more so when incidents rise.

    Measure: exogenous_agenda_share (slots on incident and parliamentary items) and
    strategic_agenda_share; contrast: arrivals.incident_per_year doubled, same seeds.
    Test: one-sided paired Wilcoxon, alpha = 0.01, that the exogenous share rises and the
    strategic share falls with the doubled incident rate (that the baseline agenda share
    exceeds the arrival share is no longer reproduced: p06b).
    Floor: baseline median exogenous agenda share >= 0.35; median rise >= 0.10.
    """
    base, inc = runs["base"], runs["incidents_x2"]
    f = _Fact("p06", len(base))
    f.paired_greater("exogenous share rises with incidents x2", inc["exogenous_agenda_share"],
                     base["exogenous_agenda_share"], ("median rise >= 0.10", 0.10))
    f.paired_greater("strategic share falls with incidents x2", base["strategic_agenda_share"],
                     inc["strategic_agenda_share"])
    med = _median(base["exogenous_agenda_share"])
    f.require("median exogenous agenda share >= 0.35", med, med >= 0.35)
    return f.result()


def p06b(runs: Runs) -> FactResult:
    """#6 (ADR:L2237): at baseline the agenda share of incident and parliamentary items
    exceeds their share of arrivals (they jump the queue).

    Test: paired one-sided Wilcoxon, alpha = 0.01.
    Floor: none (the test alone). Not reproduced since delegates' reserves are settled in
    writing (NOT_REPRODUCED).
    """
    base = runs["base"]
    f = _Fact("p06b", len(base))
    f.paired_greater("exogenous agenda share > arrival share", base["exogenous_agenda_share"],
                     base["exogenous_arrival_share"])
    return f.result()


def p07(runs: Runs) -> FactResult:
    """#7 (ADR:L986, L1669): immature papers reach the CIO-beraad, which re-discusses them.

    Measure: rediscussion_share (agenda slots spent on papers below the required maturity);
    contrast: a vooroverleg as good as the CISO-raad (voorportaal.vooroverleg.quality set to
    the CISO-raad's), same seeds, to show the leak comes from the vooroverleg.
    Test: sign test that runs have rediscussion_share >= 0.10 (one-sided binomial,
    alpha = 0.01); one-sided paired Wilcoxon that the better vooroverleg lowers it,
    alpha = 0.01.
    Floor: median reduction >= half of the baseline median.
    """
    base, good = runs["base"], runs["good_vooroverleg"]
    n = len(base)
    f = _Fact("p07", n)
    f.p_below_alpha("runs with rediscussion share >= 0.10 (sign test)",
                    sign_test(int((base["rediscussion_share"] >= 0.10).sum()), n))
    floor = 0.5 * _median(base["rediscussion_share"])
    f.paired_greater("better vooroverleg lowers rediscussion", base["rediscussion_share"],
                     good["rediscussion_share"],
                     (f"median reduction >= half the baseline median ({floor:.3g})", floor))
    return f.result()


def p09(runs: Runs) -> FactResult:
    """#9 (ADR:L3160, L952, L1962): the same topic comes back on the agenda repeatedly.

    Measure: mean CIO-beraad agenda appearances per decided item; share of decided items that
    appeared at least twice.
    Test: one-sample one-sided Wilcoxon that the mean appearances exceed 1 (one appearance
    would be the efficient process), alpha = 0.01.
    Floor: median of the per-run mean >= 1.5 and median share with 2+ appearances >= 0.3.
    """
    base = runs["base"]
    f = _Fact("p09", len(base))
    f.p_below_alpha("mean appearances > 1",
                    wilcoxon_one_sample(base["mean_agenda_appearances"], 1.0, "greater"))
    med = _median(base["mean_agenda_appearances"])
    f.require("median mean appearances >= 1.5", med, med >= 1.5)
    med2 = _median(base["share_decided_2plus_appearances"])
    f.require("median share with 2+ appearances >= 0.3", med2, med2 >= 0.3)
    return f.result()


def p13(runs: Runs) -> FactResult:
    """#13 (ADR:L994, L3437, L3460): under voluntary monitoring, reported compliance exceeds
    actual compliance.

    Measure: weekly compliance_reported - compliance_actual averaged over years 2-5
    (compliance_gap_mean); contrast: binding kaders checked by CIO Rijk
    (regime.kader_force = binding), same seeds.
    Test: one-sample one-sided Wilcoxon that the gap is > 0, alpha = 0.01; one-sided paired
    Wilcoxon that the voluntary gap exceeds the binding gap, alpha = 0.01.
    Floor: median gap >= 0.03 (3 percentage points) and median gap at the end of the run
    > 0.
    """
    base, binding = runs["base"], runs["binding"]
    f = _Fact("p13", len(base))
    f.p_below_alpha("compliance gap > 0",
                    wilcoxon_one_sample(base["compliance_gap_mean"], 0.0, "greater"))
    med = _median(base["compliance_gap_mean"])
    f.require("median gap >= 0.03", med, med >= 0.03)
    end = _median(base["compliance_gap_end"])
    f.require("median gap at the end > 0", end, end > 0)
    f.paired_greater("voluntary gap > binding gap", base["compliance_gap_mean"],
                     binding["compliance_gap_mean"])
    return f.result()


def p15_p16(runs: Runs) -> FactResult:
    """#15/#16 (ADR:L648, L478, L966): parttime CIOs lack time; delegates attend and cannot
    commit, so decisions are deferred.

    Measure: share of CIO-beraad seats filled by a delegate, parttime vs fulltime CIOs; share
    of the Rijksbreed attention budget used; share of ripe rounds deferred (a delegate's
    reserve blocks consensus); contrast: every CIO fulltime (all_fulltime_2021), same seeds.
    Test: sign test that delegate share PT > FT per run (one-sided binomial, alpha = 0.01);
    same for attention used; one-sided paired Wilcoxon that deferrals fall and adoptions rise
    with all-fulltime CIOs, alpha = 0.01.
    Floor: median parttime delegate share >= 0.10; median adoption gain >= 2 per year.
    """
    base, ft = runs["base"], runs["all_fulltime"]
    n = len(base)
    f = _Fact("p15_p16", n)
    more = int((base["delegate_share_parttime"] > base["delegate_share_fulltime"]).sum())
    f.p_below_alpha("delegate share parttime > fulltime (sign test)", sign_test(more, n))
    med = _median(base["delegate_share_parttime"])
    f.require("median parttime delegate share >= 0.10", med, med >= 0.10)
    busier = int((base["attention_used_parttime"] > base["attention_used_fulltime"]).sum())
    f.p_below_alpha("attention used parttime > fulltime (sign test)", sign_test(busier, n))
    f.paired_greater("deferrals fall with all-fulltime CIOs", base["defer_share_ripe"],
                     ft["defer_share_ripe"])
    f.paired_greater("adoptions rise with all-fulltime CIOs", ft["adopted_per_year"],
                     base["adopted_per_year"], ("median adoption gain >= 2 per year", 2.0))
    return f.result()


def p18(runs: Runs) -> FactResult:
    """#18 (ADR:L1020-1024, L2243): departments resist the 'hoe'; prescriptive kaders are
    implemented less.

    Measure: per run, actual compliance of due (kader, department) pairs whose kader is above
    vs below the run's median prescriptiveness (after compromises).
    Test: one-sided paired Wilcoxon signed-rank, alpha = 0.01.
    Floor: median per-run difference >= 0.02.
    """
    base = runs["base"]
    f = _Fact("p18", len(base))
    f.paired_greater("compliance low > high prescriptiveness",
                     base["compliance_low_prescriptive"], base["compliance_high_prescriptive"],
                     ("median difference >= 0.02", 0.02))
    return f.result()


def p24(runs: Runs) -> FactResult:
    """#24 (ADR:L2965, L994, L1670): the ICBR holds the money; the CIO-beraad is sometimes
    skipped or consulted at very short notice.

    Measure: share of F/O items decided at the ICBR that never passed the CIO-beraad; median
    lead time of those items vs F/O items that went through the CIO-beraad first.
    Test: sign test that a run has bypasses (one-sided binomial, alpha = 0.01); one-sided
    paired Wilcoxon that the bypass route is faster, alpha = 0.01.
    Floor: median bypass share >= 0.05; bypass lead time <= a quarter of the CIO-beraad route.
    """
    base = runs["base"]
    n = len(base)
    f = _Fact("p24", n)
    f.p_below_alpha("runs with ICBR bypasses (sign test)",
                    sign_test(int((base["icbr_bypasses"] > 0).sum()), n))
    med = _median(base["bypass_share_of_icbr_decisions"])
    f.require("median bypass share >= 0.05", med, med >= 0.05)
    f.paired_greater("CIO-beraad route slower than bypass", base["lead_time_via_cio_beraad"],
                     base["lead_time_bypassed"])
    ratio = _median(base["lead_time_bypassed"]) / _median(base["lead_time_via_cio_beraad"])
    f.require("median bypass lead time <= 0.25 x CIO-beraad route", ratio, ratio <= 0.25)
    return f.result()


def p27(runs: Runs) -> FactResult:
    """#27 (ADR:L956): too many balls in the air; the pipeline outgrows the capacity.

    Measure: open items (backlog) after year 1 and at the end of year 5; arrivals vs
    decisions per year.
    Test: sign test that the backlog grows from year 1 to year 5 (one-sided binomial,
    alpha = 0.01); one-sided paired Wilcoxon that arrivals exceed decisions, alpha = 0.01.
    Floor: median backlog ratio (end / year 1) >= 1.5.
    """
    base = runs["base"]
    n = len(base)
    f = _Fact("p27", n)
    grows = int((base["backlog_end_series"] > base["backlog_year1"]).sum())
    f.p_below_alpha("backlog grows from year 1 to the end (sign test)", sign_test(grows, n))
    ratio = _median(base["backlog_end_series"] / base["backlog_year1"])
    f.require("median backlog ratio end / year 1 >= 1.5", ratio, ratio >= 1.5)
    f.paired_greater("arrivals > decisions", base["arrivals_per_year"],
                     base["decisions_per_year"])
    return f.result()


def p28(runs: Runs) -> FactResult:
    """#28 (ADR:L2610, L2453): discontinuity at CIO Rijk (no jaaragenda) weakens
    agenda-setting.

    Measure: within each run of a high-turnover contrast (cio_rijk.turnover_per_year 2, so
    that enough meetings fall in a disrupted half-year), the share of agenda slots spent
    deciding ripe strategic items at meetings with vs without a jaaragenda. Whether the
    missing reserved slot matters depends on the queue (urgent items, unripe papers), so the
    size of the effect is emergent.
    Test: one-sided paired Wilcoxon signed-rank over runs, alpha = 0.01.
    Floor: median difference >= 0.015 (about a tenth of the strategic share).
    """
    high = runs["high_turnover"]
    f = _Fact("p28", len(high))
    f.paired_greater("strategic share with > without jaaragenda",
                     high["strategic_share_with_jaaragenda"],
                     high["strategic_share_without_jaaragenda"],
                     ("median difference >= 0.015", 0.015))
    return f.result()


def p29(runs: Runs) -> FactResult:
    """#29 (ADR:L3429, L980, L1004): the mirrored, duo-chaired CISO-raad passes items with
    less rework than the 'losgezongen' CTO-raad.

    Measure: rework rate per voorportaal (treatments that send the paper back); mean weeks
    from submission to first being ready for the CIO-beraad, security items (CISO-raad) vs
    technology items (CTO-raad).
    Test: sign test that the CISO-raad rework rate is below the CTO-raad's per run
    (one-sided binomial, alpha = 0.01); one-sided paired Wilcoxon that technology items take
    longer to get ready, alpha = 0.01.
    Floor: median rework-rate difference >= 0.10; median extra preparation >= 1 week.
    """
    base = runs["base"]
    n = len(base)
    f = _Fact("p29", n)
    lower = int((base["rework_CISO-raad"] < base["rework_CTO-raad"]).sum())
    f.p_below_alpha("CISO-raad rework < CTO-raad (sign test)", sign_test(lower, n))
    diff = _median(base["rework_CTO-raad"] - base["rework_CISO-raad"])
    f.require("median rework-rate difference >= 0.10", diff, diff >= 0.10)
    f.paired_greater("technology items take longer to get ready",
                     base["weeks_to_ready_technology"], base["weeks_to_ready_security"],
                     ("median extra preparation >= 1 week", 1.0))
    return f.result()


#: Every fact, by name, in the order of adr_extract.md §6.
FACTS: dict[str, Callable[[Runs], FactResult]] = {
    "p02_p32": p02_p32, "p03": p03, "p04": p04, "p06": p06, "p06b": p06b, "p07": p07,
    "p09": p09, "p13": p13, "p15_p16": p15_p16, "p18": p18, "p24": p24, "p27": p27,
    "p28": p28, "p29": p29,
}
#: The pattern variants each fact reads (its runs must include them). The filter runs the
#: variants in the order of VARIANTS and checks each fact as soon as its variants are in, so a
#: parameter set that fails an early fact is rejected without running the rest.
NEEDS: dict[str, tuple[str, ...]] = {
    "p02_p32": ("base",), "p03": ("base", "doorzetting"), "p04": ("base",),
    "p06": ("base", "incidents_x2"), "p06b": ("base",), "p07": ("base", "good_vooroverleg"),
    "p09": ("base",), "p13": ("base", "binding"), "p15_p16": ("base", "all_fulltime"),
    "p18": ("base",), "p24": ("base",), "p27": ("base",), "p28": ("high_turnover",),
    "p29": ("base",),
}
#: Facts the model no longer reproduces at its defaults, with why (the validation suite
#: expects them to fail; the filter does not require them).
NOT_REPRODUCED: dict[str, str] = {
    "p06b": "no longer reproduced since delegates' reserves are settled in writing: the queue "
            "is short, so urgent items no longer jump it at baseline (docs/validation.md, #6)",
    "p27": "no longer reproduced since delegates' reserves are settled in writing: the "
           "backlog grows in about 18 of 30 runs, not significantly (docs/validation.md, #27)",
}
#: The facts the model reproduces at its defaults: what the filter requires by default.
REPRODUCED: tuple[str, ...] = tuple(f for f in FACTS if f not in NOT_REPRODUCED)


def check_all(runs: Runs, facts: tuple[str, ...] | None = None) -> dict[str, FactResult]:
    """Apply the named facts (all by default) to ``{variant: measures by seed}``.

    Every variant's rows must be in the same seed order (paired tests).
    """
    names = tuple(FACTS) if facts is None else facts
    unknown = sorted(set(names) - set(FACTS))
    if unknown:
        raise KeyError(f"unknown fact {unknown[0]!r}; known: {', '.join(FACTS)}")
    return {name: FACTS[name](runs) for name in names}


def reproduces(runs: Runs, facts: tuple[str, ...] | None = None) -> bool:
    """Whether every named fact passes."""
    return all(r.passed for r in check_all(runs, facts).values())
