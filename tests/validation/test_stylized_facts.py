"""Stylized facts of the 2021 CIO-stelsel (adr_extract.md §6) as emergent patterns.

Each test runs the ``consensus_2021`` scenario (or a one-factor contrast of it) over the
seeds 0..29 (shared through the session fixture ``runs`` in conftest.py) and checks one
pattern with a stated test at alpha = 0.01 plus an effect-size floor, so a pattern that is
present but negligible still fails. Nothing in the model encodes these patterns; they follow
from the mechanisms (docs/ODD.md) and are documented with measured figures in
docs/validation.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from .conftest import N_REPS, paired

pytestmark = pytest.mark.validation

ALPHA = 0.01


def wilcoxon_greater(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """One-sided paired Wilcoxon signed-rank test of a > b: (p-value, median of a - b)."""
    x, y = paired(a, b)
    assert x.size >= N_REPS - 3, "too many replications without a value"
    p = stats.wilcoxon(x, y, alternative="greater").pvalue
    return float(p), float(np.median(x - y))


def wilcoxon_one_sample_less(x: pd.Series, bound: float) -> float:
    """One-sided one-sample Wilcoxon signed-rank test of median(x) < bound: the p-value."""
    v = x.dropna().to_numpy(dtype=float)
    return float(stats.wilcoxon(v - bound, alternative="less").pvalue)


def sign_test(successes: int, n: int) -> float:
    """One-sided binomial (sign) test of P(success) > 1/2: the p-value."""
    return float(stats.binomtest(successes, n, 0.5, alternative="greater").pvalue)


def test_p02_p32_consensus_is_hard_for_rijksbrede_items(base: pd.DataFrame) -> None:
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
    p, gap = wilcoxon_greater(base["consensus_rate_one_dept"], base["consensus_rate_q4"])
    assert p < ALPHA, f"consensus rate q4 not lower (p={p:.3g})"
    assert gap >= 0.10, f"median gap in consensus rate only {gap:.3f}"
    p2, gap2 = wilcoxon_greater(base["failed_share_q4"], base["failed_share_one_dept"])
    assert p2 < ALPHA and gap2 >= 0.05, (p2, gap2)


def test_p03_no_resolution_when_consensus_fails(runs: dict[str, pd.DataFrame]) -> None:
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
    failed = base["stalled"] + base["withdrawn"]
    assert sign_test(int((failed > 0).sum()), N_REPS) < ALPHA
    assert failed.min() >= 5
    p, diff = wilcoxon_greater(base["backlog_end"], dz["backlog_end"])
    assert p < ALPHA
    assert diff >= 0.2 * base["backlog_end"].median(), f"backlog difference only {diff}"


def test_p04_agenda_is_operational_tactical(base: pd.DataFrame) -> None:
    """#4 (ADR:L251, L532): the CIO-beraad agenda is operational-tactical, not strategic.

    Measure: strategic_agenda_share (slots spent deciding ripe strategic items) per run,
    and the strategic share of all arriving items in the same run.
    Test: one-sample one-sided Wilcoxon that the median strategic share < 0.5, alpha = 0.01;
    paired one-sided Wilcoxon that the agenda share is below the arrival share (strategic
    items are crowded out, not just scarce), alpha = 0.01.
    Floor: median strategic agenda share <= 0.25.
    """
    assert wilcoxon_one_sample_less(base["strategic_agenda_share"], 0.5) < ALPHA
    assert base["strategic_agenda_share"].median() <= 0.25
    p, _ = wilcoxon_greater(base["strategic_arrival_share"], base["strategic_agenda_share"])
    assert p < ALPHA, f"strategic items not crowded out (p={p:.3g})"


def test_p06_incidents_crowd_out_strategy(runs: dict[str, pd.DataFrame]) -> None:
    """#6 (ADR:L2237, L2401, L3454): the agenda is driven by incidents and Kamer commitments,
    and more so when incidents rise.

    Measure: exogenous_agenda_share (slots on incident and parliamentary items) and
    strategic_agenda_share; contrast: arrivals.incident_per_year doubled (8 -> 16), same seeds.
    Test: one-sided paired Wilcoxon, alpha = 0.01, that the exogenous share rises and the
    strategic share falls with the doubled incident rate (that the baseline agenda share
    exceeds the arrival share is no longer reproduced: test_p06b).
    Floor: baseline median exogenous agenda share >= 0.35; median rise >= 0.10.
    """
    base, inc = runs["base"], runs["incidents_x2"]
    p, rise = wilcoxon_greater(inc["exogenous_agenda_share"], base["exogenous_agenda_share"])
    assert p < ALPHA and rise >= 0.10, (p, rise)
    p, _ = wilcoxon_greater(base["strategic_agenda_share"], inc["strategic_agenda_share"])
    assert p < ALPHA, f"strategic share does not fall (p={p:.3g})"
    assert base["exogenous_agenda_share"].median() >= 0.35


@pytest.mark.xfail(strict=True, reason="no longer reproduced since delegates' reserves are "
                   "settled in writing: the queue is short, so urgent items no longer jump "
                   "it at baseline (docs/validation.md, #6)")
def test_p06b_exogenous_items_jump_the_queue_at_baseline(base: pd.DataFrame) -> None:
    """#6 (ADR:L2237): at baseline the agenda share of incident and parliamentary items
    exceeds their share of arrivals. Test: paired one-sided Wilcoxon, alpha = 0.01."""
    p, _ = wilcoxon_greater(base["exogenous_agenda_share"], base["exogenous_arrival_share"])
    assert p < ALPHA


def test_p07_immature_items_leak_through_the_vooroverleg(runs: dict[str, pd.DataFrame]) -> None:
    """#7 (ADR:L986, L1669): immature papers reach the CIO-beraad, which re-discusses them.

    Measure: rediscussion_share (agenda slots spent on papers below the required maturity);
    contrast: a vooroverleg as good as the CISO-raad (voorportaal.vooroverleg.quality 0.25 ->
    0.8), same seeds, to show the leak comes from the vooroverleg.
    Test: sign test that runs have rediscussion_share >= 0.10 (one-sided binomial,
    alpha = 0.01); one-sided paired Wilcoxon that the better vooroverleg lowers it,
    alpha = 0.01.
    Floor: median reduction >= half of the baseline median.
    """
    base, good = runs["base"], runs["good_vooroverleg"]
    assert sign_test(int((base["rediscussion_share"] >= 0.10).sum()), N_REPS) < ALPHA
    p, drop = wilcoxon_greater(base["rediscussion_share"], good["rediscussion_share"])
    assert p < ALPHA
    assert drop >= 0.5 * base["rediscussion_share"].median(), drop


def test_p09_same_topic_agendized_repeatedly(base: pd.DataFrame) -> None:
    """#9 (ADR:L3160, L952, L1962): the same topic comes back on the agenda repeatedly.

    Measure: mean CIO-beraad agenda appearances per decided item; share of decided items that
    appeared at least twice.
    Test: one-sample one-sided Wilcoxon that the mean appearances exceed 1 (one appearance
    would be the efficient process), alpha = 0.01.
    Floor: median of the per-run mean >= 1.5 and median share with 2+ appearances >= 0.3.
    """
    v = base["mean_agenda_appearances"].to_numpy(dtype=float)
    assert stats.wilcoxon(v - 1.0, alternative="greater").pvalue < ALPHA
    assert np.median(v) >= 1.5
    assert base["share_decided_2plus_appearances"].median() >= 0.3


def test_p13_reported_compliance_exceeds_actual(runs: dict[str, pd.DataFrame]) -> None:
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
    g = base["compliance_gap_mean"].dropna().to_numpy(dtype=float)
    assert stats.wilcoxon(g, alternative="greater").pvalue < ALPHA
    assert np.median(g) >= 0.03, np.median(g)
    assert base["compliance_gap_end"].median() > 0
    p, _ = wilcoxon_greater(base["compliance_gap_mean"], binding["compliance_gap_mean"])
    assert p < ALPHA


def test_p15_p16_parttime_cios_lack_time_and_send_delegates(
        runs: dict[str, pd.DataFrame]) -> None:
    """#15/#16 (ADR:L648, L478, L966): parttime CIOs lack time; delegates attend and cannot
    commit, so decisions are deferred.

    Measure: share of CIO-beraad seats filled by a delegate, parttime vs fulltime CIOs; share
    of the Rijksbreed attention budget used; share of ripe rounds deferred (a delegate's
    reserve blocks consensus); contrast: all_fulltime_2021, same seeds.
    Test: sign test that delegate share PT > FT per run (one-sided binomial, alpha = 0.01);
    same for attention used; one-sided paired Wilcoxon that deferrals fall and adoptions rise
    with all-fulltime CIOs, alpha = 0.01.
    Floor: median parttime delegate share >= 0.10; median adoption gain >= 2 per year.
    """
    base, ft = runs["base"], runs["all_fulltime"]
    more = int((base["delegate_share_parttime"] > base["delegate_share_fulltime"]).sum())
    assert sign_test(more, N_REPS) < ALPHA
    assert base["delegate_share_parttime"].median() >= 0.10
    busier = int((base["attention_used_parttime"] > base["attention_used_fulltime"]).sum())
    assert sign_test(busier, N_REPS) < ALPHA
    p, _ = wilcoxon_greater(base["defer_share_ripe"], ft["defer_share_ripe"])
    assert p < ALPHA
    p, gain = wilcoxon_greater(ft["adopted_per_year"], base["adopted_per_year"])
    assert p < ALPHA and gain >= 2.0, (p, gain)


def test_p18_prescriptive_kaders_are_complied_with_less(base: pd.DataFrame) -> None:
    """#18 (ADR:L1020-1024, L2243): departments resist the 'hoe'; prescriptive kaders are
    implemented less.

    Measure: per run, actual compliance of due (kader, department) pairs whose kader is above
    vs below the run's median prescriptiveness (after compromises).
    Test: one-sided paired Wilcoxon signed-rank, alpha = 0.01.
    Floor: median per-run difference >= 0.02.
    """
    p, diff = wilcoxon_greater(base["compliance_low_prescriptive"],
                               base["compliance_high_prescriptive"])
    assert p < ALPHA and diff >= 0.02, (p, diff)


def test_p24_icbr_bypasses_the_cio_beraad(base: pd.DataFrame) -> None:
    """#24 (ADR:L2965, L994, L1670): the ICBR holds the money; the CIO-beraad is sometimes
    skipped or consulted at very short notice.

    Measure: share of F/O items decided at the ICBR that never passed the CIO-beraad; median
    lead time of those items vs F/O items that went through the CIO-beraad first.
    Test: sign test that a run has bypasses (one-sided binomial, alpha = 0.01); one-sided
    paired Wilcoxon that the bypass route is faster, alpha = 0.01.
    Floor: median bypass share >= 0.05; bypass lead time <= a quarter of the CIO-beraad route.
    """
    assert sign_test(int((base["icbr_bypasses"] > 0).sum()), N_REPS) < ALPHA
    assert base["bypass_share_of_icbr_decisions"].median() >= 0.05
    p, _ = wilcoxon_greater(base["lead_time_via_cio_beraad"], base["lead_time_bypassed"])
    assert p < ALPHA
    assert base["lead_time_bypassed"].median() <= 0.25 * base["lead_time_via_cio_beraad"].median()


@pytest.mark.xfail(strict=True, reason="no longer reproduced since delegates' reserves are "
                   "settled in writing: the backlog grows in about 18 of 30 runs, not "
                   "significantly (docs/validation.md, #27)")
def test_p27_overload_backlog_grows(base: pd.DataFrame) -> None:
    """#27 (ADR:L956): too many balls in the air; the pipeline outgrows the capacity.

    Measure: open items (backlog) after year 1 and at the end of year 5; arrivals vs
    decisions per year.
    Test: sign test that the backlog grows from year 1 to year 5 (one-sided binomial,
    alpha = 0.01); one-sided paired Wilcoxon that arrivals exceed decisions, alpha = 0.01.
    Floor: median backlog ratio (end / year 1) >= 1.5.
    """
    grows = int((base["backlog_end_series"] > base["backlog_year1"]).sum())
    assert sign_test(grows, N_REPS) < ALPHA
    ratio = (base["backlog_end_series"] / base["backlog_year1"]).median()
    assert ratio >= 1.5, ratio
    p, _ = wilcoxon_greater(base["arrivals_per_year"], base["decisions_per_year"])
    assert p < ALPHA


def test_p28_cio_rijk_turnover_weakens_strategic_agenda(runs: dict[str, pd.DataFrame]) -> None:
    """#28 (ADR:L2610, L2453): discontinuity at CIO Rijk (no jaaragenda) weakens
    agenda-setting.

    Measure: within each run of a high-turnover contrast (cio_rijk.turnover_per_year 0.2 ->
    2, so that enough meetings fall in a disrupted half-year), the share of agenda slots
    spent deciding ripe strategic items at meetings with vs without a jaaragenda. Whether the
    missing reserved slot matters depends on the queue (urgent items, unripe papers), so the
    size of the effect is emergent.
    Test: one-sided paired Wilcoxon signed-rank over runs, alpha = 0.01.
    Floor: median difference >= 0.015 (about a tenth of the strategic share).
    """
    high = runs["high_turnover"]
    p, diff = wilcoxon_greater(high["strategic_share_with_jaaragenda"],
                               high["strategic_share_without_jaaragenda"])
    assert p < ALPHA and diff >= 0.015, (p, diff)


def test_p29_ciso_raad_needs_less_rework_than_cto_raad(base: pd.DataFrame) -> None:
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
    lower = int((base["rework_CISO-raad"] < base["rework_CTO-raad"]).sum())
    assert sign_test(lower, N_REPS) < ALPHA
    diff = (base["rework_CTO-raad"] - base["rework_CISO-raad"]).median()
    assert diff >= 0.10, diff
    p, extra = wilcoxon_greater(base["weeks_to_ready_technology"],
                                base["weeks_to_ready_security"])
    assert p < ALPHA and extra >= 1.0, (p, extra)
