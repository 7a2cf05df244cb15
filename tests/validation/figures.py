"""The figures of docs/validation.md's per-fact table, from the validation suite's runs.

Runs ``consensus_2021`` and its one-factor contrasts (:data:`cio_sim.patterns.VARIANTS`) on the
given seeds, as the suite's session fixture does, and prints per fact the measured values:
"median (IQR)" over runs, per-run values first, with the p-values of the checks in
:mod:`cio_sim.patterns` and of the extra comparisons the table quotes::

    python tests/validation/figures.py                 # seeds 0..29, 2 worker processes
    python tests/validation/figures.py --seeds 30:60   # the seed-luck check
    python tests/validation/figures.py --seeds 0:300 --blocks 30   # verdicts per block of 30
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

import cio_sim
from cio_sim import patterns

Runs = dict[str, pd.DataFrame]


def _run(args: tuple[str, cio_sim.Scenario, int]) -> dict[str, float]:
    variant, scenario, seed = args
    model = cio_sim.CIOModel(scenario, seed=seed).run()
    row = patterns.measures(model)
    row["variant"], row["seed"] = variant, seed
    return row


def run_variants(seeds: Iterable[int], workers: int = 2) -> Runs:
    """Variant name -> DataFrame with one row of pattern measures per seed (sorted by seed).

    Forked worker processes when available and ``workers`` > 1, else serial; every variant
    runs the same seeds (common random numbers).
    """
    variants = patterns.variant_scenarios(cio_sim.load_scenario(patterns.BASE_SCENARIO))
    jobs = [(v, sc, s) for v, sc in variants.items() for s in seeds]
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        with ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            rows = list(pool.map(_run, jobs, chunksize=8))
    else:
        rows = [_run(j) for j in jobs]
    df = pd.DataFrame(rows)
    return {v: g.sort_values("seed").reset_index(drop=True) for v, g in df.groupby("variant")}


def miqr(x: pd.Series) -> str:
    """'median (q1-q3)' of the non-missing values."""
    v = x.dropna()
    q1, med, q3 = (float(v.quantile(q)) for q in (0.25, 0.5, 0.75))
    return f"{med:.4g} ({q1:.4g}-{q3:.4g})"


def _p(a: pd.Series, b: pd.Series) -> str:
    """One-sided paired Wilcoxon a > b: 'p = …, median gap …'."""
    p, gap, _ = patterns.wilcoxon_greater(a, b)
    return f"p = {p:.2g}, median paired gap {gap:.4g}"


def _count(mask: pd.Series) -> str:
    return f"{int(mask.sum())}/{len(mask)} runs"


def figures(runs: Runs) -> list[str]:
    """One line per fact of the table, with every figure it quotes."""
    b, ft, dz = runs["base"], runs["all_fulltime"], runs["doorzetting"]
    inc, good, bind, ht = (runs[k] for k in ("incidents_x2", "good_vooroverleg", "binding",
                                              "high_turnover"))
    failed = b["stalled"] + b["withdrawn"]
    both = b["appearances_security"].notna() & b["appearances_technology"].notna()
    app_p = float(stats.wilcoxon(b.loc[both, "appearances_security"],
                                 b.loc[both, "appearances_technology"]).pvalue)
    ratio = b["backlog_end_series"] / b["backlog_year1"]
    grows = b["backlog_end_series"] > b["backlog_year1"]
    return [
        f"#1: overrides max {b['overrides'].max():g}",
        f"#2/#32: consensus per ripe round q4 {miqr(b['consensus_rate_q4'])} vs one-dept "
        f"{miqr(b['consensus_rate_one_dept'])}; "
        f"{_p(b['consensus_rate_one_dept'], b['consensus_rate_q4'])}; objection rounds q4 "
        f"{b['objection_rate_q4'].median():.3g}, one-dept "
        f"{b['objection_rate_one_dept'].median():.3g}; failed share q4 "
        f"{b['failed_share_q4'].median():.3g} vs one-dept "
        f"{b['failed_share_one_dept'].median():.3g} "
        f"({_p(b['failed_share_q4'], b['failed_share_one_dept'])}); departmental items "
        f"adopted within a year, multi {miqr(b['dep_adopted_1y_multi'])} vs single "
        f"{miqr(b['dep_adopted_1y_single'])} "
        f"({_p(b['dep_adopted_1y_single'], b['dep_adopted_1y_multi'])}); median lead time "
        f"{b['median_lead_time_decided_weeks'].median():.3g} weeks, p90 "
        f"{b['p90_lead_time_decided_weeks'].median():.4g}, rounds per decided item "
        f"{b['mean_rounds'].median():.3g}; q4 adoptions/year {miqr(b['adopted_per_year_q4'])}",
        f"#3: stalled {miqr(b['stalled'])}, withdrawn {miqr(b['withdrawn'])}, rejected "
        f"{miqr(b['rejected'])}; ended without a decision min {failed.min():g}; backlog at the "
        f"end {miqr(b['backlog_end'])} vs doorzettingsmacht {miqr(dz['backlog_end'])} "
        f"({_p(b['backlog_end'], dz['backlog_end'])}); overrides under doorzettingsmacht "
        f"{miqr(dz['overrides'])}",
        f"#4: strategic agenda share {miqr(b['strategic_agenda_share'])} (vs 0.5: p = "
        f"{patterns.wilcoxon_one_sample(b['strategic_agenda_share'], 0.5, 'less'):.2g}); "
        f"strategic arrival share {miqr(b['strategic_arrival_share'])} "
        f"({_p(b['strategic_arrival_share'], b['strategic_agenda_share'])})",
        f"#6: exogenous agenda share {miqr(b['exogenous_agenda_share'])} vs arrivals "
        f"{miqr(b['exogenous_arrival_share'])} "
        f"({_p(b['exogenous_agenda_share'], b['exogenous_arrival_share'])}); incidents x2: "
        f"exogenous {miqr(inc['exogenous_agenda_share'])} "
        f"({_p(inc['exogenous_agenda_share'], b['exogenous_agenda_share'])}), strategic "
        f"{miqr(inc['strategic_agenda_share'])} "
        f"({_p(b['strategic_agenda_share'], inc['strategic_agenda_share'])})",
        f"#7: rediscussion share {miqr(b['rediscussion_share'])}, >= 0.10 in "
        f"{_count(b['rediscussion_share'] >= 0.10)}; good vooroverleg "
        f"{miqr(good['rediscussion_share'])} "
        f"({_p(b['rediscussion_share'], good['rediscussion_share'])})",
        f"#8: feedback retained {miqr(b['feedback_retained'])}; good vooroverleg "
        f"{miqr(good['feedback_retained'])}",
        f"#9: appearances per decided item {miqr(b['mean_agenda_appearances'])}; share 2+ "
        f"{miqr(b['share_decided_2plus_appearances'])}",
        f"#10: meeting hours per decision {miqr(b['meeting_hours_per_decision'])}",
        f"#13: gap years 2-5 {miqr(b['compliance_gap_mean'])} (> 0: p = "
        f"{patterns.wilcoxon_one_sample(b['compliance_gap_mean'], 0.0, 'greater'):.2g}); end "
        f"actual {miqr(b['compliance_actual'])}, reported {miqr(b['compliance_reported'])}, "
        f"gap {miqr(b['compliance_gap_end'])}; binding gap years 2-5 "
        f"{miqr(bind['compliance_gap_mean'])} "
        f"({_p(b['compliance_gap_mean'], bind['compliance_gap_mean'])})",
        f"#15: attention used parttime {miqr(b['attention_used_parttime'])}, fulltime "
        f"{miqr(b['attention_used_fulltime'])}, parttime higher in "
        f"{_count(b['attention_used_parttime'] > b['attention_used_fulltime'])}",
        f"#16: delegate share parttime {miqr(b['delegate_share_parttime'])}, fulltime "
        f"{miqr(b['delegate_share_fulltime'])}, higher in "
        f"{_count(b['delegate_share_parttime'] > b['delegate_share_fulltime'])}; ripe rounds "
        f"with only reserves {miqr(b['defer_share_ripe'])} vs all fulltime "
        f"{miqr(ft['defer_share_ripe'])}; adoptions/year {miqr(b['adopted_per_year'])} vs all "
        f"fulltime {miqr(ft['adopted_per_year'])} "
        f"({_p(ft['adopted_per_year'], b['adopted_per_year'])})",
        f"#18: compliance below-median prescriptiveness "
        f"{miqr(b['compliance_low_prescriptive'])} vs above "
        f"{miqr(b['compliance_high_prescriptive'])} "
        f"({_p(b['compliance_low_prescriptive'], b['compliance_high_prescriptive'])})",
        f"#24: ICBR escalations {miqr(b['icbr_escalations'])}, bypasses "
        f"{miqr(b['icbr_bypasses'])}, present in {_count(b['icbr_bypasses'] > 0)}; bypass "
        f"share of ICBR-decided F/O items {miqr(b['bypass_share_of_icbr_decisions'])}; lead "
        f"time bypassed {miqr(b['lead_time_bypassed'])} vs via the CIO-beraad "
        f"{miqr(b['lead_time_via_cio_beraad'])} "
        f"({_p(b['lead_time_via_cio_beraad'], b['lead_time_bypassed'])})",
        f"#27: backlog year 1 {miqr(b['backlog_year1'])}, end "
        f"{miqr(b['backlog_end_series'])}, ratio {miqr(ratio)}, grows in {_count(grows)} "
        f"(sign test p = {patterns.sign_test(int(grows.sum()), len(grows)):.2g}); arrivals "
        f"{miqr(b['arrivals_per_year'])} vs decisions {miqr(b['decisions_per_year'])} per year "
        f"({_p(b['arrivals_per_year'], b['decisions_per_year'])})",
        f"#28: turnover 2/year: strategic share with jaaragenda "
        f"{miqr(ht['strategic_share_with_jaaragenda'])} vs without "
        f"{miqr(ht['strategic_share_without_jaaragenda'])} "
        f"({_p(ht['strategic_share_with_jaaragenda'], ht['strategic_share_without_jaaragenda'])})"
        f"; strategic share base {b['strategic_agenda_share'].median():.3g} vs turnover "
        f"{ht['strategic_agenda_share'].median():.3g} "
        f"({_p(b['strategic_agenda_share'], ht['strategic_agenda_share'])}); strategic "
        f"items adopted {b['strategic_adopted'].median():g} vs "
        f"{ht['strategic_adopted'].median():g} "
        f"({_p(b['strategic_adopted'], ht['strategic_adopted'])})",
        f"#29: rework CISO-raad {miqr(b['rework_CISO-raad'])} vs CTO-raad "
        f"{miqr(b['rework_CTO-raad'])}, lower in "
        f"{_count(b['rework_CISO-raad'] < b['rework_CTO-raad'])}; weeks to ready security "
        f"{miqr(b['weeks_to_ready_security'])}, technology "
        f"{miqr(b['weeks_to_ready_technology'])} "
        f"({_p(b['weeks_to_ready_technology'], b['weeks_to_ready_security'])}); appearances "
        f"security {b['appearances_security'].mean():.3g} vs technology "
        f"{b['appearances_technology'].mean():.3g} (two-sided p = {app_p:.2g})",
    ]


def checks(results: dict[str, patterns.FactResult]) -> list[str]:
    """Every check's result (:func:`cio_sim.patterns.check_all`), passed or failing, with its
    conditions."""
    return [str(r) for r in results.values()]


def blocks(runs: Runs, size: int) -> list[str]:
    """Every check's verdict on each consecutive block of ``size`` seeds (the suite's own
    sample size, for seed luck), the share of blocks it passes, and its verdict on all seeds."""
    seeds = sorted(runs["base"]["seed"])
    starts = range(seeds[0], seeds[-1] + 1, size)
    verdicts = {}
    for start in starts:
        block = {v: df[(df["seed"] >= start) & (df["seed"] < start + size)]
                 .reset_index(drop=True) for v, df in runs.items()}
        verdicts[f"{start}..{start + size - 1}"] = {
            fact: r.passed for fact, r in patterns.check_all(block).items()}
    table = pd.DataFrame(verdicts).T
    pooled = patterns.check_all(runs)
    lines = [f"verdicts per block of {size} seeds (1 = the check passes):",
             table.astype(int).to_string(),
             f"blocks passed, and the verdict on all {len(seeds)} seeds:"]
    lines += [f"  {fact:8s} {table[fact].sum():2d} of {len(table)}  all seeds: "
              f"{'passes' if pooled[fact].passed else 'fails'}" for fact in table.columns]
    return lines + checks(pooled)


def _seeds(text: str) -> range:
    lo, _, hi = text.partition(":")
    return range(int(lo), int(hi))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=_seeds, default=range(30),
                        help="seeds as LOW:HIGH, HIGH excluded (default 0:30)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--blocks", type=int, metavar="SIZE",
                        help="instead of the figures: every check's verdict per block of SIZE "
                             "seeds and on all seeds")
    args = parser.parse_args(argv)
    runs = run_variants(args.seeds, args.workers)
    print(f"seeds {args.seeds.start}..{args.seeds.stop - 1}, {len(runs)} variants")
    if args.blocks:
        lines = blocks(runs, args.blocks)
    else:
        lines = figures(runs) + checks(patterns.check_all(runs))
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
