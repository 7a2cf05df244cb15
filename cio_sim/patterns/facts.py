"""The stylized facts (adr_extract.md §6), one check each: the measures it reads, its test
at ``ALPHA`` and its effect-size floor, documented in its docstring."""

from __future__ import annotations

from collections.abc import Callable

from .checks import FactResult, Runs, _Fact, _median, sign_test, wilcoxon_one_sample


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
           "backlog grows in 10 to 18 of 30 runs, not significantly (docs/validation.md, #27)",
    "p28": "not reproduced since a turnover ends the jaaragenda for good (ADR:L2453, "
           "cio_rijk.jaaragenda_loss 'permanent'): the meetings with a jaaragenda are then a "
           "run's first weeks, whose queue holds few ripe strategic items; seeds 0..29 give "
           "0.095 with vs 0.174 without (p = 1); under 'temporary' p = 0.035, a modest effect "
           "(docs/validation.md, #28)",
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
