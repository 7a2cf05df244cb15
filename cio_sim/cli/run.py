"""``cio-sim run``: replicate one scenario, store every run, print its headline metrics."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .after_batch import finish, report_and_where
from .common import (
    batch_options,
    command_line,
    keeps_weekly,
    keys_option,
    scenario_with_sets,
    set_option,
    weekly_option,
)
from .format import errors_line, headline, settings_lines, summary_lines

NAME = "run"
HELP = "replicate one scenario"
DESCRIPTION = ("Run a scenario N times with seeds derived from --seed and store every run. "
               "Prints the mean and 95% confidence interval of the headline metrics and writes "
               "report.html (one file, every figure embedded; report.md beside it) into the "
               "output directory.")
EPILOG = ("examples:\n  cio-sim run consensus_2021 -n 30\n"
          "  cio-sim run scenarios/keuzematrix.toml -n 100 --workers 4 --out results/km\n"
          "  cio-sim run consensus_2021 --set regime.decision_rule=doorzettingsmacht "
          "--set regime.override_rounds=1\n"
          "  cio-sim run consensus_2021 -n 1000 --backend dask --scheduler tcp://host:8786\n"
          "  cio-sim run consensus_2021 -n 30 --resume    # after an interruption")
#: The command loads the model and batch stack (see cio_sim.cli.entry).
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="bundled scenario name (see 'cio-sim list') or a .toml path")
    set_option(p)
    batch_options(p)
    weekly_option(p)
    keys_option(p)


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..batch import Cell, execute, plan_batch

    scenario = scenario_with_sets(args.scenario, args.set)
    out = Path(args.out) if args.out else Path("results") / scenario.folder_name()
    plan = plan_batch("run", scenario.name, [Cell(0, 0, scenario)], [scenario.name],
                      args.replications, args.seed, args.workers, args.backend, out,
                      args.resume, args.force, extra={"settings": list(args.set)},
                      command=command_line(argv), weekly=keeps_weekly(args))
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    finish(result)
    print(f"{scenario.name}: {len(result.runs)} runs, seed {args.seed}, digest {plan.digest}")
    for line in settings_lines([scenario.name], args.set):
        print(line)
    print("\n".join([*summary_lines(result, headline(result, derived=False), args.keys),
                     *errors_line(result)]))
    report_and_where(result, out, args.no_report, " (manifest.json, results.sqlite)")
    return 0
