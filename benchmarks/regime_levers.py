"""One-at-a-time sweeps of the regime levers, and the delegate response to the CIO-beraad
agenda (docs/validation.md, README). Runs share seeds across settings (common random
numbers, `cio_sim.batch.seeds.run_seed`). Prints markdown tables and the wall and CPU time.

    python benchmarks/regime_levers.py delegates -n 10 --workers 2
    python benchmarks/regime_levers.py levers -n 10 --workers 2
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

import cio_sim
from cio_sim.batch.seeds import run_seed

PRESETS = ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix")
METRICS = ("adopted_per_year", "compliance_actual", "stalled", "delegate_attendance_share",
           "overrides")

#: Lever -> values; each applies to every preset (levers of the fallback change only the
#: presets with a fallback).
LEVERS: dict[str, list[Any]] = {
    "regime.override_scope": ["all", "adr_themes"],
    "regime.override_budget_per_year": [0, 2, 6, 52],
    "cio_rijk.override_threshold": [-0.1, 0.0, 0.1, 0.2],
    "compliance.override_resentment": [0.5, 0.8, 1.0],
    "regime.override_rounds": [1, 2, 3],
    "regime.decision_rule=minister_bzk (2026)": [False, True],
    "cio_beraad.reserve_settlement": ["next_round", "written_procedure"],
    "cio_beraad.written_weeks": [1, 2, 4, 8],
    "proposals.p_study": [0.0, 0.25, 0.4],
}


def one(job: tuple[str, dict[str, Any], int, int]) -> dict[str, float]:
    scenario, overrides, seed, rep = job
    s = cio_sim.CIOModel(scenario, seed=run_seed(seed, rep), overrides=overrides).run().summary()
    return {k: float(s[k]) for k in METRICS}


def run_cells(cells: list[tuple[str, dict[str, Any]]], n: int, seed: int,
              workers: int) -> list[dict[str, float]]:
    jobs = [(sc, ov, seed, r) for sc, ov in cells for r in range(n)]
    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(one, jobs, chunksize=4))
    out = []
    for i in range(len(cells)):
        chunk = rows[i * n:(i + 1) * n]
        out.append({k: float(np.nanmean([r[k] for r in chunk])) for k in METRICS})
    return out


def delegates(n: int, seed: int, workers: int) -> None:
    grid = [("cio_beraad.slots", v) for v in (4, 5, 6, 7, 8, 9, 10)] + \
           [("cio_beraad.interval_weeks", v) for v in (2, 3, 4, 5, 6, 8)]
    cells = [("consensus_2021", {key: v, "cio_beraad.reserve_settlement": s})
             for key, v in grid for s in ("next_round", "written_procedure")]
    res = run_cells(cells, n, seed, workers)
    print("| lever | value | adopted/yr, reserve = next round | adopted/yr, written "
          "procedure | stalled, next round | stalled, written | delegate share |")
    print("|---|---|---|---|---|---|---|")
    for i, (key, v) in enumerate(grid):
        a, b = res[2 * i], res[2 * i + 1]
        print(f"| {key} | {v} | {a['adopted_per_year']:.1f} | {b['adopted_per_year']:.1f} | "
              f"{a['stalled']:.1f} | {b['stalled']:.1f} | "
              f"{b['delegate_attendance_share']:.3f} |")


def _overrides(lever: str, value: Any, preset: str) -> dict[str, Any] | None:
    if lever.startswith("regime.decision_rule="):
        if preset != "doorzettingsmacht_2026":
            return {}
        return {"regime.decision_rule": "minister_bzk"} if value else {}
    return {lever: value}


def levers(n: int, seed: int, workers: int) -> None:
    cells, index = [], []
    for lever, values in LEVERS.items():
        for v in values:
            for preset in PRESETS:
                cells.append((preset, _overrides(lever, v, preset)))
                index.append((lever, v, preset))
    res = run_cells(cells, n, seed, workers)
    table: dict[tuple[str, Any], dict[str, dict[str, float]]] = {}
    for (lever, v, preset), r in zip(index, res, strict=True):
        table.setdefault((lever, v), {})[preset] = r
    short = {"consensus_2021": "C", "doorzettingsmacht_2026": "D", "keuzematrix": "K"}
    print("| lever | value | adopted/yr C / D / K | ranking by adoptions | compliance C / D / K "
          "| ranking by compliance | overrides D (5 yr) |")
    print("|---|---|---|---|---|---|---|")
    for (lever, v), by in table.items():
        ad = {p: by[p]["adopted_per_year"] for p in PRESETS}
        co = {p: by[p]["compliance_actual"] for p in PRESETS}
        rank_a = " > ".join(short[p] for p in sorted(PRESETS, key=lambda p: -ad[p]))
        rank_c = " > ".join(short[p] for p in sorted(PRESETS, key=lambda p: -co[p]))
        print(f"| {lever} | {v} | {' / '.join(f'{ad[p]:.1f}' for p in PRESETS)} | {rank_a} | "
              f"{' / '.join(f'{co[p]:.3f}' for p in PRESETS)} | {rank_c} | "
              f"{by['doorzettingsmacht_2026']['overrides']:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("delegates", "levers"))
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    wall, cpu = time.perf_counter(), time.process_time()
    (delegates if a.what == "delegates" else levers)(a.n, a.seed, a.workers)
    print(f"\nwall {time.perf_counter() - wall:.0f} s; CPU of the parent "
          f"{time.process_time() - cpu:.1f} s; {a.workers} workers")


if __name__ == "__main__":
    main()
