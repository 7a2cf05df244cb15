"""``cio-sim compare``: several scenarios on the same seeds (common random numbers), metrics by
scenario and paired differences against a baseline."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .after_batch import finish, report_and_where
from .common import (
    CLIError,
    batch_options,
    command_line,
    keeps_weekly,
    keys_option,
    note,
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
    sources_lines,
)

NAME = "compare"
HELP = "compare regimes with common random numbers"
DESCRIPTION = ("Run several scenarios with the same seeds and print metrics (rows) by scenario "
               "(columns) as mean ± 95% CI half-width; store the runs and write report.html "
               "(one file, every figure embedded; report.md beside it) into the output "
               "directory.")
EPILOG = ("examples:\n  cio-sim compare consensus_2021 doorzettingsmacht_2026 -n 50\n"
          "  cio-sim compare consensus_2021 keuzematrix keuzematrix_doorzettingsmacht "
          "--workers 4 --out results/regimes\n"
          "  cio-sim compare consensus_2021 doorzettingsmacht_2026 keuzematrix -n 30 "
          "--readings all\n"
          "  cio-sim compare consensus_2021 keuzematrix --readings q3_working_group,"
          "override_policy --readings-combined")
LOADS_STACK = True

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    from ..scenario import Scenario


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario names or paths")
    set_option(p)
    batch_options(p)
    weekly_option(p)
    p.add_argument("--all", action="store_true", help="show every metric, not the headline ones")
    keys_option(p)
    p.add_argument("--decompose", action="store_true",
                   help="also say where each gap to the baseline comes from: the full "
                        "factorial over the parts by which each scenario differs from the "
                        "baseline, on the same seeds (the comparison's runs are reused; "
                        "2^k - 2 extra design points per scenario with k differing parts): "
                        "main effects, interactions and what is left, in the output, the "
                        "report and decomposition/")
    p.add_argument("--baseline", metavar="SCENARIO",
                   help="scenario the others are compared with, replication by replication "
                        "(default: the first)")
    p.add_argument("--readings", metavar="NAME[,NAME...]|all",
                   help="run the comparison under each variant of these readings ('cio-sim "
                        "readings' lists them), one varied at a time from the defaults, on "
                        "the same seeds, and print per headline metric the ranking under "
                        "each variant and where it flips")
    p.add_argument("--readings-combined", action="store_true",
                   help="with --readings: every combination of their variants instead of "
                        "one at a time (warns with the count of combinations and runs)")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..batch import execute, plan_compare
    from ..scenario import folder_name

    scenarios = [scenario_with_sets(ref, args.set) for ref in args.scenarios]
    if args.readings is not None:
        if args.decompose:
            raise CLIError("--decompose and --readings: decompose the comparison at the "
                           "defaults (without --readings); a reading can be a factor of "
                           "'cio-sim decompose A B --set ...'")
        return readings_main(args, argv, scenarios)
    if args.readings_combined:
        raise CLIError("--readings-combined needs --readings NAME[,NAME...]|all")
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
    if args.decompose:
        from ..gap_sources import gap_sources

        sources = gap_sources(result, args.baseline, args.workers, args.backend,
                              args.scheduler, args.resume, args.force, not args.quiet,
                              scenarios)
        print("\n".join(sources_lines(sources, metrics, args.keys)))
    caveat = caveat_lines(result)
    if caveat:
        print()
        print("\n".join(caveat))
    for line in errors_line(result):
        print(line)
    report_and_where(result, out, args.no_report, rewrite=args.decompose)
    return 0


def readings_main(args: argparse.Namespace, argv: Sequence[str],
                  scenarios: Sequence[Scenario]) -> int:
    """``compare --readings``: the comparison under each reading variant, one batch."""
    from ..batch import execute
    from ..readings import ReadingError, names, select
    from ..robustness import Design, ReadingsComparison, combinations, plan_readings
    from ..scenario import folder_name
    from .format_readings import ranking_lines

    try:
        chosen = select(args.readings)
    except ReadingError:
        raise CLIError(f"--readings: got {args.readings!r}; allowed: 'all' or reading names "
                       f"separated by commas: {', '.join(names())}") from None
    if args.baseline is not None:
        raise CLIError("--baseline: not used with --readings (rankings compare every "
                       "scenario with every other)")
    plan = plan_readings(scenarios, chosen, args.readings_combined, args.replications,
                         args.seed, args.workers, args.backend, None, command=command_line(argv))
    out = Path(args.out) if args.out else Path("results") / folder_name(plan.name)
    plan = plan_readings(scenarios, chosen, args.readings_combined, args.replications,
                         args.seed, args.workers, args.backend, out, args.resume, args.force,
                         command_line(argv), keeps_weekly(args))
    sets = combinations(chosen, args.readings_combined)
    if args.readings_combined:
        note(f"warning: --readings-combined: {sets} combinations of {len(chosen)} readings "
             f"({len(plan.extra['readings']['assignments'])} variant sets with the scenarios "
             f"as given), {len(plan.cells)} scenario cells x {plan.replications} "
             f"replications = {plan.total} runs")
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    finish(result)
    rc = ReadingsComparison(result, Design.from_manifest(plan.extra["readings"]),
                            None if not args.all else result.metrics())
    print(f"{' vs '.join(rc.design.scenarios)} under {len(rc.design.assignments) - 1} reading "
          f"variant sets: {plan.replications} replications each, seed {args.seed} (common "
          f"random numbers); {plan.total} runs in {len(plan.cells)} cells")
    for line in settings_lines(list(rc.design.scenarios), args.set):
        print(line)
    print("\n".join(ranking_lines(rc, args.keys)))
    for line in errors_line(result):
        print(line)
    report_and_where(result, out, args.no_report)
    return 0
