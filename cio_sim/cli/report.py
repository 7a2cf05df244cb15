"""``cio-sim report``: report.html (every figure embedded) and report.md from a results
directory (which is only read), or its headline tables as Markdown."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .after_batch import write_report
from .common import PROG, CLIError

NAME = "report"
HELP = "write report.html (and report.md) from a results directory"
DESCRIPTION = ("Read a results directory and write report.html (one file, every figure "
               "embedded) and report.md beside it into it (or into --out), or print its "
               "headline tables as Markdown. The results are only read, so a read-only folder "
               "works.")
EPILOG = ("examples:\n  cio-sim report results/consensus_2021\n"
          "  cio-sim report /read-only/results --out my_report\n"
          "  cio-sim report results/regimes --markdown")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", help="results directory (holds manifest.json)")
    p.add_argument("--out", metavar="DIR", help="write the report here (default: the results "
                   "directory)")
    p.add_argument("--markdown", action="store_true",
                   help="print the headline tables (summary, paired differences) as Markdown "
                        "instead of writing the report")
    p.add_argument("--baseline", metavar="SCENARIO",
                   help="baseline of the paired differences (default: the first scenario)")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..batch import load_results
    from ..batch.store import check_output_folder

    directory = Path(args.dir)
    out = Path(args.out) if args.out else directory
    with load_results(directory) as result:
        stored, expected = len(result.runs), result.manifest.get("runs_expected")
        status = result.manifest.get("status")
        if stored == 0:
            raise CLIError(f"{directory}: no runs stored yet (status {status}); continue the "
                           "batch with --resume")
        if status != "complete":
            sys.stderr.write(f"{PROG}: note: {directory} is {status}: {stored} of {expected} "
                             "runs stored; the report covers those\n")
        if args.markdown:
            from ..report import headline_markdown

            print(headline_markdown(result, args.baseline))
            return 0
        check_output_folder(out, "--out")  # new, empty or cio-sim's; no links at its names
        try:
            report = write_report(result, out)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CLIError(f"{out}: cannot write the report here ({reason}); choose another "
                           "folder with --out") from None
    print(f"report: {report}")
    return 0
