"""``cio-sim repair``: make a damaged results directory resumable (nothing is deleted)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

NAME = "repair"
HELP = "make a damaged results directory resumable"
DESCRIPTION = ("Check a results directory. A damaged or empty results.sqlite is moved aside "
               "(renamed *.damaged-<time>, nothing is deleted) and its intact runs are copied "
               "into a new one; a damaged or missing manifest.json is rebuilt from the copy in "
               "the database; a status that is no longer true is corrected. Then --resume "
               "finishes the batch with the same results as an uninterrupted one.")
EPILOG = ("example:\n  cio-sim repair results/consensus_2021\n"
          "  cio-sim run consensus_2021 -n 30 --resume")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", help="results directory")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..batch import repair_store

    print("\n".join(repair_store(args.dir).lines()))
    return 0
