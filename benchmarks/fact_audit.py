"""The lever measurements of the fact audit (docs/validation.md, "Fact audit"): one input moved
at a time, consensus_2021, 8 seeds (SeedSequence(20240924, spawn_key=(i,))), 5 years; prints
the median over the seeds of the measures each fact reads.

    python benchmarks/fact_audit.py       # about 30 s CPU
"""

from __future__ import annotations

import numpy as np

from cio_sim import patterns
from cio_sim.batch.seeds import run_seed
from cio_sim.model import CIOModel
from cio_sim.scenario import load_scenario

SEEDS = range(8)
LEVERS = [
    ("#24", "icbr.bypass_prob", [0.15, 0.3, 0.6],
     ["bypass_share_of_icbr_decisions", "lead_time_bypassed", "lead_time_via_cio_beraad"]),
    ("#13", "compliance.jaargesprek_detection", [0.25, 0.5, 1.0],
     ["compliance_gap_mean", "compliance_gap_end"]),
    ("#6", "arrivals.parliamentary_per_year", [4.0, 8.0, 16.0],
     ["exogenous_agenda_share", "exogenous_arrival_share"]),
    ("#29", "voorportaal.CISO-raad.quality", [0.5, 0.65, 0.8],
     ["rework_CISO-raad", "rework_CTO-raad", "weeks_to_ready_security"]),
    ("#29", "voorportaal.CTO-raad.quality", [0.5, 0.8],
     ["rework_CTO-raad", "weeks_to_ready_technology"]),
    ("#15", "attention.rijksbreed_share", [0.15, 0.25, 0.35],
     ["attention_used_parttime", "attention_used_fulltime", "delegate_share_parttime",
      "defer_share_ripe"]),
    ("#2", "positions.noise_sd", [0.075, 0.15, 0.3],
     ["consensus_rate_one_dept", "consensus_rate_q4"]),
    ("#9", "cio_beraad.maturity_required", [0.5, 0.6, 0.7],
     ["mean_agenda_appearances", "rediscussion_share"]),
    ("#4", "cio_beraad.slots", [4, 6, 9], ["strategic_agenda_share", "strategic_arrival_share"]),
    ("#18", "proposals.prescriptiveness_mean", [0.3, 0.5, 0.7],
     ["compliance_low_prescriptive", "compliance_high_prescriptive"]),
]


def medians(base: object, overrides: dict, keys: list[str]) -> dict[str, float]:
    sc = base.with_overrides(overrides, source="fact audit")
    rows = [patterns.measures(CIOModel(sc, seed=run_seed(20240924, s)).run()) for s in SEEDS]
    return {k: float(np.nanmedian([r[k] for r in rows])) for k in keys}


def main() -> int:
    base = load_scenario(patterns.BASE_SCENARIO)
    for fact, lever, values, keys in LEVERS:
        for v in values:
            got = medians(base, {lever: v}, keys)
            print(fact, lever, v, {k: round(x, 4) for k, x in got.items()}, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
