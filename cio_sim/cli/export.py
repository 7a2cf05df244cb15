"""``cio-sim export``: a results directory's tables (runs, weekly timeseries, summary and, for
a comparison, the paired differences) as CSV or Parquet files."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

NAME = "export"
HELP = "write a results directory's tables as CSV or Parquet"
DESCRIPTION = ("Write runs (one row per run, every metric a column, like-for-like compliance "
               "included), the weekly timeseries, the summary table (mean and 95% CI per "
               "metric and scenario) and, for a comparison, the paired table (differences "
               "against the first scenario with P(gap > delta), P(|gap| <= delta), "
               "P(gap < -delta) and the verdict) as CSV or Parquet files.")
EPILOG = ("examples:\n  cio-sim export results/consensus_2021 --csv\n"
          "  cio-sim export results/regimes --parquet --to results/regimes-export")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", help="results directory (holds manifest.json)")
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument("--csv", action="store_true", help="CSV files")
    kind.add_argument("--parquet", action="store_true",
                      help="Parquet files (needs pyarrow: pip install 'cio-sim[parquet]')")
    p.add_argument("--to", metavar="DIR", help="output folder (default: DIR/csv or DIR/parquet)")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..batch import load_results

    directory = Path(args.dir)
    result = load_results(directory)
    fmt = "parquet" if args.parquet else "csv"
    dest = Path(args.to) if args.to else directory / fmt
    status = result.manifest.get("status")
    if status != "complete":  # one snapshot of a batch still running or stopped midway
        from .common import note

        note(f"note: {directory} is {status}: {len(result.runs)} of "
             f"{result.manifest.get('runs_expected')} runs stored; the export covers those")
    paths = result.to_parquet(dest) if fmt == "parquet" else result.to_csv(dest)
    print(f"exported {len(result.runs)} runs as {fmt}: "
          + ", ".join(str(p) for p in paths))
    return 0
