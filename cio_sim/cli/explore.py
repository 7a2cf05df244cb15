"""``cio-sim explore``: which regime wins, and under which assumptions (screening, Sobol,
pattern filter, regime comparison, scenario discovery)."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence

from .common import WIDTH, CLIError, batch_options

NAME = "explore"
HELP = "which regime wins, and under which assumptions"
DESCRIPTION = ("Run an exploration experiment: Morris screening of every assumption, Sobol "
               "indices for the ones that matter (per regime and for the differences between "
               "regimes), pattern-oriented filtering on the stylized facts, the regime "
               "comparison over the accepted parameter sets with common random numbers, and "
               "scenario discovery (PRIM). Writes report.html (one file, the figures "
               "embedded) and report.md with figures, CSV tables and runs/ (every finished "
               "run, in the batch store's format) into the output directory. Needs pip "
               "install 'cio-sim[explore]'.")
EPILOG = ("examples:\n  cio-sim explore experiments/explore_ci.toml --workers 2\n"
          "  cio-sim explore experiments/explore_study.toml --workers 2 --resume\n"
          "  cio-sim explore experiments/explore_study.toml --backend dask "
          "--scheduler tcp://host:8786")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="exploration experiment .toml file")
    batch_options(p, replications=False, report=False)


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    try:  # heavy imports only here, so 'cio-sim --help' stays fast
        from ..explore import ExploreError, load_experiment, run_exploration
        from ..explore.experiment import SCREENING_ONLY
        from ..explore.report import depends_on, not_a_result
    except ImportError as exc:
        raise CLIError(f"cio-sim explore needs its extra: pip install 'cio-sim[explore]' "
                       f"({exc})") from None
    try:
        exp = load_experiment(args.experiment)
        result = run_exploration(exp, args.out, "serial" if args.backend == "local"
                                 and args.workers <= 1 else args.backend, args.workers,
                                 args.scheduler, args.resume, args.force,
                                 progress=not args.quiet)
    except (ExploreError, ImportError) as exc:
        raise CLIError(str(exc)) from None
    info = result.info
    if exp.stages == SCREENING_ONLY:  # the Morris screening preset: no filter, no Sobol
        flips = result.tables.get("ranking_flips")
        could = "" if flips is None else (f"; {len(set(flips[flips['could_flip']]['parameter']))}"
                                          " assumption(s) could flip the ranking at the defaults")
        wrap(f"{exp.name}: Morris screening of {exp.space.dim} assumptions, "
             f"{info['screening_points']} points; {info['n_errors']} run error(s){could}")
        print(f"results: {result.out} (report.html, report.md, *.csv, figures/, runs/)")
        return 0
    reasons = not_a_result(result)
    if reasons:       # first, before any figure, box or index is printed
        wrap(f"NOT A RESULT (too small): {'; '.join(reasons)}. This run exercises the "
             "pipeline; read no conclusion from what follows.")
    kept = (f"history matching: {info['accepted']} plausible of {info['samples']} parameter "
            "sets drawn" if exp.calibration is not None else
            f"filter accepted {info['accepted']} of {info['samples']} parameter sets")
    wrap(f"{exp.name}: {exp.space.dim} assumptions; screening {info['screening_points']} "
         f"points, Sobol {info['sobol_points']} points on {len(info['selected'])} "
         f"parameters; {kept}; {info['n_errors']} run error(s)")
    for line in depends_on(result):
        text = line.lstrip("> ").replace("**", "").replace("`", "")
        if text.strip():
            wrap(text, indent="  " if text.startswith("- ") else "")
    print(f"results: {result.out} (report.html, report.md, *.csv, figures/, runs/)")
    return 0


def wrap(text: str, indent: str = "") -> None:
    """Print `text` wrapped to the CLI's width (continuation lines two further in)."""
    print("\n".join(textwrap.wrap(text, WIDTH, initial_indent="",
                                  subsequent_indent=indent + "  ", break_on_hyphens=False,
                                  break_long_words=False)))
