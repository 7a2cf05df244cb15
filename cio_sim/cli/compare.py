"""``cio-sim compare``: several scenarios on the same seeds (common random numbers), metrics by
scenario and paired differences against a baseline."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .after_batch import finish, report_and_where
from .common import (
    CLIError,
    batch_options,
    command_line,
    keeps_weekly,
    keys_option,
    scenario_with_sets,
    set_option,
    weekly_option,
)
from .format import (
    caveat_lines,
    comparison_lines,
    errors_line,
    headline,
    paired_lines,
    settings_lines,
)

NAME = "compare"
HELP = "compare regimes with common random numbers"
DESCRIPTION = ("Run several scenarios with the same seeds and print metrics (rows) by scenario "
               "(columns) as mean ± 95% CI half-width; store the runs and write report.html "
               "(one file, every figure embedded; report.md beside it) into the output "
               "directory.")
EPILOG = ("examples:\n  cio-sim compare consensus_2021 doorzettingsmacht_2026 -n 50\n"
          "  cio-sim compare consensus_2021 keuzematrix keuzematrix_doorzettingsmacht "
          "--workers 4 --out results/regimes")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario names or paths")
    set_option(p)
    batch_options(p)
    weekly_option(p)
    p.add_argument("--all", action="store_true", help="show every metric, not the headline ones")
    keys_option(p)
    p.add_argument("--baseline", metavar="SCENARIO",
                   help="scenario the others are compared with, replication by replication "
                        "(default: the first)")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..batch import execute, plan_compare
    from ..scenario import folder_name

    scenarios = [scenario_with_sets(ref, args.set) for ref in args.scenarios]
    plan = plan_compare(scenarios, args.replications, args.seed, args.workers, args.backend,
                        None, args.resume, args.force, command=command_line(argv))
    if args.baseline is not None and args.baseline not in plan.labels:
        raise CLIError(f"--baseline: {args.baseline!r} is not among the compared scenarios "
                       f"({', '.join(plan.labels)})")
    out = Path(args.out) if args.out else Path("results") / folder_name(plan.name)
    plan = plan_compare(scenarios, args.replications, args.seed, args.workers, args.backend,
                        out, args.resume, args.force, command=command_line(argv),
                        weekly=keeps_weekly(args))
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    finish(result)
    metrics = None if args.all else headline(result)
    print(f"{' vs '.join(plan.labels)}: {plan.replications} replications each, seed "
          f"{args.seed} (common random numbers); mean ± 95% CI half-width")
    for line in settings_lines(plan.labels, args.set):
        print(line)
    print("\n".join(comparison_lines(result, metrics, args.keys)))
    print("\n".join(paired_lines(result, args.baseline, metrics, args.keys)))
    caveat = caveat_lines(result)
    if caveat:
        print()
        print("\n".join(caveat))
    for line in errors_line(result):
        print(line)
    report_and_where(result, out, args.no_report)
    return 0
