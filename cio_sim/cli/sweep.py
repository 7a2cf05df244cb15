"""``cio-sim sweep``: every design point of an experiment file (grid or Latin hypercube) on
the same seeds."""

from __future__ import annotations

import argparse
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .after_batch import finish, report_and_where
from .common import WIDTH, batch_options, command_line, keys_option, positive_int, seed
from .format import errors_line

NAME = "sweep"
HELP = "run an experiment file (grid or Latin hypercube)"
DESCRIPTION = ("Run every design point of an experiment file. The file names a base scenario, "
               "replications and seed, optional fixed settings in [set], and either [grid] "
               "(dotted key = [values], full factorial) or [sample] (dotted key = [low, high], "
               "n = points; Latin hypercube with the experiment seed). Every design point uses "
               "the same seeds.")
EPILOG = ("example file:\n  scenario = \"consensus_2021\"\n  replications = 10\n  seed = 1\n"
          "  [set]\n  horizon_weeks = 104\n  [grid]\n"
          "  \"regime.decision_rule\" = [\"consensus\", \"doorzettingsmacht\"]\n"
          "  \"regime.override_rounds\" = [1, 2, 3]\n\n"
          "examples:\n  cio-sim sweep experiments/ci_sweep.toml\n"
          "  cio-sim sweep experiments/grid_override_rounds.toml --workers 4 --resume")
LOADS_STACK = True
#: The metrics the design-point table shows.
SHOWN = ("decisions_per_year", "time_to_decision_median_weeks", "compliance_actual")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="experiment .toml file")
    p.add_argument("-n", "--replications", type=positive_int, default=None,
                   help="replications instead of the file's")
    p.add_argument("--seed", type=seed, default=None, help="seed instead of the file's")
    batch_options(p, replications=False)
    p.add_argument("--weekly", action="store_true",
                   help="also keep every run's weekly table (default: summaries only)")
    keys_option(p)


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import pandas as pd

    from .. import catalogue
    from ..batch import execute, load_experiment, plan_sweep
    from ..scenario import folder_name

    exp = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / folder_name(exp.name)
    plan = plan_sweep(exp, out, args.resume, args.workers, args.backend, args.replications,
                      args.seed, args.force, command=command_line(argv), weekly=args.weekly)
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    finish(result)
    print(f"{exp.name}: {len(exp.points)} design point(s) x {plan.replications} replications "
          f"of {exp.scenario.name}, seed {plan.seed}")
    shown = [m for m in SHOWN if m in result.runs.columns]
    table = result.summary_table(shown)
    if not table.empty:
        params = pd.DataFrame([{"point": i, **pt} for i, pt in enumerate(exp.points)])
        wide = table.pivot_table(index="point", columns="metric", values="mean")
        wide = wide[[m for m in shown if m in wide.columns]]
        merged = params.merge(wide, left_on="point", right_index=True, how="left")
        if not args.keys:            # short labels as headers, their units said once below
            merged = merged.rename(columns={m: catalogue.label(m, unit=False) for m in shown})
        print(merged.head(20).to_string(
            index=False, float_format=lambda v: "not reached" if v == math.inf else f"{v:.4g}"))
        if len(merged) > 20:
            print(f"... {len(merged) - 20} more point(s)")
        print("\n".join(textwrap.wrap(
            "Means over the replications" + ("" if args.keys else " (" + "; ".join(
                f"{catalogue.label(m, unit=False).lower()}: {catalogue.unit(m)}"
                for m in shown) + ")") + "; the report has their 95% intervals.", WIDTH)))
    else:
        print("(no successful runs)")
    for line in errors_line(result):
        print(line)
    report_and_where(result, out, args.no_report)
    return 0
